import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { OpportunityForm } from '../components/opportunity-form.tsx';
import { PageHeader } from '../components/ui.tsx';
import {
  forbidden,
  getOpportunity,
  listContacts,
  minorToDecimal,
  schemas,
  updateOpportunity,
} from '../utils/api.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  throwAsResponse,
  validate,
} from '../utils/errors.server.ts';
import { currencies, formFieldErrors, opportunityFields } from '../utils/opportunity-form.server.ts';
import { requireUser } from '../utils/session.server.ts';

function editableFields(value: string | readonly string[]): { all: true } | { all: false; fields: string[] } {
  return typeof value === 'string' ? { all: true } : { all: false, fields: [...value] };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const result = await orResponse(context.locale, () => getOpportunity(context.db, user, id));
  if (!result.permissions.update) throwAsResponse(forbidden(), context.locale);
  const o = result.opportunity;
  const contacts =
    user.kind === 'internal'
      ? (await listContacts(context.db, user, { accountId: o.accountId, limit: 200 })).items
      : [];
  const decimal = minorToDecimal(o.amountMinor, o.currency);
  return {
    id: o.id,
    version: o.version,
    accountName: result.account?.name ?? '',
    editable: editableFields(result.permissions.editableFields),
    currencyOptions: currencies,
    contacts: contacts.map((c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName })),
    values: {
      name: o.name,
      amount: context.locale === 'de' ? decimal.replace('.', ',') : decimal,
      currency: o.currency,
      expectedCloseDate: o.expectedCloseDate ?? '',
      primaryContactId: o.primaryContactId ?? '',
      businessType: o.businessType,
      description: o.description ?? '',
    },
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const values = formValues(await request.formData());
  const { fields, amountError } = opportunityFields(values, context.locale);
  // A partner's edit share covers a few fields only: send just those, never the rest.
  const data =
    user.kind === 'internal'
      ? fields
      : {
          amountMinor: fields.amountMinor,
          expectedCloseDate: fields.expectedCloseDate,
          description: fields.description,
        };
  const parsed = validate(
    schemas.updateOpportunityInput,
    { id, version: Number(values.version), data },
    context.locale,
  );
  if (!parsed.ok || amountError) {
    const fieldErrors = formFieldErrors(parsed.ok ? {} : parsed.fieldErrors);
    if (amountError) fieldErrors.amount = amountError;
    return formFailure(values, fieldErrors, null);
  }
  try {
    await updateOpportunity(context.db, user, parsed.data);
    return redirect(`/opportunities/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EditOpportunity() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={`${t('deals.edit')}: ${loaded.values.name}`} />
      <OpportunityForm
        values={failure?.values ?? loaded.values}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo={`/opportunities/${loaded.id}`}
        contacts={loaded.contacts}
        currencies={loaded.currencyOptions}
        editable={loaded.editable.all ? 'all' : loaded.editable.fields}
        version={loaded.version}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
