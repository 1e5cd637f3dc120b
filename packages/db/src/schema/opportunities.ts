import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  char,
  check,
  date,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { partnerOrgs } from './partners.ts';

export const opportunityStages = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export const opportunityStage = pgEnum('opportunity_stage', opportunityStages);
export const businessType = pgEnum('business_type', ['new', 'existing']);
export const shareAccess = pgEnum('share_access', ['view', 'edit']);

export const opportunities = pgTable(
  'opportunities',
  {
    id: id(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    primaryContactId: uuid('primary_contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    stage: opportunityStage('stage').notNull().default('lead'),
    /** Money is integer minor units + ISO 4217 currency. */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull().default(0),
    currency: char('currency', { length: 3 }).notNull().default('EUR'),
    probability: integer('probability').notNull().default(10),
    /** Internal only: never exposed to partner principals. */
    marginMinor: bigint('margin_minor', { mode: 'number' }),
    businessType: businessType('business_type').notNull().default('new'),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    source: text('source'),
    description: text('description'),
    lostReason: text('lost_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    /** Optimistic concurrency: an update names the version it read. */
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check('opportunities_probability_range', sql`${t.probability} between 0 and 100`),
    check('opportunities_amount_nonneg', sql`${t.amountMinor} >= 0`),
    index('opportunities_owner_stage_idx').on(t.ownerId, t.stage),
    index('opportunities_account_idx').on(t.accountId),
    index('opportunities_updated_idx').on(t.updatedAt, t.id),
    index('opportunities_close_idx').on(t.expectedCloseDate, t.id),
    index('opportunities_name_trgm_idx').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
  ],
);

export const opportunityStageHistory = pgTable(
  'opportunity_stage_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    fromStage: opportunityStage('from_stage'),
    toStage: opportunityStage('to_stage').notNull(),
    changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('opportunity_stage_history_opp_idx').on(t.opportunityId, t.changedAt)],
);

/** opportunity × partner organisation × access. The policy module reads it for every partner request. */
export const opportunityShares = pgTable(
  'opportunity_shares',
  {
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    partnerOrgId: uuid('partner_org_id')
      .notNull()
      .references(() => partnerOrgs.id, { onDelete: 'cascade' }),
    access: shareAccess('access').notNull(),
    sharedBy: uuid('shared_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The deal's sort keys, copied by triggers (never written by the app), so a partner's deal
     * list is read from its shares in key order: a page costs the page, not the number of shares.
     */
    dealUpdatedAt: timestamp('deal_updated_at', { withTimezone: true, mode: 'date' }),
    dealCreatedAt: timestamp('deal_created_at', { withTimezone: true, mode: 'date' }),
    dealName: text('deal_name'),
    dealAmountMinor: bigint('deal_amount_minor', { mode: 'number' }),
    /** `coalesce(expected_close_date, '9999-12-31')`, as the list sorts it. */
    dealCloseDate: date('deal_close_date', { mode: 'string' }),
    /** The deal's account and named contact, so row-level security on them is one index probe. */
    dealAccountId: uuid('deal_account_id'),
    dealContactId: uuid('deal_contact_id'),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.opportunityId, t.partnerOrgId] }),
    index('opportunity_shares_partner_idx').on(t.partnerOrgId, t.opportunityId),
    index('opportunity_shares_partner_updated_idx').on(t.partnerOrgId, t.dealUpdatedAt, t.opportunityId),
    index('opportunity_shares_partner_created_idx').on(t.partnerOrgId, t.dealCreatedAt, t.opportunityId),
    index('opportunity_shares_partner_name_idx').on(t.partnerOrgId, t.dealName, t.opportunityId),
    index('opportunity_shares_partner_amount_idx').on(t.partnerOrgId, t.dealAmountMinor, t.opportunityId),
    index('opportunity_shares_partner_close_idx').on(t.partnerOrgId, t.dealCloseDate, t.opportunityId),
    index('opportunity_shares_partner_account_idx').on(t.partnerOrgId, t.dealAccountId),
    index('opportunity_shares_partner_contact_idx').on(t.partnerOrgId, t.dealContactId),
  ],
);

/**
 * The reports' running totals of open and won deals (decision 019): one row per change
 * (a delta, never updated in place), written by statement triggers on `opportunities` in the
 * same transaction as the change, so a report reading Σ over these rows sees exactly the deals
 * its snapshot sees. The triggers fold the deltas together now and then
 * (`konsort_pipeline_totals_compact()`); the app never writes here.
 *
 * `month` is the month a deal counts in: the expected-close month for open deals (lead …
 * negotiation; null without a date), the closing month in Europe/Berlin for won deals.
 * Archived and lost deals are not counted.
 */
export const opportunityPipelineTotals = pgTable('opportunity_pipeline_totals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ownerId: uuid('owner_id').notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  stage: opportunityStage('stage').notNull(),
  month: date('month', { mode: 'string' }),
  deals: bigint('deals', { mode: 'number' }).notNull(),
  amountMinor: numeric('amount_minor').notNull(),
  /** Σ amount_minor × probability (the weighted pipeline is round(Σ / 100)). */
  weightedRaw: numeric('weighted_raw').notNull(),
});

export type Opportunity = typeof opportunities.$inferSelect;
export type OpportunityStage = (typeof opportunityStages)[number];
export type ShareAccess = (typeof shareAccess.enumValues)[number];
