import { RemixBrowser } from '@remix-run/react';
import i18next from 'i18next';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { i18nConfig, isLanguage } from './i18n.ts';

// The catalogue arrives with the root loader's data (see root.tsx); the language is the one
// the server rendered, so hydration sees the same text.
const lang = document.documentElement.lang;
void i18next.use(initReactI18next).init({
  ...i18nConfig,
  lng: isLanguage(lang) ? lang : 'de',
  resources: {},
  initImmediate: false,
});

startTransition(() => {
  hydrateRoot(
    document,
    <I18nextProvider i18n={i18next}>
      <StrictMode>
        <RemixBrowser />
      </StrictMode>
    </I18nextProvider>,
  );
});
