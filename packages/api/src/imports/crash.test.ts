/**
 * A process killed with SIGKILL in the middle of an import: while staging (after some batches)
 * and inside the commit transaction (rows applied, not committed). Either way the accounts
 * table holds none of the file afterwards, and a rerun finishes it exactly once: no duplicates.
 * The job runs in a child process against PostgreSQL (KONSORT_TEST_DRIVER=postgres) or a PGlite
 * data directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accounts, type DatabaseHandle, importRuns, openDatabase } from '@konsort/db';
import { createTestDatabase, testDriver } from '@konsort/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import type { InternalUser } from '../principal.ts';
import { makeUser } from '../testing/index.ts';
import { runImportJob, stagedRowCount, startImport, uploadImport, validateImport } from './imports.ts';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const rows = 1000;

function csv(tag: string): string {
  const lines = ['Name;Straße;PLZ;Ort;Land'];
  for (let i = 0; i < rows; i++) lines.push(`Crash ${tag} ${i} GmbH;Weg ${i + 1};10115;Berlin;DE`);
  return lines.join('\n');
}

/** A database the child can open: PostgreSQL by URL, or a PGlite directory the parent closed. */
async function database(): Promise<{
  open: () => Promise<DatabaseHandle>;
  release: (h: DatabaseHandle) => Promise<void>;
  env: Record<string, string>;
}> {
  if (testDriver() === 'postgres') {
    const handle = await createTestDatabase('postgres');
    cleanups.push(() => handle.destroy());
    if (handle.raw.kind !== 'postgres') throw new Error('expected postgres');
    return { open: async () => handle, release: async () => {}, env: { IMPORT_DB_URL: handle.raw.url } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'konsort-import-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return {
    open: () => openDatabase({ dataDir: dir }),
    release: (h) => h.close(),
    env: { IMPORT_PGLITE_DIR: dir },
  };
}

function runChild(
  env: Record<string, string>,
): Promise<{ out: string; signal: string | null; code: number | null }> {
  const child = spawn(join(packageDir, 'node_modules/.bin/tsx'), [join(here, 'import-test-child.ts')], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ out, code, signal })));
}

async function prepare(tag: string) {
  const target = await database();
  const handle = await target.open();
  const { principal } = await makeUser(handle.db, { role: 'rep' });
  const staff = principal as InternalUser;
  const run = await uploadImport(handle.db, staff, {
    entity: 'account',
    fileName: `${tag}.csv`,
    contentBase64: Buffer.from(csv(tag)).toString('base64'),
  });
  const validated = await validateImport(handle.db, staff, { id: run.id, mapping: run.mapping ?? {} });
  expect(validated.report!.errorCount).toBe(0);
  await startImport(handle.db, staff, { id: run.id });
  await target.release(handle);
  return { target, staff, runId: run.id };
}

async function countTagged(handle: DatabaseHandle, tag: string) {
  const [row] = await handle.db
    .select({
      n: sql<number>`count(*)::int`,
      distinctNames: sql<number>`count(distinct ${accounts.name})::int`,
    })
    .from(accounts)
    .where(sql`${accounts.name} like ${`Crash ${tag} %`}`);
  return { n: Number(row!.n), distinctNames: Number(row!.distinctNames) };
}

for (const killAt of ['batch:3', 'commit'] as const) {
  it(`SIGKILL ${killAt === 'commit' ? 'inside the commit transaction' : 'while staging'}: nothing imported, the rerun imports every row once`, async () => {
    const tag = killAt.replace(':', '');
    const { target, staff, runId } = await prepare(tag);
    const child = await runChild({
      ...target.env,
      IMPORT_RUN_ID: runId,
      IMPORT_USER_ID: staff.userId,
      IMPORT_KILL_AT: killAt,
    });
    expect(child.out).toContain('KILLED');
    expect(child.out).not.toContain('DONE');

    const handle = await target.open();
    try {
      expect(await countTagged(handle, tag)).toEqual({ n: 0, distinctNames: 0 });
      const [run] = await handle.db.select().from(importRuns).where(eq(importRuns.id, runId));
      expect(run!.status).toBe('running');
      if (killAt === 'batch:3') {
        expect(run!.rowsDone).toBe(300);
        expect(await stagedRowCount(handle.db, runId)).toBe(300);
      }
      // The page offers "resume" once the heartbeat is stale; a live run cannot be started twice.
      await expect(startImport(handle.db, staff, { id: runId })).rejects.toMatchObject({
        key: 'csv.alreadyRunning',
      });
      await startImport(handle.db, staff, { id: runId }, new Date(Date.now() + 5 * 60_000));
      const done = await runImportJob(handle.db, staff, runId, { batchSize: 250 });
      expect(done).toMatchObject({ status: 'completed', createdCount: rows, rowsDone: rows });
      expect(await countTagged(handle, tag)).toEqual({ n: rows, distinctNames: rows });
      expect(await stagedRowCount(handle.db, runId)).toBe(0);
      // A second run of the job after completion changes nothing.
      await runImportJob(handle.db, staff, runId);
      expect((await countTagged(handle, tag)).n).toBe(rows);
    } finally {
      await target.release(handle);
    }
  }, 120_000);
}
