import { pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.ts';

export const partnerKind = pgEnum('partner_kind', ['supplier', 'dealer']);
export const partnerTier = pgEnum('partner_tier', ['registered', 'silver', 'gold', 'platinum']);

export const partnerOrgs = pgTable('partner_orgs', {
  id: id(),
  name: text('name').notNull(),
  kind: partnerKind('kind').notNull(),
  tier: partnerTier('tier').notNull().default('registered'),
  vatId: text('vat_id'),
  domain: text('domain'),
  ...timestamps,
});

export type PartnerOrg = typeof partnerOrgs.$inferSelect;
