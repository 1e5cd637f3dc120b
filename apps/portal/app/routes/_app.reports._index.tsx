import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { GanttChart } from '../components/gantt-chart.tsx';
import { buttonClass, Card, inputClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { loadReport, ownerOptions, type ReportTab, reportParams } from '../utils/reports.server.ts';
import { requireInternal } from '../utils/session.server.ts';

const tabs: ReportTab[] = ['pipeline', 'gantt', 'kpis', 'forecast', 'revenue', 'lossReasons', 'partners'];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const url = new URL(request.url);
  const params = reportParams(url);
  const [report, owners] = await Promise.all([
    loadReport(context.db, user, context.locale, params),
    ownerOptions(context.db, user),
  ]);
  const query = new URLSearchParams(url.searchParams);
  query.delete('tab');
  return {
    params,
    report,
    owners,
    today: new Date().toISOString().slice(0, 10),
    exportHref: `/reports/export/${params.tab}${query.size ? `?${query}` : ''}`,
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Report<T extends ReportTab> = Extract<Data['report'], { tab: T; rows: unknown }>;

/** Recharts measures the DOM: charts render after hydration; the tables below carry the figures. */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function ChartBox({ label, children }: { label: string; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <figure className="mb-4">
      <figcaption className="mb-1 text-sm font-medium text-slate-700">{label}</figcaption>
      <div className="h-64 w-full" data-testid="report-chart">
        {hydrated ? (
          <ResponsiveContainer width="100%" height="100%">
            {children as React.ReactElement}
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
}

/** Axis ticks as "1,2 Mio." / "1.2M": full amounts are in the tables. */
function useCompact() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'de-DE', {
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  return (value: number) => format.format(value);
}

const currenciesOf = (rows: { currency: string }[]) => [...new Set(rows.map((r) => r.currency))].sort();
const pct = (x: number | null, locale: string) =>
  x === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(x);

function Table({ head, rows, caption }: { head: string[]; rows: ReactNode[][]; caption: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="report-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            {head.map((h, i) => (
              <th key={h} scope="col" className={`py-2 pr-3 ${i > 1 ? 'text-right' : ''}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a report have no id of their own
            <tr key={r} className="border-b border-slate-100">
              {cells.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                <td key={i} className={`py-1 pr-3 ${i > 1 ? 'text-right tabular-nums' : ''}`}>
                  {c ?? '—'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PipelineView({ report }: { report: Report<'pipeline'> }) {
  const { t } = useTranslation();
  const compact = useCompact();
  const label = (key: string | null, l: string | null) => {
    if (report.groupBy === 'stage') return t(`stage.${key}`);
    if (report.groupBy === 'partner') return l ?? t('reports.direct');
    if (report.groupBy === 'month') return key ?? t('reports.noDate');
    return l ?? '—';
  };
  return (
    <>
      {currenciesOf(report.rows).map((currency) => (
        <ChartBox key={currency} label={`${t('reports.tab.pipeline')} (${currency})`}>
          <BarChart
            data={report.rows
              .filter((r) => r.currency === currency)
              .map((r) => ({
                name: label(r.key, r.label),
                amount: r.amountMajor,
                weighted: r.weightedMajor,
              }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis width={64} tickFormatter={compact} />
            <Tooltip />
            <Legend />
            <Bar dataKey="amount" name={t('reports.col.amount')} fill="#1d4ed8" />
            <Bar dataKey="weighted" name={t('reports.col.weighted')} fill="#93c5fd" />
          </BarChart>
        </ChartBox>
      ))}
      <Table
        caption={t('reports.tab.pipeline')}
        head={[
          t(`reports.groupBy.${report.groupBy}`),
          t('reports.col.currency'),
          t('reports.col.count'),
          t('reports.col.amount'),
          t('reports.col.weighted'),
        ]}
        rows={report.rows.map((r) => [label(r.key, r.label), r.currency, r.count, r.amount, r.weighted])}
      />
    </>
  );
}

function KpiView({ report, locale }: { report: Extract<Data['report'], { tab: 'kpis' }>; locale: string }) {
  const { t } = useTranslation();
  const compact = useCompact();
  const figures: [string, string][] = [
    [t('reports.kpi.winRate'), pct(report.winRate, locale)],
    [t('reports.kpi.wonLost'), `${report.wonCount} / ${report.lostCount}`],
    [
      t('reports.kpi.cycle'),
      report.averageCycleDays === null
        ? '—'
        : t('reports.kpi.days', {
            days: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(report.averageCycleDays),
          }),
    ],
  ];
  return (
    <>
      <dl className="mb-4 grid gap-3 sm:grid-cols-3">
        {figures.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {/* One chart per currency: amounts in different currencies share no axis. */}
      {report.perCurrency.map((c) => (
        <ChartBox key={c.currency} label={`${t('reports.kpi.chart')} (${c.currency})`}>
          <BarChart
            layout="vertical"
            data={[
              { name: t('reports.col.won'), value: c.wonMajor },
              { name: t('reports.col.open'), value: c.openMajor },
              { name: t('reports.col.target'), value: c.targetMajor },
            ]}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" tickFormatter={compact} />
            <YAxis type="category" dataKey="name" width={120} />
            <Tooltip />
            <Bar dataKey="value" name={c.currency}>
              {['#10b981', '#6366f1', '#f59e0b'].map((color) => (
                <Cell key={color} fill={color} />
              ))}
            </Bar>
          </BarChart>
        </ChartBox>
      ))}
      <Table
        caption={t('reports.tab.kpis')}
        head={[
          t('reports.col.currency'),
          t('reports.col.wonCount'),
          t('reports.col.won'),
          t('reports.kpi.averageWon'),
          t('reports.col.open'),
          t('reports.col.target'),
          t('reports.kpi.coverage'),
        ]}
        rows={report.perCurrency.map((c) => [
          c.currency,
          c.wonCount,
          c.won,
          c.averageWon,
          c.open,
          c.target,
          c.coverage === null
            ? '—'
            : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(c.coverage)}×`,
        ])}
      />
    </>
  );
}

function ForecastView({ report }: { report: Report<'forecast'> }) {
  const { t } = useTranslation();
  const compact = useCompact();
  return (
    <>
      {currenciesOf(report.rows).map((currency) => (
        <ChartBox key={currency} label={`${t('reports.tab.forecast')} (${currency})`}>
          <ComposedChart
            data={report.rows
              .filter((r) => r.currency === currency)
              .map((r) => ({
                name: r.month,
                won: r.wonMajor,
                weighted: r.weightedOpenMajor,
                target: r.targetMajor,
              }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis width={64} tickFormatter={compact} />
            <Tooltip />
            <Legend />
            <Bar dataKey="won" stackId="f" name={t('reports.col.won')} fill="#10b981" />
            <Bar dataKey="weighted" stackId="f" name={t('reports.col.weightedOpen')} fill="#93c5fd" />
            <Line dataKey="target" name={t('reports.col.target')} stroke="#f59e0b" strokeWidth={2} />
          </ComposedChart>
        </ChartBox>
      ))}
      <Table
        caption={t('reports.tab.forecast')}
        head={[
          t('reports.col.month'),
          t('reports.col.currency'),
          t('reports.col.won'),
          t('reports.col.weightedOpen'),
          t('reports.col.forecast'),
          t('reports.col.target'),
        ]}
        rows={report.rows.map((r) => [r.month, r.currency, r.won, r.weightedOpen, r.forecast, r.target])}
      />
    </>
  );
}

function RevenueView({ report }: { report: Report<'revenue'> }) {
  const { t } = useTranslation();
  const compact = useCompact();
  return (
    <>
      {currenciesOf(report.rows).map((currency) => (
        <ChartBox key={currency} label={`${t('reports.tab.revenue')} (${currency})`}>
          <BarChart
            data={report.rows
              .filter((r) => r.currency === currency)
              .map((r) => ({
                name: r.userName,
                newActual: r.newActualMajor,
                newTarget: r.newTargetMajor,
                existingActual: r.existingActualMajor,
                existingTarget: r.existingTargetMajor,
              }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis width={64} tickFormatter={compact} />
            <Tooltip />
            <Legend />
            <Bar dataKey="newActual" name={t('reports.col.newActual')} fill="#1d4ed8" />
            <Bar dataKey="newTarget" name={t('reports.col.newTarget')} fill="#93c5fd" />
            <Bar dataKey="existingActual" name={t('reports.col.existingActual')} fill="#047857" />
            <Bar dataKey="existingTarget" name={t('reports.col.existingTarget')} fill="#6ee7b7" />
          </BarChart>
        </ChartBox>
      ))}
      <Table
        caption={t('reports.tab.revenue')}
        head={[
          t('reports.col.rep'),
          t('reports.col.currency'),
          t('reports.col.newActual'),
          t('reports.col.newTarget'),
          t('reports.col.existingActual'),
          t('reports.col.existingTarget'),
        ]}
        rows={report.rows.map((r) => [
          r.userName,
          r.currency,
          r.newActual,
          r.newTarget,
          r.existingActual,
          r.existingTarget,
        ])}
      />
    </>
  );
}

function LossView({ report, locale }: { report: Report<'lossReasons'>; locale: string }) {
  const { t } = useTranslation();
  return (
    <>
      <ChartBox label={t('reports.tab.lossReasons')}>
        <BarChart
          data={report.rows.map((r) => ({ name: r.reason ?? t('reports.noReason'), count: r.count }))}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" name={t('reports.col.count')} fill="#f43f5e" />
        </BarChart>
      </ChartBox>
      <Table
        caption={t('reports.tab.lossReasons')}
        head={[
          t('reports.col.reason'),
          t('reports.col.currency'),
          t('reports.col.count'),
          t('reports.col.amount'),
          t('reports.col.share'),
        ]}
        rows={report.rows.map((r) => [
          r.reason ?? t('reports.noReason'),
          r.currency,
          r.count,
          r.amount,
          pct(r.share, locale),
        ])}
      />
    </>
  );
}

function PartnerView({ report, locale }: { report: Report<'partners'>; locale: string }) {
  const { t } = useTranslation();
  const compact = useCompact();
  const flat = report.rows.flatMap((p) => p.revenue.map((r) => ({ name: p.name, ...r })));
  return (
    <>
      {currenciesOf(flat).map((currency) => (
        <ChartBox key={currency} label={`${t('reports.partner.revenue')} (${currency})`}>
          <BarChart
            data={flat.filter((r) => r.currency === currency).map((r) => ({ name: r.name, won: r.wonMajor }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis width={64} tickFormatter={compact} />
            <Tooltip />
            <Bar dataKey="won" name={t('reports.col.won')} fill="#10b981" />
          </BarChart>
        </ChartBox>
      ))}
      <Table
        caption={t('reports.tab.partners')}
        head={[
          t('reports.col.partner'),
          t('reports.col.tier'),
          t('reports.partner.submitted'),
          t('reports.partner.approved'),
          t('reports.partner.rejected'),
          t('reports.partner.approvalRate'),
          t('reports.col.won'),
        ]}
        rows={report.rows.map((p) => [
          p.name,
          t(`reports.tier.${p.tier}`),
          p.submitted,
          p.approved,
          p.rejected,
          pct(p.approvalRate, locale),
          p.revenue.length ? p.revenue.map((r) => r.won).join(' · ') : '—',
        ])}
      />
      <h3 className="mt-6 mb-2 text-base font-semibold">{t('reports.partner.byTier')}</h3>
      <Table
        caption={t('reports.partner.byTier')}
        head={[
          t('reports.col.tier'),
          t('reports.col.currency'),
          t('reports.partner.partners'),
          t('reports.col.won'),
        ]}
        rows={report.tiers.map((x) => [t(`reports.tier.${x.tier}`), x.currency, x.partners, x.won])}
      />
    </>
  );
}

export default function Reports() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { params, report, owners, exportHref, today } = useLoaderData<typeof loader>();
  const tabHref = (tab: ReportTab) => {
    const q = new URLSearchParams();
    q.set('tab', tab);
    if (params.from) q.set('from', params.from);
    if (params.to) q.set('to', params.to);
    if (params.ownerId) q.set('ownerId', params.ownerId);
    return `/reports?${q}`;
  };
  return (
    <>
      <PageHeader
        title={t('reports.title')}
        actions={
          <a href={exportHref} className={secondaryButtonClass} download>
            {t('reports.exportCsv')}
          </a>
        }
      />
      <nav aria-label={t('reports.tabs')} className="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
        {tabs.map((tab) => (
          <Link
            key={tab}
            to={tabHref(tab)}
            aria-current={params.tab === tab ? 'page' : undefined}
            className={`-mb-px rounded-t-md border px-3 py-2 text-sm ${
              params.tab === tab
                ? 'border-slate-200 border-b-white bg-white font-medium text-blue-800'
                : 'border-transparent text-slate-600 hover:text-blue-800'
            }`}
          >
            {t(`reports.tab.${tab}`)}
          </Link>
        ))}
      </nav>
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm">
        <input type="hidden" name="tab" value={params.tab} />
        <label>
          <span className="mb-1 block font-medium">{t('reports.from')}</span>
          <input type="month" name="from" defaultValue={params.from} className={inputClass} />
        </label>
        <label>
          <span className="mb-1 block font-medium">{t('reports.to')}</span>
          <input type="month" name="to" defaultValue={params.to} className={inputClass} />
        </label>
        {owners.length ? (
          <label>
            <span className="mb-1 block font-medium">{t('reports.owner')}</span>
            <select name="ownerId" defaultValue={params.ownerId ?? ''} className={inputClass}>
              <option value="">{t('reports.allOwners')}</option>
              {owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {params.tab === 'pipeline' ? (
          <label>
            <span className="mb-1 block font-medium">{t('reports.groupByLabel')}</span>
            <select name="groupBy" defaultValue={params.groupBy ?? 'stage'} className={inputClass}>
              {(['stage', 'owner', 'month', 'partner'] as const).map((g) => (
                <option key={g} value={g}>
                  {t(`reports.groupBy.${g}`)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="submit" className={buttonClass}>
          {t('reports.apply')}
        </button>
      </Form>
      <Card>
        {'fieldErrors' in report ? (
          <div role="alert" className="text-sm text-rose-700">
            {Object.values(report.fieldErrors ?? {}).join(' ')}
          </div>
        ) : report.tab === 'pipeline' ? (
          <PipelineView report={report} />
        ) : report.tab === 'gantt' ? (
          <>
            <GanttChart rows={report.rows} today={today} />
            {report.truncated ? (
              <p className="mt-2 text-sm text-slate-600">{t('reports.truncated')}</p>
            ) : null}
          </>
        ) : report.tab === 'kpis' ? (
          <KpiView report={report} locale={locale} />
        ) : report.tab === 'forecast' ? (
          <ForecastView report={report} />
        ) : report.tab === 'revenue' ? (
          <RevenueView report={report} />
        ) : report.tab === 'lossReasons' ? (
          <LossView report={report} locale={locale} />
        ) : (
          <PartnerView report={report} locale={locale} />
        )}
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
