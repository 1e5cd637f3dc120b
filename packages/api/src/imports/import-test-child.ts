/**
 * Runs one import job in its own process, for the crash test, and kills itself with SIGKILL
 * at the point the test names — no cleanup, no rollback by us, like a power cut.
 * env: IMPORT_DB_URL (postgres://…) or IMPORT_PGLITE_DIR; IMPORT_RUN_ID; IMPORT_USER_ID;
 * IMPORT_KILL_AT = `batch:<n>` (after the n-th staged batch) or `commit` (inside the commit
 * transaction, after the rows were applied, before it commits).
 */
import { openDatabase, users } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { principalFromUser } from '../principal.ts';
import { runImportJob } from './imports.ts';

const handle = await openDatabase({
  url: process.env.IMPORT_DB_URL,
  dataDir: process.env.IMPORT_PGLITE_DIR,
  maxConnections: 2,
  migrate: false,
});
const [user] = await handle.db
  .select()
  .from(users)
  .where(eq(users.id, process.env.IMPORT_USER_ID ?? ''));
if (!user) throw new Error('no such user');
const killAt = process.env.IMPORT_KILL_AT ?? '';
const die = (where: string) => {
  process.stdout.write(`KILLED ${where}\n`, () => process.kill(process.pid, 'SIGKILL'));
  return new Promise<never>(() => {});
};
let batches = 0;
await runImportJob(handle.db, principalFromUser(user), process.env.IMPORT_RUN_ID ?? '', {
  batchSize: 100,
  async onBatch(done) {
    batches++;
    process.stdout.write(`BATCH ${done}\n`);
    if (killAt === `batch:${batches}`) await die(`after batch ${batches}`);
  },
  async afterApply() {
    if (killAt === 'commit') await die('inside the commit');
  },
});
process.stdout.write('DONE\n');
await handle.close();
