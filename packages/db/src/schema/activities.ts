import { index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';

export const activityType = pgEnum('activity_type', ['call', 'visit', 'email', 'meeting', 'note', 'task']);

export const activities = pgTable(
  'activities',
  {
    id: id(),
    type: activityType('type').notNull(),
    subject: text('subject').notNull(),
    body: text('body'),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }),
    /** When the owner wants to be reminded of an open follow-up (before or at `due_at`). */
    reminderAt: timestamp('reminder_at', { withTimezone: true, mode: 'date' }),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    index('activities_owner_due_idx').on(t.ownerId, t.dueAt),
    index('activities_opportunity_idx').on(t.opportunityId),
    index('activities_account_idx').on(t.accountId),
    index('activities_contact_idx').on(t.contactId),
  ],
);

export type Activity = typeof activities.$inferSelect;
export type ActivityType = (typeof activityType.enumValues)[number];
