import { sql } from 'drizzle-orm';
import { bigint, char, check, index, integer, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { businessType } from './opportunities.ts';

/**
 * Revenue targets: one row per rep × month × business type (new / existing customers) ×
 * currency. An annual target is not stored: it is the sum of its months, so editing a month
 * can never leave the year and its months disagreeing.
 */
export const salesTargets = pgTable(
  'sales_targets',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    businessType: businessType('business_type').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('EUR'),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    setBy: uuid('set_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('sales_targets_user_month_idx').on(t.userId, t.year, t.month, t.businessType, t.currency),
    index('sales_targets_year_month_idx').on(t.year, t.month),
    check('sales_targets_month_range', sql`${t.month} between 1 and 12`),
    check('sales_targets_year_range', sql`${t.year} between 2000 and 2100`),
    check('sales_targets_amount_nonneg', sql`${t.amountMinor} >= 0`),
  ],
);

export type SalesTarget = typeof salesTargets.$inferSelect;
