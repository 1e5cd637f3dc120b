/**
 * Outbound EDI: what Konsort sends to trading partners, queued in `edi_outbox` in the same
 * transaction as the change that causes it, rendered and uploaded by the bridge.
 *
 *  - An inbound order answered in the portal (accepted / changed / rejected) → 855 / ORDRSP.
 *  - A won deal shared with a supplier → one 850 / ORDERS to that supplier (numbered `KS…` from
 *    the database sequence `edi_outbound_order_seq`), recorded as an outbound order on the deal.
 *  - Deals shared with the partner changed → a deal feed (CSV or JSON, see the README's "Deal feed").
 *
 * The portal has no EDI grammar (it lives in the bridge, DESIGN: pure logic, no I/O): it queues
 * business documents; the bridge renders 855/850 with control numbers from the profile's counter
 * and records the text with `recordOutbound({ outboxId })`, which is idempotent per outbox item,
 * so a bridge that crashed after recording re-sends the same file, never a second one.
 */
import { createHash } from 'node:crypto';
import {
  accounts,
  type Database,
  ediMessages,
  ediOutbox,
  ediProfiles,
  opportunities,
  opportunityShares,
  orderLines,
  orders,
  partnerOrgs,
  type Transaction,
} from '@konsort/db';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { currencyDigits } from '../money.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';
import { type PurchaseOrderInput, settingsSchema } from './schemas.ts';
import { activeProfile, type ProfileRow } from './service.ts';

const decimal = z.string().regex(/^\d{1,14}(\.\d{1,4})?$/, 'validation.invalid');

export const respondToOrderInput = z
  .object({
    id: z.uuid(),
    status: z.enum(['accepted', 'changed', 'rejected']),
    /** For `changed`: the confirmed quantity per line (lines not named stay as ordered). */
    lines: z
      .array(z.object({ lineNumber: z.string().min(1).max(20), quantity: decimal }))
      .max(10_000)
      .default([]),
  })
  .refine((r) => r.status !== 'changed' || r.lines.length > 0, {
    path: ['lines'],
    message: 'validation.required',
  });

/** `KS100001`, `KS100002`… — short enough for X12 BEG03/BAK08 (22) and EDIFACT (35). */
async function nextNumber(tx: Transaction, prefix: string): Promise<string> {
  const result = await tx.execute(sql`select nextval('edi_outbound_order_seq') as n`);
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return `${prefix}${String((rows[0] as { n: string | number }).n)}`;
}

const today = () => new Date().toISOString().slice(0, 10);

/** EDI data must never carry a delimiter; names go out as letters, digits and plain punctuation. */
function plain(text: string, max: number): string {
  return text
    .replace(/[^\p{L}\p{N} .,&()/-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

function money(minor: number, digits: number) {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor)
    .toString()
    .padStart(digits + 1, '0');
  const decimalText = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return { decimal: `${sign}${decimalText.replace(/\.?0+$/, '') || '0'}`, minor, scale: digits };
}

/** The active profile that exchanges EDI with a partner organisation (the newest, if several). */
async function profileForPartner(tx: Transaction, partnerOrgId: string, preferred?: string | null) {
  const rows = await tx
    .select()
    .from(ediProfiles)
    .where(and(eq(ediProfiles.partnerOrgId, partnerOrgId), eq(ediProfiles.active, true)))
    .orderBy(asc(ediProfiles.createdAt));
  return rows.find((r) => r.id === preferred) ?? rows.at(-1) ?? null;
}

// ---------------------------------------------------------------------------------------------
// 855 / ORDRSP: an inbound order answered in the portal

export async function respondToOrder(
  db: Database,
  principal: Principal,
  input: z.output<typeof respondToOrderInput>,
) {
  assertCan(principal, 'update', { type: 'order' });
  return inTransaction(db, principal, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, input.id), eq(orders.direction, 'inbound')))
      .for('update');
    if (!order) throw notFound('entity.order');
    if (!['received', 'changed', 'accepted'].includes(order.status)) {
      throw new AppError('CONFLICT', 'errors.orderNotOpen', { status: order.status });
    }
    const lines = await tx
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, order.id))
      .orderBy(asc(orderLines.id));
    const confirmed = new Map(input.lines.map((l) => [l.lineNumber, l.quantity]));
    for (const lineNumber of confirmed.keys()) {
      if (!lines.some((l) => l.lineNumber === lineNumber)) {
        throw new AppError('BAD_REQUEST', 'validation.invalid', {}, [
          { path: 'lines', key: 'validation.invalid' },
        ]);
      }
    }
    const digits = currencyDigits(order.currency);
    const sameQuantity = (a: string, b: string) => Number(a) === Number(b);
    let totalMinor = 0;
    const responseLines = lines.map((l) => {
      const quantity = confirmed.get(l.lineNumber) ?? String(Number(l.quantity));
      const changed = !sameQuantity(quantity, l.quantity);
      const lineTotal =
        l.unitPriceMinor === null
          ? null
          : Math.round((Number(quantity) * l.unitPriceMinor) / 10 ** (l.priceScale - digits));
      totalMinor += lineTotal ?? 0;
      return { line: l, quantity, changed, lineTotal };
    });
    const status = input.status === 'rejected' ? ('rejected' as const) : ('accepted' as const);
    for (const r of responseLines.filter((x) => x.changed)) {
      await tx
        .update(orderLines)
        .set({ quantity: r.quantity, lineTotalMinor: r.lineTotal })
        .where(eq(orderLines.id, r.line.id));
    }
    const next = {
      status,
      ...(responseLines.some((x) => x.changed) ? { totalMinor } : {}),
      updatedAt: new Date(),
    };
    await tx.update(orders).set(next).where(eq(orders.id, order.id));

    const stored = order.document as Partial<PurchaseOrderInput>;
    const storedLines = new Map((stored.lines ?? []).map((l) => [l.lineNumber, l]));
    const responseNumber = await nextNumber(tx, 'KR');
    const document = {
      poNumber: order.poNumber,
      ...(order.poDate ? { poDate: order.poDate } : {}),
      responseNumber,
      responseDate: today(),
      status: input.status,
      currency: order.currency,
      ...(stored.buyer ? { buyer: stored.buyer } : {}),
      ...(stored.seller ? { seller: stored.seller } : {}),
      lines: responseLines.map(({ line, quantity, changed }) => {
        const original = storedLines.get(line.lineNumber);
        return {
          lineNumber: line.lineNumber,
          quantity,
          unit: line.unit ?? original?.unit ?? 'EA',
          ...(original?.unitPrice ? { unitPrice: original.unitPrice } : {}),
          productIds: original?.productIds ?? [],
          ...(line.description ? { description: plain(line.description, 80) } : {}),
          status: input.status === 'rejected' ? 'rejected' : changed ? 'changed' : 'accepted',
        };
      }),
    };
    let messageProfile: string | null = null;
    if (order.sourceMessageId) {
      const [m] = await tx
        .select({ profileId: ediMessages.profileId })
        .from(ediMessages)
        .where(eq(ediMessages.id, order.sourceMessageId));
      messageProfile = m?.profileId ?? null;
    }
    const profile = await profileForPartner(tx, order.partnerOrgId, messageProfile);
    let outboxId: string | null = null;
    if (profile) {
      const [row] = await tx
        .insert(ediOutbox)
        .values({ profileId: profile.id, kind: 'orderResponse', orderId: order.id, document })
        .returning({ id: ediOutbox.id });
      outboxId = row!.id;
    }
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'order',
      entityId: order.id,
      changes: {
        status: [order.status, status],
        response: [null, `${input.status} ${responseNumber}`],
        ...(next.totalMinor !== undefined ? { totalMinor: [order.totalMinor, next.totalMinor] } : {}),
      },
    });
    return { id: order.id, status, responseNumber, queued: outboxId !== null };
  });
}

// ---------------------------------------------------------------------------------------------
// Won deals → 850 / ORDERS to the supplier; deal feed

/** The columns of the deal feed, in order (documented in apps/edi-bridge/README.md). */
export const dealFeedColumns = [
  'deal_id',
  'deal_name',
  'account_name',
  'stage',
  'amount',
  'currency',
  'probability',
  'expected_close_date',
  'access',
  'updated_at',
] as const;

function csvCell(value: string): string {
  return /[",\r\n;]/.test(value) || /^[=+\-@\t]/.test(value)
    ? `"${(/^[=+\-@\t]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`
    : value;
}

async function queueWonDealOrders(tx: Transaction, principal: Principal, profile: ProfileRow) {
  const [org] = await tx.select().from(partnerOrgs).where(eq(partnerOrgs.id, profile.partnerOrgId));
  if (org?.kind !== 'supplier') return;
  const deals = await tx
    .select({
      id: opportunities.id,
      name: opportunities.name,
      accountId: opportunities.accountId,
      accountName: accounts.name,
      amountMinor: opportunities.amountMinor,
      currency: opportunities.currency,
    })
    .from(opportunities)
    .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
    .innerJoin(
      opportunityShares,
      and(
        eq(opportunityShares.opportunityId, opportunities.id),
        eq(opportunityShares.partnerOrgId, profile.partnerOrgId),
      ),
    )
    .where(
      and(
        eq(opportunities.stage, 'won'),
        isNull(opportunities.archivedAt),
        // Won since the supplier's profile exists: setting one up does not send the history.
        sql`coalesce(${opportunities.closedAt}, ${opportunities.updatedAt}) >= ${profile.createdAt.toISOString()}::timestamptz`,
        sql`not exists (select 1 from ${ediOutbox} o where o.profile_id = ${profile.id} and o.opportunity_id = ${opportunities.id} and o.kind = 'purchaseOrder')`,
      ),
    )
    .orderBy(asc(opportunities.id))
    .limit(200);
  const identifiers = profile.identifiers as Record<string, string | undefined>;
  for (const deal of deals) {
    const poNumber = await nextNumber(tx, 'KS');
    const digits = currencyDigits(deal.currency);
    const description = plain(deal.name, 80) || 'Deal';
    const document = {
      poNumber,
      poDate: today(),
      purpose: 'original',
      currency: deal.currency,
      references: [{ qualifier: 'CT', value: plain(deal.name, 30) || poNumber }],
      buyer: {
        name: 'Konsort',
        ...(identifiers.ourId ? { id: identifiers.ourId, idQualifier: '92' } : {}),
      },
      seller: {
        name: plain(org.name, 60),
        ...(identifiers.theirId ? { id: identifiers.theirId, idQualifier: '92' } : {}),
      },
      shipTo: { name: plain(deal.accountName, 60) },
      lines: [
        {
          lineNumber: '1',
          quantity: '1',
          unit: 'EA',
          unitPrice: money(deal.amountMinor, digits),
          productIds: [],
          description,
        },
      ],
    };
    const [order] = await tx
      .insert(orders)
      .values({
        direction: 'outbound',
        partnerOrgId: profile.partnerOrgId,
        accountId: deal.accountId,
        opportunityId: deal.id,
        poNumber,
        poDate: document.poDate,
        currency: deal.currency,
        totalMinor: deal.amountMinor,
        document,
      })
      .returning({ id: orders.id });
    await tx.insert(orderLines).values({
      orderId: order!.id,
      lineNumber: '1',
      description,
      quantity: '1',
      unit: 'EA',
      unitPriceMinor: deal.amountMinor,
      priceScale: digits,
      lineTotalMinor: deal.amountMinor,
    });
    await tx.insert(ediOutbox).values({
      profileId: profile.id,
      kind: 'purchaseOrder',
      orderId: order!.id,
      opportunityId: deal.id,
      document,
    });
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'order',
      entityId: order!.id,
      changes: {
        direction: [null, 'outbound'],
        poNumber: [null, poNumber],
        opportunityId: [null, deal.id],
        totalMinor: [null, deal.amountMinor],
      },
    });
  }
}

/** The partner's current view of its shared deals as feed rows (partner-visible fields only). */
async function dealFeedRows(tx: Transaction, partnerOrgId: string) {
  const rows = await tx
    .select({
      id: opportunities.id,
      name: opportunities.name,
      accountName: accounts.name,
      stage: opportunities.stage,
      amountMinor: opportunities.amountMinor,
      currency: opportunities.currency,
      probability: opportunities.probability,
      expectedCloseDate: opportunities.expectedCloseDate,
      access: opportunityShares.access,
      updatedAt: opportunities.updatedAt,
    })
    .from(opportunities)
    .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
    .innerJoin(
      opportunityShares,
      and(
        eq(opportunityShares.opportunityId, opportunities.id),
        eq(opportunityShares.partnerOrgId, partnerOrgId),
      ),
    )
    .where(isNull(opportunities.archivedAt))
    .orderBy(asc(opportunities.id));
  return rows.map((r) => ({
    deal_id: r.id,
    deal_name: r.name,
    account_name: r.accountName,
    stage: r.stage,
    amount: money(r.amountMinor, currencyDigits(r.currency)).decimal,
    currency: r.currency,
    probability: r.probability,
    expected_close_date: r.expectedCloseDate ?? '',
    access: r.access,
    updated_at: r.updatedAt.toISOString(),
  }));
}

/**
 * Queues a new feed file when the partner's deals differ from the last feed sent (a snapshot, so
 * revoked shares disappear from it too). Rendered here — CSV or JSON needs no EDI grammar — and
 * stored directly as a queued outbound message.
 */
async function queueDealFeed(tx: Transaction, profile: ProfileRow, format: 'csv' | 'json') {
  const rows = await dealFeedRows(tx, profile.partnerOrgId);
  const hash = createHash('sha256').update(JSON.stringify({ format, rows })).digest('hex');
  const [last] = await tx
    .select({ contentHash: ediOutbox.contentHash })
    .from(ediOutbox)
    .where(and(eq(ediOutbox.profileId, profile.id), eq(ediOutbox.kind, 'dealFeed')))
    .orderBy(sql`${ediOutbox.createdAt} desc`)
    .limit(1);
  if (last?.contentHash === hash) return;
  const generatedAt = new Date();
  const stamp = generatedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const text =
    format === 'json'
      ? `${JSON.stringify({ generatedAt: generatedAt.toISOString(), columns: dealFeedColumns, deals: rows }, null, 2)}\n`
      : `${[dealFeedColumns.join(','), ...rows.map((r) => dealFeedColumns.map((c) => csvCell(String(r[c]))).join(','))].join('\r\n')}\r\n`;
  const fileName = `deals_${stamp}_${hash.slice(0, 8)}.${format}`;
  const [message] = await tx
    .insert(ediMessages)
    .values({
      profileId: profile.id,
      direction: 'outbound',
      standard: profile.standard,
      documentType: format === 'json' ? 'FEED-JSON' : 'FEED-CSV',
      interchangeControlNumber: null,
      fileName,
      fileHash: createHash('sha256').update(text).digest('hex'),
      status: 'queued',
      raw: text,
    })
    .returning({ id: ediMessages.id });
  await tx.insert(ediOutbox).values({
    profileId: profile.id,
    kind: 'dealFeed',
    document: { format, deals: rows.length },
    contentHash: hash,
    status: 'generated',
    messageId: message!.id,
  });
}

export const outboundInput = z.object({ profileId: z.uuid() });

/**
 * The bridge asks per poll: first the derived work is queued (won deals → 850s, changed deals →
 * feed), under the profile's row lock so two bridges never queue it twice; then every outbox item
 * not yet sent is returned — with its stored message when it was rendered already (re-send that).
 */
export async function outboundWork(
  db: Database,
  principal: Principal,
  input: z.output<typeof outboundInput>,
) {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return inTransaction(db, principal, async (tx) => {
    const profile = await activeProfile(tx, input.profileId);
    await tx
      .select({ id: ediProfiles.id })
      .from(ediProfiles)
      .where(eq(ediProfiles.id, profile.id))
      .for('update');
    await queueWonDealOrders(tx, principal, profile);
    const feed = settingsSchema.parse(profile.settings).dealFeed;
    if (feed) await queueDealFeed(tx, profile, feed);
    const items = await tx
      .select({
        id: ediOutbox.id,
        kind: ediOutbox.kind,
        document: ediOutbox.document,
        status: ediOutbox.status,
        messageId: ediOutbox.messageId,
      })
      .from(ediOutbox)
      .where(and(eq(ediOutbox.profileId, profile.id), inArray(ediOutbox.status, ['pending', 'generated'])))
      .orderBy(asc(ediOutbox.createdAt), asc(ediOutbox.id))
      .limit(200);
    const messageIds = items.flatMap((i) => (i.messageId ? [i.messageId] : []));
    const messages = messageIds.length
      ? await tx
          .select({
            id: ediMessages.id,
            fileName: ediMessages.fileName,
            raw: ediMessages.raw,
            status: ediMessages.status,
          })
          .from(ediMessages)
          .where(inArray(ediMessages.id, messageIds))
      : [];
    const byId = new Map(messages.map((m) => [m.id, m]));
    return items.map((i) => {
      const m = i.messageId ? byId.get(i.messageId) : undefined;
      return {
        id: i.id,
        kind: i.kind,
        document: i.document,
        message: m
          ? {
              messageId: m.id,
              fileName: m.fileName,
              raw: m.raw,
              status: m.status === 'sent' ? ('sent' as const) : ('queued' as const),
            }
          : null,
      };
    });
  });
}
