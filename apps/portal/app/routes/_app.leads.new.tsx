import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import { buttonClass, Card, PageHeader } from '../components/ui.tsx';
import { captureLead, captureLeadInput, importLeadsCsv, translate } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** The staff web form for a lead (a trade-fair contact, a call); integrations use the API. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requireInternal(context, request);
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const formData = await request.formData();
  const values = formValues(formData);
  if (values.intent === 'csv') {
    const file = formData.get('file');
    const text = file && typeof file !== 'string' ? await file.text() : '';
    if (!text.trim())
      return formFailure({}, { file: translate(context.locale, 'validation.required') }, null);
    try {
      const result = await importLeadsCsv(context.db, user, text);
      if (result.problems.length > 0) return data({ ok: false as const, csv: result }, { status: 400 });
      return { ok: true as const, csv: result };
    } catch (error) {
      return actionFailure(error, context.locale, {});
    }
  }
  const parsed = validate(captureLeadInput, values, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    const lead = await captureLead(context.db, user, parsed.data);
    return redirect(`/leads/${lead.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewLead() {
  const { t } = useTranslation();
  const result = useActionData<typeof action>();
  const csv = result && 'csv' in result ? result.csv : null;
  const failure = result && !result.ok && 'values' in result ? result : null;
  const values = failure?.values ?? {};
  return (
    <>
      <PageHeader title={t('lead.new')} />
      <Card>
        <FormError message={failure?.formError} fieldErrors={failure?.fieldErrors} />
        <Form method="post" className="grid gap-4 md:grid-cols-2" noValidate>
          <TextField
            name="companyName"
            label={t('lead.companyName')}
            required
            defaultValue={values.companyName}
            errors={failure?.fieldErrors}
          />
          <TextField
            name="contactName"
            label={t('lead.contactName')}
            defaultValue={values.contactName}
            errors={failure?.fieldErrors}
          />
          <TextField
            name="email"
            type="email"
            label={t('lead.email')}
            defaultValue={values.email}
            errors={failure?.fieldErrors}
          />
          <TextField
            name="phone"
            label={t('lead.phone')}
            defaultValue={values.phone}
            errors={failure?.fieldErrors}
          />
          <TextField
            name="domain"
            label={t('lead.domain')}
            hint={t('lead.domainHint')}
            defaultValue={values.domain}
            errors={failure?.fieldErrors}
          />
          <SelectField
            name="source"
            label={t('lead.sourceLabel')}
            defaultValue={values.source ?? 'form'}
            errors={failure?.fieldErrors}
            options={(['form', 'manual', 'csv'] as const).map((s) => ({
              value: s,
              label: t(`lead.source.${s}`),
            }))}
          />
          <TextAreaField
            name="notes"
            label={t('lead.notes')}
            className="md:col-span-2"
            defaultValue={values.notes}
            errors={failure?.fieldErrors}
          />
          <div className="md:col-span-2">
            <button type="submit" className={buttonClass}>
              {t('lead.capture')}
            </button>
          </div>
        </Form>
      </Card>
      <div className="mt-4">
        <Card title={t('lead.csvTitle')}>
          <p className="mb-3 text-sm text-slate-600">{t('lead.csvIntro')}</p>
          {csv && csv.problems.length === 0 ? (
            <p role="status" className="mb-3 rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
              {t('lead.csvImported', { count: csv.imported })}
            </p>
          ) : null}
          {csv && csv.problems.length > 0 ? (
            <div
              role="alert"
              className="mb-3 rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800"
            >
              <p className="font-medium">{t('lead.csvRefused')}</p>
              <ul className="mt-1 list-disc pl-5">
                {csv.problems.slice(0, 50).map((p) => (
                  <li key={`${p.line}:${p.field}`}>
                    {t('lead.csvProblem', { line: p.line, field: p.field || '—', message: p.message })}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="csv" />
            <label className="text-sm">
              <span className="mb-1 block font-medium text-slate-700">{t('lead.csvFile')}</span>
              <input type="file" name="file" accept=".csv,text/csv" required className="text-sm" />
            </label>
            {failure?.fieldErrors.file ? (
              <p className="text-sm text-rose-700">{failure.fieldErrors.file}</p>
            ) : null}
            <button type="submit" className={buttonClass}>
              {t('lead.csvSubmit')}
            </button>
          </Form>
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
