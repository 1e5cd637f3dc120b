import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const actorType = pgEnum('actor_type', ['user', 'integration', 'system']);

/** field → [old, new]; values are JSON (money as minor units, dates as ISO strings). */
export type AuditChanges = Record<string, [unknown, unknown]>;

/**
 * Append-only: the migration revokes UPDATE and DELETE from the application role, and a
 * trigger refuses them for everyone else, so history cannot be rewritten through the app.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actorType: actorType('actor_type').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    changes: jsonb('changes').$type<AuditChanges>().notNull().default({}),
    ip: text('ip'),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entity, t.entityId, t.id),
    index('audit_log_actor_idx').on(t.actorId, t.at),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
