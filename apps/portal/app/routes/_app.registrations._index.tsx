import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { ButtonLink, Card, linkClass, PageHeader } from '../components/ui.tsx';
import { formatMoney, myRegistrations, registrationQueue } from '../utils/api.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const money = (minor: number, currency: string) => formatMoney(minor, currency, context.locale);
  if (user.kind === 'partner') {
    const rows = await orResponse(context.locale, () => myRegistrations(context.db, user));
    return {
      view: 'partner' as const,
      mine: rows.map((r) => ({
        id: r.id,
        companyName: r.companyName,
        amount: money(r.estimatedAmountMinor, r.currency),
        status: r.status,
        createdAt: r.createdAt.toISOString(),
        expiresAt: r.expiresAt.toISOString(),
        protectedUntil: r.protectedUntil?.toISOString() ?? null,
        rejectionReason: r.rejectionReason,
      })),
      queue: [],
    };
  }
  const rows = await orResponse(context.locale, () => registrationQueue(context.db, user));
  return {
    view: 'staff' as const,
    mine: [],
    queue: rows.map((r) => ({
      id: r.id,
      companyName: r.companyName,
      partnerName: r.partnerName,
      submittedByName: r.submittedByName,
      amount: money(r.estimatedAmountMinor, r.currency),
      createdAt: r.createdAt.toISOString(),
      candidateCount: r.candidateCount,
    })),
  };
}

const th = 'py-2 pr-3 font-medium';

export default function Registrations() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { view, mine, queue } = useLoaderData<typeof loader>();
  if (view === 'partner') {
    return (
      <>
        <PageHeader
          title={t('registration.title')}
          actions={<ButtonLink to="/registrations/new">{t('registration.new')}</ButtonLink>}
        />
        <Card>
          {mine.length === 0 ? (
            <p className="text-sm text-slate-600">{t('registration.mineEmpty')}</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className={th}>{t('registration.companyName')}</th>
                  <th className={th}>{t('registration.amount')}</th>
                  <th className={th}>{t('registration.status')}</th>
                  <th className={th}>{t('registration.submittedAt')}</th>
                  <th className={th}>{t('registration.protectedUntil')}</th>
                </tr>
              </thead>
              <tbody>
                {mine.map((r) => (
                  <tr key={r.id} className="border-b border-slate-100 align-top">
                    <td className="py-2 pr-3">
                      <Link to={`/registrations/${r.id}`} className={linkClass}>
                        {r.companyName}
                      </Link>
                    </td>
                    <td className="py-2 pr-3">{r.amount}</td>
                    <td className="py-2 pr-3">
                      {t(`registration.status.${r.status}`)}
                      {r.rejectionReason ? (
                        <span className="block text-xs text-slate-600">{r.rejectionReason}</span>
                      ) : null}
                    </td>
                    <td className="py-2 pr-3">{formatDate(r.createdAt, locale)}</td>
                    <td className="py-2 pr-3">
                      {r.protectedUntil ? formatDate(r.protectedUntil, locale) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('registration.queueTitle')} />
      <p className="mb-4 text-sm text-slate-600">{t('registration.queueIntro')}</p>
      <Card>
        {queue.length === 0 ? (
          <p className="text-sm text-slate-600">{t('registration.queueEmpty')}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className={th}>{t('registration.companyName')}</th>
                <th className={th}>{t('registration.partner')}</th>
                <th className={th}>{t('registration.submittedBy')}</th>
                <th className={th}>{t('registration.amount')}</th>
                <th className={th}>{t('registration.candidateCount')}</th>
                <th className={th}>{t('registration.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((r) => (
                <tr key={r.id} className="border-b border-slate-100">
                  <td className="py-2 pr-3">
                    <Link to={`/registrations/${r.id}`} className={linkClass}>
                      {r.companyName}
                    </Link>
                  </td>
                  <td className="py-2 pr-3">{r.partnerName}</td>
                  <td className="py-2 pr-3">{r.submittedByName}</td>
                  <td className="py-2 pr-3">{r.amount}</td>
                  <td className="py-2 pr-3" data-candidates={r.candidateCount}>
                    {r.candidateCount}
                  </td>
                  <td className="py-2 pr-3">{formatDate(r.createdAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
