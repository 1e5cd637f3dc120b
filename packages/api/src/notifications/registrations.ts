/**
 * Deal registrations over time: a recurring job expires the due ones (and tells their
 * partner), and reminds the partner N days before a registration or its protection runs out,
 * once per registration and N. New submissions notify the managers who review them.
 */
import { type Database, dealRegistrations, type Executor, type Transaction, users } from '@konsort/db';
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { JobHandler } from '../jobs/runner.ts';
import { expireRegistrations } from '../registrations/registrations.ts';
import { notify } from './notify.ts';

export const REGISTRATION_SWEEP_JOB = 'registration.sweep';
/** Days before expiry at which the partner is reminded; each once. */
export const REGISTRATION_REMINDER_DAYS = [14, 7, 1] as const;
/** How often the sweep runs. */
export const REGISTRATION_SWEEP_INTERVAL_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Who hears about an organisation's registration: its submitter and the organisation's admins. */
async function partnerRecipients(tx: Executor, partnerOrgId: string, submittedBy: string): Promise<string[]> {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(eq(users.partnerOrgId, partnerOrgId), eq(users.role, 'partner_admin'), eq(users.active, true)),
    );
  return [...new Set([submittedBy, ...admins.map((a) => a.id)])];
}

/** The reminder due for a registration that expires in `msLeft`: the smallest N it is within. */
export function reminderDue(msLeft: number): number | null {
  if (msLeft <= 0) return null;
  const within = REGISTRATION_REMINDER_DAYS.filter((n) => msLeft <= n * DAY_MS);
  return within.length === 0 ? null : Math.min(...within);
}

export async function sweepRegistrations(
  tx: Transaction,
  now: Date,
): Promise<{ expired: number; reminded: number }> {
  // Expire first, in this transaction (the function nests as a savepoint), then tell the partners.
  const expiredIds = await expireRegistrations(tx as unknown as Database, now);
  const expired =
    expiredIds.length === 0
      ? []
      : await tx
          .select({
            id: dealRegistrations.id,
            companyName: dealRegistrations.companyName,
            partnerOrgId: dealRegistrations.partnerOrgId,
            submittedBy: dealRegistrations.submittedBy,
          })
          .from(dealRegistrations)
          .where(inArray(dealRegistrations.id, expiredIds));
  for (const r of expired) {
    await notify(tx, {
      userIds: await partnerRecipients(tx, r.partnerOrgId, r.submittedBy),
      kind: 'registration.expired',
      params: { company: r.companyName, registrationId: r.id },
      dedupeKey: `registration-expired:${r.id}`,
    });
  }

  const horizon = new Date(now.getTime() + Math.max(...REGISTRATION_REMINDER_DAYS) * DAY_MS);
  const expiring = await tx
    .select({
      id: dealRegistrations.id,
      companyName: dealRegistrations.companyName,
      partnerOrgId: dealRegistrations.partnerOrgId,
      submittedBy: dealRegistrations.submittedBy,
      expiresAt: dealRegistrations.expiresAt,
    })
    .from(dealRegistrations)
    .where(
      and(
        inArray(dealRegistrations.status, ['submitted', 'approved']),
        gt(dealRegistrations.expiresAt, now),
        lte(dealRegistrations.expiresAt, horizon),
      ),
    );
  let reminded = 0;
  for (const r of expiring) {
    const days = reminderDue(r.expiresAt.getTime() - now.getTime());
    if (days === null) continue;
    const sent = await notify(tx, {
      userIds: await partnerRecipients(tx, r.partnerOrgId, r.submittedBy),
      kind: 'registration.expiring',
      params: { company: r.companyName, days, expiresOn: r.expiresAt.toISOString(), registrationId: r.id },
      // Once per registration, day count and expiry date (an extended registration is reminded again).
      dedupeKey: `registration-reminder:${r.id}:${days}:${r.expiresAt.toISOString()}`,
    });
    reminded += sent.length > 0 ? 1 : 0;
  }
  return { expired: expired.length, reminded };
}

export function registrationSweepHandler(): JobHandler<unknown> {
  return {
    async run(_payload, ctx) {
      await ctx.complete((tx) => sweepRegistrations(tx, ctx.now).then(() => undefined));
    },
  };
}
