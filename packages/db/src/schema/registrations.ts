import { sql } from 'drizzle-orm';
import { bigint, char, date, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';
import { partnerOrgs } from './partners.ts';

export const registrationStatuses = ['submitted', 'approved', 'rejected', 'expired', 'won', 'lost'] as const;
export const registrationStatus = pgEnum('registration_status', registrationStatuses);

/** A partner's claim on a customer deal; approved, it becomes a shared deal with a protection period. */
export const dealRegistrations = pgTable(
  'deal_registrations',
  {
    id: id(),
    partnerOrgId: uuid('partner_org_id')
      .notNull()
      .references(() => partnerOrgs.id, { onDelete: 'restrict' }),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    companyName: text('company_name').notNull(),
    /** Lower case, legal form stripped, umlauts folded: the key for duplicate detection. */
    normalizedName: text('normalized_name').notNull(),
    vatId: text('vat_id'),
    domain: text('domain'),
    contactName: text('contact_name').notNull(),
    contactEmail: text('contact_email').notNull(),
    estimatedAmountMinor: bigint('estimated_amount_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull().default('EUR'),
    products: text('products').notNull(),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    notes: text('notes'),
    status: registrationStatus('status').notNull().default('submitted'),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    rejectionReason: text('rejection_reason'),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    protectedUntil: timestamp('protected_until', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    ...timestamps,
  },
  (t) => [
    index('deal_registrations_partner_idx').on(t.partnerOrgId, t.createdAt),
    index('deal_registrations_status_idx').on(t.status, t.createdAt),
    index('deal_registrations_expires_idx').on(t.expiresAt),
    index('deal_registrations_domain_idx').on(t.domain),
    index('deal_registrations_vat_idx').on(t.vatId),
    index('deal_registrations_name_trgm_idx').using('gin', sql`${t.normalizedName} gin_trgm_ops`),
  ],
);

export type DealRegistration = typeof dealRegistrations.$inferSelect;
export type RegistrationStatus = (typeof registrationStatuses)[number];
