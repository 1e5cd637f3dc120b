import { join } from 'node:path';
import { hashPassword } from '@konsort/api';
import { type BackgroundWorker, createBackgroundWorker } from '@konsort/api/jobs';
import { openDatabase } from '@konsort/db';
import { formatDemoLogins, seedDemo } from '@konsort/db/seed';
import { pino } from 'pino';
import type { Env } from '../app/env.server.ts';
import { createServer, type PortalServer } from './app.ts';
import { type LocalMailbox, startLocalEdiBridge } from './edi-bridge.ts';

/** Opens the database, seeds the demo world when empty, listens, and shuts down on signals. */
export async function startServer(env: Env): Promise<PortalServer & { url: string }> {
  const logger = pino({ level: env.logLevel });
  const db = await openDatabase({ url: env.databaseUrl, dataDir: join(env.dataDir, 'pglite') });
  logger.info({ driver: db.driver }, 'database open, migrations applied');

  let seeded: Awaited<ReturnType<typeof seedDemo>> | undefined;
  if (env.seed) seeded = await seedDemo(db.db, { hashPassword });

  const server = await createServer({
    db,
    production: env.production,
    secureCookies: env.secureCookies,
    publicUrl: env.publicUrl,
    logger,
  });
  const url = await server.listen(env.port, env.host);
  const mailbox: LocalMailbox | null = env.ediBridge
    ? await startLocalEdiBridge({ db, dataDir: env.dataDir, portalUrl: url, logger })
    : null;

  // Background jobs (mail delivery, reminders) beside the EDI bridge; SMTP or .eml files.
  const worker: BackgroundWorker | null = env.jobs
    ? createBackgroundWorker({
        db: db.db,
        mail: { smtpUrl: env.smtpUrl, outboxDir: env.mailOutboxDir, from: env.mailFrom },
        appUrl: env.publicUrl ?? url,
        logger: logger.child({ component: 'jobs' }),
      })
    : null;
  worker?.start();

  const banner = [
    '',
    `Konsort portal: ${env.publicUrl ?? url}  (${env.production ? 'production' : 'development'}, ${db.driver})`,
    ...(seeded
      ? [
          seeded.created ? 'Demo data created. Demo logins:' : 'Demo logins (demo data present):',
          '',
          formatDemoLogins(seeded.logins),
        ]
      : []),
    ...(worker
      ? [
          '',
          worker.mailTransport.kind === 'smtp'
            ? 'Mail: sent over SMTP_URL'
            : `Mail: no SMTP_URL set — mails are written as .eml files to ${env.mailOutboxDir}`,
        ]
      : []),
    ...(mailbox
      ? [
          '',
          `EDI bridge: local mailbox — drop X12 850 / EDIFACT ORDERS files into ${mailbox.inbox}`,
          `            acknowledgements appear in ${mailbox.outbox}`,
        ]
      : []),
    '',
  ].join('\n');
  console.info(banner);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await worker?.stop();
      await mailbox?.stop();
      await server.close();
      await db.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  return { ...server, url };
}
