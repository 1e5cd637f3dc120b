import { accounts, contacts, type Database, opportunities, users } from '@konsort/db';
import { and, asc, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { assertCan, assertMayEver, can, project, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import type { AccountInput, createAccountInput, listInput } from '../schemas.ts';
import { encodeCursor, inTransaction, likePattern, nullify, readCursor } from '../tx.ts';

const auditedFields = [
  'name',
  'type',
  'industry',
  'vatId',
  'domain',
  'website',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'country',
  'notes',
  'ownerId',
  'archivedAt',
] as const;

const editableFields = [
  'name',
  'type',
  'industry',
  'vatId',
  'domain',
  'website',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'country',
  'notes',
] as const satisfies readonly (keyof AccountInput)[];

export async function listAccounts(
  database: Database,
  principal: Principal,
  input: z.output<typeof listInput>,
) {
  return withPrincipalDb(database, principal, async (db) => {
    const cursor = readCursor(input.cursor, 2);
    const where = and(
      visible(principal).accounts(),
      input.includeArchived ? undefined : isNull(accounts.archivedAt),
      input.q
        ? or(
            sql`lower(${accounts.name}) like ${likePattern(input.q)}`,
            sql`lower(${accounts.city}) like ${likePattern(input.q)}`,
            sql`${accounts.vatId} = ${input.q.replace(/\s/g, '').toUpperCase()}`,
          )
        : undefined,
      cursor
        ? or(
            gt(sql`lower(${accounts.name})`, String(cursor[0])),
            and(eq(sql`lower(${accounts.name})`, String(cursor[0])), gt(accounts.id, String(cursor[1]))),
          )
        : undefined,
    );
    const rows = await db
      .select({
        id: accounts.id,
        name: accounts.name,
        type: accounts.type,
        industry: accounts.industry,
        city: accounts.city,
        country: accounts.country,
        domain: accounts.domain,
        ownerId: accounts.ownerId,
        ownerName: users.name,
        archivedAt: accounts.archivedAt,
        openDeals: sql<number>`(select count(*)::int from ${opportunities} o where o.account_id = ${accounts.id} and o.stage not in ('won','lost') and o.archived_at is null)`,
      })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.ownerId))
      .where(where)
      .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id))
      .limit(input.limit + 1);
    const items = rows
      .slice(0, input.limit)
      .map((r) => (principal.kind === 'partner' ? { ...r, ownerId: null, ownerName: null } : r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
    };
  });
}

export async function getAccount(database: Database, principal: Principal, id: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const [row] = await db
      .select({ account: accounts, ownerName: users.name })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.ownerId))
      .where(and(eq(accounts.id, id), visible(principal).accounts()));
    if (!row) throw notFound('entity.account');
    const accountContacts = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.accountId, id), isNull(contacts.archivedAt), visible(principal).contacts()))
      .orderBy(asc(contacts.lastName), asc(contacts.firstName));
    const deals = await db
      .select({
        id: opportunities.id,
        name: opportunities.name,
        stage: opportunities.stage,
        amountMinor: opportunities.amountMinor,
        currency: opportunities.currency,
        expectedCloseDate: opportunities.expectedCloseDate,
      })
      .from(opportunities)
      .where(
        and(
          eq(opportunities.accountId, id),
          isNull(opportunities.archivedAt),
          visible(principal).opportunities(),
        ),
      )
      .orderBy(desc(opportunities.updatedAt));
    const p = project(principal);
    return {
      account: p.account(row.account),
      ownerName: principal.kind === 'internal' ? row.ownerName : null,
      contacts: accountContacts.map((c) => p.contact(c)),
      opportunities: deals,
      permissions: {
        update: can(principal, 'update', { type: 'account', ownerId: row.account.ownerId }),
        archive: can(principal, 'archive', { type: 'account', ownerId: row.account.ownerId }),
        createContact: can(principal, 'create', { type: 'contact' }),
        createOpportunity: can(principal, 'create', { type: 'opportunity' }),
      },
    };
  });
}

export async function createAccount(
  db: Database,
  principal: Principal,
  input: z.output<typeof createAccountInput>,
) {
  assertCan(principal, 'create', { type: 'account' });
  if (principal.kind !== 'internal') throw new AppError('FORBIDDEN', 'errors.forbidden');
  const ownerId = input.ownerId ?? principal.userId;
  if (ownerId !== principal.userId) assertCan(principal, 'changeOwner', { type: 'account', ownerId });
  return inTransaction(db, principal, async (tx) => {
    const values = { ...nullify(input, editableFields), ownerId };
    const [created] = await tx.insert(accounts).values(values).returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'account',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    return created!;
  });
}

export async function updateAccount(db: Database, principal: Principal, id: string, input: AccountInput) {
  assertMayEver(principal, 'update', 'account');
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(accounts).where(eq(accounts.id, id)).for('update');
    if (!before) throw notFound('entity.account');
    assertCan(principal, 'update', { type: 'account', ownerId: before.ownerId });
    if (before.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    const patch = nullify(input, editableFields);
    const changes = diff(before, patch, auditedFields);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(accounts)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(accounts.id, id))
      .returning();
    await writeAudit(tx, principal, { action: 'update', entity: 'account', entityId: id, changes });
    return after!;
  });
}

export async function archiveAccount(db: Database, principal: Principal, id: string) {
  assertMayEver(principal, 'archive', 'account');
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(accounts).where(eq(accounts.id, id)).for('update');
    if (!before) throw notFound('entity.account');
    assertCan(principal, 'archive', { type: 'account', ownerId: before.ownerId });
    if (before.archivedAt) return before;
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(opportunities)
      .where(
        and(
          eq(opportunities.accountId, id),
          isNull(opportunities.archivedAt),
          sql`${opportunities.stage} not in ('won', 'lost')`,
        ),
      );
    if ((open?.n ?? 0) > 0) throw new AppError('CONFLICT', 'errors.accountHasOpenDeals');
    const archivedAt = new Date();
    const [after] = await tx
      .update(accounts)
      .set({ archivedAt, updatedAt: archivedAt })
      .where(eq(accounts.id, id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'archive',
      entity: 'account',
      entityId: id,
      changes: diff(before, { archivedAt }, auditedFields),
    });
    return after!;
  });
}

/** Optional form fields left empty become NULL in the row, not ''. */
