import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../components/form.tsx';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { buttonClass, linkClass } from '../components/ui.tsx';
import {
  acceptInvitation,
  acceptInvitationInput,
  invitationByToken,
  isAppError,
  translate,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';

export const meta: MetaFunction = () => [{ title: 'Konsort – Einladung / Invitation' }];

/** The public accept page of an invitation link: who is invited, or why the link cannot be used. */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  try {
    const invitation = await invitationByToken(context.db, token);
    return { ok: true as const, invitation, signedInAs: context.principal?.email ?? null };
  } catch (error) {
    if (isAppError(error) && error.key.startsWith('errors.invitation')) {
      return data(
        {
          ok: false as const,
          problem: translate(context.locale, error.key),
          invitation: null,
          signedInAs: null,
        },
        { status: error.status },
      );
    }
    throw error;
  }
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const kept = { name: values.name ?? '' };
  if ((values.password ?? '') !== (values.passwordRepeat ?? '')) {
    return formFailure(
      kept,
      { passwordRepeat: translate(context.locale, 'validation.passwordMismatch') },
      null,
    );
  }
  const parsed = validate(acceptInvitationInput, { ...values, token: params.token ?? '' }, context.locale);
  if (!parsed.ok) return formFailure(kept, parsed.fieldErrors, null);
  try {
    const { cookie } = await acceptInvitation(context.db, context.auth, parsed.data, { ip: context.ip });
    return redirect('/', { headers: { 'Set-Cookie': cookie } });
  } catch (error) {
    return actionFailure(error, context.locale, kept);
  }
}

export default function AcceptInvitation() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const failure = result && 'ok' in result ? result : undefined;
  return (
    <main className="flex min-h-full items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-6 flex items-center justify-between">
          <p className="text-xl font-bold text-blue-800">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-2xl font-semibold">{t('invite.title')}</h1>
          {!loaded.ok || !loaded.invitation ? (
            <>
              <p role="alert" className="mt-4 rounded-md bg-rose-50 p-3 text-sm text-rose-800">
                {loaded.ok ? null : loaded.problem}
              </p>
              <p className="mt-4 text-sm">
                <a href="/login" className={linkClass}>
                  {t('invite.toLogin')}
                </a>
              </p>
            </>
          ) : (
            <>
              <p className="mb-4 mt-1 text-sm text-slate-600">
                {loaded.invitation.partnerName
                  ? t('invite.introPartner', {
                      email: loaded.invitation.email,
                      org: loaded.invitation.partnerName,
                      role: t(`role.${loaded.invitation.role}`),
                    })
                  : t('invite.introStaff', {
                      email: loaded.invitation.email,
                      role: t(`role.${loaded.invitation.role}`),
                    })}
              </p>
              {loaded.signedInAs ? (
                <p className="mb-4 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
                  {t('invite.signedInAs', { email: loaded.signedInAs })}
                </p>
              ) : null}
              <FormError message={failure?.formError} fieldErrors={failure?.fieldErrors} />
              <Form method="post" className="space-y-4" noValidate>
                <TextField
                  name="name"
                  label={t('invite.name')}
                  required
                  autoComplete="name"
                  defaultValue={failure?.values.name ?? loaded.invitation.name}
                  errors={failure?.fieldErrors}
                />
                <TextField
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  label={t('invite.password')}
                  hint={t('invite.passwordHint')}
                  required
                  errors={failure?.fieldErrors}
                />
                <TextField
                  name="passwordRepeat"
                  type="password"
                  autoComplete="new-password"
                  label={t('invite.passwordRepeat')}
                  required
                  errors={failure?.fieldErrors}
                />
                <button type="submit" className={`${buttonClass} w-full`} disabled={busy}>
                  {t('invite.submit')}
                </button>
              </Form>
            </>
          )}
        </div>
      </div>
    </main>
  );
}
