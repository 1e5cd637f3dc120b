import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { contacts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { orders } from './edi.ts';
import { opportunities } from './opportunities.ts';
import { partnerOrgs } from './partners.ts';

/** The product catalogue. Prices are integer minor units; tax rates in basis points (1900 = 19 %). */
export const products = pgTable(
  'products',
  {
    id: id(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    unit: text('unit').notNull().default('pc'),
    listPriceMinor: bigint('list_price_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull().default('EUR'),
    taxRateBp: integer('tax_rate_bp').notNull().default(1900),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('products_sku_idx').on(sql`lower(${t.sku})`),
    check('products_price_nonneg', sql`${t.listPriceMinor} >= 0`),
    check('products_tax_range', sql`${t.taxRateBp} between 0 and 10000`),
  ],
);

export const priceRuleKind = pgEnum('price_rule_kind', ['quantity_discount', 'requires', 'excludes']);

/**
 * Product configuration rules, checked whenever a quote version is saved:
 *  - quantity_discount: product X with quantity ≥ min_quantity gets discount_bp off its line;
 *  - requires: product X on the quote needs other_product on it too;
 *  - excludes: product X and other_product cannot be on one quote.
 */
export const priceRules = pgTable(
  'price_rules',
  {
    id: id(),
    kind: priceRuleKind('kind').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    minQuantity: numeric('min_quantity', { precision: 14, scale: 3 }),
    discountBp: integer('discount_bp'),
    otherProductId: uuid('other_product_id').references(() => products.id, { onDelete: 'cascade' }),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    index('price_rules_product_idx').on(t.productId),
    check(
      'price_rules_shape',
      sql`(${t.kind} = 'quantity_discount' and ${t.minQuantity} > 0 and ${t.discountBp} between 1 and 10000) or (${t.kind} in ('requires', 'excludes') and ${t.otherProductId} is not null and ${t.otherProductId} <> ${t.productId})`,
    ),
  ],
);

export const quoteStatus = pgEnum('quote_status', ['draft', 'sent', 'accepted', 'rejected', 'expired']);

export const quoteNumberSeq = pgSequence('quote_number_seq', { startWith: 1 });

/** A quote on a deal. Its content lives in versions; the quote row holds the status. */
export const quotes = pgTable(
  'quotes',
  {
    id: id(),
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    status: quoteStatus('status').notNull().default('draft'),
    currentVersion: integer('current_version').notNull().default(1),
    /** The customer's contact the quote is addressed to (and follow-ups go to). */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    currency: char('currency', { length: 3 }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
    /** The supplier that fulfils the order when the quote is accepted. */
    supplierOrgId: uuid('supplier_org_id').references(() => partnerOrgs.id, { onDelete: 'set null' }),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** Optimistic concurrency for status changes and edits. */
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('quotes_number_idx').on(t.number),
    index('quotes_opportunity_idx').on(t.opportunityId),
    index('quotes_status_idx').on(t.status, t.sentAt),
  ],
);

/** One version of a quote's content; versions below `quotes.current_version` are read-only. */
export const quoteVersions = pgTable(
  'quote_versions',
  {
    id: id(),
    quoteId: uuid('quote_id')
      .notNull()
      .references(() => quotes.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    discountBp: integer('discount_bp').notNull().default(0),
    notes: text('notes'),
    /** Totals as computed when saved (see packages/api/src/quotes/totals.ts for the rounding). */
    netBeforeDiscountMinor: bigint('net_before_discount_minor', { mode: 'number' }).notNull().default(0),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull().default(0),
    netMinor: bigint('net_minor', { mode: 'number' }).notNull().default(0),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull().default(0),
    grossMinor: bigint('gross_minor', { mode: 'number' }).notNull().default(0),
    taxes: jsonb('taxes')
      .$type<{ rateBp: number; baseMinor: number; taxMinor: number }[]>()
      .notNull()
      .default([]),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('quote_versions_quote_idx').on(t.quoteId, t.versionNumber),
    check('quote_versions_discount_range', sql`${t.discountBp} between 0 and 10000`),
  ],
);

export const quoteLines = pgTable(
  'quote_lines',
  {
    id: id(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => quoteVersions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: uuid('product_id').references(() => products.id, { onDelete: 'set null' }),
    sku: text('sku'),
    description: text('description').notNull(),
    unit: text('unit').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    discountBp: integer('discount_bp').notNull().default(0),
    /** Discount granted by a configuration rule, applied after the line discount. */
    ruleDiscountBp: integer('rule_discount_bp').notNull().default(0),
    taxRateBp: integer('tax_rate_bp').notNull(),
    netMinor: bigint('net_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('quote_lines_version_idx').on(t.versionId, t.position),
    check('quote_lines_quantity_pos', sql`${t.quantity} > 0`),
    check('quote_lines_price_nonneg', sql`${t.unitPriceMinor} >= 0`),
  ],
);

export type Product = typeof products.$inferSelect;
export type PriceRule = typeof priceRules.$inferSelect;
export type Quote = typeof quotes.$inferSelect;
export type QuoteVersion = typeof quoteVersions.$inferSelect;
export type QuoteLine = typeof quoteLines.$inferSelect;
export type QuoteStatus = (typeof quoteStatus.enumValues)[number];
