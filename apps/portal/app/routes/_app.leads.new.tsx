import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import { buttonClass, Card, PageHeader } from '../components/ui.tsx';
import { captureLead, captureLeadInput } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** The staff web form for a lead (a trade-fair contact, a call); integrations use the API. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requireInternal(context, request);
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
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
  const failure = result && !result.ok ? result : null;
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
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
