import type { UserPrincipal } from '@konsort/api';
import type { AppLoadContext } from '@remix-run/node';
import { activityTimeline } from './api.server.ts';

/** A form's `datetime-local` value ("2026-03-31T14:30") is Berlin wall-clock time. */
export function berlinLocalToDate(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // Berlin's offset at that moment (CET +1, CEST +2), read from Intl rather than hard-coded.
  const offsetAt = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - t;
  };
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}

/** The other way: a moment as the `datetime-local` value a Berlin user sees ("2026-03-31T14:30"). */
export function dateToBerlinLocal(date: Date | null): string {
  if (!date) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

export type TimelineTarget = { accountId: string } | { contactId: string } | { opportunityId: string };

/** The activity timeline for a page; partners get none (staff data, decision 011). */
export async function loadTimeline(context: AppLoadContext, user: UserPrincipal, target: TimelineTarget) {
  if (user.kind !== 'internal') return null;
  const items = await activityTimeline(context.db, user, { ...target, limit: 50 });
  return {
    target,
    items: items.map((a) => ({
      id: a.id,
      type: a.type,
      subject: a.subject,
      body: a.body,
      accountId: a.accountId,
      accountName: a.accountName,
      contactName: a.contactName,
      opportunityId: a.opportunityId,
      opportunityName: a.opportunityName,
      ownerName: a.ownerName,
      dueAt: a.dueAt?.toISOString() ?? null,
      reminderAt: a.reminderAt?.toISOString() ?? null,
      doneAt: a.doneAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
      canEdit: a.canEdit,
    })),
  };
}

export type Timeline = NonNullable<Awaited<ReturnType<typeof loadTimeline>>>;
