/**
 * A collab server in its own process, for the crash test (killed with SIGKILL mid-edit).
 *   tsx collab-test-server.ts   (the line printed carries this process's pid: tsx runs us in a child)
 * env: COLLAB_DB_URL (postgres://…) or COLLAB_PGLITE_DIR (a PGlite data directory).
 * COLLAB_MIGRATE=0 skips migrations (the test prepared the database).
 * COLLAB_FIXTURE=1 first creates a user and a deal and prints `FIXTURE {json}`.
 * Authenticates the `x-test-user` header (a user id). Prints `READY <port> <pid>` when listening.
 */
import { createServer } from 'node:http';
import { openDatabase, users } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { type Principal, principalFromUser } from '../principal.ts';
import { createCollabServer } from './server.ts';

const handle = await openDatabase({
  url: process.env.COLLAB_DB_URL,
  dataDir: process.env.COLLAB_PGLITE_DIR,
  maxConnections: 4,
  migrate: process.env.COLLAB_MIGRATE !== '0',
});
// COLLAB_FIXTURE=1: create a rep with an opportunity and report them (saves the test a PGlite start).
if (process.env.COLLAB_FIXTURE === '1') {
  const { makeAccount, makeOpportunity, makeUser } = await import('../testing/index.ts');
  const { user } = await makeUser(handle.db, { role: 'rep' });
  const account = await makeAccount(handle.db, user.id);
  const opp = await makeOpportunity(handle.db, account.id, user.id);
  process.stdout.write(`FIXTURE ${JSON.stringify({ userId: user.id, docName: `opportunity:${opp.id}` })}\n`);
}
const collab = createCollabServer({
  db: handle.db,
  async authenticate(req): Promise<Principal> {
    const id = req.headers['x-test-user'];
    if (typeof id !== 'string') return { kind: 'anonymous', locale: 'en' };
    const [user] = await handle.db.select().from(users).where(eq(users.id, id));
    return user ? principalFromUser(user) : { kind: 'anonymous', locale: 'en' };
  },
  limits: { compactAfterUpdates: Number(process.env.COLLAB_COMPACT_AFTER ?? 500) },
});
const http = createServer((_req, res) => res.writeHead(404).end());
http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0} ${process.pid}\n`);
});
const stop = async () => {
  await collab.close();
  await handle.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
