import type { Locale } from '@konsort/db';
import {
  type ActionFunctionArgs,
  type AppLoadContext,
  data,
  type LoaderFunctionArgs,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import { buttonClass, Card, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  type PartnerUser,
  parseMoney,
  submitRegistration,
  submitRegistrationInput,
  translate,
} from '../utils/api.server.ts';
import { actionFailure, type FormValues, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { currencies } from '../utils/opportunity-form.server.ts';
import { requireUser } from '../utils/session.server.ts';

/** Registering deals is what partner users do; staff review them. */
function requirePartner(context: AppLoadContext, request: Request): PartnerUser {
  const user = requireUser(context, request);
  if (user.kind !== 'partner') {
    throw data({ message: translate(context.locale, 'errors.forbidden') }, { status: 403 });
  }
  return user;
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePartner(context, request);
  return { currencyOptions: currencies };
}

/** The form's text → the API's input; the amount is typed in the user's locale ("45.000,00"). */
function registrationFields(values: FormValues, locale: Locale) {
  const currency = (values.currency ?? 'EUR').trim().toUpperCase() || 'EUR';
  const amountText = values.amount?.trim() ?? '';
  const amountMinor = amountText === '' ? undefined : parseMoney(amountText, currency, locale);
  const amountError =
    amountText === ''
      ? translate(locale, 'validation.required')
      : amountMinor === null
        ? translate(locale, 'validation.money')
        : null;
  const { amount: _amount, ...rest } = values;
  return { amountError, fields: { ...rest, currency, estimatedAmountMinor: amountMinor ?? undefined } };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePartner(context, request);
  const values = formValues(await request.formData());
  const { fields, amountError } = registrationFields(values, context.locale);
  const parsed = validate(submitRegistrationInput, fields, context.locale);
  if (!parsed.ok || amountError) {
    const fieldErrors: Record<string, string> = {};
    for (const [path, message] of Object.entries(parsed.ok ? {} : parsed.fieldErrors)) {
      fieldErrors[path === 'estimatedAmountMinor' ? 'amount' : path] ??= message;
    }
    if (amountError) fieldErrors.amount = amountError;
    return formFailure(values, fieldErrors, null);
  }
  try {
    const created = await submitRegistration(context.db, user, parsed.data);
    return redirect(`/registrations/${created.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewRegistration() {
  const { t } = useTranslation();
  const { currencyOptions } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const values: FormValues = failure?.values ?? { currency: 'EUR' };
  const errors = failure?.fieldErrors;
  return (
    <>
      <PageHeader title={t('registration.new')} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('registration.newIntro')}</p>
      <FormError message={failure?.formError} fieldErrors={errors} />
      <Card>
        <Form method="post" noValidate className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="companyName"
            label={t('registration.companyName')}
            required
            defaultValue={values.companyName}
            errors={errors}
          />
          <TextField
            name="vatId"
            label={t('registration.vatId')}
            defaultValue={values.vatId}
            errors={errors}
          />
          <TextField
            name="contactName"
            label={t('registration.contactName')}
            required
            defaultValue={values.contactName}
            errors={errors}
          />
          <TextField
            name="contactEmail"
            type="email"
            label={t('registration.contactEmail')}
            required
            defaultValue={values.contactEmail}
            errors={errors}
          />
          <TextField
            name="domain"
            label={t('registration.domain')}
            hint={t('registration.domainHint')}
            defaultValue={values.domain}
            errors={errors}
          />
          <TextField
            name="expectedCloseDate"
            type="date"
            label={t('registration.expectedCloseDate')}
            defaultValue={values.expectedCloseDate}
            errors={errors}
          />
          <TextField
            name="amount"
            label={t('registration.amount')}
            required
            defaultValue={values.amount}
            errors={errors}
          />
          <SelectField
            name="currency"
            label={t('registration.currency')}
            defaultValue={values.currency}
            errors={errors}
            options={currencyOptions.map((c) => ({ value: c, label: c }))}
          />
          <TextAreaField
            name="products"
            label={t('registration.products')}
            required
            defaultValue={values.products}
            errors={errors}
            className="sm:col-span-2"
          />
          <TextAreaField
            name="notes"
            label={t('registration.notes')}
            defaultValue={values.notes}
            errors={errors}
            className="sm:col-span-2"
          />
          <div className="flex gap-2 sm:col-span-2">
            <button type="submit" className={buttonClass}>
              {t('registration.submit')}
            </button>
            <Link to="/registrations" className={secondaryButtonClass}>
              {t('common.cancel')}
            </Link>
          </div>
        </Form>
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
