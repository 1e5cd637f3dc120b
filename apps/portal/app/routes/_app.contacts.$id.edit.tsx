import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { ContactForm } from '../components/contact-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { getContact, schemas, updateContact } from '../utils/api.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.contact');
  const { contact } = await orResponse(context.locale, () => getContact(context.db, user, id));
  return { contact };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.contact');
  const values = formValues(await request.formData());
  const parsed = validate(schemas.updateContactInput, { id, data: values }, context.locale);
  if (!parsed.ok) {
    const fieldErrors = Object.fromEntries(
      Object.entries(parsed.fieldErrors).map(([path, message]) => [path.replace(/^data\./, ''), message]),
    );
    return formFailure(values, fieldErrors, null);
  }
  try {
    await updateContact(context.db, user, parsed.data);
    return redirect(`/contacts/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EditContact() {
  const { t } = useTranslation();
  const { contact } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('contacts.edit')} />
      <ContactForm
        values={failure?.values ?? contact}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo={`/contacts/${contact.id}`}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
