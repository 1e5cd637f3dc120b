import {
  type Activity,
  accounts,
  activities,
  contacts,
  type Database,
  opportunities,
  type Transaction,
  users,
} from '@konsort/db';
import { and, asc, desc, eq, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { assertCan, can, visibleActivities } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { inTransaction } from '../tx.ts';
import { syncReminder } from './reminders.ts';
import type {
  CreateActivityInput,
  completeActivityInput,
  followUpsInput,
  timelineInput,
  updateActivityInput,
} from './schemas.ts';

const auditedFields = [
  'type',
  'subject',
  'body',
  'accountId',
  'contactId',
  'opportunityId',
  'ownerId',
  'dueAt',
  'reminderAt',
  'doneAt',
] as const satisfies readonly (keyof Activity)[];

function invalid(path: string, key: string): AppError {
  return new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [{ path, key }]);
}

function staffOnly(principal: Principal) {
  if (principal.kind !== 'internal') throw forbidden();
  return principal;
}

/** The reminder is a nudge before the due date, never after it. */
function checkReminder(dueAt: Date | null, reminderAt: Date | null) {
  if (dueAt && reminderAt && reminderAt.getTime() > dueAt.getTime())
    throw invalid('reminderAt', 'validation.reminderAfterDue');
}

async function assertStaffOwner(tx: Transaction, ownerId: string) {
  const [owner] = await tx
    .select({ role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, ownerId));
  if (!owner?.active || !['admin', 'manager', 'rep'].includes(owner.role))
    throw invalid('ownerId', 'validation.staffUser');
}

/**
 * An activity always names its account, also when it was logged on a contact or a deal, so the
 * account's timeline shows everything that happened with that customer. The links must agree.
 */
async function resolveLinks(
  tx: Transaction,
  input: { accountId?: string | null; contactId?: string | null; opportunityId?: string | null },
) {
  let accountId = input.accountId ?? null;
  const agree = (found: string, path: string) => {
    if (accountId && accountId !== found) throw invalid(path, 'validation.linkMismatch');
    accountId = found;
  };
  if (input.opportunityId) {
    const [deal] = await tx
      .select({ accountId: opportunities.accountId })
      .from(opportunities)
      .where(eq(opportunities.id, input.opportunityId));
    if (!deal) throw notFound('entity.opportunity');
    agree(deal.accountId, 'opportunityId');
  }
  if (input.contactId) {
    const [contact] = await tx
      .select({ accountId: contacts.accountId })
      .from(contacts)
      .where(eq(contacts.id, input.contactId));
    if (!contact) throw notFound('entity.contact');
    agree(contact.accountId, 'contactId');
  }
  if (!accountId) throw invalid('accountId', 'validation.activityLink');
  if (input.accountId) {
    const [account] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) throw notFound('entity.account');
  }
  return {
    accountId,
    contactId: input.contactId ?? null,
    opportunityId: input.opportunityId ?? null,
  };
}

export async function createActivity(db: Database, principal: Principal, input: CreateActivityInput) {
  assertCan(principal, 'create', { type: 'activity' });
  const me = staffOnly(principal);
  const dueAt = input.dueAt ?? null;
  const reminderAt = input.reminderAt ?? null;
  checkReminder(dueAt, reminderAt);
  return inTransaction(db, principal, async (tx) => {
    const links = await resolveLinks(tx, input);
    const ownerId = input.ownerId ?? me.userId;
    // Handing a follow-up to a colleague is normal delegation; the colleague must be staff.
    if (ownerId !== me.userId) await assertStaffOwner(tx, ownerId);
    const now = new Date();
    const [created] = await tx
      .insert(activities)
      .values({
        type: input.type,
        subject: input.subject,
        body: input.body ?? null,
        ...links,
        ownerId,
        dueAt,
        reminderAt,
        doneAt: input.done ? now : null,
        createdBy: me.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'activity',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    await syncReminder(tx, null, created!);
    return created!;
  });
}

async function loadForWrite(tx: Transaction, principal: Principal, id: string, action: 'update' | 'delete') {
  const [row] = await tx
    .select()
    .from(activities)
    .where(and(eq(activities.id, id), visibleActivities(principal)))
    .for('update');
  if (!row) throw notFound('entity.activity');
  assertCan(principal, action, { type: 'activity', ownerId: row.ownerId, createdBy: row.createdBy });
  return row;
}

export async function updateActivity(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateActivityInput>,
) {
  staffOnly(principal);
  return inTransaction(db, principal, async (tx) => {
    const before = await loadForWrite(tx, principal, input.id, 'update');
    const { done, ...fields } = input.data;
    const patch = Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    ) as Partial<Activity>;
    // Done is a switch in the form; ticking it again keeps the first completion time.
    if (done !== undefined && done !== Boolean(before.doneAt)) patch.doneAt = done ? new Date() : null;
    if (patch.ownerId === null) delete patch.ownerId;
    if (patch.ownerId && patch.ownerId !== before.ownerId) {
      assertCan(principal, 'changeOwner', {
        type: 'activity',
        ownerId: before.ownerId,
        createdBy: before.createdBy,
      });
      await assertStaffOwner(tx, patch.ownerId);
    }
    checkReminder(
      'dueAt' in patch ? (patch.dueAt ?? null) : before.dueAt,
      'reminderAt' in patch ? (patch.reminderAt ?? null) : before.reminderAt,
    );
    const changes = diff(before, patch, auditedFields);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(activities)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(activities.id, input.id))
      .returning();
    await writeAudit(tx, principal, { action: 'update', entity: 'activity', entityId: input.id, changes });
    await syncReminder(tx, before, after!);
    return after!;
  });
}

/** Marks a follow-up done (or open again); done twice keeps the first completion time. */
export async function completeActivity(
  db: Database,
  principal: Principal,
  input: z.output<typeof completeActivityInput>,
) {
  staffOnly(principal);
  return inTransaction(db, principal, async (tx) => {
    const before = await loadForWrite(tx, principal, input.id, 'update');
    if (Boolean(before.doneAt) === input.done) return before;
    const now = new Date();
    const doneAt = input.done ? now : null;
    const [after] = await tx
      .update(activities)
      .set({ doneAt, updatedAt: now })
      .where(eq(activities.id, input.id))
      .returning();
    await writeAudit(tx, principal, {
      action: input.done ? 'complete' : 'reopen',
      entity: 'activity',
      entityId: input.id,
      changes: diff(before, { doneAt }, auditedFields),
    });
    await syncReminder(tx, before, after!);
    return after!;
  });
}

export async function deleteActivity(db: Database, principal: Principal, id: string) {
  staffOnly(principal);
  return inTransaction(db, principal, async (tx) => {
    const before = await loadForWrite(tx, principal, id, 'delete');
    await tx.delete(activities).where(eq(activities.id, id));
    await syncReminder(tx, before, null);
    // The audit entry keeps what was deleted: the log is the only copy afterwards.
    await writeAudit(tx, principal, {
      action: 'delete',
      entity: 'activity',
      entityId: id,
      changes: diff(
        before,
        Object.fromEntries(auditedFields.map((f) => [f, null])) as Partial<Activity>,
        auditedFields,
      ),
    });
    return { id };
  });
}

const owner = alias(users, 'activity_owner');

function activitySelection() {
  return {
    id: activities.id,
    type: activities.type,
    subject: activities.subject,
    body: activities.body,
    accountId: activities.accountId,
    accountName: accounts.name,
    contactId: activities.contactId,
    contactName: sql<
      string | null
    >`case when ${contacts.id} is null then null else ${contacts.firstName} || ' ' || ${contacts.lastName} end`,
    opportunityId: activities.opportunityId,
    opportunityName: opportunities.name,
    ownerId: activities.ownerId,
    ownerName: owner.name,
    createdBy: activities.createdBy,
    dueAt: activities.dueAt,
    reminderAt: activities.reminderAt,
    doneAt: activities.doneAt,
    createdAt: activities.createdAt,
    updatedAt: activities.updatedAt,
  };
}

function withNames<T>(principal: Principal, rows: (T & { ownerId: string; createdBy: string | null })[]) {
  return rows.map((r) => ({
    ...r,
    canEdit: can(principal, 'update', { type: 'activity', ownerId: r.ownerId, createdBy: r.createdBy }),
  }));
}

/**
 * One timeline per account, contact or deal: newest first by when it happened (done), else
 * when it is due, else when it was written down. An account's timeline includes what was
 * logged on its contacts and deals.
 */
export async function activityTimeline(
  database: Database,
  principal: Principal,
  input: z.output<typeof timelineInput>,
) {
  assertCan(principal, 'read', { type: 'activity' });
  staffOnly(principal);
  return withPrincipalDb(database, principal, async (db) => {
    const target: SQL = input.opportunityId
      ? eq(activities.opportunityId, input.opportunityId)
      : input.contactId
        ? eq(activities.contactId, input.contactId)
        : eq(activities.accountId, input.accountId!);
    const when = sql`coalesce(${activities.doneAt}, ${activities.dueAt}, ${activities.createdAt})`;
    const rows = await db
      .select(activitySelection())
      .from(activities)
      .leftJoin(accounts, eq(accounts.id, activities.accountId))
      .leftJoin(contacts, eq(contacts.id, activities.contactId))
      .leftJoin(opportunities, eq(opportunities.id, activities.opportunityId))
      .innerJoin(owner, eq(owner.id, activities.ownerId))
      .where(and(target, visibleActivities(principal)))
      .orderBy(desc(when), desc(activities.id))
      .limit(input.limit);
    return withNames(principal, rows);
  });
}

/** One activity, for its edit form: staff who may see it; `canEdit` says whether they may change it. */
export async function activityById(database: Database, principal: Principal, id: string) {
  assertCan(principal, 'read', { type: 'activity' });
  staffOnly(principal);
  const [row] = await database
    .select(activitySelection())
    .from(activities)
    .leftJoin(accounts, eq(accounts.id, activities.accountId))
    .leftJoin(contacts, eq(contacts.id, activities.contactId))
    .leftJoin(opportunities, eq(opportunities.id, activities.opportunityId))
    .innerJoin(owner, eq(owner.id, activities.ownerId))
    .where(and(eq(activities.id, id), visibleActivities(principal)));
  if (!row) throw notFound('entity.activity');
  return withNames(principal, [row])[0]!;
}

/** My open follow-ups (or a colleague's, for a leader), oldest due first; `overdue` only the late ones. */
export async function followUps(
  database: Database,
  principal: Principal,
  input: z.output<typeof followUpsInput>,
  now = new Date(),
) {
  assertCan(principal, 'read', { type: 'activity' });
  const me = staffOnly(principal);
  const ownerId = input.ownerId ?? me.userId;
  if (ownerId !== me.userId && me.role === 'rep') throw forbidden();
  return withPrincipalDb(database, principal, async (db) => {
    const rows = await db
      .select({
        ...activitySelection(),
        overdue: sql<boolean>`${activities.dueAt} < ${now.toISOString()}::timestamptz`,
        reminderDue: sql<boolean>`coalesce(${activities.reminderAt} <= ${now.toISOString()}::timestamptz, false)`,
      })
      .from(activities)
      .leftJoin(accounts, eq(accounts.id, activities.accountId))
      .leftJoin(contacts, eq(contacts.id, activities.contactId))
      .leftJoin(opportunities, eq(opportunities.id, activities.opportunityId))
      .innerJoin(owner, eq(owner.id, activities.ownerId))
      .where(
        and(
          eq(activities.ownerId, ownerId),
          isNull(activities.doneAt),
          isNotNull(activities.dueAt),
          input.status === 'overdue' ? lt(activities.dueAt, now) : undefined,
          visibleActivities(principal),
        ),
      )
      .orderBy(asc(activities.dueAt), asc(activities.id))
      .limit(input.limit);
    return withNames(principal, rows);
  });
}
