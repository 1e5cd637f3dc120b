import {
  type Database,
  type Locale,
  notificationPreferences,
  notifications,
  opportunities,
  opportunityShares,
} from '@konsort/db';
import { and, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { forbidden } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal, UserPrincipal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { encodeCursor, inTransaction, readCursor } from '../tx.ts';
import { notificationPath } from './deliver.ts';
import { LIVE_CHANNELS, liveEvents } from './live.ts';
import { notificationKinds, renderNotification } from './templates.ts';

export const listNotificationsInput = z.object({
  unreadOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(100).default(30),
  cursor: z.string().max(500).optional(),
});
export const markReadInput = z.object({ ids: z.array(z.uuid()).min(1).max(200) });
export const setPreferenceInput = z.object({ kind: z.enum(notificationKinds), email: z.boolean() });

function person(principal: Principal): UserPrincipal {
  assertCan(principal, 'read', { type: 'notification' });
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  return principal;
}

const columns = {
  id: notifications.id,
  kind: notifications.kind,
  params: notifications.params,
  opportunityId: notifications.opportunityId,
  readAt: notifications.readAt,
  createdAt: notifications.createdAt,
};

interface Row {
  id: string;
  kind: string;
  params: Record<string, string | number>;
  opportunityId: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  href: string;
  opportunityId: string | null;
  read: boolean;
  createdAt: string;
}

export function viewOf(row: Row, locale: Locale): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    ...renderNotification(row.kind, row.params, locale),
    href: notificationPath(row),
    opportunityId: row.opportunityId,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The principal's own notifications, newest first, rendered in `locale`. A notification about a
 * deal the user can no longer see (share revoked, deal archived) is left out.
 */
export async function listNotifications(
  database: Database,
  principal: Principal,
  input: z.input<typeof listNotificationsInput>,
  locale: Locale = principal.locale,
) {
  const me = person(principal);
  const { unreadOnly, limit, cursor } = listNotificationsInput.parse(input);
  const after = readCursor(cursor, 2);
  return withPrincipalDb(database, me, async (db) => {
    const rows = await db
      .select(columns)
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, me.userId),
          unreadOnly ? isNull(notifications.readAt) : undefined,
          stillVisible(me),
          after
            ? or(
                lt(notifications.createdAt, sql`${String(after[0])}::timestamptz`),
                and(
                  eq(notifications.createdAt, sql`${String(after[0])}::timestamptz`),
                  lt(notifications.id, String(after[1])),
                ),
              )
            : undefined,
        ),
      )
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => viewOf(r, locale)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  });
}

/** Partners: only about deals still shared with their organisation and not archived. */
function stillVisible(me: UserPrincipal) {
  if (me.kind === 'internal') return undefined;
  return or(
    isNull(notifications.opportunityId),
    sql`exists (select 1 from ${opportunities} o join ${opportunityShares} s on s.opportunity_id = o.id
      where o.id = ${notifications.opportunityId} and s.partner_org_id = ${me.partnerOrgId} and o.archived_at is null)`,
  );
}

export async function unreadNotificationCount(database: Database, principal: Principal): Promise<number> {
  const me = person(principal);
  return withPrincipalDb(database, me, async (db) => {
    const [row] = await db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, me.userId), isNull(notifications.readAt), stillVisible(me)));
    return Number(row?.n ?? 0);
  });
}

/** Marks the given notifications of the principal read; others' ids are ignored. */
export async function markNotificationsRead(
  db: Database,
  principal: Principal,
  input: z.input<typeof markReadInput>,
): Promise<{ updated: number }> {
  const me = person(principal);
  assertCan(me, 'update', { type: 'notification' });
  const { ids } = markReadInput.parse(input);
  return inTransaction(db, me, async (tx) => {
    const now = new Date();
    const updated = await tx
      .update(notifications)
      .set({ readAt: now, updatedAt: now })
      .where(
        and(
          eq(notifications.userId, me.userId),
          inArray(notifications.id, ids),
          isNull(notifications.readAt),
        ),
      )
      .returning({ id: notifications.id });
    if (updated.length > 0)
      await writeAudit(tx, me, {
        action: 'read',
        entity: 'notification',
        entityId: me.userId,
        changes: { read: [null, updated.map((u) => u.id)] },
      });
    return { updated: updated.length };
  });
}

export async function markAllNotificationsRead(
  db: Database,
  principal: Principal,
): Promise<{ updated: number }> {
  const me = person(principal);
  assertCan(me, 'update', { type: 'notification' });
  return inTransaction(db, me, async (tx) => {
    const now = new Date();
    const updated = await tx
      .update(notifications)
      .set({ readAt: now, updatedAt: now })
      .where(and(eq(notifications.userId, me.userId), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    if (updated.length > 0)
      await writeAudit(tx, me, {
        action: 'readAll',
        entity: 'notification',
        entityId: me.userId,
        changes: { unread: [updated.length, 0] },
      });
    return { updated: updated.length };
  });
}

/** E-mail on/off per kind; kinds without a row are on. */
export async function notificationPreferencesOf(database: Database, principal: Principal) {
  const me = person(principal);
  return withPrincipalDb(database, me, async (db) => {
    const rows = await db
      .select({ kind: notificationPreferences.kind, email: notificationPreferences.email })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, me.userId));
    const set = new Map(rows.map((r) => [r.kind, r.email]));
    return notificationKinds.map((kind) => ({ kind, email: set.get(kind) ?? true }));
  });
}

export async function setNotificationPreference(
  db: Database,
  principal: Principal,
  input: z.input<typeof setPreferenceInput>,
) {
  const me = person(principal);
  assertCan(me, 'update', { type: 'notification' });
  const { kind, email } = setPreferenceInput.parse(input);
  return inTransaction(db, me, async (tx) => {
    const [before] = await tx
      .select({ email: notificationPreferences.email })
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.userId, me.userId), eq(notificationPreferences.kind, kind)));
    await tx
      .insert(notificationPreferences)
      .values({ userId: me.userId, kind, email })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.kind],
        set: { email, updatedAt: new Date() },
      });
    await writeAudit(tx, me, {
      action: 'update',
      entity: 'notification_preference',
      entityId: me.userId,
      changes: { [`email.${kind}`]: [before?.email ?? true, email] },
    });
    return { kind, email };
  });
}

/**
 * New notifications of the principal as they commit, rendered in `locale`, with the unread
 * count after each. Ends when `signal` aborts.
 */
export async function* liveNotifications(
  db: Database,
  principal: Principal,
  locale: Locale,
  signal: AbortSignal | undefined,
): AsyncGenerator<{ notification: NotificationView; unread: number }, void, unknown> {
  const me = person(principal);
  const announced = z.object({ userId: z.string(), id: z.uuid() });
  yield* liveEvents(
    db,
    LIVE_CHANNELS.notifications,
    async (payload) => {
      const event = announced.safeParse(payload);
      if (!event.success || event.data.userId !== me.userId) return null;
      // Read back under the principal's own scope: RLS and the policy decide, not the event.
      const [row] = await withPrincipalDb(db, me, (scoped) =>
        scoped
          .select(columns)
          .from(notifications)
          .where(
            and(eq(notifications.id, event.data.id), eq(notifications.userId, me.userId), stillVisible(me)),
          ),
      );
      if (!row) return null;
      return { notification: viewOf(row, locale), unread: await unreadNotificationCount(db, me) };
    },
    signal,
  );
}
