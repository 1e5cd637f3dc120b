import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, TextField } from '../components/form.tsx';
import { Card, dangerButtonClass, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  assertCan,
  gdprErase,
  gdprSubjectInput,
  searchPersonalData,
  translate,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/**
 * GDPR for admins: find a contact or a user, download everything about them as JSON
 * (`/admin/gdpr/export/contact/<id>`), or erase them (anonymise; the audit trail is redacted, not deleted).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const params = new URL(request.url).searchParams;
  return orResponse(context.locale, async () => {
    assertCan(user, 'manage', { type: 'personalData' });
    const q = params.get('q')?.trim() ?? '';
    return { q, results: q.length >= 2 ? await searchPersonalData(context.db, user, q) : null };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const parsed = validate(gdprSubjectInput, values, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  if (values.confirm !== 'yes') {
    return formFailure(values, {}, translate(context.locale, 'validation.confirmErase'));
  }
  try {
    const result = await gdprErase(context.db, user, parsed.data);
    return {
      ok: true as const,
      redacted: result.redactedAuditEntries,
      remaining: result.remaining.map((r) => `${r.table}.${r.column} (${r.rows})`),
    };
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function Gdpr() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failure = result && !result.ok ? result : null;
  const done = result?.ok ? result : null;
  const { results } = data;
  return (
    <>
      <PageHeader title={t('gdpr.title')} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('gdpr.intro')}</p>
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-2">
        <TextField name="q" label={t('gdpr.search')} defaultValue={params.get('q') ?? ''} />
        <button type="submit" className={secondaryButtonClass}>
          {t('common.search')}
        </button>
      </Form>
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      {done ? (
        <div role="status" className="mb-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
          {t('gdpr.erased', { count: done.redacted })}
          {done.remaining.length > 0 ? (
            <span className="mt-1 block text-amber-800">
              {t('gdpr.remaining')} {done.remaining.join(', ')}
            </span>
          ) : null}
        </div>
      ) : null}
      {results ? (
        <Card>
          {results.length === 0 ? (
            <p className="text-sm text-slate-600">{t('gdpr.nothingFound')}</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-2 pr-3 font-medium">{t('gdpr.kindLabel')}</th>
                  <th className="py-2 pr-3 font-medium">{t('users.name')}</th>
                  <th className="py-2 pr-3 font-medium">{t('users.email')}</th>
                  <th className="py-2 pr-3 font-medium">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {results.map((r) => (
                  <tr key={`${r.kind}:${r.id}`} className="border-b border-slate-100 align-top">
                    <td className="py-2 pr-3">{t(`gdpr.kind.${r.kind}`)}</td>
                    <td className="py-2 pr-3">
                      {r.name}
                      {r.detail ? <span className="block text-xs text-slate-500">{r.detail}</span> : null}
                    </td>
                    <td className="py-2 pr-3">{r.email ?? '—'}</td>
                    <td className="py-2 pr-3">
                      <div className="flex flex-wrap items-center gap-3">
                        <a href={`/admin/gdpr/export/${r.kind}/${r.id}`} className={linkClass} download>
                          {t('gdpr.export')}
                        </a>
                        {r.erased ? (
                          <span className="text-slate-500">{t('gdpr.alreadyErased')}</span>
                        ) : (
                          <Form method="post" className="flex items-center gap-2">
                            <input type="hidden" name="kind" value={r.kind} />
                            <input type="hidden" name="id" value={r.id} />
                            <label className="flex items-center gap-1 text-xs">
                              <input type="checkbox" name="confirm" value="yes" required />
                              {t('gdpr.confirm')}
                            </label>
                            <button type="submit" className={dangerButtonClass}>
                              {t('gdpr.erase')}
                            </button>
                          </Form>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
