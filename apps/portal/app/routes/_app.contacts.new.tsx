import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { ContactForm } from '../components/contact-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { createContact, getAccount, schemas } from '../utils/api.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const accountId = requireUuid(
    new URL(request.url).searchParams.get('accountId') ?? undefined,
    context.locale,
    'entity.account',
  );
  const { account } = await orResponse(context.locale, () => getAccount(context.db, user, accountId));
  return { account: { id: account.id, name: account.name } };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const parsed = validate(schemas.contactInput, values, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    const contact = await createContact(context.db, user, parsed.data);
    return redirect(`/contacts/${contact.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewContact() {
  const { t } = useTranslation();
  const { account } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={`${t('contacts.new')} – ${account.name}`} />
      <ContactForm
        values={failure?.values ?? {}}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo={`/accounts/${account.id}`}
        accountId={account.id}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
