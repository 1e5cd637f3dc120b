import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/account-form.tsx';
import { CaptureBox, CaptureDiff } from '../components/address-capture.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { captureAction, confirmCaptureAction } from '../utils/address-capture.server.ts';
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
  const formData = await request.formData();
  // Address capture: a proposal (diff) first, then only the fields the user confirmed.
  if (formData.get('intent') === 'capture') return captureAction(context, user, formData, id);
  if (formData.get('intent') === 'captureConfirm')
    return (await confirmCaptureAction(context, user, formData, id)) ?? redirect(`/accounts/${id}`);
  const values = formValues(formData);
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
  const result = useActionData<typeof action>();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  const captured = result && 'captureText' in result ? result : undefined;
  return (
    <>
      <PageHeader title={t('accounts.edit')} />
      <CaptureBox text={captured?.captureText} error={captured?.captureError} />
      {captured?.capture ? (
        <CaptureDiff
          text={captured.captureText}
          diff={captured.capture.diff}
          labels={Object.fromEntries(captured.capture.diff.map((d) => [d.field, t(`account.${d.field}`)]))}
        />
      ) : null}
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
