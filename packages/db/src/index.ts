import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import * as schema from './schema/index.ts';

export * from './schema/index.ts';
export { schema };

export type Schema = typeof schema;
/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: domain functions accept both. */
export type Executor = Database | Transaction;

export type Driver = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  driver: Driver;
  /** The raw client, for benchmarks and tests that compare against plain SQL. */
  raw: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; client: Sql; url: string };
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL selects postgres.js; anything else (or nothing) selects embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` for an in-memory database. Default `.data/pglite`. */
  dataDir?: string | undefined;
  /** A PGlite data directory tarball to start from (tests load a migrated template). */
  loadDataDir?: Blob | undefined;
  /** Apply pending migrations before returning (the app does, at start-up). Default true. */
  migrate?: boolean | undefined;
  /** postgres.js pool size. */
  maxConnections?: number | undefined;
}

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../drizzle');

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const handle = isPostgresUrl(options.url)
    ? await openPostgres(options.url, options.maxConnections ?? 10)
    : await openPglite(options.dataDir ?? '.data/pglite', options.loadDataDir);
  if (options.migrate !== false) await migrate(handle);
  return handle;
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'konsort' } });
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'postgres',
    raw: { kind: 'postgres', client, url },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string, loadDataDir: Blob | undefined): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    raw: { kind: 'pglite', client },
    close: () => client.close(),
  };
}

/** Applies the committed drizzle-kit migrations; an embedded database upgrades in place. */
export async function migrate(handle: DatabaseHandle): Promise<void> {
  if (handle.raw.kind === 'postgres') {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    // A dedicated single connection: a concurrent start of two processes serialises on the lock.
    const { default: postgres } = await import('postgres');
    const single = postgres(handle.raw.url, { max: 1, onnotice: () => {} });
    try {
      await single`select pg_advisory_lock(727274)`;
      await run(drizzle(single), { migrationsFolder });
    } finally {
      await single.end({ timeout: 5 });
    }
    return;
  }
  const { migrate: run } = await import('drizzle-orm/pglite/migrator');
  await run(handle.db as never, { migrationsFolder });
}

export interface PgErrorInfo {
  code: string;
  message: string;
  constraint?: string | undefined;
}

/**
 * drizzle wraps driver errors ("Failed query: …"); the Postgres error with its SQLSTATE sits in
 * the cause chain. Both drivers expose `code`, and `constraint` (postgres.js: constraint_name).
 */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const candidate = e as {
      code?: unknown;
      message?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
    };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      const constraint = candidate.constraint ?? candidate.constraint_name;
      return {
        code: candidate.code,
        message: String(candidate.message ?? ''),
        constraint: typeof constraint === 'string' ? constraint : undefined,
      };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export { type PipelineOptions, transactionWithSettings } from './pipelined.ts';
