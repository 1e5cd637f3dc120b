/** The deal page's orders card: the domain result with every amount and date formatted for the locale. */
import type { Database, Locale } from '@konsort/db';
import type { DealOrdersView } from '../components/deal-orders.tsx';
import {
  can,
  currencyDigits,
  formatMoney,
  type OpportunityOrders,
  ordersForOpportunity,
  type UserPrincipal,
} from './api.server.ts';
import { orResponse } from './errors.server.ts';
import { formatDate } from './format.ts';

/** A unit price at its own scale (7.125 EUR stays 7,125 €), not rounded to the currency. */
function formatPrice(minor: number, scale: number, currency: string, locale: Locale) {
  const digits = Math.max(scale, currencyDigits(currency));
  return new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** scale);
}

export function presentDealOrders(result: OpportunityOrders, locale: Locale): DealOrdersView {
  const { summary } = result;
  return {
    orders: result.orders.map((o) => ({
      id: o.id,
      poNumber: o.poNumber,
      poDate: formatDate(o.poDate, locale),
      partnerOrgName: o.partnerOrgName,
      status: o.status,
      total: formatMoney(o.totalMinor, o.currency, locale),
      discrepancy: o.discrepancyMinor === null ? null : formatMoney(o.discrepancyMinor, o.currency, locale),
      sourceMessageId: o.sourceMessageId,
      lines: o.lines.map((l) => ({
        lineNumber: l.lineNumber,
        product: l.productId,
        description: l.description,
        quantity: `${Number(l.quantity).toLocaleString(locale === 'de' ? 'de-DE' : 'en-GB')}${l.unit ? ` ${l.unit}` : ''}`,
        unitPrice:
          l.unitPriceMinor === null ? null : formatPrice(l.unitPriceMinor, l.priceScale, o.currency, locale),
        total: l.lineTotalMinor === null ? null : formatMoney(l.lineTotalMinor, o.currency, locale),
      })),
      events: o.events.map((e) => ({
        id: e.id,
        kind: e.kind === 'invoice' ? ('invoice' as const) : ('shipment' as const),
        reference: e.reference,
        date: formatDate(e.occurredOn, locale),
        amount: e.amountMinor === null ? null : formatMoney(e.amountMinor, e.currency ?? o.currency, locale),
      })),
    })),
    dealAmount: formatMoney(summary.dealAmountMinor, summary.currency, locale),
    ordered:
      summary.orderedMinor === null ? null : formatMoney(summary.orderedMinor, summary.currency, locale),
    discrepancy:
      summary.discrepancyMinor === null
        ? null
        : formatMoney(summary.discrepancyMinor, summary.currency, locale),
  };
}

/** The card's data for the deal page's loader; a partner sees its own organisation's orders. */
export async function loadDealOrders(
  context: { db: Database; locale: Locale },
  user: UserPrincipal,
  opportunityId: string,
) {
  const result = await orResponse(context.locale, () =>
    ordersForOpportunity(context.db, user, opportunityId),
  );
  return {
    view: presentDealOrders(result, context.locale),
    /** The EDI message behind each order is linked for those who may open the monitor. */
    linkMessages: can(user, 'read', { type: 'ediProfile' }),
  };
}
