import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';

/**
 * Rich-text documents of a deal, co-edited live (Yjs doc `document:<id>`). A partner sees one
 * when its organisation holds a share on the deal and the document is marked shared.
 */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    sharedWithPartners: boolean('shared_with_partners').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** Plain-text projection of the rich text, for search and previews. */
    textPreview: text('text_preview').notNull().default(''),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [index('documents_opportunity_idx').on(t.opportunityId)],
);

export type DocumentRow = typeof documents.$inferSelect;
