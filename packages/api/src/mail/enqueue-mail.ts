import { randomUUID } from 'node:crypto';
import type { Executor } from '@konsort/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { enqueue } from '../jobs/runner.ts';

export const MAIL_JOB_KIND = 'mail.send';

const attachmentSchema = z.object({
  filename: z.string().min(1).max(200),
  contentType: z.string().min(1).max(200),
  content: z.string().max(10_000_000),
  encoding: z.enum(['utf8', 'base64']).optional(),
  method: z
    .string()
    .regex(/^[A-Z]+$/)
    .optional(),
});

const addressList = z
  .union([z.email(), z.array(z.email()).min(1).max(50)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const mailInputSchema = z.object({
  to: addressList,
  subject: z
    .string()
    .min(1)
    .max(500)
    .refine((s) => !/[\r\n]/.test(s), 'header injection'),
  text: z.string().min(1).max(1_000_000),
  html: z.string().max(2_000_000).optional(),
  attachments: z.array(attachmentSchema).max(10).optional(),
  /** The mail is written once per key, ever: an invitation id, `notification:<id>`… */
  dedupeKey: z.string().min(1).max(500),
  locale: z.enum(['de', 'en']).optional(),
});

export type MailInput = z.input<typeof mailInputSchema>;

/** Right-hand side of our Message-IDs. */
export const MESSAGE_ID_DOMAIN = 'konsort.mail';

/**
 * Writes an outbound mail and its delivery job in the caller's transaction: the mail goes out
 * if and only if the caller's change commits, and once per `dedupeKey` (a second call with the
 * same key does nothing). The Message-ID is fixed here, so a resend after a crash carries the
 * same one. A partner's transaction may call it: it writes through a definer function and
 * reads nothing back.
 */
export async function enqueueMail(tx: Executor, input: MailInput): Promise<void> {
  const mail = mailInputSchema.parse(input);
  await tx.execute(
    sql`select konsort_enqueue_mail(${randomUUID()}::uuid, ${mail.dedupeKey}, ${`<${randomUUID()}@${MESSAGE_ID_DOMAIN}>`}, ${sql.raw('ARRAY[')}${sql.join(
      mail.to.map((a) => sql`${a}`),
      sql`, `,
    )}${sql.raw(']::text[]')}, ${mail.subject}, ${mail.text}, ${mail.html ?? null}::text, ${JSON.stringify(
      mail.attachments ?? [],
    )}::jsonb, ${mail.locale ?? 'de'})`,
  );
  await enqueue(tx, {
    kind: MAIL_JOB_KIND,
    payload: { dedupeKey: mail.dedupeKey },
    dedupeKey: `mail:${mail.dedupeKey}`,
    maxAttempts: 12,
  });
}
