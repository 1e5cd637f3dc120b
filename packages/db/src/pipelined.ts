import { is, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import type { ReservedSql, Sql } from 'postgres';
import type { Database, Transaction } from './index.ts';

export interface PipelineOptions {
  /**
   * Send BEGIN and the settings in the same write as the first query instead of waiting for
   * each (one round trip instead of three). Only for work that reads: see `openTransaction`.
   */
  pipeline: boolean;
  /**
   * On PostgreSQL, keep the transaction's statements prepared on their connection (drizzle sends
   * each unprepared, so Postgres plans it on every call). Worth it where planning costs more
   * than running, as under row-level security (decision 021).
   */
  prepare?: boolean;
}

/**
 * The postgres.js client under a top-level drizzle database, or undefined (PGlite, or already a
 * transaction: there a nested transaction is a savepoint and round trips are not the question).
 */
function postgresClientOf(db: Database): Sql | undefined {
  if (is(db, PgTransaction)) return undefined;
  const session = (db as unknown as { session?: unknown }).session;
  if (!is(session, PostgresJsSession)) return undefined;
  return (session as unknown as { client: Sql }).client;
}

/** Setting names and values that can be written into a statement as they are. */
const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.:-]*$/;

/**
 * Runs `fn` in a transaction that starts with `settings` set for the transaction only
 * (`set_config(name, value, true)`; `role` is SET ROLE): for row-level security, who is asking.
 * They end with the transaction, so a pooled connection never keeps them.
 *
 * On PostgreSQL a reserved connection carries the transaction. BEGIN and the settings are one
 * simple-protocol message (names and values are checked against a strict alphabet, so they can
 * be written as literals). For reads (`pipeline`) that message and the first query of `fn`
 * leave in one write: postgres.js sends a reserved connection's messages in the order they were
 * issued, and the opening one is issued here before `fn` runs, so no query of `fn` can reach the
 * server ahead of it. Should the opening fail, the result of `fn` is thrown away and the error
 * raised: a read that ran without its settings never leaves this function. Writes
 * (`pipeline: false`) wait for the opening before `fn` runs. COMMIT of a read is not waited for:
 * the connection returns to the pool behind it, and whoever uses it next is queued after it on
 * the same socket.
 *
 * Elsewhere (PGlite, or already in a transaction) it is a drizzle transaction (or savepoint)
 * whose first statement sets them.
 */
export async function transactionWithSettings<T>(
  db: Database,
  settings: Readonly<Record<string, string>>,
  options: PipelineOptions,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const entries = Object.entries(settings);
  for (const [name, value] of entries) {
    if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(value)) {
      throw new Error(`transactionWithSettings: refused setting ${JSON.stringify(name)}`);
    }
  }
  const client = postgresClientOf(db);
  if (!client) {
    return db.transaction(async (tx) => {
      if (entries.length) {
        await tx.execute(
          sql`select ${sql.join(
            entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
            sql`, `,
          )}`,
        );
      }
      return fn(tx);
    });
  }
  const opening = entries.length
    ? `begin; select ${entries.map(([name, value]) => `set_config('${name}', '${value}', true)`).join(', ')}`
    : 'begin';
  const reserved = await client.reserve();
  try {
    // Observed at once so a failure is never an unhandled rejection; awaited below.
    const opened = reserved
      .unsafe(opening)
      .simple()
      .execute()
      .then(
        () => null,
        (error: unknown) => ({ error }),
      );
    const openedOrThrow = async () => {
      const failed = await opened;
      if (failed) throw failed.error;
    };
    let result: T;
    try {
      if (!options.pipeline) await openedOrThrow();
      result = await fn(transactionOver(db, reserved, options.prepare ?? false));
      await openedOrThrow();
    } catch (error) {
      // Also when the opening failed: BEGIN went through and left the block aborted, which must
      // not go back to the pool.
      await reserved
        .unsafe('rollback')
        .simple()
        .execute()
        .catch(() => {});
      throw error;
    }
    const committed = reserved.unsafe('commit').simple().execute();
    if (options.pipeline) {
      // A read's result is final; COMMIT only ends its snapshot.
      committed.catch(() => {});
    } else {
      await committed;
    }
    return result;
  } finally {
    reserved.release();
  }
}

/**
 * A drizzle transaction over a reserved postgres.js connection whose transaction is already
 * open. drizzle nests `transaction()` as `client.savepoint(fn)`, which a reserved connection
 * lacks: it is provided here with uniquely named savepoints.
 */
function transactionOver(db: Database, reserved: ReservedSql, prepare: boolean): Transaction {
  const base = (db as unknown as { session: PostgresJsSession<Sql, Record<string, unknown>, never> }).session;
  let savepoints = 0;
  interface SavepointClient {
    unsafe: ReservedSql['unsafe'];
    savepoint<R>(body: (c: SavepointClient) => Promise<R>): Promise<R>;
  }
  const client: SavepointClient = {
    unsafe: (query, params, queryOptions) =>
      reserved.unsafe(query, params, prepare ? { prepare: true, ...queryOptions } : queryOptions),
    savepoint: async (body) => {
      const name = `konsort_sp_${++savepoints}`;
      await reserved.unsafe(`savepoint ${name}`);
      try {
        const out = await body(client);
        await reserved.unsafe(`release savepoint ${name}`);
        return out;
      } catch (error) {
        await reserved.unsafe(`rollback to savepoint ${name}`);
        throw error;
      }
    },
  };
  const internals = base as unknown as { dialect: never; schema: never; options: never };
  const session = new PostgresJsSession(
    client as never,
    internals.dialect,
    internals.schema,
    internals.options,
  );
  return new PostgresJsTransaction(internals.dialect, session, internals.schema) as unknown as Transaction;
}
