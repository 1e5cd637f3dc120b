import { type Database, type MailAttachment, type OutboundMail, outboundMails } from '@konsort/db';
import { eq, sql } from 'drizzle-orm';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { z } from 'zod';
import { type JobHandler, type JobRunner, PermanentJobError } from '../jobs/runner.ts';
import { MAIL_JOB_KIND } from './enqueue-mail.ts';
import type { MailTransport } from './transport.ts';

function attachmentsOf(mail: OutboundMail): Pick<Mail.Options, 'attachments' | 'icalEvent'> {
  const list: MailAttachment[] = mail.attachments ?? [];
  // The first calendar part with a method goes out as the invitation alternative, so mail
  // clients show accept/decline; everything else as a plain attachment.
  const invitation = list.find((a) => a.contentType.startsWith('text/calendar') && a.method);
  const rest = list.filter((a) => a !== invitation);
  return {
    ...(invitation
      ? {
          icalEvent: {
            method: invitation.method,
            filename: invitation.filename,
            content: invitation.content,
          },
        }
      : {}),
    attachments: rest.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.encoding === 'base64' ? Buffer.from(a.content, 'base64') : a.content,
    })),
  };
}

/** The message as it goes on the wire; the Message-ID is the one fixed at enqueue time. */
export function messageOf(mail: OutboundMail, from: string): Mail.Options {
  return {
    from,
    to: mail.toAddresses,
    subject: mail.subject,
    text: mail.textBody,
    ...(mail.htmlBody ? { html: mail.htmlBody } : {}),
    messageId: mail.messageId,
    headers: { 'Content-Language': mail.locale },
    ...attachmentsOf(mail),
  };
}

/** SMTP 5xx replies are final (bad address, policy); anything else is worth a retry. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Delivers one outbound mail. Never twice from our side: the mail row is marked sent in the
 * transaction that completes the job, and a job already completed is never claimed again. The
 * remaining edge (crash between the server's acceptance and our commit) is a resend with the
 * same Message-ID; see docs/decisions/010-jobs-and-mail-delivery.md.
 */
export function mailDeliveryHandler(
  db: Database,
  transport: MailTransport,
): JobHandler<{ dedupeKey: string }> {
  return {
    payload: z.object({ dedupeKey: z.string().min(1) }),
    leaseMs: 120_000,
    async run({ dedupeKey }, ctx) {
      const [mail] = await db.select().from(outboundMails).where(eq(outboundMails.dedupeKey, dedupeKey));
      if (!mail) throw new PermanentJobError(`no outbound mail ${dedupeKey}`);
      if (mail.status !== 'queued') return;
      let response: string;
      try {
        ({ response } = await transport.send(messageOf(mail, transport.from)));
      } catch (err) {
        const permanent = isPermanent(err) || ctx.job.attempts >= ctx.job.maxAttempts;
        await db
          .update(outboundMails)
          .set({
            attempts: sql`${outboundMails.attempts} + 1`,
            lastError: (err instanceof Error ? err.message : String(err)).slice(0, 2000),
            ...(permanent ? { status: 'failed' as const } : {}),
            updatedAt: ctx.now,
          })
          .where(eq(outboundMails.id, mail.id));
        if (permanent) throw new PermanentJobError(err instanceof Error ? err.message : String(err));
        throw err;
      }
      await ctx.complete(async (tx) => {
        await tx
          .update(outboundMails)
          .set({
            status: 'sent',
            sentAt: new Date(),
            attempts: sql`${outboundMails.attempts} + 1`,
            transportResponse: response.slice(0, 1000),
            lastError: null,
            updatedAt: new Date(),
          })
          .where(eq(outboundMails.id, mail.id));
      });
    },
  };
}

/** Registers mail delivery on a runner. */
export function registerMailDelivery(runner: JobRunner, db: Database, transport: MailTransport): JobRunner {
  return runner.register(MAIL_JOB_KIND, mailDeliveryHandler(db, transport));
}
