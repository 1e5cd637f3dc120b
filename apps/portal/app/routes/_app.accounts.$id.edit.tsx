import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/account-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { getAccount, schemas, updateAccount } from '../utils/api.server.ts';
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
  const id = requireUuid(params.id, context.locale, 'entity.account');
  const { account } = await orResponse(context.locale, () => getAccount(context.db, user, id));
  return { account };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.account');
  const values = formValues(await request.formData());
  const parsed = validate(schemas.accountInput, values, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    await updateAccount(context.db, user, id, parsed.data);
    return redirect(`/accounts/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EditAccount() {
  const { t } = useTranslation();
  const { account } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('accounts.edit')} />
      <AccountForm
        values={failure?.values ?? account}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        cancelTo={`/accounts/${account.id}`}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
