import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../components/form.tsx';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { buttonClass } from '../components/ui.tsx';
import { schemas } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, validate } from '../utils/errors.server.ts';
import { safeRedirect } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Konsort – Login' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.principal) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')));
  }
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { password: _password, ...kept } = values;
  const parsed = validate(schemas.loginInput, values, context.locale);
  if (!parsed.ok) return formFailure(kept, parsed.fieldErrors, null);
  try {
    const { cookie } = await context.auth.login(parsed.data, { ip: context.ip });
    return redirect(safeRedirect(values.redirectTo), { headers: { 'Set-Cookie': cookie } });
  } catch (error) {
    return actionFailure(error, context.locale, kept);
  }
}

export default function Login() {
  const { t } = useTranslation();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const failure = result && 'ok' in result ? result : undefined;
  return (
    <main className="flex min-h-full items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-between">
          <p className="text-xl font-bold text-blue-800">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-2xl font-semibold">{t('login.title')}</h1>
          <p className="mb-4 mt-1 text-sm text-slate-600">{t('login.intro')}</p>
          <FormError message={failure?.formError} fieldErrors={failure?.fieldErrors} />
          <Form method="post" className="space-y-4" noValidate>
            <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
            <TextField
              name="email"
              type="email"
              autoComplete="username"
              label={t('login.email')}
              required
              errors={failure?.fieldErrors}
              defaultValue={failure?.values.email}
            />
            <TextField
              name="password"
              type="password"
              autoComplete="current-password"
              label={t('login.password')}
              required
              errors={failure?.fieldErrors}
            />
            <button type="submit" className={`${buttonClass} w-full`} disabled={busy}>
              {t('login.submit')}
            </button>
          </Form>
        </div>
      </div>
    </main>
  );
}
