import { type Database, notificationPreferences, notifications, users } from '@konsort/db';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { JobHandler } from '../jobs/runner.ts';
import { enqueueMail } from '../mail/enqueue-mail.ts';
import { renderNotificationMail } from './templates.ts';

/** Where a notification leads in the portal. */
export function notificationPath(n: {
  opportunityId: string | null;
  params: Record<string, string | number>;
}): string {
  if (n.opportunityId) return `/opportunities/${n.opportunityId}`;
  const registrationId = n.params.registrationId;
  if (typeof registrationId === 'string' && /^[0-9a-f-]{36}$/.test(registrationId))
    return `/registrations/${registrationId}`;
  const activityId = n.params.activityId;
  if (typeof activityId === 'string' && /^[0-9a-f-]{36}$/.test(activityId))
    return `/activities/${activityId}/edit`;
  const leadId = n.params.leadId;
  if (typeof leadId === 'string' && /^[0-9a-f-]{36}$/.test(leadId)) return `/leads/${leadId}`;
  const importId = n.params.importId;
  if (typeof importId === 'string' && /^[0-9a-f-]{36}$/.test(importId)) return `/import/${importId}`;
  return '/notifications';
}

/**
 * Mails the notifications whose recipients want e-mail for that kind (no preference row = on),
 * in the recipient's language. The mails are enqueued in the transaction that completes this
 * job, keyed `notification:<id>`, so each notification is mailed at most once by us.
 */
export function notificationDeliveryHandler(db: Database, appUrl: string): JobHandler<{ ids: string[] }> {
  return {
    payload: z.object({ ids: z.array(z.uuid()).min(1).max(1000) }),
    async run({ ids }, ctx) {
      const rows = await db
        .select({
          id: notifications.id,
          userId: notifications.userId,
          kind: notifications.kind,
          params: notifications.params,
          opportunityId: notifications.opportunityId,
          email: users.email,
          locale: users.locale,
          active: users.active,
          wantsMail: notificationPreferences.email,
        })
        .from(notifications)
        .innerJoin(users, eq(users.id, notifications.userId))
        .leftJoin(
          notificationPreferences,
          and(
            eq(notificationPreferences.userId, notifications.userId),
            eq(notificationPreferences.kind, notifications.kind),
          ),
        )
        .where(inArray(notifications.id, ids));
      const base = appUrl.replace(/\/+$/, '');
      await ctx.complete(async (tx) => {
        for (const n of rows) {
          if (!n.active || n.wantsMail === false) continue;
          const mail = renderNotificationMail(n.kind, n.params, n.locale, `${base}${notificationPath(n)}`);
          await enqueueMail(tx, {
            to: n.email,
            ...mail,
            dedupeKey: `notification:${n.id}`,
            locale: n.locale,
          });
        }
      });
    },
  };
}
