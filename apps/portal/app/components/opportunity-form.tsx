import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, SelectField, TextAreaField, TextField } from './form.tsx';
import { buttonClass, secondaryButtonClass } from './ui.tsx';

export interface OpportunityFormProps {
  values: Record<string, string | null | undefined>;
  errors: Record<string, string> | undefined;
  formError: string | null | undefined;
  cancelTo: string;
  /** New deal: choose the account; edit: the account is fixed. */
  accounts?: { id: string; name: string; city: string }[];
  contacts: { id: string; firstName: string; lastName: string }[];
  currencies: readonly string[];
  /** 'all', or the few fields a partner with an edit share may change. */
  editable: 'all' | readonly string[];
  version?: number;
}

export function OpportunityForm(props: OpportunityFormProps) {
  const { t } = useTranslation();
  const busy = useNavigation().state === 'submitting';
  const { values, errors } = props;
  const can = (field: string) => props.editable === 'all' || props.editable.includes(field);
  return (
    <Form method="post" noValidate className="max-w-3xl space-y-6">
      <FormError message={props.formError} fieldErrors={errors} />
      {props.version !== undefined ? <input type="hidden" name="version" value={props.version} /> : null}
      <div className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        {props.accounts ? (
          <SelectField
            className="sm:col-span-2"
            name="accountId"
            label={t('opportunity.account')}
            required
            errors={errors}
            defaultValue={values.accountId}
            options={[
              { value: '', label: t('deals.chooseAccount') },
              ...props.accounts.map((a) => ({ value: a.id, label: `${a.name} (${a.city})` })),
            ]}
          />
        ) : null}
        {can('name') ? (
          <TextField
            className="sm:col-span-2"
            name="name"
            label={t('opportunity.name')}
            required
            errors={errors}
            defaultValue={values.name}
          />
        ) : null}
        {can('amountMinor') ? (
          <TextField
            name="amount"
            label={t('opportunity.amount')}
            required
            errors={errors}
            defaultValue={values.amount}
            hint="12.500,00"
          />
        ) : null}
        {can('currency') ? (
          <SelectField
            name="currency"
            label={t('opportunity.currency')}
            errors={errors}
            defaultValue={values.currency ?? 'EUR'}
            options={props.currencies.map((c) => ({ value: c, label: c }))}
          />
        ) : (
          <input type="hidden" name="currency" value={values.currency ?? 'EUR'} />
        )}
        {can('expectedCloseDate') ? (
          <TextField
            name="expectedCloseDate"
            type="date"
            label={t('opportunity.expectedCloseDate')}
            errors={errors}
            defaultValue={values.expectedCloseDate}
          />
        ) : null}
        {can('businessType') ? (
          <SelectField
            name="businessType"
            label={t('opportunity.businessType')}
            errors={errors}
            defaultValue={values.businessType ?? 'new'}
            options={[
              { value: 'new', label: t('businessType.new') },
              { value: 'existing', label: t('businessType.existing') },
            ]}
          />
        ) : null}
        {can('primaryContactId') ? (
          <SelectField
            className="sm:col-span-2"
            name="primaryContactId"
            label={t('opportunity.contact')}
            errors={errors}
            defaultValue={values.primaryContactId}
            options={[
              { value: '', label: t('deals.noContact') },
              ...props.contacts.map((c) => ({ value: c.id, label: `${c.firstName} ${c.lastName}` })),
            ]}
          />
        ) : null}
        {can('description') ? (
          <TextAreaField
            className="sm:col-span-2"
            name="description"
            label={t('opportunity.description')}
            errors={errors}
            defaultValue={values.description}
          />
        ) : null}
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClass} disabled={busy}>
          {t('common.save')}
        </button>
        <Link to={props.cancelTo} className={secondaryButtonClass}>
          {t('common.cancel')}
        </Link>
      </div>
    </Form>
  );
}
