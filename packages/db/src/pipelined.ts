import { is, type SQL } from 'drizzle-orm';
import { type PgDialect, PgTransaction } from 'drizzle-orm/pg-core';
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import type { ReservedSql, Sql } from 'postgres';
import type { Database, Transaction } from './index.ts';

export interface PipelineOptions {
  /**
   * Send BEGIN and the preamble in the same write as the first query instead of waiting for
   * each (one round trip instead of three). Only for work that reads: see `openTransaction`.
   */
  pipeline: boolean;
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

/**
 * Runs `fn` in a transaction whose first statement is `preamble` (for row-level security: the
 * principal's identity with `set_config(…, true)`, so it ends with the transaction).
 *
 * On PostgreSQL a reserved connection carries the transaction, and for reads (`pipeline`) the
 * BEGIN, the preamble and the first query leave in one write: postgres.js sends a reserved
 * connection's queries in the order they were issued, and both are issued here before `fn`
 * runs, so no query of `fn` can reach the server ahead of them. Should BEGIN or the preamble
 * fail, the result of `fn` is thrown away and the error raised: a read that ran without the
 * identity never leaves this function. Writes (`pipeline: false`) wait for the preamble before
 * `fn` runs, so nothing is written outside the principal's transaction. COMMIT of a read is sent
 * without waiting for it: the connection returns to the pool behind it, and whoever uses it next
 * is queued after it on the same socket.
 *
 * Elsewhere (PGlite, nested) it is a drizzle transaction (or savepoint) with the preamble first.
 */
export async function transactionWithPreamble<T>(
  db: Database,
  /** The statement that opens the transaction's context (who is asking), right after BEGIN. */
  preamble: SQL,
  options: PipelineOptions,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const client = postgresClientOf(db);
  if (!client) {
    return db.transaction(async (tx) => {
      await tx.execute(preamble);
      return fn(tx);
    });
  }
  const { sql: text, params } = (db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(preamble);
  const reserved = await client.reserve();
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      reserved.release();
    }
  };
  try {
    const opened = Promise.all([
      reserved.unsafe('begin').execute(),
      reserved.unsafe(text, params as never).execute(),
    ]);
    // Observed at once so a failure is never an unhandled rejection; awaited below.
    const openedResult = opened.then(
      () => null,
      (error: unknown) => ({ error }),
    );
    if (!options.pipeline) {
      const failed = await openedResult;
      if (failed) throw failed.error;
    }
    let result: T;
    try {
      result = await fn(transactionOver(db, reserved));
      const failed = await openedResult;
      if (failed) throw failed.error;
    } catch (error) {
      await reserved
        .unsafe('rollback')
        .execute()
        .catch(() => {});
      throw error;
    }
    if (options.pipeline) {
      // Reads: the result is final; COMMIT only ends the snapshot. Queued ahead of the next user.
      reserved
        .unsafe('commit')
        .execute()
        .catch(() => {});
    } else {
      await reserved.unsafe('commit').execute();
    }
    return result;
  } finally {
    release();
  }
}

/**
 * A drizzle transaction over a reserved postgres.js connection whose transaction is already
 * open. drizzle nests `transaction()` as `client.savepoint(fn)`, which a reserved connection
 * lacks: it is provided here with uniquely named savepoints.
 */
function transactionOver(db: Database, reserved: ReservedSql): Transaction {
  const base = (db as unknown as { session: PostgresJsSession<Sql, Record<string, unknown>, never> }).session;
  let savepoints = 0;
  interface SavepointClient {
    unsafe: ReservedSql['unsafe'];
    savepoint<R>(body: (c: SavepointClient) => Promise<R>): Promise<R>;
  }
  const client: SavepointClient = {
    unsafe: (query, params, queryOptions) => reserved.unsafe(query, params, queryOptions),
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
