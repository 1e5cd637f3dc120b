import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { CsvExportLinks } from '../components/csv-export-links.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { ButtonLink, buttonClass, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import { listAccounts, schemas } from '../utils/api.server.ts';
import { orResponse, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const url = new URL(request.url);
  const q = url.searchParams.get('q') ?? '';
  const input = validate(
    schemas.listInput,
    { q, cursor: url.searchParams.get('cursor') || undefined, limit: 25 },
    context.locale,
  );
  const result = input.ok
    ? await orResponse(context.locale, () => listAccounts(context.db, user, input.data))
    : { items: [], nextCursor: null };
  return { q, ...result };
}

export default function Accounts() {
  const { t } = useTranslation();
  const { q, items, nextCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={t('accounts.title')}
        actions={
          <>
            <CsvExportLinks base="/accounts/export" query={new URLSearchParams({ q }).toString()} />
            <ButtonLink to="/accounts/new">{t('accounts.new')}</ButtonLink>
          </>
        }
      />
      <Form method="get" role="search" className="mb-4 flex max-w-xl gap-2">
        <label htmlFor="q" className="sr-only">
          {t('accounts.searchLabel')}
        </label>
        <input id="q" name="q" type="search" defaultValue={q} className={inputClass} />
        <button type="submit" className={buttonClass}>
          {t('common.search')}
        </button>
      </Form>
      {items.length === 0 ? (
        <p className="text-slate-600">{t('accounts.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">{t('account.name')}</th>
                <th className="px-3 py-2 font-medium">{t('account.type')}</th>
                <th className="px-3 py-2 font-medium">{t('account.city')}</th>
                <th className="px-3 py-2 font-medium">{t('account.industry')}</th>
                <th className="px-3 py-2 font-medium">{t('account.owner')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('accounts.openDeals')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Link to={`/accounts/${a.id}`} className={linkClass}>
                      {a.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{t(`accountType.${a.type}`)}</td>
                  <td className="px-3 py-2">
                    {a.city} ({a.country})
                  </td>
                  <td className="px-3 py-2">{a.industry ?? '—'}</td>
                  <td className="px-3 py-2">{a.ownerName ?? '—'}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{a.openDeals}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p className="mt-4">
          <Link to={`?${new URLSearchParams({ q, cursor: nextCursor })}`} className={linkClass}>
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
