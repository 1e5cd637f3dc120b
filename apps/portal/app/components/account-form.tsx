import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, SelectField, TextAreaField, TextField } from './form.tsx';
import { buttonClass, secondaryButtonClass } from './ui.tsx';

export const accountTypes = ['prospect', 'customer', 'former'] as const;

export function AccountForm({
  values,
  errors,
  formError,
  cancelTo,
}: {
  values: Record<string, unknown>;
  errors: Record<string, string> | undefined;
  formError: string | null | undefined;
  cancelTo: string;
}) {
  const { t } = useTranslation();
  const busy = useNavigation().state === 'submitting';
  const value = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const field = (name: string, required = false, type = 'text') => (
    <TextField
      name={name}
      type={type}
      label={t(`account.${name}`)}
      required={required}
      errors={errors}
      defaultValue={value(name)}
    />
  );
  return (
    <Form method="post" noValidate className="max-w-3xl space-y-6">
      <FormError message={formError} fieldErrors={errors} />
      <fieldset className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-slate-700">{t('accounts.details')}</legend>
        <div className="sm:col-span-2">{field('name', true)}</div>
        <SelectField
          name="type"
          label={t('account.type')}
          errors={errors}
          defaultValue={value('type') ?? 'prospect'}
          options={accountTypes.map((v) => ({ value: v, label: t(`accountType.${v}`) }))}
        />
        {field('industry')}
        {field('vatId')}
        {field('domain')}
        {field('website')}
        {field('email', false, 'email')}
        {field('phone', false, 'tel')}
      </fieldset>
      <fieldset className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-slate-700">{t('accounts.address')}</legend>
        <div className="sm:col-span-2">{field('street', true)}</div>
        {field('postalCode', true)}
        {field('city', true)}
        {field('country', true)}
      </fieldset>
      <TextAreaField name="notes" label={t('account.notes')} errors={errors} defaultValue={value('notes')} />
      <div className="flex gap-2">
        <button type="submit" className={buttonClass} disabled={busy}>
          {t('common.save')}
        </button>
        <Link to={cancelTo} className={secondaryButtonClass}>
          {t('common.cancel')}
        </Link>
      </div>
    </Form>
  );
}
