/**
 * The import on the job runner survives its worker. A child process (a portal's job runner)
 * claims the import job and is killed with SIGKILL while staging (after some batches) or inside
 * the commit transaction (rows applied, not committed); its lease runs out and another runner
 * takes the job over by itself — no button — stages only the rows still missing and commits
 * once. And a runner that is still alive but lost its lease (a paused VM) is fenced: it cannot
 * commit after the runner that took over. PostgreSQL (KONSORT_TEST_DRIVER=postgres) or PGlite.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accounts,
  type Database,
  type DatabaseHandle,
  importRuns,
  jobs,
  notifications,
  openDatabase,
} from '@konsort/db';
import { createTestDatabase, testDriver } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import type { InternalUser } from '../principal.ts';
import { makeUser } from '../testing/index.ts';
import {
  getImport,
  importJobKey,
  stagedRowCount,
  startImport,
  uploadImport,
  validateImport,
} from './imports.ts';
import { registerImportJobs } from './job.ts';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const rows = 1000;
const leaseMs = 1500;

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

/** Upload, report, start: the run is `running` and its job is enqueued, nothing else. */
async function prepare(db: Database, tag: string) {
  const { principal } = await makeUser(db, { role: 'rep' });
  const staff = principal as InternalUser;
  const run = await uploadImport(db, staff, {
    entity: 'account',
    fileName: `${tag}.csv`,
    contentBase64: Buffer.from(csv(tag)).toString('base64'),
  });
  const validated = await validateImport(db, staff, { id: run.id, mapping: run.mapping ?? {} });
  expect(validated.report!.errorCount).toBe(0);
  await startImport(db, staff, { id: run.id });
  return { staff, runId: run.id };
}

async function countTagged(db: Database, tag: string) {
  const [row] = await db
    .select({
      n: sql<number>`count(*)::int`,
      distinctNames: sql<number>`count(distinct ${accounts.name})::int`,
    })
    .from(accounts)
    .where(sql`${accounts.name} like ${`Crash ${tag} %`}`);
  return { n: Number(row!.n), distinctNames: Number(row!.distinctNames) };
}

async function jobOf(db: Database, runId: string) {
  const [job] = await db
    .select()
    .from(jobs)
    .where(eq(jobs.dedupeKey, importJobKey(runId)));
  return job!;
}

async function notificationsOf(db: Database, userId: string, runId: string) {
  return db
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), sql`${notifications.params} ->> 'importId' = ${runId}`));
}

const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

for (const killAt of ['batch:3', 'commit'] as const) {
  it(`SIGKILL ${killAt === 'commit' ? 'inside the commit transaction' : 'while staging'}: nothing imported; once the lease runs out another runner finishes it, every row once`, async () => {
    const tag = killAt.replace(':', '');
    const target = await database();
    let handle = await target.open();
    const { staff, runId } = await prepare(handle.db, tag);
    await target.release(handle);

    const child = await runChild({ ...target.env, IMPORT_KILL_AT: killAt, IMPORT_LEASE_MS: String(leaseMs) });
    expect(child.out).toContain('KILLED');
    expect(child.out).not.toContain('DONE');

    handle = await target.open();
    try {
      const db = handle.db;
      expect(await countTagged(db, tag)).toEqual({ n: 0, distinctNames: 0 });
      const [run] = await db.select().from(importRuns).where(eq(importRuns.id, runId));
      expect(run!.status).toBe('running');
      const orphaned = await jobOf(db, runId);
      expect(orphaned).toMatchObject({ status: 'pending', attempts: 1, lockedBy: 'crash-child' });
      expect(orphaned.lockedUntil).not.toBeNull(); // the dead worker's lease, left to run out
      const alreadyStaged = killAt === 'batch:3' ? 300 : rows;
      expect(run!.rowsDone).toBe(alreadyStaged);
      expect(await stagedRowCount(db, runId)).toBe(alreadyStaged);
      // The job is still there: pressing "start" again is refused, the runner will resume it.
      await expect(startImport(db, staff, { id: runId })).rejects.toMatchObject({
        key: 'csv.alreadyRunning',
      });
      expect((await getImport(db, staff, runId)).stale).toBe(false);

      // Another process's runner: it polls until the dead worker's lease has run out.
      let stagedByTakeover = 0;
      const runner = new JobRunner({ db, workerId: 'takeover', pollMs: 100, logger: quiet });
      registerImportJobs(runner, db, {
        leaseMs,
        run: {
          batchSize: 250,
          onBatch: (_done, stagedNow) => {
            stagedByTakeover = stagedNow;
          },
        },
      });
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (await jobOf(db, runId)).status === 'pending') {
        await runner.drain();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await jobOf(db, runId)).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'takeover' });
      const [done] = await db.select().from(importRuns).where(eq(importRuns.id, runId));
      expect(done).toMatchObject({ status: 'completed', createdCount: rows, rowsDone: rows });
      // Chunks the dead worker staged were not staged again.
      expect(stagedByTakeover).toBe(rows - alreadyStaged);
      expect(await countTagged(db, tag)).toEqual({ n: rows, distinctNames: rows });
      expect(await stagedRowCount(db, runId)).toBe(0);
      expect(await notificationsOf(db, staff.userId, runId)).toEqual([{ kind: 'import.completed' }]);
      // A further drain finds nothing to do.
      expect(await runner.drain()).toBe(0);
      expect((await countTagged(db, tag)).n).toBe(rows);
    } finally {
      await target.release(handle);
    }
  }, 120_000);
}

it('a runner that lost its lease (paused, not dead) cannot commit after the one that took over', async () => {
  const handle = await createTestDatabase();
  cleanups.push(() => handle.destroy());
  const db = handle.db;
  const tag = 'paused';
  const { staff, runId } = await prepare(db, tag);
  const warnings: string[] = [];
  const logger: JobLogger = { info: () => {}, warn: (_o, msg) => warnings.push(msg), error: () => {} };
  // B's clock is an hour ahead: to it, A's lease ran out long ago.
  const b = new JobRunner({ db, workerId: 'B', logger, clock: () => new Date(Date.now() + 3_600_000) });
  registerImportJobs(b, db, { run: { batchSize: 100 } });
  const a = new JobRunner({ db, workerId: 'A', logger });
  let batches = 0;
  let aCommitted = false;
  registerImportJobs(a, db, {
    run: {
      batchSize: 100,
      async onBatch() {
        // A stalls after its third batch; meanwhile B claims the job and finishes the import.
        if (++batches === 3) expect(await b.drain()).toBe(1);
      },
      afterApply() {
        aCommitted = true;
      },
    },
  });
  expect(await a.drain()).toBe(1);
  expect(aCommitted).toBe(false);
  expect(warnings).toContain('job lease lost; another worker has it');
  expect(await jobOf(db, runId)).toMatchObject({ status: 'done', lockedBy: 'B' });
  const [run] = await db.select().from(importRuns).where(eq(importRuns.id, runId));
  expect(run).toMatchObject({ status: 'completed', createdCount: rows });
  expect(await countTagged(db, tag)).toEqual({ n: rows, distinctNames: rows });
  expect(await notificationsOf(db, staff.userId, runId)).toEqual([{ kind: 'import.completed' }]);
}, 120_000);
