/**
 * Follow-up reminders. An open activity with a reminder time has one job, keyed by activity and
 * reminder time and due at that time, written in the transaction that set it. Changing the time
 * withdraws the old job and writes the new one; completing or deleting the activity withdraws
 * it. At run time the job checks the activity once more (still there, still open, still this
 * reminder time) and, in the transaction that completes it, notifies the current owner in the
 * app (live) — the notification's delivery job then mails it per the owner's preference and in
 * their language. The job's key, the notification's (owner, key) and the mail's key make it
 * once: a second run, a restarted runner or a worker that died mid-run sends nothing twice.
 */
import { accounts, activities, opportunities, type Transaction } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { cancelPending, enqueue, type JobHandler } from '../jobs/runner.ts';
import { notify } from '../notifications/notify.ts';

export const ACTIVITY_REMINDER_JOB = 'activity.reminder';

/** The job (and notification) key of one reminder; the migration that scheduled old reminders uses the same. */
export function reminderJobKey(activityId: string, reminderAt: Date): string {
  return `activity-reminder:${activityId}:${reminderAt.toISOString()}`;
}

type ReminderState = { id: string; reminderAt: Date | null; doneAt: Date | null };

/**
 * Called in every transaction that writes an activity, with the row before (null: created) and
 * after (null: deleted). A reminder already sent stays sent: its job is done, and enqueueing
 * the same key again does nothing, so reopening or re-saving never mails it a second time.
 */
export async function syncReminder(
  tx: Transaction,
  before: ReminderState | null,
  after: ReminderState | null,
): Promise<void> {
  const wanted =
    after && !after.doneAt && after.reminderAt ? reminderJobKey(after.id, after.reminderAt) : null;
  const had =
    before && !before.doneAt && before.reminderAt ? reminderJobKey(before.id, before.reminderAt) : null;
  if (had && had !== wanted) await cancelPending(tx, had);
  if (wanted && after?.reminderAt)
    await enqueue(tx, {
      kind: ACTIVITY_REMINDER_JOB,
      payload: { activityId: after.id, reminderAt: after.reminderAt.toISOString() },
      runAt: after.reminderAt,
      dedupeKey: wanted,
    });
}

const reminderPayload = z.object({ activityId: z.uuid(), reminderAt: z.iso.datetime() });

export function activityReminderHandler(): JobHandler<z.output<typeof reminderPayload>> {
  return {
    payload: reminderPayload,
    async run({ activityId, reminderAt }, ctx) {
      await ctx.complete(async (tx) => {
        // Read in the completing transaction, locked: a completion or a new time committed
        // meanwhile either withdrew this job (our completion fails) or is seen here.
        const [row] = await tx
          .select({
            id: activities.id,
            type: activities.type,
            subject: activities.subject,
            ownerId: activities.ownerId,
            dueAt: activities.dueAt,
            reminderAt: activities.reminderAt,
            doneAt: activities.doneAt,
            accountName: accounts.name,
            opportunityName: opportunities.name,
          })
          .from(activities)
          .leftJoin(accounts, eq(accounts.id, activities.accountId))
          .leftJoin(opportunities, eq(opportunities.id, activities.opportunityId))
          .where(eq(activities.id, activityId))
          .for('update', { of: activities });
        if (!row || row.doneAt || row.reminderAt?.toISOString() !== reminderAt) return;
        await notify(tx, {
          userIds: [row.ownerId],
          kind: 'activity.reminder',
          params: {
            activityId: row.id,
            type: row.type,
            subject: row.subject,
            about: row.opportunityName ?? row.accountName ?? '',
            ...(row.dueAt ? { dueAt: row.dueAt.toISOString() } : {}),
          },
          dedupeKey: reminderJobKey(row.id, row.reminderAt),
        });
      });
    },
  };
}
