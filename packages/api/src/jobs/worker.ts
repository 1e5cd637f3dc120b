/**
 * The portal's background worker: one JobRunner with every handler of the app registered.
 * Domain modules add their job kinds here, so the portal server starts them all with one call.
 */
import type { Database } from '@konsort/db';
import { ACTIVITY_REMINDER_JOB, activityReminderHandler } from '../activities/reminders.ts';
import { registerAutomation } from '../automation/automation.ts';
import { registerPriorityJobs } from '../automation/priority.ts';
import { registerImportJobs } from '../imports/job.ts';
import { registerLeadJobs } from '../leads/jobs.ts';
import { registerMailDelivery } from '../mail/deliver.ts';
import { createMailTransport, type MailTransport } from '../mail/transport.ts';
import { notificationDeliveryHandler } from '../notifications/deliver.ts';
import { NOTIFICATION_DELIVERY_JOB } from '../notifications/notify.ts';
import {
  REGISTRATION_SWEEP_INTERVAL_MS,
  REGISTRATION_SWEEP_JOB,
  registrationSweepHandler,
} from '../notifications/registrations.ts';
import { type JobLogger, JobRunner } from './runner.ts';

export interface BackgroundWorkerOptions {
  db: Database;
  mail: { smtpUrl?: string | undefined; outboxDir: string; from: string };
  /** The portal's public origin, for links in mails. */
  appUrl: string;
  logger?: JobLogger;
  pollMs?: number;
}

export interface BackgroundWorker {
  runner: JobRunner;
  mailTransport: MailTransport;
  start(): void;
  /** Stops claiming, waits for the jobs in hand, closes the SMTP connection. */
  stop(): Promise<void>;
}

export function createBackgroundWorker(options: BackgroundWorkerOptions): BackgroundWorker {
  const runner = new JobRunner({
    db: options.db,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  const mailTransport = createMailTransport(options.mail);
  registerMailDelivery(runner, options.db, mailTransport);
  registerAutomation(runner, options.db);
  registerPriorityJobs(runner, options.db);
  runner.register(ACTIVITY_REMINDER_JOB, activityReminderHandler());
  registerLeadJobs(runner);
  registerImportJobs(runner, options.db);
  runner.register(NOTIFICATION_DELIVERY_JOB, notificationDeliveryHandler(options.db, options.appUrl));
  runner
    .register(REGISTRATION_SWEEP_JOB, registrationSweepHandler())
    .every(REGISTRATION_SWEEP_JOB, REGISTRATION_SWEEP_INTERVAL_MS);
  return {
    runner,
    mailTransport,
    start: () => runner.start(),
    async stop() {
      await runner.stop();
      mailTransport.close();
    },
  };
}
