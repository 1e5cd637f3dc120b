import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/account-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { createAccount, schemas } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireInternal(context, request);
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const parsed = validate(schemas.createAccountInput, values, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    const account = await createAccount(context.db, user, parsed.data);
    return redirect(`/accounts/${account.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewAccount() {
  const { t } = useTranslation();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('accounts.new')} />
      <AccountForm
        values={failure?.values ?? { country: 'DE', type: 'prospect' }}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo="/accounts"
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
