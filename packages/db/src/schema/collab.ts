import { bigint, bigserial, customType, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';

/** Postgres bytea as a Uint8Array on both drivers. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike)),
  toDriver: (value) => value,
});

/**
 * A Yjs document's compacted state. `snapshotUpdateId` is the last update folded into the
 * snapshot: loading is snapshot + the updates after it.
 */
export const collabDocs = pgTable('collab_docs', {
  name: text('name').primaryKey(),
  snapshot: bytea('snapshot'),
  snapshotUpdateId: bigint('snapshot_update_id', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Every update is appended here before it is broadcast (append-only until compaction). */
export const collabUpdates = pgTable(
  'collab_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    docName: text('doc_name').notNull(),
    update: bytea('update').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('collab_updates_doc_idx').on(t.docName, t.id)],
);
