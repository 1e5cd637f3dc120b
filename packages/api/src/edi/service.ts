/**
 * The portal side of the EDI bridge: trading-partner profiles, idempotent ingestion of inbound
 * files into orders, control-number reservation and the outbound message log.
 *
 * Exactly-once: an inbound file is keyed by (profile, interchange control number, file hash) —
 * the unique index `edi_messages_inbound_key`. `ingest` inserts the message with ON CONFLICT DO
 * NOTHING and does everything else in the same transaction, so a file sent again (a bridge that
 * crashed before archiving it) finds its message and returns `duplicate` without side effects.
 */
import { createHash } from 'node:crypto';
import {
  accounts,
  auditLog,
  type Database,
  ediMessages,
  ediOutbox,
  ediProfiles,
  opportunities,
  opportunityShares,
  orderEvents,
  orderLines,
  orders,
  pgErrorOf,
  type Transaction,
} from '@konsort/db';
import { and, desc, eq, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type AuditInput, diff, writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { currencyDigits } from '../money.ts';
import { assertCan } from '../policy/index.ts';
import { actorOf, type Principal } from '../principal.ts';
import { encodeCursor, inTransaction, readCursor, timestampParam } from '../tx.ts';
import {
  type controlNumberKinds,
  type createProfileInput,
  type IngestInput,
  identifiersSchema,
  type markSentManyInput,
  type messagesInput,
  type nextControlNumbersInput,
  type PurchaseOrderInput,
  type recordOutboundInput,
  settingsSchema,
  transportSchema,
  type updateProfileInput,
} from './schemas.ts';

export type ProfileRow = typeof ediProfiles.$inferSelect;

/** A profile as the bridge and the admin UI see it: jsonb columns parsed into their schemas. */
export function presentProfile(row: ProfileRow) {
  return {
    id: row.id,
    partnerOrgId: row.partnerOrgId,
    name: row.name,
    standard: row.standard,
    version: row.version,
    identifiers: identifiersSchema.parse(row.identifiers),
    settings: settingsSchema.parse(row.settings),
    transport: transportSchema.parse(row.transport),
    inboxPath: row.inboxPath,
    outboxPath: row.outboxPath,
    archivePath: row.archivePath,
    errorPath: row.errorPath,
    pollIntervalSeconds: row.pollIntervalSeconds,
    active: row.active,
    updatedAt: row.updatedAt,
  };
}
export type EdiProfile = ReturnType<typeof presentProfile>;

export async function listProfiles(db: Database, principal: Principal, opts: { includeInactive?: boolean }) {
  assertCan(principal, 'read', { type: 'ediProfile' });
  const rows = await db
    .select()
    .from(ediProfiles)
    .where(opts.includeInactive ? undefined : eq(ediProfiles.active, true))
    .orderBy(ediProfiles.name, ediProfiles.id);
  const profiles = rows.map(presentProfile);
  // Only the bridge needs a stored private key; people see that one is set, not the key.
  if (principal.kind === 'integration') return profiles;
  return profiles.map((p) =>
    p.transport.kind === 'sftp' && p.transport.privateKey
      ? { ...p, transport: { ...p.transport, privateKey: '***' } }
      : p,
  );
}

const profileAuditFields = [
  'name',
  'standard',
  'version',
  'identifiers',
  'settings',
  'transport',
  'inboxPath',
  'outboxPath',
  'archivePath',
  'errorPath',
  'pollIntervalSeconds',
  'active',
] as const;

/** The audit log never holds a private key: it is replaced by a marker. */
function redactTransport(row: Partial<ProfileRow>): Partial<ProfileRow> {
  const t = row.transport;
  if (t && typeof t === 'object' && 'privateKey' in t)
    return { ...row, transport: { ...t, privateKey: '***' } };
  return row;
}

export async function createProfile(
  db: Database,
  principal: Principal,
  input: z.output<typeof createProfileInput>,
) {
  assertCan(principal, 'manage', { type: 'ediProfile' });
  return inTransaction(db, principal, async (tx) => {
    let row: ProfileRow | undefined;
    try {
      [row] = await tx.insert(ediProfiles).values(input).returning();
    } catch (e) {
      if (pgErrorOf(e)?.code === '23503') throw notFound('Partner organisation');
      throw e;
    }
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'edi_profile',
      entityId: row!.id,
      changes: diff<Partial<ProfileRow>>(null, redactTransport(row!), profileAuditFields),
    });
    return presentProfile(row!);
  });
}

export async function updateProfile(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateProfileInput>,
) {
  assertCan(principal, 'manage', { type: 'ediProfile' });
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(ediProfiles).where(eq(ediProfiles.id, input.id)).for('update');
    if (!before) throw notFound('EDI profile');
    const [after] = await tx
      .update(ediProfiles)
      .set({ ...input.data, updatedAt: new Date() })
      .where(eq(ediProfiles.id, input.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'edi_profile',
      entityId: input.id,
      changes: diff<Partial<ProfileRow>>(
        redactTransport(before),
        redactTransport(after!),
        profileAuditFields,
      ),
    });
    return presentProfile(after!);
  });
}

export async function activeProfile(tx: Transaction | Database, profileId: string): Promise<ProfileRow> {
  const [profile] = await tx
    .select()
    .from(ediProfiles)
    .where(and(eq(ediProfiles.id, profileId), eq(ediProfiles.active, true)));
  if (!profile) throw notFound('EDI profile');
  return profile;
}

// ---------------------------------------------------------------------------------------------
// Ingest

interface Problem {
  level: string;
  code: string;
  message: string;
}

/** A business rule failed: the documents' effects are rolled back, the message stays as rejected. */
export class DocumentRejection extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

function problem(code: string, message: string): Problem {
  return { level: 'message', code, message };
}

/** quantity × unit price, rounded half away from zero to the currency's minor units. Exact (BigInt). */
export function lineTotalMinor(quantity: string, price: { minor: number; scale: number }, digits: number) {
  const negative = quantity.startsWith('-');
  const [whole = '0', fraction = ''] = quantity.replace('-', '').split('.');
  const q = BigInt(whole + fraction) * (negative ? -1n : 1n);
  const product = q * BigInt(price.minor);
  const shift = fraction.length + price.scale - digits;
  if (shift <= 0) return Number(product * 10n ** BigInt(-shift));
  const divisor = 10n ** BigInt(shift);
  const sign = product < 0n ? -1n : 1n;
  const abs = product * sign;
  return Number(sign * ((abs + divisor / 2n) / divisor));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveAccount(tx: Transaction, profile: ProfileRow, po: PurchaseOrderInput) {
  const settings = settingsSchema.parse(profile.settings);
  for (const party of [po.buyer, po.shipTo]) {
    const mapped = party?.id ? settings.partyAccounts[party.id] : undefined;
    if (!mapped) continue;
    const [row] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.id, mapped), isNull(accounts.archivedAt)));
    if (row) return row.id;
  }
  const name = po.buyer?.name?.trim();
  if (!name) return null;
  const rows = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(sql`lower(${accounts.name}) = lower(${name})`, isNull(accounts.archivedAt)))
    .limit(2);
  return rows.length === 1 ? rows[0]!.id : null;
}

/**
 * The deal an order belongs to: REF*CT / RFF+CT naming the deal's id or its name among the deals
 * shared with the partner, else the one won deal shared with the partner on the matched account.
 * A deal neither shared with the partner nor on the ordering account is never linked.
 */
async function resolveOpportunity(
  tx: Transaction,
  partnerOrgId: string,
  accountId: string | null,
  po: PurchaseOrderInput,
) {
  const columns = {
    id: opportunities.id,
    accountId: opportunities.accountId,
    amountMinor: opportunities.amountMinor,
    currency: opportunities.currency,
  };
  const sharedWithPartner = sql`exists (select 1 from ${opportunityShares} where ${opportunityShares.opportunityId} = ${opportunities.id} and ${opportunityShares.partnerOrgId} = ${partnerOrgId})`;
  const reachable = accountId
    ? sql`(${sharedWithPartner} or ${opportunities.accountId} = ${accountId})`
    : sharedWithPartner;
  for (const ref of po.references.filter((r) => r.qualifier === 'CT')) {
    const byId = UUID.test(ref.value) ? eq(opportunities.id, ref.value.toLowerCase()) : undefined;
    const byName = sql`lower(${opportunities.name}) = lower(${ref.value})`;
    const rows = await tx
      .select(columns)
      .from(opportunities)
      .where(and(byId ?? byName, reachable, isNull(opportunities.archivedAt)))
      .limit(2);
    if (rows.length === 1) return rows[0]!;
  }
  if (!accountId) return null;
  const rows = await tx
    .select(columns)
    .from(opportunities)
    .where(
      and(
        eq(opportunities.accountId, accountId),
        eq(opportunities.stage, 'won'),
        sharedWithPartner,
        isNull(opportunities.archivedAt),
      ),
    )
    .limit(2);
  return rows.length === 1 ? rows[0]! : null;
}

/** Lookups a batch repeats for every file (the same buyer, the same deal reference): memoised per batch. */
export type LookupCache = Map<string, Promise<unknown>>;

function memo<T>(cache: LookupCache | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!cache) return load();
  let hit = cache.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    cache.set(key, hit);
    // A failed lookup (its savepoint rolled back) is not remembered for the next file.
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

/**
 * What an 850/ORDERS becomes: the order's columns (account, deal, totals, discrepancy) and its
 * lines. Throws `DocumentRejection` when the order cannot be mapped (no currency).
 */
export async function orderValues(
  tx: Transaction,
  profile: ProfileRow,
  messageId: string,
  po: PurchaseOrderInput,
  cache?: LookupCache,
) {
  const currency = (po.currency ?? settingsSchema.parse(profile.settings).defaultCurrency)?.toUpperCase();
  if (!currency) {
    throw new DocumentRejection([
      problem('MAPPING', `Order ${po.poNumber} names no currency and the profile sets no default currency.`),
    ]);
  }
  const digits = currencyDigits(currency);
  const lines = po.lines.map((l) => ({
    lineNumber: l.lineNumber,
    productId: l.productIds[0]?.value ?? null,
    description: l.description ?? null,
    quantity: l.quantity,
    unit: l.unit || null,
    unitPriceMinor: l.unitPrice?.minor ?? null,
    priceScale: l.unitPrice?.scale ?? digits,
    lineTotalMinor: l.unitPrice ? lineTotalMinor(l.quantity, l.unitPrice, digits) : null,
  }));
  const totalMinor = lines.reduce((sum, l) => sum + (l.lineTotalMinor ?? 0), 0);
  const accountIdFromParties = await memo(
    cache,
    `account:${JSON.stringify([po.buyer?.id, po.shipTo?.id, po.buyer?.name?.trim().toLowerCase()])}`,
    () => resolveAccount(tx, profile, po),
  );
  const deal = await memo(
    cache,
    `deal:${JSON.stringify([accountIdFromParties, po.references.filter((r) => r.qualifier === 'CT')])}`,
    () => resolveOpportunity(tx, profile.partnerOrgId, accountIdFromParties, po),
  );
  const accountId = accountIdFromParties ?? deal?.accountId ?? null;
  const discrepancy = deal && deal.currency === currency ? deal.amountMinor - totalMinor : null;
  const values = {
    accountId,
    opportunityId: deal?.id ?? null,
    poDate: po.poDate,
    currency,
    totalMinor,
    discrepancyMinor: discrepancy === 0 ? null : discrepancy,
    sourceMessageId: messageId,
    document: po as unknown as Record<string, unknown>,
  };
  return { values, lines };
}

/** The audited fields of a new order. */
export const orderCreateAuditFields = [
  'poNumber',
  'accountId',
  'opportunityId',
  'currency',
  'totalMinor',
  'discrepancyMinor',
  'sourceMessageId',
] as const;

async function applyPurchaseOrder(
  tx: Transaction,
  principal: Principal,
  profile: ProfileRow,
  messageId: string,
  po: PurchaseOrderInput,
  cache?: LookupCache,
): Promise<string> {
  const { values, lines } = await orderValues(tx, profile, messageId, po, cache);
  const [existing] = await tx
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.partnerOrgId, profile.partnerOrgId),
        eq(orders.direction, 'inbound'),
        eq(orders.poNumber, po.poNumber),
      ),
    )
    .for('update');
  if (!existing) {
    if (po.purpose === 'cancellation') {
      throw new DocumentRejection([
        problem('UNKNOWN_ORDER', `Order ${po.poNumber} is cancelled but was never received.`),
      ]);
    }
    const [order] = await tx
      .insert(orders)
      .values({ ...values, direction: 'inbound', partnerOrgId: profile.partnerOrgId, poNumber: po.poNumber })
      .returning();
    await tx.insert(orderLines).values(lines.map((l) => ({ ...l, orderId: order!.id })));
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'order',
      entityId: order!.id,
      changes: diff<Record<string, unknown>>(
        null,
        { ...values, poNumber: po.poNumber },
        orderCreateAuditFields,
      ),
    });
    return order!.id;
  }
  if (po.purpose === 'original' || po.purpose === 'confirmation' || po.purpose === 'duplicate') {
    throw new DocumentRejection([
      problem(
        'DUPLICATE_PO',
        `Order ${po.poNumber} was received before (as a new order); send a change (BEG01 04 / BGM 4) to amend it.`,
      ),
    ]);
  }
  const status = po.purpose === 'cancellation' ? ('cancelled' as const) : ('changed' as const);
  const next = po.purpose === 'cancellation' ? { status, sourceMessageId: messageId } : { ...values, status };
  await tx
    .update(orders)
    .set({ ...next, updatedAt: new Date() })
    .where(eq(orders.id, existing.id));
  if (po.purpose !== 'cancellation') {
    await tx.delete(orderLines).where(eq(orderLines.orderId, existing.id));
    await tx.insert(orderLines).values(lines.map((l) => ({ ...l, orderId: existing.id })));
  }
  await writeAudit(tx, principal, {
    action: 'update',
    entity: 'order',
    entityId: existing.id,
    changes: diff<Record<string, unknown>>(existing, next, [
      'status',
      'accountId',
      'opportunityId',
      'currency',
      'totalMinor',
      'discrepancyMinor',
      'sourceMessageId',
    ]),
  });
  return existing.id;
}

async function applyOrderEvent(
  tx: Transaction,
  principal: Principal,
  profile: ProfileRow,
  messageId: string,
  event: {
    kind: 'shipment' | 'invoice';
    poNumber: string;
    reference: string;
    occurredOn: string;
    amountMinor: number | null;
    currency: string | null;
    status: 'shipped' | 'invoiced' | 'cancelled' | null;
    document: Record<string, unknown>;
  },
): Promise<string | null> {
  const [order] = await tx
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(
      and(
        eq(orders.partnerOrgId, profile.partnerOrgId),
        eq(orders.direction, 'inbound'),
        eq(orders.poNumber, event.poNumber),
      ),
    )
    .for('update');
  const [row] = await tx
    .insert(orderEvents)
    .values({
      orderId: order?.id ?? null,
      kind: event.kind,
      reference: event.reference,
      occurredOn: event.occurredOn,
      amountMinor: event.amountMinor,
      currency: event.currency,
      sourceMessageId: messageId,
      document: event.document,
    })
    .returning({ id: orderEvents.id });
  await writeAudit(tx, principal, {
    action: 'create',
    entity: 'order_event',
    entityId: row!.id,
    changes: {
      kind: [null, event.kind],
      reference: [null, event.reference],
      orderId: [null, order?.id ?? null],
    },
  });
  // An invoice is the furthest state; a shipment notice arriving after it does not move it back.
  if (order && event.status && !(order.status === 'invoiced' && event.status === 'shipped')) {
    await tx
      .update(orders)
      .set({ status: event.status, updatedAt: new Date() })
      .where(eq(orders.id, order.id));
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'order',
      entityId: order.id,
      changes: { status: [order.status, event.status] },
    });
  }
  return order?.id ?? null;
}

export interface StoredOutbound {
  messageId: string;
  fileName: string;
  raw: string;
  status: 'queued' | 'sent' | 'failed';
}

export interface IngestResult {
  status: 'processed' | 'rejected' | 'duplicate';
  messageId: string;
  /** The first order created or changed (an 850/ORDERS file usually carries one). */
  orderId?: string;
  orderIds: string[];
  /** The acknowledgement already recorded for this message (a re-run must send this one, not a new one). */
  ack: StoredOutbound | null;
  /** For a duplicate: the outcome stored the first time (`rejected` → the file belongs in error/). */
  storedStatus?: (typeof ediMessages.$inferSelect)['status'];
}

async function storedAck(tx: Transaction | Database, messageId: string): Promise<StoredOutbound | null> {
  const [ack] = await tx
    .select({
      messageId: ediMessages.id,
      fileName: ediMessages.fileName,
      raw: ediMessages.raw,
      status: ediMessages.status,
    })
    .from(ediMessages)
    .where(and(eq(ediMessages.relatedMessageId, messageId), eq(ediMessages.direction, 'outbound')))
    .orderBy(ediMessages.createdAt)
    .limit(1);
  if (!ack) return null;
  return { ...ack, status: ack.status === 'sent' ? 'sent' : ack.status === 'failed' ? 'failed' : 'queued' };
}

export async function ingest(db: Database, principal: Principal, input: IngestInput): Promise<IngestResult> {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return inTransaction(db, principal, async (tx) => {
    const profile = await activeProfile(tx, input.profileId);
    return ingestIn(tx, principal, profile, input);
  });
}

/** One file's ingestion inside the caller's transaction (see `ingest`). */
export async function ingestIn(
  tx: Transaction,
  principal: Principal,
  profile: ProfileRow,
  input: IngestInput,
): Promise<IngestResult> {
  {
    const initialStatus = input.valid ? ('processed' as const) : ('rejected' as const);
    const now = new Date();
    const [inserted] = await tx
      .insert(ediMessages)
      .values({
        profileId: profile.id,
        direction: 'inbound',
        standard: input.standard,
        documentType: input.documentType,
        interchangeControlNumber: input.interchangeControlNumber,
        senderId: input.senderId ?? null,
        receiverId: input.receiverId ?? null,
        fileName: input.fileName,
        fileHash: input.fileHash,
        status: initialStatus,
        errors: input.errors,
        raw: input.raw,
        processedAt: now,
      })
      .onConflictDoNothing({
        target: [ediMessages.profileId, ediMessages.interchangeControlNumber, ediMessages.fileHash],
        where: sql.raw(`direction = 'inbound'`),
      })
      .returning({ id: ediMessages.id });

    let messageId: string;
    if (inserted) {
      messageId = inserted.id;
    } else {
      const [existing] = await tx
        .select({ id: ediMessages.id, status: ediMessages.status })
        .from(ediMessages)
        .where(
          and(
            eq(ediMessages.profileId, profile.id),
            eq(ediMessages.direction, 'inbound'),
            eq(ediMessages.interchangeControlNumber, input.interchangeControlNumber),
            eq(ediMessages.fileHash, input.fileHash),
          ),
        )
        .for('update');
      if (!existing) throw new Error('edi_messages: conflict reported but no row found');
      // `received` = queued for reprocessing by an admin: run it again through the same path.
      if (existing.status !== 'received') {
        return {
          status: 'duplicate',
          messageId: existing.id,
          orderIds: [],
          ack: await storedAck(tx, existing.id),
          storedStatus: existing.status,
        };
      }
      messageId = existing.id;
      await tx
        .update(ediMessages)
        .set({ status: initialStatus, errors: input.errors, processedAt: now, updatedAt: now })
        .where(eq(ediMessages.id, messageId));
    }

    return completeMessage(tx, principal, profile, input, messageId, !!inserted);
  }
}

/**
 * The rest of a claimed message's ingestion: its documents (in a savepoint: a business-rule
 * rejection undoes them and leaves the message `rejected`), its acknowledgement (a stored one wins
 * when the message existed before) and the audit entry.
 */
export async function completeMessage(
  tx: Transaction,
  principal: Principal,
  profile: ProfileRow,
  input: IngestInput,
  messageId: string,
  inserted: boolean,
  cache?: LookupCache,
): Promise<IngestResult> {
  {
    const now = new Date();
    const initialStatus = input.valid ? ('processed' as const) : ('rejected' as const);
    let status: 'processed' | 'rejected' = initialStatus;
    let orderIds: string[] = [];
    if (input.valid) {
      try {
        orderIds = await tx.transaction(async (sp) => {
          const touched: string[] = [];
          for (const doc of input.documents) {
            if (doc.kind === 'purchaseOrder') {
              touched.push(await applyPurchaseOrder(sp, principal, profile, messageId, doc.document, cache));
            } else if (doc.kind === 'shipmentNotice') {
              const d = doc.document;
              const id = await applyOrderEvent(sp, principal, profile, messageId, {
                kind: 'shipment',
                poNumber: d.poNumber,
                reference: d.shipmentId,
                occurredOn: d.shipDate,
                amountMinor: null,
                currency: null,
                status: d.status === 'cancelled' ? null : 'shipped',
                document: d as unknown as Record<string, unknown>,
              });
              if (id) touched.push(id);
            } else if (doc.kind === 'invoice') {
              const d = doc.document;
              const id = await applyOrderEvent(sp, principal, profile, messageId, {
                kind: 'invoice',
                poNumber: d.poNumber,
                reference: d.invoiceNumber,
                occurredOn: d.invoiceDate,
                amountMinor: d.totalMinor,
                currency: d.currency.toUpperCase(),
                status: 'invoiced',
                document: d as unknown as Record<string, unknown>,
              });
              if (id) touched.push(id);
            }
          }
          return [...new Set(touched)];
        });
      } catch (e) {
        if (!(e instanceof DocumentRejection)) throw e;
        status = 'rejected';
        await tx
          .update(ediMessages)
          .set({ status, errors: [...input.errors, ...e.problems], updatedAt: now })
          .where(eq(ediMessages.id, messageId));
      }
    }
    let ack: StoredOutbound | null = inserted ? null : await storedAck(tx, messageId);
    if (!ack && input.ack) {
      const [row] = await tx
        .insert(ediMessages)
        .values({
          profileId: profile.id,
          direction: 'outbound',
          standard: profile.standard,
          documentType: input.ack.documentType,
          interchangeControlNumber: input.ack.interchangeControlNumber,
          senderId: input.receiverId ?? null,
          receiverId: input.senderId ?? null,
          fileName: input.ack.fileName,
          fileHash: createHash('sha256').update(input.ack.raw).digest('hex'),
          status: 'queued',
          raw: input.ack.raw,
          relatedMessageId: messageId,
        })
        .returning({ id: ediMessages.id });
      await tx.update(ediMessages).set({ relatedMessageId: row!.id }).where(eq(ediMessages.id, messageId));
      ack = { messageId: row!.id, fileName: input.ack.fileName, raw: input.ack.raw, status: 'queued' };
    }
    await writeAudit(tx, principal, {
      action: inserted ? 'ingest' : 'reprocess',
      entity: 'edi_message',
      entityId: messageId,
      changes: {
        status: [null, status],
        fileName: [null, input.fileName],
        interchangeControlNumber: [null, input.interchangeControlNumber],
        acknowledgement: [null, ack?.fileName ?? null],
      },
    });
    return { status, messageId, ...(orderIds[0] ? { orderId: orderIds[0] } : {}), orderIds, ack };
  }
}

// ---------------------------------------------------------------------------------------------
// Control numbers and outbound messages

type ControlKind = (typeof controlNumberKinds)[number];

/**
 * Reserves `n` consecutive numbers per kind in one UPDATE … RETURNING: the row lock serialises
 * concurrent callers, so no two get the same number. Returns the first number of each range.
 */
export async function nextControlNumbers(
  db: Database,
  principal: Principal,
  input: z.output<typeof nextControlNumbersInput>,
): Promise<Partial<Record<ControlKind, number>>> {
  assertCan(principal, 'create', { type: 'ediExchange' });
  const kinds = Object.entries(input.kinds).filter(
    (e): e is [ControlKind, number] => typeof e[1] === 'number',
  );
  if (kinds.length === 0) return {};
  const patch = sql.join(
    kinds.map(
      ([kind, n]) =>
        sql`jsonb_build_object(${kind}::text, coalesce((${ediProfiles.controlNumbers} ->> ${kind}::text)::bigint, 0) + ${n}::bigint)`,
    ),
    sql` || `,
  );
  const [row] = await db
    .update(ediProfiles)
    .set({ controlNumbers: sql`${ediProfiles.controlNumbers} || ${patch}` })
    .where(and(eq(ediProfiles.id, input.profileId), eq(ediProfiles.active, true)))
    .returning({ controlNumbers: ediProfiles.controlNumbers });
  if (!row) throw notFound('EDI profile');
  const out: Partial<Record<ControlKind, number>> = {};
  for (const [kind, n] of kinds) out[kind] = Number(row.controlNumbers[kind]) - n + 1;
  return out;
}

/**
 * Stores an outbound file as `queued` before it is uploaded. With `relatedMessageId`, at most one
 * outbound message of a type exists per inbound message: a re-run gets the stored one back (same
 * name, same text, same control numbers) instead of a second acknowledgement.
 */
export async function recordOutbound(
  db: Database,
  principal: Principal,
  input: z.output<typeof recordOutboundInput>,
): Promise<StoredOutbound> {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return inTransaction(db, principal, async (tx) => {
    const profile = await activeProfile(tx, input.profileId);
    if (input.outboxId) {
      const [item] = await tx
        .select({ messageId: ediOutbox.messageId })
        .from(ediOutbox)
        .where(and(eq(ediOutbox.id, input.outboxId), eq(ediOutbox.profileId, profile.id)))
        .for('update');
      if (!item) throw notFound('EDI outbox item');
      if (item.messageId) {
        const [stored] = await tx
          .select({
            messageId: ediMessages.id,
            fileName: ediMessages.fileName,
            raw: ediMessages.raw,
            status: ediMessages.status,
          })
          .from(ediMessages)
          .where(eq(ediMessages.id, item.messageId));
        if (stored)
          return { ...stored, status: stored.status === 'sent' ? ('sent' as const) : ('queued' as const) };
      }
    }
    if (input.relatedMessageId) {
      const [inbound] = await tx
        .select({ id: ediMessages.id })
        .from(ediMessages)
        .where(and(eq(ediMessages.id, input.relatedMessageId), eq(ediMessages.profileId, profile.id)))
        .for('update');
      if (!inbound) throw notFound('EDI message');
      const existing = await storedAck(tx, inbound.id);
      if (existing) return existing;
    }
    const [row] = await tx
      .insert(ediMessages)
      .values({
        profileId: profile.id,
        direction: 'outbound',
        standard: profile.standard,
        documentType: input.documentType,
        interchangeControlNumber: input.interchangeControlNumber,
        senderId: input.senderId ?? null,
        receiverId: input.receiverId ?? null,
        fileName: input.fileName,
        fileHash: createHash('sha256').update(input.raw).digest('hex'),
        status: 'queued',
        raw: input.raw,
        relatedMessageId: input.relatedMessageId ?? null,
      })
      .returning({ id: ediMessages.id });
    if (input.relatedMessageId) {
      await tx
        .update(ediMessages)
        .set({ relatedMessageId: row!.id })
        .where(eq(ediMessages.id, input.relatedMessageId));
    }
    if (input.outboxId) {
      await tx
        .update(ediOutbox)
        .set({ messageId: row!.id, status: 'generated', updatedAt: new Date() })
        .where(eq(ediOutbox.id, input.outboxId));
    }
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'edi_message',
      entityId: row!.id,
      changes: {
        direction: [null, 'outbound'],
        documentType: [null, input.documentType],
        fileName: [null, input.fileName],
      },
    });
    return { messageId: row!.id, fileName: input.fileName, raw: input.raw, status: 'queued' };
  });
}

export async function markSent(db: Database, principal: Principal, messageId: string) {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return inTransaction(db, principal, async (tx) => {
    const [row] = await tx
      .select({ status: ediMessages.status })
      .from(ediMessages)
      .where(and(eq(ediMessages.id, messageId), eq(ediMessages.direction, 'outbound')))
      .for('update');
    if (!row) throw notFound('EDI message');
    if (row.status === 'sent') return { status: 'sent' as const };
    await tx
      .update(ediMessages)
      .set({ status: 'sent', processedAt: new Date(), updatedAt: new Date() })
      .where(eq(ediMessages.id, messageId));
    await tx
      .update(ediOutbox)
      .set({ status: 'sent', updatedAt: new Date() })
      .where(eq(ediOutbox.messageId, messageId));
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'edi_message',
      entityId: messageId,
      changes: { status: [row.status, 'sent'] },
    });
    return { status: 'sent' as const };
  });
}

/** Audit entries of a batch in one INSERT per 1,000 (the same rows as one `writeAudit` each). */
export async function writeAuditMany(tx: Transaction, principal: Principal, entries: AuditInput[]) {
  const actor = actorOf(principal);
  for (let i = 0; i < entries.length; i += 1000) {
    await tx.insert(auditLog).values(
      entries.slice(i, i + 1000).map((e) => ({
        ...actor,
        action: e.action,
        entity: e.entity,
        entityId: e.entityId,
        changes: e.changes ?? {},
        ip: e.ip ?? null,
      })),
    );
  }
}

/**
 * Marks a batch's uploaded outbound files as sent: one UPDATE, one audit row per message that
 * changed. Idempotent like `markSent` (already-sent messages are left alone); ids that are not
 * outbound messages are reported back, not silently taken.
 */
export async function markSentMany(
  db: Database,
  principal: Principal,
  input: z.output<typeof markSentManyInput>,
) {
  assertCan(principal, 'create', { type: 'ediExchange' });
  const ids = [...new Set(input.messageIds)];
  return inTransaction(db, principal, async (tx) => {
    const now = new Date();
    const changed = await tx
      .update(ediMessages)
      .set({ status: 'sent', processedAt: now, updatedAt: now })
      .where(
        and(
          inArray(ediMessages.id, ids),
          eq(ediMessages.direction, 'outbound'),
          ne(ediMessages.status, 'sent'),
        ),
      )
      .returning({ id: ediMessages.id });
    if (changed.length > 0) {
      await tx
        .update(ediOutbox)
        .set({ status: 'sent', updatedAt: now })
        .where(
          inArray(
            ediOutbox.messageId,
            changed.map((r) => r.id),
          ),
        );
      await writeAuditMany(
        tx,
        principal,
        changed.map((row) => ({
          action: 'update',
          entity: 'edi_message',
          entityId: row.id,
          changes: { status: ['queued', 'sent'] },
        })),
      );
    }
    const known = await tx
      .select({ id: ediMessages.id })
      .from(ediMessages)
      .where(and(inArray(ediMessages.id, ids), eq(ediMessages.direction, 'outbound')));
    const found = new Set(known.map((r) => r.id));
    return { sent: ids.filter((id) => found.has(id)).length, unknown: ids.filter((id) => !found.has(id)) };
  });
}

// ---------------------------------------------------------------------------------------------
// Monitor: message log, reprocessing

export async function listMessages(
  db: Database,
  principal: Principal,
  input: z.output<typeof messagesInput>,
) {
  assertCan(principal, 'read', { type: 'ediProfile' });
  const after = readCursor(input.cursor, 2);
  const conditions: (SQL | undefined)[] = [
    input.profileId ? eq(ediMessages.profileId, input.profileId) : undefined,
    input.direction ? eq(ediMessages.direction, input.direction) : undefined,
    input.status ? eq(ediMessages.status, input.status) : undefined,
    after
      ? sql`(${ediMessages.createdAt}, ${ediMessages.id}) < (${timestampParam(new Date(String(after[0])))}, ${String(after[1])}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select({
      id: ediMessages.id,
      profileId: ediMessages.profileId,
      direction: ediMessages.direction,
      standard: ediMessages.standard,
      documentType: ediMessages.documentType,
      interchangeControlNumber: ediMessages.interchangeControlNumber,
      senderId: ediMessages.senderId,
      receiverId: ediMessages.receiverId,
      fileName: ediMessages.fileName,
      status: ediMessages.status,
      errors: ediMessages.errors,
      relatedMessageId: ediMessages.relatedMessageId,
      processedAt: ediMessages.processedAt,
      createdAt: ediMessages.createdAt,
    })
    .from(ediMessages)
    .where(and(...conditions))
    .orderBy(desc(ediMessages.createdAt), desc(ediMessages.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > input.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}

/** Marks a rejected inbound message for reprocessing; the bridge picks it up via `pending`. */
export async function requestReprocess(db: Database, principal: Principal, messageId: string) {
  assertCan(principal, 'update', { type: 'ediProfile' });
  return inTransaction(db, principal, async (tx) => {
    const [row] = await tx
      .select({ status: ediMessages.status, direction: ediMessages.direction })
      .from(ediMessages)
      .where(eq(ediMessages.id, messageId))
      .for('update');
    if (!row) throw notFound('EDI message');
    if (row.direction !== 'inbound' || row.status !== 'rejected') {
      throw new AppError('BAD_REQUEST', 'validation.invalid', {}, [
        { path: 'messageId', key: 'validation.invalid' },
      ]);
    }
    await tx
      .update(ediMessages)
      .set({ status: 'received', updatedAt: new Date() })
      .where(eq(ediMessages.id, messageId));
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'edi_message',
      entityId: messageId,
      changes: { status: ['rejected', 'received'] },
    });
    return { status: 'received' as const };
  });
}

/** Inbound messages waiting for (re)processing, with their stored text, for the bridge. */
export async function pendingMessages(db: Database, principal: Principal, profileId: string) {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return db
    .select({
      id: ediMessages.id,
      fileName: ediMessages.fileName,
      fileHash: ediMessages.fileHash,
      raw: ediMessages.raw,
    })
    .from(ediMessages)
    .where(
      and(
        eq(ediMessages.profileId, profileId),
        eq(ediMessages.direction, 'inbound'),
        eq(ediMessages.status, 'received'),
      ),
    )
    .orderBy(ediMessages.createdAt)
    .limit(50);
}
