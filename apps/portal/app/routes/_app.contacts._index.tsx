import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { CsvExportLinks } from '../components/csv-export-links.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { buttonClass, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import { listContacts, schemas } from '../utils/api.server.ts';
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
    ? await orResponse(context.locale, () => listContacts(context.db, user, input.data))
    : { items: [], nextCursor: null };
  return { q, ...result };
}

export default function Contacts() {
  const { t } = useTranslation();
  const { q, items, nextCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={t('contacts.title')}
        actions={<CsvExportLinks base="/contacts/export" query={new URLSearchParams({ q }).toString()} />}
      />
      <Form method="get" role="search" className="mb-4 flex max-w-xl gap-2">
        <label htmlFor="q" className="sr-only">
          {t('contacts.searchLabel')}
        </label>
        <input id="q" name="q" type="search" defaultValue={q} className={inputClass} />
        <button type="submit" className={buttonClass}>
          {t('common.search')}
        </button>
      </Form>
      {items.length === 0 ? (
        <p className="text-slate-600">{t('contacts.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">{t('contact.name')}</th>
                <th className="px-3 py-2 font-medium">{t('contact.position')}</th>
                <th className="px-3 py-2 font-medium">{t('contact.account')}</th>
                <th className="px-3 py-2 font-medium">{t('contact.email')}</th>
                <th className="px-3 py-2 font-medium">{t('contact.phone')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Link to={`/contacts/${c.id}`} className={linkClass}>
                      {c.title ? `${c.title} ` : ''}
                      {c.firstName} {c.lastName}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{c.position ?? '—'}</td>
                  <td className="px-3 py-2">
                    <Link to={`/accounts/${c.accountId}`} className={linkClass}>
                      {c.accountName}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{c.email ?? '—'}</td>
                  <td className="px-3 py-2">{c.phone ?? '—'}</td>
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
