import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { Card, linkClass, PageHeader, StageBadge } from '../components/ui.tsx';
import { dashboard, formatMoney } from '../utils/api.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { formatDate, formatDateTime } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';
import { stages } from '../utils/stages.ts';

export const meta: MetaFunction = () => [{ title: 'Konsort' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { locale } = context;
  const result = await orResponse(locale, () => dashboard(context.db, user));
  const pipeline = stages
    .map((stage) => {
      const rows = result.pipeline.filter((p) => p.stage === stage);
      const money = (pick: (r: (typeof rows)[number]) => number) =>
        rows.map((r) => formatMoney(pick(r), r.currency, locale)).join(' + ') ||
        formatMoney(0, 'EUR', locale);
      return {
        stage,
        count: rows.reduce((n, r) => n + r.count, 0),
        sum: money((r) => r.amountMinor),
        weighted: money((r) => r.weightedMinor),
      };
    })
    .filter((p) => p.count > 0);
  return {
    name: user.name,
    openDeals: result.openDeals.map((d) => ({
      ...d,
      amount: formatMoney(d.amountMinor, d.currency, locale),
    })),
    dueTasks: result.dueTasks,
    pipeline,
  };
}

export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { name, openDeals, dueTasks, pipeline } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title={t('dashboard.greeting', { name })} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card title={t('dashboard.openDeals')}>
            {openDeals.length === 0 ? (
              <p className="text-sm text-slate-600">{t('dashboard.noDeals')}</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead className="border-b border-slate-200 text-slate-600">
                    <tr>
                      <th className="py-2 pr-3 font-medium">{t('opportunity.name')}</th>
                      <th className="py-2 pr-3 font-medium">{t('opportunity.account')}</th>
                      <th className="py-2 pr-3 font-medium">{t('opportunity.stage')}</th>
                      <th className="py-2 pr-3 text-right font-medium">{t('opportunity.amount')}</th>
                      <th className="py-2 font-medium">{t('opportunity.expectedCloseDate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {openDeals.map((d) => (
                      <tr key={d.id} className="border-b border-slate-100 last:border-0">
                        <td className="py-2 pr-3">
                          <Link to={`/opportunities/${d.id}`} className={linkClass}>
                            {d.name}
                          </Link>
                        </td>
                        <td className="py-2 pr-3">{d.accountName}</td>
                        <td className="py-2 pr-3">
                          <StageBadge stage={d.stage} label={t(`stage.${d.stage}`)} />
                        </td>
                        <td className="py-2 pr-3 text-right tabular-nums">{d.amount}</td>
                        <td className="py-2">{formatDate(d.expectedCloseDate, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
        <Card title={t('dashboard.dueTasks')}>
          {dueTasks.length === 0 ? (
            <p className="text-sm text-slate-600">{t('dashboard.noTasks')}</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {dueTasks.map((task) => (
                <li
                  key={task.id}
                  className={`rounded-md border p-2 ${task.overdue ? 'border-rose-300 bg-rose-50' : 'border-slate-200'}`}
                >
                  <p className="font-medium">
                    {task.opportunityId ? (
                      <Link to={`/opportunities/${task.opportunityId}`} className={linkClass}>
                        {task.subject}
                      </Link>
                    ) : (
                      task.subject
                    )}
                  </p>
                  <p className="text-slate-600">
                    {t(`activityType.${task.type}`)} · {t('dashboard.dueAt')}{' '}
                    {formatDateTime(task.dueAt, locale)}
                    {task.overdue ? (
                      <strong className="ml-2 font-semibold text-rose-700">{t('dashboard.overdue')}</strong>
                    ) : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <div className="lg:col-span-3">
          <Card title={t('dashboard.pipeline')}>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr>
                    <th className="py-2 pr-3 font-medium">{t('stage.label')}</th>
                    <th className="py-2 pr-3 text-right font-medium">{t('dashboard.count')}</th>
                    <th className="py-2 pr-3 text-right font-medium">{t('dashboard.sum')}</th>
                    <th className="py-2 text-right font-medium">{t('dashboard.weighted')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pipeline.map((p) => (
                    <tr key={p.stage} className="border-b border-slate-100 last:border-0">
                      <td className="py-2 pr-3">
                        <StageBadge stage={p.stage} label={t(`stage.${p.stage}`)} />
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">{p.count}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{p.sum}</td>
                      <td className="py-2 text-right tabular-nums">{p.weighted}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </div>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
