import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { CsvExportLinks } from '../components/csv-export-links.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { ButtonLink, buttonClass, inputClass, linkClass, PageHeader, StageBadge } from '../components/ui.tsx';
import { formatMoney, listOpportunities, schemas } from '../utils/api.server.ts';
import { orResponse, validate } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';
import { isStage, stages } from '../utils/stages.ts';

const sortable = ['name', 'amount', 'expectedCloseDate', 'updatedAt'] as const;
type Sort = (typeof sortable)[number];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const q = params.get('q') ?? '';
  const selectedStages = params.getAll('stage').filter(isStage);
  const mine = params.get('mine') === '1';
  const sort: Sort = (sortable as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as Sort)
    : 'updatedAt';
  const direction = params.get('direction') === 'asc' ? 'asc' : 'desc';
  const input = validate(
    schemas.listOpportunitiesInput,
    {
      q,
      stages: selectedStages.length ? selectedStages : undefined,
      mine,
      sort,
      direction,
      cursor: params.get('cursor') || undefined,
      limit: 25,
    },
    context.locale,
  );
  const result = input.ok
    ? await orResponse(context.locale, () => listOpportunities(context.db, user, input.data))
    : { items: [], nextCursor: null };
  return {
    internal: user.kind === 'internal',
    filters: { q, stages: selectedStages, mine, sort, direction },
    nextCursor: result.nextCursor,
    items: result.items.map((o) => ({
      id: o.id,
      name: o.name,
      stage: o.stage,
      accountName: o.accountName,
      ownerName: o.ownerName,
      expectedCloseDate: o.expectedCloseDate,
      amount: formatMoney(o.amountMinor, o.currency, context.locale),
    })),
  };
}

export default function Opportunities() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { filters, items, nextCursor, internal } = useLoaderData<typeof loader>();

  const query = (changes: Record<string, string | null>) => {
    const p = new URLSearchParams();
    if (filters.q) p.set('q', filters.q);
    for (const s of filters.stages) p.append('stage', s);
    if (filters.mine) p.set('mine', '1');
    p.set('sort', filters.sort);
    p.set('direction', filters.direction);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    return `?${p}`;
  };

  const header = (field: Sort, label: string, right = false) => {
    const active = filters.sort === field;
    const next = active && filters.direction === 'asc' ? 'desc' : 'asc';
    return (
      <th
        scope="col"
        className={`px-3 py-2 font-medium ${right ? 'text-right' : ''}`}
        aria-sort={active ? (filters.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <Link to={query({ sort: field, direction: next, cursor: null })} className="hover:underline">
          {label}
          {active ? (filters.direction === 'asc' ? ' ▲' : ' ▼') : ''}
          <span className="sr-only"> ({next === 'asc' ? t('deals.sortAsc') : t('deals.sortDesc')})</span>
        </Link>
      </th>
    );
  };

  return (
    <>
      <PageHeader
        title={t('deals.title')}
        actions={
          <>
            <CsvExportLinks base="/opportunities/export" query={query({ cursor: null })} />
            <ButtonLink to="/opportunities/board" secondary>
              {t('nav.board')}
            </ButtonLink>
            {internal ? <ButtonLink to="/opportunities/new">{t('deals.new')}</ButtonLink> : null}
          </>
        }
      />
      <Form
        method="get"
        role="search"
        className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <input type="hidden" name="sort" value={filters.sort} />
        <input type="hidden" name="direction" value={filters.direction} />
        <div className="flex max-w-xl gap-2">
          <label htmlFor="q" className="sr-only">
            {t('deals.searchLabel')}
          </label>
          <input id="q" name="q" type="search" defaultValue={filters.q} className={inputClass} />
          <button type="submit" className={buttonClass}>
            {t('common.search')}
          </button>
        </div>
        <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
          <legend className="sr-only">{t('stage.label')}</legend>
          <span className="font-medium text-slate-700">{t('stage.label')}:</span>
          {stages.map((s) => (
            <label key={s} className="inline-flex items-center gap-1">
              <input type="checkbox" name="stage" value={s} defaultChecked={filters.stages.includes(s)} />
              {t(`stage.${s}`)}
            </label>
          ))}
          {internal ? (
            <label className="inline-flex items-center gap-1 sm:ml-4">
              <input type="checkbox" name="mine" value="1" defaultChecked={filters.mine} />
              {t('deals.mine')}
            </label>
          ) : null}
          <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50">
            {t('common.filter')}
          </button>
          <Link to="/opportunities" className={linkClass}>
            {t('common.reset')}
          </Link>
        </fieldset>
      </Form>
      {items.length === 0 ? (
        <p className="text-slate-600">{t('deals.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                {header('name', t('opportunity.name'))}
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('opportunity.account')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('opportunity.stage')}
                </th>
                {header('amount', t('opportunity.amount'), true)}
                {header('expectedCloseDate', t('opportunity.expectedCloseDate'))}
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('opportunity.owner')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Link to={`/opportunities/${o.id}`} className={linkClass}>
                      {o.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{o.accountName}</td>
                  <td className="px-3 py-2">
                    <StageBadge stage={o.stage} label={t(`stage.${o.stage}`)} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{o.amount}</td>
                  <td className="px-3 py-2">{formatDate(o.expectedCloseDate, locale)}</td>
                  <td className="px-3 py-2">{o.ownerName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p className="mt-4">
          <Link to={query({ cursor: nextCursor })} className={linkClass}>
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
