/**
 * A portal process's job runner, for the crash test: claims the import job like `pnpm start`
 * does and kills itself with SIGKILL at the point the test names — no cleanup, no rollback by
 * us, no lease handed back, like a power cut.
 * env: IMPORT_DB_URL (postgres://…) or IMPORT_PGLITE_DIR; IMPORT_LEASE_MS; IMPORT_KILL_AT =
 * `batch:<n>` (after the n-th staged batch) or `commit` (inside the commit transaction, after
 * the rows were applied, before it commits).
 */
import { openDatabase } from '@konsort/db';
import { JobRunner } from '../jobs/runner.ts';
import { registerImportJobs } from './job.ts';

const handle = await openDatabase({
  url: process.env.IMPORT_DB_URL,
  dataDir: process.env.IMPORT_PGLITE_DIR,
  maxConnections: 2,
  migrate: false,
});
const killAt = process.env.IMPORT_KILL_AT ?? '';
const die = (where: string) => {
  process.stdout.write(`KILLED ${where}\n`, () => process.kill(process.pid, 'SIGKILL'));
  return new Promise<never>(() => {});
};
let batches = 0;
const runner = new JobRunner({ db: handle.db, workerId: 'crash-child' });
registerImportJobs(runner, handle.db, {
  leaseMs: Number(process.env.IMPORT_LEASE_MS ?? 30_000),
  run: {
    batchSize: 100,
    async onBatch(done) {
      batches++;
      process.stdout.write(`BATCH ${done}\n`);
      if (killAt === `batch:${batches}`) await die(`after batch ${batches}`);
    },
    async afterApply() {
      if (killAt === 'commit') await die('inside the commit');
    },
  },
});
const ran = await runner.drain();
process.stdout.write(`DONE ${ran}\n`);
await handle.close();
