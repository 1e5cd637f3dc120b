/**
 * The development EDI mailbox: on start the portal makes sure a demo trading partner has a
 * local-folder profile and the bridge an API key (scope edi), then runs the bridge beside it
 * as its own process, talking to the portal over tRPC like in production. Drop an X12 850 or
 * EDIFACT ORDERS file into the inbox and the order appears in the portal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createApiKey, createProfile, listProfiles, principalFromUser } from '@konsort/api';
import type { DatabaseHandle } from '@konsort/db';
import type { Logger } from 'pino';
import { childEnvironment, repoRoot } from '../app/env.server.ts';

const PROFILE_NAME = 'Lokales Postfach (Entwicklung)';

export interface LocalMailbox {
  inbox: string;
  outbox: string;
  stop(): Promise<void>;
}

export async function startLocalEdiBridge(options: {
  db: DatabaseHandle;
  dataDir: string;
  portalUrl: string;
  logger: Logger;
}): Promise<LocalMailbox | null> {
  const { db } = options;
  const admin = await db.db.query.users.findFirst({
    where: (u, { and, eq }) => and(eq(u.role, 'admin'), eq(u.active, true)),
    orderBy: (u, { asc }) => asc(u.createdAt),
  });
  const partner = await db.db.query.partnerOrgs.findFirst({ orderBy: (o, { asc }) => asc(o.name) });
  if (!admin || !partner) {
    options.logger.info('no admin or partner organisation yet: the local EDI mailbox is not started');
    return null;
  }
  const principal = principalFromUser(admin);
  const root = join(options.dataDir, 'edi', 'local');
  const existing = (await listProfiles(db.db, principal, { includeInactive: true })).find(
    (p) => p.name === PROFILE_NAME,
  );
  if (!existing) {
    await createProfile(db.db, principal, {
      partnerOrgId: partner.id,
      name: PROFILE_NAME,
      standard: 'x12',
      version: '004010',
      identifiers: {},
      settings: { acknowledgements: true, partyAccounts: {} },
      transport: { kind: 'local', root, tempSuffix: '.tmp' },
      inboxPath: 'inbox',
      outboxPath: 'outbox',
      archivePath: 'archive',
      errorPath: 'error',
      pollIntervalSeconds: 2,
      active: true,
    });
  }
  for (const dir of ['inbox', 'outbox', 'archive', 'error'])
    await mkdir(join(root, dir), { recursive: true });

  // The key is shown once by design; the portal keeps it for its own bridge, readable by us only.
  const keyFile = join(options.dataDir, 'edi', 'bridge-api-key');
  let token = await readFile(keyFile, 'utf8').then(
    (t) => t.trim(),
    () => '',
  );
  if (!token) {
    token = (await createApiKey(db.db, principal, { name: 'EDI bridge (local mailbox)', scopes: ['edi'] }))
      .token;
    await writeFile(keyFile, `${token}\n`, { mode: 0o600 });
    await chmod(keyFile, 0o600);
  }

  const require = createRequire(import.meta.url);
  const tsxCli = require.resolve('tsx/cli');
  const child: ChildProcess = spawn(
    process.execPath,
    [tsxCli, join(repoRoot, 'apps/edi-bridge/src/cli.ts'), 'run'],
    {
      env: childEnvironment({ KONSORT_PORTAL_URL: `${options.portalUrl}/trpc`, KONSORT_API_KEY: token }),
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // Whatever ends the portal ends its bridge: no orphan polling a portal that is gone.
  let stopping = false;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.on('exit', (code, signal) => {
    process.removeListener('exit', killOnExit);
    if (!stopping) options.logger.warn({ code, signal }, 'EDI bridge stopped unexpectedly');
  });
  return {
    inbox: join(root, 'inbox'),
    outbox: join(root, 'outbox'),
    async stop() {
      stopping = true;
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}
