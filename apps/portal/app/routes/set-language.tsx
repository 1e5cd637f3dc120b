import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { isLanguage } from '../i18n.ts';
import { safeRedirect } from '../utils/session.server.ts';

const ONE_YEAR = 60 * 60 * 24 * 365;

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get('lang');
  const to = safeRedirect(form.get('redirectTo'), '/');
  if (!isLanguage(lang)) return redirect(to);
  return redirect(to, {
    headers: { 'Set-Cookie': `konsort_lang=${lang}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax` },
  });
}

export async function loader() {
  return redirect('/');
}
