import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from './form.tsx';
import { buttonClass, secondaryButtonClass } from './ui.tsx';

export function ContactForm({
  values,
  errors,
  formError,
  cancelTo,
  accountId,
}: {
  values: Record<string, unknown>;
  errors: Record<string, string> | undefined;
  formError: string | null | undefined;
  cancelTo: string;
  /** Set on a new contact: the account it belongs to. */
  accountId?: string;
}) {
  const { t } = useTranslation();
  const busy = useNavigation().state === 'submitting';
  const field = (name: string, required = false, type = 'text') => {
    const v = values[name];
    return (
      <TextField
        name={name}
        type={type}
        label={t(`contact.${name}`)}
        required={required}
        errors={errors}
        defaultValue={typeof v === 'string' ? v : undefined}
      />
    );
  };
  return (
    <Form method="post" noValidate className="max-w-3xl space-y-6">
      <FormError message={formError ?? errors?.accountId} fieldErrors={errors} />
      {accountId ? <input type="hidden" name="accountId" value={accountId} /> : null}
      <div className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        {field('salutation')}
        {field('title')}
        {field('firstName', true)}
        {field('lastName', true)}
        {field('position')}
        {field('email', false, 'email')}
        {field('phone', false, 'tel')}
        {field('mobile', false, 'tel')}
      </div>
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
