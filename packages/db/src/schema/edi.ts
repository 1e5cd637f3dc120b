import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
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
import { accounts } from './accounts.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';
import { partnerOrgs } from './partners.ts';

export const ediStandard = pgEnum('edi_standard', ['x12', 'edifact']);
export const ediDirection = pgEnum('edi_direction', ['inbound', 'outbound']);
export const ediMessageStatus = pgEnum('edi_message_status', [
  'received',
  'processed',
  'rejected',
  'duplicate',
  'queued',
  'sent',
  'failed',
]);

/** A trading partner's EDI agreement: identifiers, versions, transport, paths, counters. */
export const ediProfiles = pgTable(
  'edi_profiles',
  {
    id: id(),
    partnerOrgId: uuid('partner_org_id')
      .notNull()
      .references(() => partnerOrgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    standard: ediStandard('standard').notNull(),
    /** X12 004010 / 005010, EDIFACT D96A / D01B. */
    version: text('version').notNull(),
    /** Their and our interchange ids with qualifiers (ISA05–08 / UNB S002–S003), GS02/03, GLNs. */
    identifiers: jsonb('identifiers').$type<Record<string, string>>().notNull().default({}),
    /** Delimiters, acknowledgement expectations, UNB syntax and charset, association code. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** `sftp` (host, port, user, key reference, pinned host key) or `local` (a folder). */
    transport: jsonb('transport').$type<Record<string, unknown>>().notNull(),
    inboxPath: text('inbox_path').notNull().default('inbox'),
    outboxPath: text('outbox_path').notNull().default('outbox'),
    archivePath: text('archive_path').notNull().default('archive'),
    errorPath: text('error_path').notNull().default('error'),
    pollIntervalSeconds: integer('poll_interval_seconds').notNull().default(60),
    /** Last control numbers issued by us, per kind (interchange, group, message). */
    controlNumbers: jsonb('control_numbers').$type<Record<string, number>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [index('edi_profiles_partner_idx').on(t.partnerOrgId)],
);

/**
 * Every file in or out. Inbound messages are unique per (profile, interchange control number,
 * file hash): the idempotency key that makes a re-run after a crash harmless.
 */
export const ediMessages = pgTable(
  'edi_messages',
  {
    id: id(),
    profileId: uuid('profile_id')
      .notNull()
      .references(() => ediProfiles.id, { onDelete: 'restrict' }),
    direction: ediDirection('direction').notNull(),
    standard: ediStandard('standard').notNull(),
    /** 850, 855, 856, 810, 997, TA1, ORDERS, ORDRSP, DESADV, INVOIC, CONTRL, CSV… */
    documentType: text('document_type').notNull(),
    interchangeControlNumber: text('interchange_control_number'),
    senderId: text('sender_id'),
    receiverId: text('receiver_id'),
    fileName: text('file_name').notNull(),
    fileHash: text('file_hash').notNull(),
    status: ediMessageStatus('status').notNull(),
    errors: jsonb('errors').$type<unknown[]>().notNull().default([]),
    /** The file as received or sent (EDI files are small; kept for the raw view and reprocess). */
    raw: text('raw').notNull(),
    /** The acknowledgement sent for this message, or the message this one acknowledges. */
    relatedMessageId: uuid('related_message_id'),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('edi_messages_inbound_key')
      .on(t.profileId, t.interchangeControlNumber, t.fileHash)
      .where(sql`${t.direction} = 'inbound'`),
    index('edi_messages_profile_created_idx').on(t.profileId, t.createdAt),
    index('edi_messages_status_idx').on(t.status, t.createdAt),
  ],
);

export const orderStatus = pgEnum('order_status', [
  'received',
  'accepted',
  'changed',
  'rejected',
  'shipped',
  'invoiced',
  'cancelled',
]);
export const orderDirection = pgEnum('order_direction', ['inbound', 'outbound']);

/** Orders from partner ERPs (850/ORDERS) and to suppliers (won deals), linked to the deal. */
export const orders = pgTable(
  'orders',
  {
    id: id(),
    direction: orderDirection('direction').notNull(),
    partnerOrgId: uuid('partner_org_id')
      .notNull()
      .references(() => partnerOrgs.id, { onDelete: 'restrict' }),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    poNumber: text('po_number').notNull(),
    poDate: date('po_date', { mode: 'string' }),
    currency: char('currency', { length: 3 }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull().default(0),
    status: orderStatus('status').notNull().default('received'),
    /** The deal's won amount minus the ordered amount, when they differ (shown on the deal). */
    discrepancyMinor: bigint('discrepancy_minor', { mode: 'number' }),
    sourceMessageId: uuid('source_message_id').references(() => ediMessages.id, { onDelete: 'set null' }),
    document: jsonb('document').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('orders_partner_po_idx').on(t.partnerOrgId, t.direction, t.poNumber),
    index('orders_opportunity_idx').on(t.opportunityId),
    index('orders_account_idx').on(t.accountId),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNumber: text('line_number').notNull(),
    productId: text('product_id'),
    description: text('description'),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unit: text('unit'),
    /** Unit price in minor units at `priceScale` decimals (7.125 EUR → 7125 at scale 3). */
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }),
    priceScale: integer('price_scale').notNull().default(2),
    lineTotalMinor: bigint('line_total_minor', { mode: 'number' }),
  },
  (t) => [index('order_lines_order_idx').on(t.orderId)],
);

/** Shipment notices (856/DESADV) and invoices (810/INVOIC) against an order. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: id(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    reference: text('reference').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currency: char('currency', { length: 3 }),
    sourceMessageId: uuid('source_message_id').references(() => ediMessages.id, { onDelete: 'set null' }),
    document: jsonb('document').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps,
  },
  (t) => [index('order_events_order_idx').on(t.orderId)],
);

/** Numbers of the orders Konsort sends to suppliers (won deals → 850/ORDERS): `KS` + this value. */
export const ediOutboundOrderSeq = pgSequence('edi_outbound_order_seq', { startWith: 100001 });

export const ediOutboxKind = pgEnum('edi_outbox_kind', ['orderResponse', 'purchaseOrder', 'dealFeed']);
export const ediOutboxStatus = pgEnum('edi_outbox_status', ['pending', 'generated', 'sent']);

/**
 * Outbound documents waiting for the bridge: written by the portal in the same transaction as the
 * change that causes them (an order accepted → 855/ORDRSP; a won deal shared with a supplier →
 * 850/ORDERS; shared deals changed → deal feed). The bridge renders each with its grammar into an
 * `edi_messages` row (`message_id`, status `generated`), uploads it under a temporary name and
 * renames it, then marks it `sent`. Staff and bridge only: partners have no grant on it.
 */
export const ediOutbox = pgTable(
  'edi_outbox',
  {
    id: id(),
    profileId: uuid('profile_id')
      .notNull()
      .references(() => ediProfiles.id, { onDelete: 'cascade' }),
    kind: ediOutboxKind('kind').notNull(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    /** The business document (855/850 as the grammar's JSON, or the feed's rows). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    /** Deal feed: sha256 of the rows, so an unchanged snapshot is not sent again. */
    contentHash: text('content_hash'),
    status: ediOutboxStatus('status').notNull().default('pending'),
    messageId: uuid('message_id').references(() => ediMessages.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    index('edi_outbox_profile_status_idx').on(t.profileId, t.status, t.createdAt),
    index('edi_outbox_profile_kind_idx').on(t.profileId, t.kind, t.createdAt),
    /** A won deal becomes one order per supplier profile, however often the bridge asks. */
    uniqueIndex('edi_outbox_won_deal_idx')
      .on(t.profileId, t.opportunityId)
      .where(sql`${t.kind} = 'purchaseOrder'`),
  ],
);
