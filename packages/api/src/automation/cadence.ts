/**
 * Contact cadence per account: visit every N days, call every M days. The overdue list shows,
 * per account and kind, the last contact, when the next one was due, and target against actual
 * over the last 90 days (target = 90 / N, actual = logged activities of that kind).
 */
import { accountCadences, accounts, activities, type Database, opportunities, users } from '@konsort/db';
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';

const days = z.number().int().min(1).max(3650).nullable();
export const setCadenceInput = z.object({ accountId: z.uuid(), visitEveryDays: days, callEveryDays: days });

const WINDOW_DAYS = 90;
const DAY = 86_400_000;

export async function setCadence(
  db: Database,
  principal: Principal,
  input: z.output<typeof setCadenceInput>,
) {
  // Partners never set a cadence: refused before any row is read.
  assertCan(principal, 'update', { type: 'account' });
  return inTransaction(db, principal, async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, ownerId: accounts.ownerId })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) throw notFound('entity.account');
    assertCan(principal, 'update', { type: 'account', ownerId: account.ownerId });
    const [before] = await tx
      .select()
      .from(accountCadences)
      .where(eq(accountCadences.accountId, input.accountId));
    const values = { visitEveryDays: input.visitEveryDays, callEveryDays: input.callEveryDays };
    await tx
      .insert(accountCadences)
      .values({
        accountId: input.accountId,
        ...values,
        updatedBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .onConflictDoUpdate({ target: accountCadences.accountId, set: { ...values, updatedAt: new Date() } });
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'accountCadence',
      entityId: input.accountId,
      changes: diff(before ?? null, values, ['visitEveryDays', 'callEveryDays']),
    });
    return values;
  });
}

export const cadenceListInput = z.object({
  onlyOverdue: z.boolean().default(true),
  mine: z.boolean().default(false),
});

export interface CadenceRow {
  accountId: string;
  accountName: string;
  ownerName: string;
  kind: 'visit' | 'call';
  everyDays: number;
  lastAt: Date | null;
  dueAt: Date;
  overdueDays: number;
  target: number;
  actual: number;
}

export async function cadenceList(
  db: Database,
  principal: Principal,
  input: z.output<typeof cadenceListInput>,
  now = new Date(),
): Promise<CadenceRow[]> {
  assertCan(principal, 'read', { type: 'automation' });
  const since = new Date(now.getTime() - WINDOW_DAYS * DAY);
  // Activities count for the account when logged on it, on one of its contacts' deals or its deals.
  const onAccount = sql`(${activities.accountId} = ${accounts.id} or ${activities.opportunityId} in (select o.id from ${opportunities} o where o.account_id = ${accounts.id}))`;
  const lastOf = (type: 'visit' | 'call') =>
    sql<
      string | null
    >`(select max(coalesce(${activities.doneAt}, ${activities.createdAt})) from ${activities} where ${activities.type} = ${type} and ${onAccount})`;
  const countOf = (type: 'visit' | 'call') =>
    sql<number>`(select count(*)::int from ${activities} where ${activities.type} = ${type} and ${onAccount} and coalesce(${activities.doneAt}, ${activities.createdAt}) >= ${since.toISOString()}::timestamptz)`;
  const rows = await db
    .select({
      accountId: accounts.id,
      accountName: accounts.name,
      ownerName: users.name,
      visitEveryDays: accountCadences.visitEveryDays,
      callEveryDays: accountCadences.callEveryDays,
      since: accountCadences.createdAt,
      lastVisit: lastOf('visit'),
      lastCall: lastOf('call'),
      visits: countOf('visit'),
      calls: countOf('call'),
    })
    .from(accountCadences)
    .innerJoin(accounts, eq(accounts.id, accountCadences.accountId))
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(
      and(
        isNull(accounts.archivedAt),
        or(
          sql`${accountCadences.visitEveryDays} is not null`,
          sql`${accountCadences.callEveryDays} is not null`,
        ),
        input.mine && principal.kind === 'internal' ? eq(accounts.ownerId, principal.userId) : undefined,
      ),
    )
    .orderBy(asc(accounts.name));
  const out: CadenceRow[] = [];
  for (const r of rows) {
    for (const kind of ['visit', 'call'] as const) {
      const every = kind === 'visit' ? r.visitEveryDays : r.callEveryDays;
      if (!every) continue;
      const lastText = kind === 'visit' ? r.lastVisit : r.lastCall;
      const lastAt = lastText ? new Date(lastText) : null;
      const dueAt = new Date((lastAt ?? r.since).getTime() + every * DAY);
      const overdueDays = Math.max(0, Math.floor((now.getTime() - dueAt.getTime()) / DAY));
      if (input.onlyOverdue && dueAt.getTime() > now.getTime()) continue;
      out.push({
        accountId: r.accountId,
        accountName: r.accountName,
        ownerName: r.ownerName,
        kind,
        everyDays: every,
        lastAt,
        dueAt,
        overdueDays,
        target: Math.floor(WINDOW_DAYS / every),
        actual: Number(kind === 'visit' ? r.visits : r.calls),
      });
    }
  }
  return out.sort((a, b) => b.overdueDays - a.overdueDays || a.accountName.localeCompare(b.accountName));
}
