import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { apiKeys } from './integrations.ts';
import { opportunities } from './opportunities.ts';
import { partnerOrgs } from './partners.ts';

export const leadSources = ['form', 'csv', 'api', 'manual'] as const;
export const leadStatuses = ['new', 'qualified', 'disqualified', 'converted'] as const;
export const leadOfferStatuses = ['pending', 'accepted', 'declined', 'expired'] as const;
export const leadSource = pgEnum('lead_source', leadSources);
export const leadStatus = pgEnum('lead_status', leadStatuses);
export const leadOfferStatus = pgEnum('lead_offer_status', leadOfferStatuses);

/**
 * A lead: a company that showed interest, before it is an account with a deal. Staff capture,
 * qualify and convert it; it can be offered to one partner organisation at a time, which
 * accepts (the lead becomes that partner's) or declines with a reason before `respond_by`.
 * Earlier offers live in the audit log. Partners see only leads offered to their organisation.
 */
export const leads = pgTable(
  'leads',
  {
    id: id(),
    companyName: text('company_name').notNull(),
    contactName: text('contact_name'),
    email: text('email'),
    phone: text('phone'),
    domain: text('domain'),
    notes: text('notes'),
    source: leadSource('source').notNull(),
    status: leadStatus('status').notNull().default('new'),
    statusReason: text('status_reason'),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    offeredPartnerOrgId: uuid('offered_partner_org_id').references(() => partnerOrgs.id, {
      onDelete: 'set null',
    }),
    offeredBy: uuid('offered_by').references(() => users.id, { onDelete: 'set null' }),
    offeredAt: timestamp('offered_at', { withTimezone: true, mode: 'date' }),
    respondBy: timestamp('respond_by', { withTimezone: true, mode: 'date' }),
    offerStatus: leadOfferStatus('offer_status'),
    offerReason: text('offer_reason'),
    respondedBy: uuid('responded_by').references(() => users.id, { onDelete: 'set null' }),
    respondedAt: timestamp('responded_at', { withTimezone: true, mode: 'date' }),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    convertedAt: timestamp('converted_at', { withTimezone: true, mode: 'date' }),
    /** Optimistic concurrency between staff edits and the partner's answer. */
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    index('leads_status_idx').on(t.status, t.createdAt),
    index('leads_owner_idx').on(t.ownerId, t.status),
    index('leads_offered_org_idx').on(t.offeredPartnerOrgId, t.offerStatus),
    index('leads_respond_by_idx').on(t.respondBy).where(sql`${t.offerStatus} = 'pending'`),
    index('leads_contact_idx').on(t.contactId),
  ],
);

export type Lead = typeof leads.$inferSelect;
export type LeadStatus = (typeof leadStatuses)[number];
export type LeadOfferStatus = (typeof leadOfferStatuses)[number];
