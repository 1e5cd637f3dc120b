import { randomUUID } from 'node:crypto';
import { type Executor, notifications, opportunityShares, users } from '@konsort/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { enqueue } from '../jobs/runner.ts';
import { LIVE_CHANNELS } from './live.ts';
import { notificationKinds } from './templates.ts';

export const NOTIFICATION_DELIVERY_JOB = 'notification.deliver';

export const notifyInputSchema = z.object({
  userIds: z.array(z.uuid()).max(1000),
  kind: z.enum(notificationKinds),
  opportunityId: z.uuid().optional(),
  params: z.record(z.string(), z.union([z.string().max(2000), z.number()])).default({}),
  /** Once per user and key: a second notify with it does nothing for that user. */
  dedupeKey: z.string().min(1).max(300).optional(),
});
export type NotifyInput = z.input<typeof notifyInputSchema>;

/**
 * Writes in-app notifications in the caller's transaction, announces them live (pg_notify,
 * delivered on commit) and enqueues their e-mail delivery, which follows each recipient's
 * preference and language. Recipients who may not see the deal are dropped: inactive users,
 * and partner users whose organisation holds no share on `opportunityId`.
 * Returns the users actually notified.
 */
export async function notify(tx: Executor, input: NotifyInput): Promise<string[]> {
  const n = notifyInputSchema.parse(input);
  const wanted = [...new Set(n.userIds)];
  if (wanted.length === 0) return [];
  let recipients = await tx
    .select({ id: users.id, partnerOrgId: users.partnerOrgId })
    .from(users)
    .where(and(inArray(users.id, wanted), eq(users.active, true)));
  if (n.opportunityId) {
    const partnerOrgs = [...new Set(recipients.flatMap((r) => (r.partnerOrgId ? [r.partnerOrgId] : [])))];
    const sharedWith = new Set(
      partnerOrgs.length === 0
        ? []
        : (
            await tx
              .select({ partnerOrgId: opportunityShares.partnerOrgId })
              .from(opportunityShares)
              .where(
                and(
                  eq(opportunityShares.opportunityId, n.opportunityId),
                  inArray(opportunityShares.partnerOrgId, partnerOrgs),
                ),
              )
          ).map((s) => s.partnerOrgId),
    );
    recipients = recipients.filter((r) => !r.partnerOrgId || sharedWith.has(r.partnerOrgId));
  }
  if (recipients.length === 0) return [];
  const rows = recipients.map((r) => ({
    id: randomUUID(),
    userId: r.id,
    kind: n.kind,
    opportunityId: n.opportunityId ?? null,
    params: n.params,
    dedupeKey: n.dedupeKey ?? null,
  }));
  // No RETURNING: a partner's transaction may notify staff but read only its own rows.
  const insert = tx.insert(notifications).values(rows);
  if (n.dedupeKey)
    await insert.onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] });
  else await insert;
  const announcements = rows.map((r) => JSON.stringify({ userId: r.userId, id: r.id }));
  await tx.execute(
    sql`select pg_notify(${LIVE_CHANNELS.notifications}, a) from unnest(${sql.raw('ARRAY[')}${sql.join(
      announcements.map((a) => sql`${a}`),
      sql`, `,
    )}${sql.raw(']::text[]')}) as a`,
  );
  await enqueue(tx, {
    kind: NOTIFICATION_DELIVERY_JOB,
    payload: { ids: rows.map((r) => r.id) },
    dedupeKey: `notification-deliver:${rows[0]!.id}`,
  });
  return recipients.map((r) => r.id);
}
