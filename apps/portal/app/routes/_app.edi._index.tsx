import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { buttonClass, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import { ediMessagesInput, ediStats, listMessages, listProfiles } from '../utils/api.server.ts';
import { ediDirections, ediStatusColors, ediStatuses } from '../utils/edi.ts';
import { orResponse, validate } from '../utils/errors.server.ts';
import { formatDateTime } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  const filters = {
    direction: url.searchParams.get('direction') ?? '',
    status: url.searchParams.get('status') ?? '',
  };
  // The policy decides who reads the monitor: the stats call answers 403 for everyone else.
  const stats = await orResponse(context.locale, () => ediStats(context.db, user));
  const input = validate(
    ediMessagesInput,
    {
      direction: filters.direction || undefined,
      status: filters.status || undefined,
      cursor: url.searchParams.get('cursor') || undefined,
      limit: 50,
    },
    context.locale,
  );
  const [messages, profiles] = await orResponse(context.locale, () =>
    Promise.all([
      input.ok ? listMessages(context.db, user, input.data) : { items: [], nextCursor: null },
      listProfiles(context.db, user, { includeInactive: true }),
    ]),
  );
  const profileNames = new Map(profiles.map((p) => [p.id, p.name]));
  return {
    filters,
    stats: {
      backlog: stats.backlog,
      processed24h: stats.processed24h,
      rejected24h: stats.rejected24h,
      last24h: stats.last24h,
    },
    items: messages.items.map((m) => ({
      id: m.id,
      direction: m.direction,
      profileName: profileNames.get(m.profileId) ?? '—',
      documentType: m.documentType,
      interchangeControlNumber: m.interchangeControlNumber,
      fileName: m.fileName,
      status: m.status,
      errorCount: Array.isArray(m.errors) ? m.errors.length : 0,
      createdAt: m.createdAt,
    })),
    nextCursor: messages.nextCursor,
  };
}

function Figure({ label, value, tone }: { label: string; value: number; tone: string }) {
  return (
    <div className={`rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm ${tone}`}>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

export default function EdiMonitor() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { filters, stats, items, nextCursor } = useLoaderData<typeof loader>();
  const more = nextCursor
    ? `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: nextCursor })}`
    : null;
  return (
    <>
      <PageHeader title={t('edi.title')} />
      <dl className="mb-6 grid gap-3 sm:grid-cols-3" aria-label={t('edi.stats')}>
        <Figure
          label={t('edi.backlog', { inbound: stats.backlog.inbound, outbound: stats.backlog.outbound })}
          value={stats.backlog.total}
          tone={stats.backlog.total > 0 ? 'text-amber-900' : 'text-slate-900'}
        />
        <Figure label={t('edi.processed24h')} value={stats.processed24h} tone="text-emerald-800" />
        <Figure
          label={t('edi.rejected24h')}
          value={stats.rejected24h}
          tone={stats.rejected24h > 0 ? 'text-rose-800' : 'text-slate-900'}
        />
      </dl>
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="direction" className="block text-sm font-medium text-slate-700">
            {t('edi.direction')}
          </label>
          <select id="direction" name="direction" defaultValue={filters.direction} className={inputClass}>
            <option value="">{t('edi.all')}</option>
            {ediDirections.map((d) => (
              <option key={d} value={d}>
                {t(`edi.direction.${d}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium text-slate-700">
            {t('edi.status')}
          </label>
          <select id="status" name="status" defaultValue={filters.status} className={inputClass}>
            <option value="">{t('edi.all')}</option>
            {ediStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`edi.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass}>
          {t('common.filter')}
        </button>
        <Link to="/edi" className={linkClass}>
          {t('common.reset')}
        </Link>
      </Form>
      {items.length === 0 ? (
        <p className="text-slate-600">{t('edi.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">{t('edi.receivedAt')}</th>
                <th className="px-3 py-2 font-medium">{t('edi.direction')}</th>
                <th className="px-3 py-2 font-medium">{t('edi.partner')}</th>
                <th className="px-3 py-2 font-medium">{t('edi.documentType')}</th>
                <th className="px-3 py-2 font-medium">{t('edi.controlNumber')}</th>
                <th className="px-3 py-2 font-medium">{t('edi.status')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('edi.errors')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Link to={`/edi/${m.id}`} className={linkClass}>
                      {formatDateTime(m.createdAt, locale)}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{t(`edi.direction.${m.direction}`)}</td>
                  <td className="px-3 py-2">{m.profileName}</td>
                  <td className="px-3 py-2">{m.documentType}</td>
                  <td className="px-3 py-2 font-mono">{m.interchangeControlNumber || '—'}</td>
                  <td className="px-3 py-2">
                    <span
                      className={`rounded-full px-2 py-0.5 text-xs font-medium ${ediStatusColors[m.status] ?? ''}`}
                    >
                      {t(`edi.status.${m.status}`)}
                    </span>
                  </td>
                  <td
                    className={`px-3 py-2 text-right tabular-nums ${m.errorCount > 0 ? 'text-rose-700' : ''}`}
                  >
                    {m.errorCount}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? (
        <p className="mt-4">
          <Link to={more} className={linkClass}>
            {t('common.more')}
          </Link>
        </p>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
