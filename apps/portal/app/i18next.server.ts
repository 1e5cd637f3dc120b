import { messages, requestLocale } from '@konsort/api';
import { RemixI18Next } from 'remix-i18next/server';
import { fallbackLanguage, i18nConfig, type Language, supportedLanguages } from './i18n.ts';
import { uiResources } from './locales/index.ts';

/** UI strings plus the API's error and validation messages: one catalogue per language. */
export function catalogue(locale: Language): Record<string, string> {
  return { ...messages[locale], ...uiResources[locale] };
}

export const resources = {
  de: { common: catalogue('de') },
  en: { common: catalogue('en') },
};

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    // Same order as the API: konsort_lang cookie, then Accept-Language. (The load context
    // additionally prefers the signed-in user's locale over Accept-Language.)
    async findLocale(request) {
      return requestLocale(request.headers);
    },
  },
  i18next: { ...i18nConfig, resources },
});
