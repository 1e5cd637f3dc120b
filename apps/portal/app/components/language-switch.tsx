import { Form, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { supportedLanguages } from '../i18n.ts';

/** Works without JavaScript: a plain POST that sets the cookie and comes back here. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  return (
    <Form
      method="post"
      action="/set-language"
      reloadDocument
      className={`flex items-center gap-1 ${className ?? ''}`}
    >
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <label htmlFor="language-select" className="sr-only">
        {t('lang.label')}
      </label>
      <select
        id="language-select"
        name="lang"
        defaultValue={i18n.language}
        key={i18n.language}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-blue-600"
      >
        {supportedLanguages.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {t(`lang.${lng}`)}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-600"
      >
        {t('lang.switch')}
      </button>
    </Form>
  );
}
