import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { OpportunityForm } from '../components/opportunity-form.tsx';
import { PageHeader } from '../components/ui.tsx';
import { createOpportunity, listAccounts, listContacts, schemas } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { currencies, formFieldErrors, opportunityFields } from '../utils/opportunity-form.server.ts';
import { requireInternal } from '../utils/session.server.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const requested = new URL(request.url).searchParams.get('accountId') ?? '';
  const accountId = uuid.test(requested) ? requested : '';
  const [accounts, contacts] = await orResponse(context.locale, () =>
    Promise.all([
      listAccounts(context.db, user, { limit: 200 }),
      accountId
        ? listContacts(context.db, user, { accountId, limit: 200 })
        : Promise.resolve({ items: [], nextCursor: null }),
    ]),
  );
  return {
    currencyOptions: currencies,
    accountId,
    accounts: accounts.items.map((a) => ({ id: a.id, name: a.name, city: a.city })),
    contacts: contacts.items.map((c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName })),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const { fields, amountError } = opportunityFields(values, context.locale);
  const parsed = validate(
    schemas.opportunityInput,
    { ...fields, accountId: values.accountId },
    context.locale,
  );
  if (!parsed.ok || amountError) {
    const fieldErrors = formFieldErrors(parsed.ok ? {} : parsed.fieldErrors);
    if (amountError) fieldErrors.amount = amountError;
    return formFailure(values, fieldErrors, null);
  }
  try {
    const created = await createOpportunity(context.db, user, parsed.data);
    return redirect(`/opportunities/${created.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewOpportunity() {
  const { t } = useTranslation();
  const { accountId, accounts, contacts, currencyOptions } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('deals.new')} />
      <OpportunityForm
        values={failure?.values ?? { accountId, currency: 'EUR', businessType: 'new' }}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo={accountId ? `/accounts/${accountId}` : '/opportunities'}
        accounts={accounts}
        contacts={contacts}
        currencies={currencyOptions}
        editable="all"
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
