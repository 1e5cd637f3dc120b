import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useChangeLanguage } from 'remix-i18next/react';
import { GeneralErrorBoundary } from './components/error-boundary.tsx';
import { catalogue } from './i18next.server.ts';
import stylesheet from './tailwind.css?url';
import { useNonce } from './utils/nonce.tsx';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Konsort' }];

export async function loader({ context }: LoaderFunctionArgs) {
  // The browser's i18next gets this language's catalogue with the page: no extra request.
  return { locale: context.locale, resources: catalogue(context.locale) };
}

export const handle = { i18n: 'common' };

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const { i18n } = useTranslation();
  const nonce = useNonce();
  const locale = data?.locale ?? (i18n.language === 'en' ? 'en' : 'de');
  if (data && !i18n.hasResourceBundle(data.locale, 'common')) {
    i18n.addResourceBundle(data.locale, 'common', data.resources, true, true);
  }
  return (
    <html lang={locale} dir="ltr" className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full text-slate-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <main className="px-4">
      <GeneralErrorBoundary />
    </main>
  );
}
