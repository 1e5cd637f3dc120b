import { type AuditChanges, auditLog, type Database, opportunities, users } from '@konsort/db';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';

export const asOfInput = z.object({ id: z.uuid(), at: z.coerce.date() });

/** The deal's timeline: every audited change, oldest first, with who made it. Staff only. */
export async function opportunityTimeline(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'readInternalFields', { type: 'opportunity' });
  const [deal] = await db
    .select({ id: opportunities.id })
    .from(opportunities)
    .where(eq(opportunities.id, id));
  if (!deal) throw notFound('entity.opportunity');
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      actorType: auditLog.actorType,
      actorId: auditLog.actorId,
      actorName: users.name,
      changes: auditLog.changes,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.entity, 'opportunity'), eq(auditLog.entityId, id)))
    .orderBy(asc(auditLog.id));
}

type Snapshot = Record<string, unknown>;

/**
 * The deal as it stood at `at`, replayed from the audit log: start from the current row and
 * undo, newest first, every audited change made after `at`. Walking back (rather than
 * forward from a creation entry) also works for rows that predate their first audit entry,
 * such as imported or seeded ones.
 */
export async function opportunityAsOf(db: Database, principal: Principal, input: z.output<typeof asOfInput>) {
  assertCan(principal, 'readInternalFields', { type: 'opportunity' });
  const [row] = await db.select().from(opportunities).where(eq(opportunities.id, input.id));
  if (!row) throw notFound('entity.opportunity');
  if (row.createdAt > input.at) return { existed: false as const, at: input.at, fields: null, shares: null };
  const entries = await opportunityTimeline(db, principal, input.id);
  const fields: Snapshot = {};
  for (const [key, value] of Object.entries(row)) {
    fields[key] = value instanceof Date ? value.toISOString() : value;
  }
  const shares: Record<string, unknown> = {};
  const later = entries.filter((e) => e.at > input.at).reverse();
  // Shares are not columns of the row: rebuild them forward, then undo the later changes.
  for (const e of entries) applyShareChanges(shares, e.changes, 1);
  for (const entry of later) {
    for (const [field, [oldValue]] of Object.entries(entry.changes as AuditChanges)) {
      if (!field.startsWith('share:')) fields[field] = oldValue;
    }
    applyShareChanges(shares, entry.changes, 0);
  }
  for (const key of ['version', 'updatedAt']) delete fields[key];
  return {
    existed: true as const,
    at: input.at,
    fields,
    shares: Object.fromEntries(Object.entries(shares).filter(([, v]) => v !== null)),
    changesUndone: later.length,
  };
}

function applyShareChanges(shares: Record<string, unknown>, changes: AuditChanges, side: 0 | 1) {
  for (const [field, pair] of Object.entries(changes)) {
    if (field.startsWith('share:')) shares[field.slice('share:'.length)] = pair[side];
  }
}
