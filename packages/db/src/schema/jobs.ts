import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.ts';

export const jobStatuses = ['pending', 'done', 'failed'] as const;
export const jobStatus = pgEnum('job_status', jobStatuses);

/**
 * Background jobs, enqueued inside the transaction that makes them necessary. A worker claims
 * due rows with FOR UPDATE SKIP LOCKED and holds a lease (`locked_until` + `lease_token`); a job
 * whose worker died is claimed again once the lease has passed. `dedupe_key` makes an enqueue
 * idempotent: the same key is enqueued once, ever.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull().default({}),
    status: jobStatus('status').notNull().default('pending'),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Claims so far, including one by a worker that died before finishing. */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(10),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** New per claim: only the holder of the current lease may complete or fail the job. */
    leaseToken: uuid('lease_token'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    dedupeKey: text('dedupe_key'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('jobs_dedupe_key_idx').on(t.dedupeKey),
    index('jobs_due_idx').on(t.runAt).where(sql`${t.status} = 'pending'`),
    index('jobs_kind_idx').on(t.kind, t.createdAt),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type JobStatus = (typeof jobStatuses)[number];

export const mailStatuses = ['queued', 'sent', 'failed'] as const;
export const mailStatus = pgEnum('mail_status', mailStatuses);

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** UTF-8 text (e.g. text/calendar) or, with `encoding: 'base64'`, binary content. */
  content: string;
  encoding?: 'utf8' | 'base64';
  /** RFC 5546 method for text/calendar invitations (REQUEST, CANCEL…). */
  method?: string;
}

/**
 * Outbound e-mail. The row is written with its job in the caller's transaction and marked sent
 * in the transaction that completes the job; `message_id` is fixed at enqueue time, so a resend
 * after a crash between the SMTP server's acceptance and our commit carries the same Message-ID.
 */
export const outboundMails = pgTable(
  'outbound_mails',
  {
    id: id(),
    dedupeKey: text('dedupe_key').notNull(),
    messageId: text('message_id').notNull(),
    toAddresses: text('to_addresses').array().notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    attachments: jsonb('attachments').$type<MailAttachment[]>().notNull().default([]),
    locale: text('locale').notNull().default('de'),
    status: mailStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** What the transport reported (SMTP response or file path), for support. */
    transportResponse: text('transport_response'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('outbound_mails_dedupe_key_idx').on(t.dedupeKey),
    uniqueIndex('outbound_mails_message_id_idx').on(t.messageId),
    index('outbound_mails_status_idx').on(t.status, t.createdAt),
  ],
);

export type OutboundMail = typeof outboundMails.$inferSelect;
