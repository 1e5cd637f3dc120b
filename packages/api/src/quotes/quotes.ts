/**
 * Quotes on a deal: versions of line items from the catalogue (or free text), discounts, tax
 * per rate and totals (see totals.ts for the rounding), product configuration rules checked
 * on every save, and the status flow draft → sent → accepted | rejected | expired. An accepted
 * quote becomes an order on the deal (a row in the EDI `orders` table, outbound to the
 * supplier that fulfils it).
 *
 * Staff only: a quote carries our prices and discounts, so partners see none (the policy says
 * so, and the tables have row-level security with no partner policy).
 */
import {
  contacts,
  type Database,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  orderLines,
  orders,
  partnerOrgs,
  priceRules,
  products,
  type Quote,
  quoteLines,
  quotes,
  quoteVersions,
  type Transaction,
} from '@konsort/db';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { scheduleQuoteFollowUps } from '../automation/schedule.ts';
import { AppError, notFound } from '../errors.ts';
import { currencyDigits } from '../money.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { basisPoints, quantityText } from '../products/products.ts';
import { inTransaction } from '../tx.ts';
import { evaluateRules } from './rules.ts';
import { computeTotals } from './totals.ts';

const isoDate = z.preprocess((v) => (v === '' ? null : v), z.iso.date().nullable().optional());

export const createQuoteInput = z.object({
  opportunityId: z.uuid(),
  contactId: z.uuid().nullable().optional(),
  validUntil: isoDate,
});

export const quoteLineInput = z
  .object({
    productId: z.uuid().nullable().optional(),
    description: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(500).optional()),
    unit: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(20).optional()),
    quantity: quantityText,
    /** Omitted for a catalogue line: the product's list price. Required for free text. */
    unitPriceMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    discountBp: basisPoints.default(0),
    /** Omitted for a catalogue line: the product's rate. Required for free text. */
    taxRateBp: basisPoints.optional(),
  })
  .superRefine((line, ctx) => {
    if (line.productId) return;
    if (!line.description)
      ctx.addIssue({ code: 'custom', path: ['description'], message: 'validation.required' });
    if (line.unitPriceMinor === undefined)
      ctx.addIssue({ code: 'custom', path: ['unitPriceMinor'], message: 'validation.required' });
    if (line.taxRateBp === undefined)
      ctx.addIssue({ code: 'custom', path: ['taxRateBp'], message: 'validation.required' });
  });

export const saveQuoteInput = z.object({
  id: z.uuid(),
  /** The quote row's version as read (optimistic concurrency). */
  version: z.number().int().min(1),
  contactId: z.uuid().nullable().optional(),
  validUntil: isoDate,
  supplierOrgId: z.uuid().nullable().optional(),
  discountBp: basisPoints.default(0),
  notes: z.preprocess((v) => (v === '' ? null : v), z.string().trim().max(4000).nullable().optional()),
  lines: z.array(quoteLineInput).max(200),
});

export const quoteRefInput = z.object({ id: z.uuid(), version: z.number().int().min(1) });
export const quoteByIdInput = z.object({ id: z.uuid(), versionNumber: z.number().int().min(1).optional() });

type Tx = Transaction | Database;

async function loadDeal(db: Tx, opportunityId: string) {
  const [deal] = await db
    .select({
      id: opportunities.id,
      name: opportunities.name,
      ownerId: opportunities.ownerId,
      accountId: opportunities.accountId,
      currency: opportunities.currency,
      stage: opportunities.stage,
      archivedAt: opportunities.archivedAt,
    })
    .from(opportunities)
    .where(eq(opportunities.id, opportunityId));
  if (!deal) throw notFound('entity.opportunity');
  return deal;
}

/** Locks the quote row and checks the version the caller read. */
async function lockQuote(tx: Tx, id: string, version?: number) {
  const [quote] = await tx.select().from(quotes).where(eq(quotes.id, id)).for('update');
  if (!quote) throw notFound('entity.quote');
  if (version !== undefined && quote.version !== version)
    throw new AppError('CONFLICT', 'errors.versionConflict');
  return quote;
}

function wrongStatus(status: string) {
  return new AppError('CONFLICT', 'errors.quoteStatus', { status });
}

async function checkContact(tx: Tx, contactId: string | null | undefined, accountId: string) {
  if (!contactId) return;
  const [c] = await tx
    .select({ accountId: contacts.accountId })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  if (!c || c.accountId !== accountId)
    throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
      { path: 'contactId', key: 'validation.linkMismatch' },
    ]);
}

/** The quotes of one deal, newest first, with their current totals. */
export async function quotesForOpportunity(db: Database, principal: Principal, opportunityId: string) {
  assertCan(principal, 'read', { type: 'quote' });
  const deal = await loadDeal(db, opportunityId);
  const rows = await db
    .select({
      id: quotes.id,
      number: quotes.number,
      status: quotes.status,
      currentVersion: quotes.currentVersion,
      currency: quotes.currency,
      validUntil: quotes.validUntil,
      sentAt: quotes.sentAt,
      decidedAt: quotes.decidedAt,
      orderId: quotes.orderId,
      netMinor: quoteVersions.netMinor,
      grossMinor: quoteVersions.grossMinor,
      updatedAt: quotes.updatedAt,
    })
    .from(quotes)
    .innerJoin(
      quoteVersions,
      and(eq(quoteVersions.quoteId, quotes.id), eq(quoteVersions.versionNumber, quotes.currentVersion)),
    )
    .where(eq(quotes.opportunityId, deal.id))
    .orderBy(desc(quotes.createdAt), desc(quotes.id));
  return {
    opportunity: deal,
    mayEdit: canEdit(principal, deal.ownerId),
    quotes: rows,
  };
}

function canEdit(principal: Principal, dealOwnerId: string) {
  try {
    assertCan(principal, 'update', { type: 'quote', dealOwnerId });
    return true;
  } catch {
    return false;
  }
}

/** One quote with one of its versions (the current one unless asked) and its lines. */
export async function quoteById(db: Database, principal: Principal, input: z.output<typeof quoteByIdInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  const [quote] = await db.select().from(quotes).where(eq(quotes.id, input.id));
  if (!quote) throw notFound('entity.quote');
  const deal = await loadDeal(db, quote.opportunityId);
  const versions = await db
    .select({
      id: quoteVersions.id,
      versionNumber: quoteVersions.versionNumber,
      netMinor: quoteVersions.netMinor,
      grossMinor: quoteVersions.grossMinor,
      createdAt: quoteVersions.createdAt,
    })
    .from(quoteVersions)
    .where(eq(quoteVersions.quoteId, quote.id))
    .orderBy(asc(quoteVersions.versionNumber));
  const wanted = input.versionNumber ?? quote.currentVersion;
  const [version] = await db
    .select()
    .from(quoteVersions)
    .where(and(eq(quoteVersions.quoteId, quote.id), eq(quoteVersions.versionNumber, wanted)));
  if (!version) throw notFound('entity.quoteVersion');
  const lines = await db
    .select()
    .from(quoteLines)
    .where(eq(quoteLines.versionId, version.id))
    .orderBy(asc(quoteLines.position));
  const [contact] = quote.contactId
    ? await db
        .select({
          id: contacts.id,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          email: contacts.email,
          salutation: contacts.salutation,
        })
        .from(contacts)
        .where(eq(contacts.id, quote.contactId))
    : [];
  const isCurrent = version.versionNumber === quote.currentVersion;
  return {
    quote,
    opportunity: deal,
    contact: contact ?? null,
    versions,
    version,
    lines,
    /** Only the current version of a draft can be edited; older versions are read-only. */
    editable: isCurrent && quote.status === 'draft' && canEdit(principal, deal.ownerId),
    mayEdit: canEdit(principal, deal.ownerId),
  };
}

export type QuoteDetail = Awaited<ReturnType<typeof quoteById>>;

async function nextNumber(tx: Tx): Promise<string> {
  const result = await tx.execute<{ n: string | number }>(sql`select nextval('quote_number_seq') as n`);
  const rows = (Array.isArray(result) ? result : (result as { rows: { n: string | number }[] }).rows) as {
    n: string | number;
  }[];
  const year = new Date().getUTCFullYear();
  return `Q-${year}-${String(rows[0]!.n).padStart(5, '0')}`;
}

export async function createQuote(
  db: Database,
  principal: Principal,
  input: z.output<typeof createQuoteInput>,
) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const deal = await loadDeal(tx, input.opportunityId);
    assertCan(principal, 'create', { type: 'quote', dealOwnerId: deal.ownerId });
    if (deal.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    if (deal.stage === 'won' || deal.stage === 'lost')
      throw new AppError('CONFLICT', 'errors.quoteDealClosed');
    await checkContact(tx, input.contactId, deal.accountId);
    const [quote] = await tx
      .insert(quotes)
      .values({
        opportunityId: deal.id,
        number: await nextNumber(tx),
        contactId: input.contactId ?? null,
        currency: deal.currency,
        validUntil: input.validUntil ?? null,
        createdBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .returning();
    await tx.insert(quoteVersions).values({
      quoteId: quote!.id,
      versionNumber: 1,
      createdBy: principal.kind === 'internal' ? principal.userId : null,
    });
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'quote',
      entityId: quote!.id,
      changes: { number: [null, quote!.number], opportunityId: [null, deal.id] },
    });
    return quote!;
  });
}

/**
 * Saves the current version of a draft: lines resolved against the catalogue, configuration
 * rules applied (discounts) and checked (requirements; a violation rejects the save with every
 * reason, nothing is written), totals computed.
 */
export async function saveQuote(db: Database, principal: Principal, input: z.output<typeof saveQuoteInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'update', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'draft') throw wrongStatus(quote.status);
    await checkContact(tx, input.contactId, deal.accountId);
    if (input.supplierOrgId) {
      const [org] = await tx
        .select({ kind: partnerOrgs.kind })
        .from(partnerOrgs)
        .where(eq(partnerOrgs.id, input.supplierOrgId));
      if (org?.kind !== 'supplier')
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: 'supplierOrgId', key: 'validation.supplier' },
        ]);
    }

    const productIds = [...new Set(input.lines.flatMap((l) => (l.productId ? [l.productId] : [])))];
    const catalogue = productIds.length
      ? await tx.select().from(products).where(inArray(products.id, productIds))
      : [];
    const byId = new Map(catalogue.map((p) => [p.id, p]));
    const fieldIssues: { path: string; key: string; params?: Record<string, string | number> }[] = [];
    input.lines.forEach((l, i) => {
      if (!l.productId) return;
      const product = byId.get(l.productId);
      if (!product) fieldIssues.push({ path: `lines.${i}.productId`, key: 'validation.uuid' });
      else if (product.currency !== quote.currency)
        fieldIssues.push({
          path: `lines.${i}.productId`,
          key: 'validation.productCurrency',
          params: { currency: product.currency },
        });
    });
    if (fieldIssues.length > 0) throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fieldIssues);

    const rules = productIds.length
      ? await tx
          .select()
          .from(priceRules)
          .where(and(eq(priceRules.active, true), inArray(priceRules.productId, productIds)))
          .orderBy(asc(priceRules.createdAt))
      : [];
    const otherIds = rules.flatMap((r) =>
      r.otherProductId && !byId.has(r.otherProductId) ? [r.otherProductId] : [],
    );
    const names = new Map(catalogue.map((p) => [p.id, p.name]));
    if (otherIds.length)
      for (const p of await tx
        .select({ id: products.id, name: products.name })
        .from(products)
        .where(inArray(products.id, otherIds)))
        names.set(p.id, p.name);
    const outcome = evaluateRules(
      input.lines.map((l) => ({ productId: l.productId ?? null, quantity: l.quantity })),
      rules,
      (id) => names.get(id) ?? id,
    );
    if (outcome.violations.length > 0)
      throw new AppError(
        'BAD_REQUEST',
        'errors.quoteRules',
        { count: outcome.violations.length },
        outcome.violations.map((v) => ({ path: `rules.${v.ruleId}`, key: v.key, params: v.params })),
      );

    const resolved = input.lines.map((l, i) => {
      const product = l.productId ? byId.get(l.productId)! : null;
      return {
        position: i + 1,
        productId: product?.id ?? null,
        sku: product?.sku ?? null,
        description: l.description ?? product?.name ?? '',
        unit: l.unit ?? product?.unit ?? 'pc',
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor ?? product!.listPriceMinor,
        discountBp: l.discountBp,
        ruleDiscountBp: outcome.ruleDiscountBp[i]!,
        taxRateBp: l.taxRateBp ?? product!.taxRateBp,
      };
    });
    let totals: ReturnType<typeof computeTotals>;
    try {
      totals = computeTotals(resolved, input.discountBp);
    } catch (e) {
      if (e instanceof RangeError) throw new AppError('BAD_REQUEST', 'errors.quoteTooLarge');
      throw e;
    }

    const [version] = await tx
      .select()
      .from(quoteVersions)
      .where(and(eq(quoteVersions.quoteId, quote.id), eq(quoteVersions.versionNumber, quote.currentVersion)));
    const oldLines = await tx
      .select({ id: quoteLines.id })
      .from(quoteLines)
      .where(eq(quoteLines.versionId, version!.id));
    await tx.delete(quoteLines).where(eq(quoteLines.versionId, version!.id));
    if (resolved.length > 0)
      await tx
        .insert(quoteLines)
        .values(
          resolved.map((l, i) => ({ ...l, versionId: version!.id, netMinor: totals.lines[i]!.netMinor })),
        );
    const versionPatch = {
      discountBp: input.discountBp,
      notes: input.notes ?? null,
      netBeforeDiscountMinor: totals.netBeforeDiscountMinor,
      discountMinor: totals.discountMinor,
      netMinor: totals.netMinor,
      taxMinor: totals.taxMinor,
      grossMinor: totals.grossMinor,
      taxes: totals.taxes,
    };
    await tx
      .update(quoteVersions)
      .set({ ...versionPatch, updatedAt: new Date() })
      .where(eq(quoteVersions.id, version!.id));
    const quotePatch = {
      contactId: input.contactId === undefined ? quote.contactId : input.contactId,
      validUntil: input.validUntil === undefined ? quote.validUntil : input.validUntil,
      supplierOrgId: input.supplierOrgId === undefined ? quote.supplierOrgId : input.supplierOrgId,
    };
    const [saved] = await tx
      .update(quotes)
      .set({ ...quotePatch, version: quote.version + 1, updatedAt: new Date() })
      .where(eq(quotes.id, quote.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'quote',
      entityId: quote.id,
      changes: {
        ...diff(quote, quotePatch, ['contactId', 'validUntil', 'supplierOrgId']),
        ...diff(version!, versionPatch, ['discountBp', 'notes', 'netMinor', 'taxMinor', 'grossMinor']),
        lines: [oldLines.length, resolved.length],
      },
    });
    return { quote: saved!, totals, appliedRuleIds: outcome.appliedRuleIds };
  });
}

/** A new version copies the current one's lines; the old one stays as it was, read-only. */
export async function newQuoteVersion(
  db: Database,
  principal: Principal,
  input: z.output<typeof quoteRefInput>,
) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'update', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'draft' && quote.status !== 'sent') throw wrongStatus(quote.status);
    const [current] = await tx
      .select()
      .from(quoteVersions)
      .where(and(eq(quoteVersions.quoteId, quote.id), eq(quoteVersions.versionNumber, quote.currentVersion)));
    const { id: _id, createdAt: _c, updatedAt: _u, ...copy } = current!;
    const [next] = await tx
      .insert(quoteVersions)
      .values({
        ...copy,
        versionNumber: quote.currentVersion + 1,
        createdBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .returning();
    const lines = await tx.select().from(quoteLines).where(eq(quoteLines.versionId, current!.id));
    if (lines.length > 0)
      await tx.insert(quoteLines).values(lines.map(({ id: _l, ...l }) => ({ ...l, versionId: next!.id })));
    const [saved] = await tx
      .update(quotes)
      .set({
        currentVersion: next!.versionNumber,
        status: 'draft',
        sentAt: null,
        version: quote.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(quotes.id, quote.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'newVersion',
      entity: 'quote',
      entityId: quote.id,
      changes: {
        currentVersion: [quote.currentVersion, next!.versionNumber],
        status: [quote.status, 'draft'],
      },
    });
    return saved!;
  });
}

export async function sendQuote(db: Database, principal: Principal, input: z.output<typeof quoteRefInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'changeStage', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'draft') throw wrongStatus(quote.status);
    const [version] = await tx
      .select({ id: quoteVersions.id })
      .from(quoteVersions)
      .where(and(eq(quoteVersions.quoteId, quote.id), eq(quoteVersions.versionNumber, quote.currentVersion)));
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(quoteLines)
      .where(eq(quoteLines.versionId, version!.id));
    if (n === 0) throw new AppError('CONFLICT', 'errors.quoteEmpty');
    const [saved] = await tx
      .update(quotes)
      .set({ status: 'sent', sentAt: new Date(), version: quote.version + 1, updatedAt: new Date() })
      .where(eq(quotes.id, quote.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'send',
      entity: 'quote',
      entityId: quote.id,
      changes: { status: [quote.status, 'sent'] },
    });
    await scheduleQuoteFollowUps(tx, saved!);
    return saved!;
  });
}

async function decide(
  tx: Transaction,
  principal: Principal,
  quote: Quote,
  status: 'accepted' | 'rejected' | 'expired',
  extra: Partial<typeof quotes.$inferInsert> = {},
) {
  const [saved] = await tx
    .update(quotes)
    .set({ status, decidedAt: new Date(), version: quote.version + 1, updatedAt: new Date(), ...extra })
    .where(eq(quotes.id, quote.id))
    .returning();
  await writeAudit(tx, principal, {
    action: status === 'accepted' ? 'accept' : status === 'rejected' ? 'reject' : 'expire',
    entity: 'quote',
    entityId: quote.id,
    changes: { status: [quote.status, status], ...(extra.orderId ? { orderId: [null, extra.orderId] } : {}) },
  });
  return saved!;
}

/** The supplier that fulfils an accepted quote: chosen on the quote, else the deal's one supplier share. */
async function supplierFor(tx: Tx, quote: Quote): Promise<string> {
  if (quote.supplierOrgId) return quote.supplierOrgId;
  const suppliers = await tx
    .select({ id: partnerOrgs.id })
    .from(opportunityShares)
    .innerJoin(partnerOrgs, eq(partnerOrgs.id, opportunityShares.partnerOrgId))
    .where(and(eq(opportunityShares.opportunityId, quote.opportunityId), eq(partnerOrgs.kind, 'supplier')));
  if (suppliers.length !== 1) throw new AppError('CONFLICT', 'errors.quoteNoSupplier');
  return suppliers[0]!.id;
}

/**
 * The customer accepted: the quote's current version becomes an outbound order to the
 * supplier, linked to the deal and the account, in the same transaction.
 */
export async function acceptQuote(db: Database, principal: Principal, input: z.output<typeof quoteRefInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'changeStage', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'sent') throw wrongStatus(quote.status);
    return acceptQuoteInTx(tx, principal, quote);
  });
}

/** Accepts a sent quote inside the caller's transaction (also used when its deal is won). */
export async function acceptQuoteInTx(tx: Transaction, principal: Principal, quote: Quote) {
  const deal = await loadDeal(tx, quote.opportunityId);
  const order = await createOrderFromQuote(tx, principal, quote, deal);
  return decide(tx, principal, quote, 'accepted', { orderId: order.id });
}

export async function createOrderFromQuote(
  tx: Transaction,
  principal: Principal,
  quote: Quote,
  deal: { id: string; accountId: string; name: string },
) {
  const partnerOrgId = await supplierFor(tx, quote);
  const [version] = await tx
    .select()
    .from(quoteVersions)
    .where(and(eq(quoteVersions.quoteId, quote.id), eq(quoteVersions.versionNumber, quote.currentVersion)));
  const lines = await tx
    .select()
    .from(quoteLines)
    .where(eq(quoteLines.versionId, version!.id))
    .orderBy(asc(quoteLines.position));
  const poNumber = `${quote.number}-V${quote.currentVersion}`;
  // The order carries the deal's sales history: its stages with dates, and where to read the rest.
  const history = await tx
    .select({
      from: opportunityStageHistory.fromStage,
      to: opportunityStageHistory.toStage,
      at: opportunityStageHistory.changedAt,
    })
    .from(opportunityStageHistory)
    .where(eq(opportunityStageHistory.opportunityId, deal.id))
    .orderBy(asc(opportunityStageHistory.changedAt));
  const [order] = await tx
    .insert(orders)
    .values({
      direction: 'outbound',
      partnerOrgId,
      accountId: deal.accountId,
      opportunityId: deal.id,
      poNumber,
      poDate: new Date().toISOString().slice(0, 10),
      currency: quote.currency,
      totalMinor: version!.netMinor,
      status: 'accepted',
      document: {
        source: 'quote',
        quoteId: quote.id,
        quoteNumber: quote.number,
        quoteVersion: quote.currentVersion,
        opportunityId: deal.id,
        opportunityName: deal.name,
        netMinor: version!.netMinor,
        taxMinor: version!.taxMinor,
        grossMinor: version!.grossMinor,
        taxes: version!.taxes,
        dealHistory: {
          path: `/opportunities/${deal.id}`,
          stages: history.map((h) => ({ from: h.from, to: h.to, at: h.at.toISOString() })),
        },
      },
    })
    .onConflictDoNothing()
    .returning();
  if (!order) throw new AppError('CONFLICT', 'errors.quoteOrderExists', { number: poNumber });
  if (lines.length > 0)
    await tx.insert(orderLines).values(
      lines.map((l) => ({
        orderId: order.id,
        lineNumber: String(l.position),
        productId: l.sku,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unitPriceMinor: l.unitPriceMinor,
        priceScale: currencyDigits(quote.currency),
        lineTotalMinor: l.netMinor,
      })),
    );
  await writeAudit(tx, principal, {
    action: 'create',
    entity: 'order',
    entityId: order.id,
    changes: { poNumber: [null, poNumber], totalMinor: [null, order.totalMinor], quoteId: [null, quote.id] },
  });
  return order;
}

export async function rejectQuote(db: Database, principal: Principal, input: z.output<typeof quoteRefInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'changeStage', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'sent') throw wrongStatus(quote.status);
    return decide(tx, principal, quote, 'rejected');
  });
}

/** Expires an open quote (draft or sent); also used when the deal is lost. */
export async function expireQuoteInTx(tx: Transaction, principal: Principal, quoteId: string) {
  const quote = await lockQuote(tx, quoteId);
  if (quote.status !== 'draft' && quote.status !== 'sent') return null;
  return decide(tx, principal, quote, 'expired');
}

export async function expireQuote(db: Database, principal: Principal, input: z.output<typeof quoteRefInput>) {
  assertCan(principal, 'read', { type: 'quote' });
  return inTransaction(db, principal, async (tx) => {
    const quote = await lockQuote(tx, input.id, input.version);
    const deal = await loadDeal(tx, quote.opportunityId);
    assertCan(principal, 'changeStage', { type: 'quote', dealOwnerId: deal.ownerId });
    if (quote.status !== 'draft' && quote.status !== 'sent') throw wrongStatus(quote.status);
    return decide(tx, principal, quote, 'expired');
  });
}

/** What the quote editor offers: the account's contacts, supplier organisations, active products. */
export async function quoteEditorOptions(
  db: Database,
  principal: Principal,
  accountId: string,
  currency: string,
) {
  assertCan(principal, 'read', { type: 'quote' });
  const [contactRows, supplierRows, productRows] = await Promise.all([
    db
      .select({
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        email: contacts.email,
      })
      .from(contacts)
      .where(and(eq(contacts.accountId, accountId), isNull(contacts.archivedAt)))
      .orderBy(asc(contacts.lastName), asc(contacts.firstName)),
    db
      .select({ id: partnerOrgs.id, name: partnerOrgs.name })
      .from(partnerOrgs)
      .where(eq(partnerOrgs.kind, 'supplier'))
      .orderBy(asc(partnerOrgs.name)),
    db
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        unit: products.unit,
        listPriceMinor: products.listPriceMinor,
        taxRateBp: products.taxRateBp,
      })
      .from(products)
      .where(and(eq(products.active, true), eq(products.currency, currency)))
      .orderBy(asc(products.name)),
  ]);
  return { contacts: contactRows, suppliers: supplierRows, products: productRows };
}
