import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { linkClass } from './ui.tsx';

const titles: Record<number, [string, string]> = {
  401: ['error.unauthorized.title', 'error.unauthorized.text'],
  403: ['error.forbidden.title', 'error.forbidden.text'],
  404: ['error.notFound.title', 'error.notFound.text'],
  500: ['error.server.title', 'error.server.text'],
};

/** Per-status messages in the user's language (after the Epic Stack's GeneralErrorBoundary). */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail =
    isRouteErrorResponse(error) && error.data && typeof error.data === 'object' && 'message' in error.data
      ? String((error.data as { message: unknown }).message)
      : null;
  const [titleKey, textKey] = titles[status] ?? ['error.other.title', 'error.server.text'];
  return (
    <div className="mx-auto max-w-xl py-16 text-center" role="alert">
      <p className="text-sm font-semibold text-slate-500">{status}</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">{t(titleKey, { status })}</h1>
      <p className="mt-3 text-slate-700">{status < 500 && detail ? detail : t(textKey)}</p>
      <p className="mt-6">
        <Link to="/" className={linkClass}>
          {t('error.home')}
        </Link>
      </p>
    </div>
  );
}
