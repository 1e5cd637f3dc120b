import { accounts, contacts, type Database } from '@konsort/db';
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { assertCan, assertMayEver, can, project, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import type { ContactInput, listInput, updateContactInput } from '../schemas.ts';
import { encodeCursor, inTransaction, likePattern, nullify, readCursor } from '../tx.ts';

const editableFields = [
  'salutation',
  'title',
  'firstName',
  'lastName',
  'position',
  'email',
  'phone',
  'mobile',
] as const satisfies readonly (keyof ContactInput)[];
const auditedFields = [...editableFields, 'accountId', 'archivedAt'] as const;

export async function listContacts(
  database: Database,
  principal: Principal,
  input: z.output<typeof listInput> & { accountId?: string | undefined },
) {
  return withPrincipalDb(database, principal, async (db) => {
    const cursor = readCursor(input.cursor, 2);
    const sortKey = sql`lower(${contacts.lastName} || ' ' || ${contacts.firstName})`;
    const rows = await db
      .select({
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        title: contacts.title,
        position: contacts.position,
        email: contacts.email,
        phone: contacts.phone,
        accountId: contacts.accountId,
        accountName: accounts.name,
        sortKey: sql<string>`${sortKey}`,
      })
      .from(contacts)
      .innerJoin(accounts, eq(accounts.id, contacts.accountId))
      .where(
        and(
          visible(principal).contacts(),
          input.includeArchived ? undefined : isNull(contacts.archivedAt),
          input.accountId ? eq(contacts.accountId, input.accountId) : undefined,
          input.q
            ? or(
                sql`lower(${contacts.firstName} || ' ' || ${contacts.lastName}) like ${likePattern(input.q)}`,
                sql`lower(${contacts.email}) like ${likePattern(input.q)}`,
                sql`lower(${accounts.name}) like ${likePattern(input.q)}`,
              )
            : undefined,
          cursor
            ? or(
                gt(sortKey, String(cursor[0])),
                and(eq(sortKey, String(cursor[0])), gt(contacts.id, String(cursor[1]))),
              )
            : undefined,
        ),
      )
      .orderBy(asc(sortKey), asc(contacts.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit).map(({ sortKey: _s, ...r }) => r);
    const last = rows[input.limit - 1];
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.sortKey, last.id]) : null,
    };
  });
}

export async function getContact(database: Database, principal: Principal, id: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const [row] = await db
      .select({ contact: contacts, accountName: accounts.name })
      .from(contacts)
      .innerJoin(accounts, eq(accounts.id, contacts.accountId))
      .where(and(eq(contacts.id, id), visible(principal).contacts()));
    if (!row) throw notFound('entity.contact');
    return {
      contact: project(principal).contact(row.contact),
      accountName: row.accountName,
      permissions: {
        update: can(principal, 'update', { type: 'contact' }),
        archive: can(principal, 'archive', { type: 'contact' }),
      },
    };
  });
}

export async function createContact(db: Database, principal: Principal, input: ContactInput) {
  assertCan(principal, 'create', { type: 'contact' });
  return inTransaction(db, principal, async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, archivedAt: accounts.archivedAt })
      .from(accounts)
      .where(and(eq(accounts.id, input.accountId), visible(principal).accounts()));
    if (!account) throw notFound('entity.account');
    if (account.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    const [created] = await tx
      .insert(contacts)
      .values({ ...nullify(input, editableFields), accountId: input.accountId })
      .returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'contact',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    return created!;
  });
}

export async function updateContact(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateContactInput>,
) {
  assertMayEver(principal, 'update', 'contact');
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(contacts).where(eq(contacts.id, input.id)).for('update');
    if (!before) throw notFound('entity.contact');
    assertCan(principal, 'update', { type: 'contact' });
    if (before.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    const patch = nullify(input.data, editableFields);
    const changes = diff(before, patch, auditedFields);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(contacts)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(contacts.id, input.id))
      .returning();
    await writeAudit(tx, principal, { action: 'update', entity: 'contact', entityId: input.id, changes });
    return after!;
  });
}

export async function archiveContact(db: Database, principal: Principal, id: string) {
  assertMayEver(principal, 'archive', 'contact');
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
    if (!before) throw notFound('entity.contact');
    assertCan(principal, 'archive', { type: 'contact' });
    if (before.archivedAt) return before;
    const archivedAt = new Date();
    const [after] = await tx
      .update(contacts)
      .set({ archivedAt, updatedAt: archivedAt })
      .where(eq(contacts.id, id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'archive',
      entity: 'contact',
      entityId: id,
      changes: diff(before, { archivedAt }, auditedFields),
    });
    return after!;
  });
}
