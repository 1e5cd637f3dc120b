import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { users } from './auth.ts';
import { timestamps } from './columns.ts';
import { quotes } from './quotes.ts';

/**
 * Admin-editable automation settings, one JSON document per key (default deal estimates,
 * follow-up stages and templates, loss reasons, priority criteria). Validated by zod in
 * packages/api/src/automation/settings.ts on every read and write.
 */
export const automationSettings = pgTable('automation_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  ...timestamps,
});

/** Which follow-up stage of a sent quote went out: the row is the proof that it was sent once. */
export const quoteFollowups = pgTable(
  'quote_followups',
  {
    quoteId: uuid('quote_id')
      .notNull()
      .references(() => quotes.id, { onDelete: 'cascade' }),
    stage: integer('stage').notNull(),
    dayOffset: integer('day_offset').notNull(),
    recipient: text('recipient').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.quoteId, t.stage] })],
);

/** Contact cadence per account: visit every N days, call every M days (null: no target). */
export const accountCadences = pgTable(
  'account_cadences',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    visitEveryDays: integer('visit_every_days'),
    callEveryDays: integer('call_every_days'),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    check(
      'account_cadences_visit_pos',
      sql`${t.visitEveryDays} is null or ${t.visitEveryDays} between 1 and 3650`,
    ),
    check(
      'account_cadences_call_pos',
      sql`${t.callEveryDays} is null or ${t.callEveryDays} between 1 and 3650`,
    ),
  ],
);

/** The account's current customer priority (A/B/C) and the strategic flag it is computed from. */
export const accountPriorities = pgTable(
  'account_priorities',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    priority: char('priority', { length: 1 }),
    strategic: boolean('strategic').notNull().default(false),
    reasons: jsonb('reasons').$type<Record<string, unknown>>().notNull().default({}),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [check('account_priorities_value', sql`${t.priority} is null or ${t.priority} in ('A', 'B', 'C')`)],
);

export const accountPriorityHistory = pgTable(
  'account_priority_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    fromPriority: char('from_priority', { length: 1 }),
    toPriority: char('to_priority', { length: 1 }).notNull(),
    reasons: jsonb('reasons').$type<Record<string, unknown>>().notNull().default({}),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('account_priority_history_account_idx').on(t.accountId, t.changedAt)],
);
