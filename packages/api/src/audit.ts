import { type AuditChanges, auditLog, type Executor } from '@konsort/db';
import { actorOf, type Principal } from './principal.ts';

export interface AuditInput {
  action: string;
  entity: string;
  entityId: string;
  changes?: AuditChanges;
  ip?: string | null;
}

/** Written inside the caller's transaction: the change and its record commit or fail together. */
export async function writeAudit(tx: Executor, principal: Principal, entry: AuditInput): Promise<void> {
  const actor = actorOf(principal);
  await tx.insert(auditLog).values({
    ...actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    changes: entry.changes ?? {},
    ip: entry.ip ?? null,
  });
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/** field → [old, new] for the fields that changed; `fields` limits which are compared. */
export function diff<T extends Record<string, unknown>>(
  before: T | null,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    const oldValue = normalise(before?.[field]);
    const newValue = normalise(after[field]);
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) changes[field] = [oldValue, newValue];
  }
  return changes;
}
