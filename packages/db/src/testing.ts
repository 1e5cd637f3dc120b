/**
 * Test databases, cheap and fresh (STYLE.md): migrate once into a template, then copy per test
 * file. PGlite: a migrated data-dir tarball kept in memory per worker; PostgreSQL: a template
 * database cloned with CREATE DATABASE … TEMPLATE.
 */
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from './index.ts';
import { openDatabase } from './index.ts';

export const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let pgliteTemplate: Promise<Blob> | undefined;

async function migratedPgliteTarball(): Promise<Blob> {
  const template = await openDatabase({ dataDir: 'memory://' });
  if (template.raw.kind !== 'pglite') throw new Error('expected PGlite');
  const blob = await template.raw.client.dumpDataDir('none');
  await template.close();
  return blob;
}

/** The driver the current test run targets: `KONSORT_TEST_DRIVER=postgres` for the system suite. */
export function testDriver(env: NodeJS.ProcessEnv = process.env): 'pglite' | 'postgres' {
  return env.KONSORT_TEST_DRIVER === 'postgres' ? 'postgres' : 'pglite';
}

export interface TestDatabase extends DatabaseHandle {
  /** Drops the database (PostgreSQL) or closes it (PGlite). */
  destroy(): Promise<void>;
  name: string;
}

export async function createTestDatabase(driver = testDriver()): Promise<TestDatabase> {
  if (driver === 'pglite') {
    pgliteTemplate ??= migratedPgliteTarball();
    const handle = await openDatabase({ dataDir: 'memory://', loadDataDir: await pgliteTemplate });
    return { ...handle, name: 'pglite', destroy: () => handle.close() };
  }
  const adminUrl = process.env.KONSORT_TEST_ADMIN_URL ?? ADMIN_URL;
  const { default: postgres } = await import('postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = process.env.KONSORT_TEST_TEMPLATE ?? 'konsort_test_template';
  const name = `konsort_test_${randomBytes(6).toString('hex')}`;
  try {
    // Cloning needs the template free of connections: clone under the lock that migrates it.
    await ensureTemplate(admin, adminUrl, template, () =>
      admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`),
    );
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(adminUrl, name);
  const handle = await openDatabase({ url, migrate: false, maxConnections: 5 });
  return {
    ...handle,
    name,
    async destroy() {
      await handle.close();
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await again.end({ timeout: 5 });
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The template is built once per run under an advisory lock (vitest runs files in parallel
 * workers); it is rebuilt when the migrations changed, recognised by their count.
 */
async function ensureTemplate(
  admin: import('postgres').Sql,
  adminUrl: string,
  template: string,
  clone: () => Promise<unknown>,
) {
  await admin`select pg_advisory_lock(727275)`;
  try {
    await prepareTemplate(admin, adminUrl, template);
    await clone();
  } finally {
    await admin`select pg_advisory_unlock(727275)`;
  }
}

async function prepareTemplate(admin: import('postgres').Sql, adminUrl: string, template: string) {
  const exists = await admin`select 1 from pg_database where datname = ${template}`;
  if (exists.length > 0) {
    const handle = await openDatabase({
      url: withDatabase(adminUrl, template),
      migrate: false,
      maxConnections: 1,
    });
    try {
      // Re-applying migrations is a no-op when the template is current.
      const { migrate } = await import('./index.ts');
      await migrate(handle);
    } finally {
      await handle.close();
    }
    return;
  }
  await admin.unsafe(`CREATE DATABASE "${template}"`);
  const handle = await openDatabase({ url: withDatabase(adminUrl, template), maxConnections: 1 });
  await handle.close();
}
