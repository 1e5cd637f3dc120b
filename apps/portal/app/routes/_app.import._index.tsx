import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { ImportSteps } from '../components/import-steps.tsx';
import { buttonClass, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import { listImports, maxImportBytes, translate, uploadImport } from '../utils/api.server.ts';
import { actionFailure, formFailure, orResponse } from '../utils/errors.server.ts';
import { formatDateTime } from '../utils/format.ts';
import { requireInternal } from '../utils/session.server.ts';

/** What can be imported (the API checks it again). Local: the page component must not import server code. */
const importEntities = ['account', 'contact', 'opportunity'] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const runs = await orResponse(context.locale, () => listImports(context.db, user));
  return { runs, maxMb: Math.floor(maxImportBytes / 1024 / 1024) };
}

/** Step 1: the upload. A malformed file comes back here with the line, and nothing is stored. */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const form = await request.formData();
  const entity = String(form.get('entity') ?? '');
  const file = form.get('file');
  const values = { entity };
  if (!(importEntities as readonly string[]).includes(entity)) {
    return formFailure(values, { entity: translate(context.locale, 'validation.required') }, null);
  }
  if (!(file instanceof File) || file.size === 0) {
    return formFailure(values, { file: translate(context.locale, 'validation.required') }, null);
  }
  try {
    const run = await uploadImport(context.db, user, {
      entity: entity as (typeof importEntities)[number],
      fileName: file.name || 'import.csv',
      contentBase64: Buffer.from(await file.arrayBuffer()).toString('base64'),
    });
    return redirect(`/import/${run.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function ImportStart() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { runs, maxMb } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <PageHeader title={t('import.title')} />
      <ImportSteps current={0} />
      <Form
        method="post"
        encType="multipart/form-data"
        className="mb-8 max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      >
        <FormError message={failure?.formError} fieldErrors={failure?.fieldErrors} />
        <div>
          <label htmlFor="entity" className="block text-sm font-medium text-slate-700">
            {t('import.entity')}
          </label>
          <select
            id="entity"
            name="entity"
            defaultValue={failure?.values.entity ?? 'account'}
            className={inputClass}
          >
            {importEntities.map((e) => (
              <option key={e} value={e}>
                {t(`import.entity.${e}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="file" className="block text-sm font-medium text-slate-700">
            {t('import.file', { mb: maxMb })}
          </label>
          <input
            id="file"
            name="file"
            type="file"
            accept=".csv,text/csv,text/plain"
            required
            aria-invalid={failure?.fieldErrors?.file ? true : undefined}
            aria-describedby={failure?.fieldErrors?.file ? 'file-error' : undefined}
            className="mt-1 block w-full text-sm"
          />
          {failure?.fieldErrors?.file ? (
            <p id="file-error" className="mt-1 text-sm text-red-700">
              {failure.fieldErrors.file}
            </p>
          ) : null}
        </div>
        <button type="submit" className={buttonClass} disabled={busy}>
          {t('import.upload')}
        </button>
      </Form>
      <h2 className="mb-2 text-lg font-semibold">{t('import.recent')}</h2>
      {runs.length === 0 ? (
        <p className="text-slate-600">{t('import.none')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">{t('import.fileName')}</th>
                <th className="px-3 py-2 font-medium">{t('import.entity')}</th>
                <th className="px-3 py-2 font-medium">{t('import.statusLabel')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('import.rows')}</th>
                <th className="px-3 py-2 font-medium">{t('import.uploadedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Link to={`/import/${r.id}`} className={linkClass}>
                      {r.fileName}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{t(`import.entity.${r.entity}`)}</td>
                  <td className="px-3 py-2">{t(`import.status.${r.status}`)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.rowsTotal}</td>
                  <td className="px-3 py-2">{formatDateTime(r.createdAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
