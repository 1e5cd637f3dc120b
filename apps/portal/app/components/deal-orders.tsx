import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Card, linkClass } from './ui.tsx';

export interface DealOrdersView {
  orders: {
    id: string;
    poNumber: string;
    poDate: string;
    partnerOrgName: string;
    status: string;
    total: string;
    /** Deal amount − this order, formatted; null when equal or in another currency. */
    discrepancy: string | null;
    sourceMessageId: string | null;
    lines: {
      lineNumber: string;
      product: string | null;
      description: string | null;
      quantity: string;
      unitPrice: string | null;
      total: string | null;
    }[];
    events: {
      id: string;
      kind: 'shipment' | 'invoice';
      reference: string;
      date: string;
      amount: string | null;
    }[];
  }[];
  dealAmount: string;
  ordered: string | null;
  /** Deal amount − everything ordered on it; null when they match or cannot be compared. */
  discrepancy: string | null;
}

const statusColors: Record<string, string> = {
  received: 'bg-slate-100 text-slate-800',
  accepted: 'bg-blue-100 text-blue-800',
  changed: 'bg-amber-100 text-amber-900',
  rejected: 'bg-rose-100 text-rose-800',
  shipped: 'bg-indigo-100 text-indigo-800',
  invoiced: 'bg-emerald-100 text-emerald-800',
  cancelled: 'bg-slate-200 text-slate-700',
};

/** The orders partners' ERPs sent for this deal (EDI 850 / ORDERS) with shipments and invoices. */
export function DealOrders({ data, linkMessages }: { data: DealOrdersView; linkMessages: boolean }) {
  const { t } = useTranslation();
  return (
    <Card title={t('orders.title')}>
      {data.discrepancy ? (
        <p
          role="alert"
          className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-discrepancy=""
        >
          {t('orders.discrepancy', {
            ordered: data.ordered,
            deal: data.dealAmount,
            difference: data.discrepancy,
          })}
        </p>
      ) : null}
      {data.orders.length === 0 ? (
        <p className="text-sm text-slate-600">{t('orders.empty')}</p>
      ) : (
        <ul className="space-y-4">
          {data.orders.map((o) => (
            <li key={o.id} className="border-t border-slate-100 pt-3 first:border-0 first:pt-0">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="font-medium text-slate-900">
                  {t('orders.po', { number: o.poNumber })}{' '}
                  <span className="text-sm font-normal text-slate-600">
                    · {o.poDate} · {o.partnerOrgName}
                  </span>
                </h3>
                <span className="flex items-center gap-2 text-sm">
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusColors[o.status] ?? ''}`}
                  >
                    {t(`orders.status.${o.status}`)}
                  </span>
                  <strong className="tabular-nums">{o.total}</strong>
                </span>
              </div>
              {o.discrepancy ? (
                <p className="mt-1 text-sm text-amber-800">
                  {t('orders.lineDiscrepancy', { difference: o.discrepancy })}
                </p>
              ) : null}
              <div className="mt-2 overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">{t('orders.lines')}</caption>
                  <thead className="text-slate-600">
                    <tr>
                      <th className="py-1 pr-2 font-medium">{t('orders.line')}</th>
                      <th className="py-1 pr-2 font-medium">{t('orders.product')}</th>
                      <th className="py-1 pr-2 text-right font-medium">{t('orders.quantity')}</th>
                      <th className="py-1 pr-2 text-right font-medium">{t('orders.unitPrice')}</th>
                      <th className="py-1 text-right font-medium">{t('orders.total')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.lines.map((l) => (
                      <tr key={l.lineNumber} className="border-t border-slate-100">
                        <td className="py-1 pr-2">{l.lineNumber}</td>
                        <td className="py-1 pr-2">
                          {[l.product, l.description].filter(Boolean).join(' – ') || '—'}
                        </td>
                        <td className="py-1 pr-2 text-right tabular-nums">{l.quantity}</td>
                        <td className="py-1 pr-2 text-right tabular-nums">{l.unitPrice ?? '—'}</td>
                        <td className="py-1 text-right tabular-nums">{l.total ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {o.events.length > 0 ? (
                <ul className="mt-2 space-y-1 text-sm text-slate-700">
                  {o.events.map((e) => (
                    <li key={e.id}>
                      {t(e.kind === 'invoice' ? 'orders.invoice' : 'orders.shipment', {
                        reference: e.reference,
                        date: e.date,
                      })}
                      {e.amount ? ` · ${e.amount}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {linkMessages && o.sourceMessageId ? (
                <p className="mt-1 text-sm">
                  <Link to={`/edi/${o.sourceMessageId}`} className={linkClass}>
                    {t('orders.sourceMessage')}
                  </Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
