/**
 * Orders from partner ERPs (850 / ORDERS, ingested by the EDI bridge) as the portal shows them:
 * per deal with lines, shipment and invoice events and the difference between the deal's amount
 * and what was ordered; and the staff-wide order list.
 *
 * Partner users read their own organisation's orders: the policy scopes the queries and RLS on
 * `orders`, `order_lines` and `order_events` (migration 0007) is the second wall.
 */
import {
  accounts,
  type Database,
  opportunities,
  orderEvents,
  orderLines,
  orders,
  partnerOrgs,
} from '@konsort/db';
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { assertCan, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { encodeCursor, readCursor, timestampParam } from '../tx.ts';

export const orderStatuses = [
  'received',
  'accepted',
  'changed',
  'rejected',
  'shipped',
  'invoiced',
  'cancelled',
] as const;

export const listOrdersInput = z.object({
  status: z.enum(orderStatuses).optional(),
  partnerOrgId: z.uuid().optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/**
 * The order list: staff see every order; a partner user its own organisation's (the policy's
 * `visible().orders()` scope, and RLS on `orders` as the second wall). The deal's discrepancy is
 * internal (our won amount) and never shown to partners.
 */
function assertMayListOrders(principal: Principal) {
  assertCan(principal, 'read', { type: 'order' });
}

/** Deal amount − ordered amount, when both are in one currency; `null` when equal or not comparable. */
function discrepancy(dealAmountMinor: number, dealCurrency: string, orderedMinor: number, currency: string) {
  if (dealCurrency !== currency) return null;
  const difference = dealAmountMinor - orderedMinor;
  return difference === 0 ? null : difference;
}

/** A deal's orders: staff see all; a partner its own organisation's, on a deal shared with it. */
export async function ordersForOpportunity(database: Database, principal: Principal, opportunityId: string) {
  assertCan(principal, 'read', { type: 'opportunity', share: principal.kind === 'partner' ? 'view' : null });
  return withPrincipalDb(database, principal, async (db) => {
    const [deal] = await db
      .select({
        id: opportunities.id,
        stage: opportunities.stage,
        amountMinor: opportunities.amountMinor,
        currency: opportunities.currency,
      })
      .from(opportunities)
      .where(and(eq(opportunities.id, opportunityId), visible(principal).opportunities()));
    if (!deal) throw notFound('entity.opportunity');
    const rows = await db
      .select({
        id: orders.id,
        direction: orders.direction,
        partnerOrgId: orders.partnerOrgId,
        partnerOrgName: partnerOrgs.name,
        poNumber: orders.poNumber,
        poDate: orders.poDate,
        currency: orders.currency,
        totalMinor: orders.totalMinor,
        status: orders.status,
        sourceMessageId: orders.sourceMessageId,
        createdAt: orders.createdAt,
        updatedAt: orders.updatedAt,
      })
      .from(orders)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, orders.partnerOrgId))
      .where(and(eq(orders.opportunityId, deal.id), visible(principal).orders()))
      .orderBy(asc(orders.createdAt), asc(orders.id));
    const ids = rows.map((r) => r.id);
    const [lines, events] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            db
              .select({
                orderId: orderLines.orderId,
                lineNumber: orderLines.lineNumber,
                productId: orderLines.productId,
                description: orderLines.description,
                quantity: orderLines.quantity,
                unit: orderLines.unit,
                unitPriceMinor: orderLines.unitPriceMinor,
                priceScale: orderLines.priceScale,
                lineTotalMinor: orderLines.lineTotalMinor,
              })
              .from(orderLines)
              .where(inArray(orderLines.orderId, ids))
              .orderBy(asc(orderLines.id)),
            db
              .select({
                id: orderEvents.id,
                orderId: orderEvents.orderId,
                kind: orderEvents.kind,
                reference: orderEvents.reference,
                occurredOn: orderEvents.occurredOn,
                amountMinor: orderEvents.amountMinor,
                currency: orderEvents.currency,
              })
              .from(orderEvents)
              .where(inArray(orderEvents.orderId, ids))
              .orderBy(asc(orderEvents.occurredOn), asc(orderEvents.createdAt)),
          ]);
    const items = rows.map((o) => ({
      ...o,
      discrepancyMinor: discrepancy(deal.amountMinor, deal.currency, o.totalMinor, o.currency),
      lines: lines.filter((l) => l.orderId === o.id).map(({ orderId: _o, ...l }) => l),
      events: events.filter((e) => e.orderId === o.id).map(({ orderId: _o, ...e }) => e),
    }));
    // The deal as a whole: its amount against everything ordered on it (cancelled orders aside).
    const counted = items.filter((o) => o.status !== 'cancelled' && o.status !== 'rejected');
    const comparable = counted.every((o) => o.currency === deal.currency);
    const orderedMinor = counted.reduce((sum, o) => sum + o.totalMinor, 0);
    return {
      opportunity: deal,
      orders: items,
      summary: {
        currency: deal.currency,
        dealAmountMinor: deal.amountMinor,
        orderedMinor: comparable ? orderedMinor : null,
        discrepancyMinor:
          comparable && counted.length > 0 && deal.amountMinor !== orderedMinor
            ? deal.amountMinor - orderedMinor
            : null,
      },
    };
  });
}

export type OpportunityOrders = Awaited<ReturnType<typeof ordersForOpportunity>>;

export async function listOrders(
  database: Database,
  principal: Principal,
  input: z.output<typeof listOrdersInput>,
) {
  assertMayListOrders(principal);
  return withPrincipalDb(database, principal, async (db) => {
    const after = readCursor(input.cursor, 2);
    const conditions: (SQL | undefined)[] = [
      visible(principal).orders(),
      input.status ? eq(orders.status, input.status) : undefined,
      input.partnerOrgId ? eq(orders.partnerOrgId, input.partnerOrgId) : undefined,
      input.direction ? eq(orders.direction, input.direction) : undefined,
      after
        ? sql`(${orders.createdAt}, ${orders.id}) < (${timestampParam(new Date(String(after[0])))}, ${String(after[1])}::uuid)`
        : undefined,
    ];
    const rows = await db
      .select({
        id: orders.id,
        direction: orders.direction,
        partnerOrgId: orders.partnerOrgId,
        partnerOrgName: partnerOrgs.name,
        accountId: orders.accountId,
        accountName: accounts.name,
        opportunityId: orders.opportunityId,
        opportunityName: opportunities.name,
        poNumber: orders.poNumber,
        poDate: orders.poDate,
        currency: orders.currency,
        totalMinor: orders.totalMinor,
        status: orders.status,
        discrepancyMinor: orders.discrepancyMinor,
        createdAt: orders.createdAt,
      })
      .from(orders)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, orders.partnerOrgId))
      .leftJoin(accounts, eq(accounts.id, orders.accountId))
      .leftJoin(opportunities, eq(opportunities.id, orders.opportunityId))
      .where(and(...conditions))
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(input.limit + 1);
    const items = rows
      .slice(0, input.limit)
      .map((o) => (principal.kind === 'partner' ? { ...o, discrepancyMinor: null } : o));
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > input.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  });
}

/** The partner organisations the principal sees orders of (the list's filter options). */
export async function orderPartners(database: Database, principal: Principal) {
  assertMayListOrders(principal);
  return withPrincipalDb(database, principal, (db) =>
    db
      .selectDistinct({ id: partnerOrgs.id, name: partnerOrgs.name })
      .from(orders)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, orders.partnerOrgId))
      .where(visible(principal).orders())
      .orderBy(partnerOrgs.name, partnerOrgs.id),
  );
}
