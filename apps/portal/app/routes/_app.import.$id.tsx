import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { ImportSteps } from '../components/import-steps.tsx';
import { buttonClass, inputClass, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { getImport, startImport, validateImport } from '../utils/api.server.ts';
import { actionFailure, orResponse, requireUuid } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.import');
  const run = await orResponse(context.locale, () => getImport(context.db, user, id));
  return { run };
}

const listOf = { account: '/accounts', contact: '/contacts', opportunity: '/opportunities' } as const;

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.import');
  const form = await request.formData();
  const intent = form.get('intent');
  try {
    if (intent === 'validate') {
      // Step 2 → 3: the mapping the user chose; the report is built before anything is written.
      const mapping: Record<string, number> = {};
      for (const [key, value] of form) {
        if (key.startsWith('map.') && typeof value === 'string' && value !== '')
          mapping[key.slice(4)] = Number(value);
      }
      await validateImport(context.db, user, { id, mapping }, context.locale);
    } else if (intent === 'start' || intent === 'resume') {
      const rows: Record<string, (typeof mergeChoicesForUi)[number]> = {};
      for (const [key, value] of form) {
        if (key.startsWith('row.') && (mergeChoicesForUi as readonly unknown[]).includes(value))
          rows[key.slice(4)] = value as (typeof mergeChoicesForUi)[number];
      }
      const fallback = form.get('default');
      const decisions = {
        default: (mergeChoicesForUi as readonly unknown[]).includes(fallback)
          ? (fallback as (typeof mergeChoicesForUi)[number])
          : 'skip',
        rows,
      };
      // Enqueues the import's job; the server's job runner runs it (and resumes it after a crash).
      await startImport(context.db, user, { id, decisions });
    }
    return redirect(`/import/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}

export default function ImportRun() {
  const { t } = useTranslation();
  const { run } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const step =
    run.status === 'uploaded' ? 1 : run.status === 'validated' ? 2 : run.status === 'running' ? 3 : 4;
  return (
    <>
      <PageHeader
        title={`${t('import.title')}: ${t(`import.entity.${run.entity}`)}`}
        actions={
          <Link to="/import" className={secondaryButtonClass}>
            {t('import.again')}
          </Link>
        }
      />
      <ImportSteps current={step} />
      <p className="mb-4 text-sm text-slate-600">
        {t('import.fileInfo', {
          file: run.fileName,
          rows: run.rowsTotal,
          encoding: run.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252',
          delimiter: run.delimiter === '\t' ? 'Tab' : run.delimiter,
        })}
      </p>
      <FormError message={failure?.formError} fieldErrors={undefined} />
      {run.status === 'uploaded' || run.status === 'validated' ? <Mapping /> : null}
      {run.status === 'validated' && run.report ? <Report /> : null}
      {run.status === 'running' ? <Progress /> : null}
      {run.status === 'completed' ? (
        <section className="rounded-lg border border-green-200 bg-green-50 p-4" aria-live="polite">
          <h2 className="font-semibold">{t('import.step.result')}</h2>
          <p>
            {t('import.result', {
              created: run.createdCount,
              updated: run.updatedCount,
              skipped: run.skippedCount,
            })}
          </p>
          <Link to={listOf[run.entity]} className={linkClass}>
            {t('import.openList')}
          </Link>
        </section>
      ) : null}
      {run.status === 'failed' ? (
        <section className="rounded-lg border border-red-200 bg-red-50 p-4" role="alert">
          <h2 className="font-semibold">{t('import.status.failed')}</h2>
          <p>
            {run.error ? t(run.error) : null} {t('import.failed')}
          </p>
          {run.report ? <ErrorTable /> : null}
        </section>
      ) : null}
    </>
  );
}

function Mapping() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { run } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === 'submitting';
  const fields = run.fields.filter((f) => !f.exportOnly);
  // A column is its position in the file; empty headers get one by number.
  const columns = run.headers.map((label, index) => ({ index, label: label || `#${index + 1}` }));
  return (
    <Form method="post" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-1 font-semibold">{t('import.mapping')}</h2>
      <p className="mb-3 text-sm text-slate-600">{t('import.mappingHint')}</p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th className="px-2 py-1 font-medium">{t('import.field')}</th>
              <th className="px-2 py-1 font-medium">{t('import.column')}</th>
              <th className="px-2 py-1 font-medium">{t('import.sample')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => {
              const chosen = run.mapping?.[f.key];
              const problem = run.report?.mappingErrors.find((e) => e.field === f.key);
              return (
                <tr key={f.key} className="border-b border-slate-100 last:border-0">
                  <td className="px-2 py-1">
                    <label htmlFor={`map-${f.key}`}>
                      {f.label[locale]}
                      {f.required ? ' *' : ''}
                    </label>
                  </td>
                  <td className="px-2 py-1">
                    <select
                      id={`map-${f.key}`}
                      name={`map.${f.key}`}
                      defaultValue={chosen === undefined ? '' : String(chosen)}
                      className={inputClass}
                      aria-invalid={problem ? true : undefined}
                      aria-describedby={problem ? `map-${f.key}-error` : undefined}
                    >
                      <option value="">{t('import.notMapped')}</option>
                      {columns.map((c) => (
                        <option key={c.index} value={c.index}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                    {problem ? (
                      <p id={`map-${f.key}-error`} className="mt-1 text-red-700">
                        {problem.message}
                      </p>
                    ) : null}
                  </td>
                  <td className="px-2 py-1 text-slate-600">
                    {chosen === undefined ? '' : (run.sample[0]?.[chosen] ?? '')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <button type="submit" name="intent" value="validate" className={`${buttonClass} mt-3`} disabled={busy}>
        {t('import.check')}
      </button>
    </Form>
  );
}

function ErrorTable() {
  const { t } = useTranslation();
  const { run } = useLoaderData<typeof loader>();
  const report = run.report!;
  if (report.errors.length === 0) return null;
  return (
    <>
      <h3 className="mt-3 font-semibold">{t('import.errors')}</h3>
      <div className="max-h-96 overflow-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th className="px-2 py-1 font-medium">{t('import.line')}</th>
              <th className="px-2 py-1 font-medium">{t('import.column')}</th>
              <th className="px-2 py-1 font-medium">{t('import.message')}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((e) => (
              <tr
                key={`${e.line}-${e.column ?? ''}-${e.key}`}
                className="border-b border-slate-100 last:border-0"
              >
                <td className="px-2 py-1 tabular-nums">{e.line}</td>
                <td className="px-2 py-1">{e.column ?? '—'}</td>
                <td className="px-2 py-1">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.errorCount > report.errors.length ? (
        <p className="text-sm text-slate-600">{t('import.moreErrors', { count: report.errors.length })}</p>
      ) : null}
    </>
  );
}

function Report() {
  const { t } = useTranslation();
  const { run } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === 'submitting';
  const report = run.report!;
  const blocked = report.errorCount > 0 || report.mappingErrors.length > 0;
  const choice = (name: string, value: string, id?: string) => (
    <select
      id={id}
      name={name}
      defaultValue={value}
      className={inputClass}
      aria-label={id ? undefined : t('import.choice')}
    >
      {mergeChoicesForUi.map((c) => (
        <option key={c} value={c}>
          {t(`import.choice.${c}`)}
        </option>
      ))}
    </select>
  );
  return (
    <Form method="post" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">{t('import.report')}</h2>
      <p className="mb-1">
        {t('import.reportSummary', {
          rows: report.rows,
          valid: report.valid,
          errors: report.errorCount,
          duplicates: report.duplicateCount,
        })}
      </p>
      <p className="mb-3 text-sm text-slate-600">{t('import.nothingWritten')}</p>
      <ErrorTable />
      {report.duplicates.length > 0 ? (
        <>
          <h3 className="mt-3 font-semibold">{t('import.duplicates')}</h3>
          <div className="max-h-96 overflow-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="px-2 py-1 font-medium">{t('import.line')}</th>
                  <th className="px-2 py-1 font-medium">{t('import.inFile')}</th>
                  <th className="px-2 py-1 font-medium">{t('import.existing')}</th>
                  <th className="px-2 py-1 font-medium">{t('import.matchedBy')}</th>
                  <th className="px-2 py-1 font-medium">{t('import.choice')}</th>
                </tr>
              </thead>
              <tbody>
                {report.duplicates.map((d) => (
                  <tr key={d.line} className="border-b border-slate-100 last:border-0">
                    <td className="px-2 py-1 tabular-nums">{d.line}</td>
                    <td className="px-2 py-1">{d.rowName}</td>
                    <td className="px-2 py-1">{d.existingName}</td>
                    <td className="px-2 py-1">{t(`import.matchedBy.${d.matchedBy}`)}</td>
                    <td className="px-2 py-1">
                      {choice(`row.${d.line}`, run.decisions?.rows[String(d.line)] ?? 'skip')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-3 flex items-center gap-2 text-sm">
            <label htmlFor="default-choice">{t('import.defaultChoice')}</label>
            {choice('default', run.decisions?.default ?? 'skip', 'default-choice')}
          </div>
        </>
      ) : null}
      {blocked ? (
        <p className="mt-3 text-red-700" role="alert">
          {t('import.fixFirst')}
        </p>
      ) : (
        <button type="submit" name="intent" value="start" className={`${buttonClass} mt-3`} disabled={busy}>
          {t('import.start')}
        </button>
      )}
    </Form>
  );
}

const mergeChoicesForUi = ['skip', 'update', 'create'] as const;

function Progress() {
  const { t } = useTranslation();
  const { run } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // Poll the job's progress while it runs; without JavaScript the <noscript> refresh does the same.
  useEffect(() => {
    if (run.stale) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [run.stale, revalidator]);
  const { phase, rowsDone, rowsTotal, percent } = run.progress;
  return (
    <section className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
      <noscript>
        <meta httpEquiv="refresh" content="2" />
      </noscript>
      <h2 className="mb-2 font-semibold">{t('import.progress')}</h2>
      <progress
        className="h-4 w-full"
        max={100}
        value={phase === 'committing' ? 100 : percent}
        aria-label={t('import.progress')}
      />
      <p className="mt-2 text-sm" aria-live="polite">
        {phase === 'committing'
          ? t('import.phase.committing')
          : t('import.phase.staging', { done: rowsDone, total: rowsTotal })}
      </p>
      {run.waiting ? (
        <p className="mt-2 text-sm text-amber-800" role="status">
          {t('import.waiting')}
        </p>
      ) : null}
      {run.job && run.job.attempts > 1 && !run.stale ? (
        <p className="mt-2 text-sm text-slate-600">{t('import.attempt', { attempt: run.job.attempts })}</p>
      ) : null}
      {run.stale ? (
        <Form method="post" className="mt-3">
          <p className="mb-2 text-amber-800">{t('import.stale')}</p>
          <button type="submit" name="intent" value="resume" className={buttonClass}>
            {t('import.resume')}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
