/**
 * The import as a job: starting it enqueues a job (and runs nothing in the request), the job
 * runner runs it, the page's progress follows the job batch by batch, the user is notified when
 * it ends — and rows the database refuses at commit time are named with line, column and reason
 * in the user's language, with nothing of the file written.
 */
import { accounts, contacts, type Database, importRuns, jobs, notifications } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import type { InternalUser } from '../principal.ts';
import { callerFor, makeAccount, makeUser } from '../testing/index.ts';
import { getImport, importJobKey, runImportJob, stagedRowCount, startImport } from './imports.ts';
import { registerImportJobs } from './job.ts';

let t: TestDatabase;
let db: Database;
let rep: InternalUser;

const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  rep = (await makeUser(db, { role: 'rep', locale: 'de' })).principal as InternalUser;
});
afterAll(async () => {
  await t?.destroy();
});

async function uploadAndValidate(entity: 'account' | 'contact', text: string) {
  const { caller } = callerFor(db, rep);
  const uploaded = await caller.csvImport.upload({
    entity,
    fileName: `${entity}-job.csv`,
    contentBase64: Buffer.from(text, 'utf8').toString('base64'),
  });
  const validated = await caller.csvImport.validate({ id: uploaded.id, mapping: uploaded.mapping ?? {} });
  expect(validated.report!.errorCount).toBe(0);
  return { caller, id: uploaded.id };
}

const notificationsOf = (runId: string) =>
  db
    .select({ kind: notifications.kind, params: notifications.params })
    .from(notifications)
    .where(and(eq(notifications.userId, rep.userId), sql`${notifications.params} ->> 'importId' = ${runId}`));

describe('the import job', () => {
  it('start enqueues the job; the runner runs it; the page follows its progress; the user is notified', async () => {
    const lines = ['Name;Straße;PLZ;Ort;Land'];
    for (let i = 0; i < 30; i++) lines.push(`Fortschritt ${i} GmbH;Weg ${i + 1};10115;Berlin;DE`);
    const { caller, id } = await uploadAndValidate('account', lines.join('\n'));

    const started = await caller.csvImport.start({ id });
    expect(started.status).toBe('running');
    // The request ran nothing: the job waits in the queue, once per run.
    const [job] = await db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, importJobKey(id)));
    expect(job).toMatchObject({ kind: 'csv.import', status: 'pending', attempts: 0 });
    expect((await getImport(db, rep, id)).progress).toMatchObject({ phase: 'staging', rowsDone: 0 });
    await expect(caller.csvImport.start({ id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'csv.alreadyRunning',
    });

    // What the page's poll would show after each batch, and when the commit begins.
    const seen: { phase: string; percent: number }[] = [];
    const runner = new JobRunner({ db, logger: quiet });
    registerImportJobs(runner, db, {
      run: {
        batchSize: 10,
        onBatch: async () => {
          const { progress } = await getImport(db, rep, id);
          seen.push({ phase: progress.phase, percent: progress.percent });
        },
        onCommit: async () => {
          const { progress } = await getImport(db, rep, id);
          seen.push({ phase: progress.phase, percent: progress.percent });
        },
      },
    });
    expect(await runner.drain()).toBe(1);
    expect(seen).toEqual([
      { phase: 'staging', percent: 33 },
      { phase: 'staging', percent: 66 },
      { phase: 'committing', percent: 100 },
      // The final flush (nothing left to stage) and the commit.
      { phase: 'committing', percent: 100 },
      { phase: 'committing', percent: 100 },
    ]);
    const done = await getImport(db, rep, id);
    expect(done).toMatchObject({ status: 'completed', createdCount: 30, stale: false, waiting: false });
    expect(done.job).toMatchObject({ status: 'done', attempts: 1 });
    expect(await notificationsOf(id)).toEqual([
      {
        kind: 'import.completed',
        params: { importId: id, fileName: 'account-job.csv', created: 30, updated: 0, skipped: 0 },
      },
    ]);
  });

  it('rows the database refuses at commit: line, column and reason in German, nothing of the file written', async () => {
    const stays = await makeAccount(db, rep.userId, { name: 'Bleibt AG' });
    const goes = await makeAccount(db, rep.userId, { name: 'Verschwindet GmbH' });
    const text = [
      'Firma,Vorname,Nachname,E-Mail',
      'Bleibt AG,Anna,Abel,anna@bleibt.example',
      'Verschwindet GmbH,Bernd,Bode,bernd@verschwindet.example',
      'Bleibt AG,Clara,Claas,clara@bleibt.example',
    ].join('\n');
    const { id } = await uploadAndValidate('contact', text);
    await startImport(db, rep, { id });
    const done = await runImportJob(db, rep, id, {
      batchSize: 2,
      // After staging, before the commit: the account of line 3 is deleted outright.
      onCommit: async () => {
        await db.delete(accounts).where(eq(accounts.id, goes.id));
      },
    });
    expect(done).toMatchObject({ status: 'failed', error: 'csv.commitRejected', createdCount: 0 });
    const report = done.report as { errorCount: number; errors: unknown[] };
    expect(report.errorCount).toBe(1);
    expect(report.errors).toEqual([
      {
        line: 3,
        column: 'Firma',
        key: 'csv.commitReference',
        message:
          'Ein Datensatz, auf den diese Zeile verweist (Firma oder Verantwortlicher), existiert nicht mehr.',
      },
    ]);
    // All or nothing: the two good rows are not there either, and the staging is cleared.
    expect(await db.select().from(contacts).where(eq(contacts.accountId, stays.id))).toEqual([]);
    expect(await stagedRowCount(db, id)).toBe(0);
    const [run] = await db.select().from(importRuns).where(eq(importRuns.id, id));
    expect(run!.finishedAt).toBeInstanceOf(Date);
    expect(await notificationsOf(id)).toEqual([
      {
        kind: 'import.failed',
        params: {
          importId: id,
          fileName: 'contact-job.csv',
          reason:
            'Die Datenbank hat Zeilen der Datei abgelehnt (siehe Liste); es wurde nichts importiert. Bitte korrigieren und die Datei erneut importieren.',
        },
      },
    ]);
  });

  it('a job that gave up leaves the run resumable; resuming re-arms the same job, which finishes it', async () => {
    const { caller, id } = await uploadAndValidate(
      'account',
      'Name;Straße;PLZ;Ort;Land\nAufgegeben GmbH;Ring 1;50667;Köln;DE',
    );
    await caller.csvImport.start({ id });
    // As if every worker that claimed it had died: the runner gave the job up.
    await db
      .update(jobs)
      .set({ status: 'failed', attempts: 8, lastError: 'attempts exhausted' })
      .where(eq(jobs.dedupeKey, importJobKey(id)));
    expect(await getImport(db, rep, id)).toMatchObject({ status: 'running', stale: true });
    await caller.csvImport.start({ id });
    const [job] = await db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, importJobKey(id)));
    expect(job).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    const runner = new JobRunner({ db, logger: quiet });
    registerImportJobs(runner, db);
    // (It also finds the jobs of the runs the tests above ran directly: their runs are over.)
    expect(await runner.drain()).toBeGreaterThanOrEqual(1);
    expect(await getImport(db, rep, id)).toMatchObject({ status: 'completed', createdCount: 1 });
  });
});
