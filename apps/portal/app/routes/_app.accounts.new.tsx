import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/account-form.tsx';
import { CaptureBox, CaptureDiff } from '../components/address-capture.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { PageHeader } from '../components/ui.tsx';
import { captureAction } from '../utils/address-capture.server.ts';
import { createAccount, schemas } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireInternal(context, request);
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const formData = await request.formData();
  // Address capture: a pasted imprint or signature fills the form; nothing is saved yet.
  if (formData.get('intent') === 'capture') return captureAction(context, user, formData);
  const values = formValues(formData);
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
  const result = useActionData<typeof action>();
  const failure = result && 'fieldErrors' in result ? result : undefined;
  const captured = result && 'captureText' in result ? result : undefined;
  const form = captured?.capture?.form;
  return (
    <>
      <PageHeader title={t('accounts.new')} />
      <CaptureBox text={captured?.captureText} error={captured?.captureError} />
      {captured?.capture ? (
        <p className="mb-4 max-w-3xl text-sm text-slate-700" role="status">
          {Object.values(form ?? {}).some(Boolean) ? t('capture.found') : t('capture.nothing')}{' '}
          {captured.capture.match ? (
            <a href={`/accounts/${captured.capture.match.id}/edit`} className="text-blue-700 underline">
              {t('capture.existing', { name: captured.capture.match.name })}
            </a>
          ) : null}
        </p>
      ) : null}
      {captured?.capture?.match ? (
        <CaptureDiff
          text={captured.captureText}
          diff={captured.capture.diff}
          labels={Object.fromEntries(captured.capture.diff.map((d) => [d.field, t(`account.${d.field}`)]))}
          action={`/accounts/${captured.capture.match.id}/edit`}
        />
      ) : null}
      <AccountForm
        key={captured?.captureText ?? 'form'}
        values={
          failure?.values ??
          (form
            ? { type: 'prospect', ...form, country: form.country || 'DE' }
            : { country: 'DE', type: 'prospect' })
        }
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
