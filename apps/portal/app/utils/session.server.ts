import type { InternalUser, UserPrincipal } from '@konsort/api';
import { type AppLoadContext, data, redirect } from '@remix-run/node';
import { translate } from './api.server.ts';

/** Only same-site relative paths: "/accounts?q=x" yes, "//evil.example" or "https://…" no. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) {
    return fallback;
  }
  if (/[\r\n\t]/.test(to)) return fallback;
  return to;
}

/**
 * The signed-in person, or a redirect to the login page that brings them back here. The
 * server looked up the session once for this request and already sent any renewed cookie.
 */
export function requireUser(context: AppLoadContext, request: Request): UserPrincipal {
  if (context.principal) return context.principal;
  const url = new URL(request.url);
  const back = request.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname;
  const params = back && back !== '/' ? `?${new URLSearchParams({ redirectTo: back })}` : '';
  throw redirect(`/login${params}`);
}

/** Staff-only pages (accounts and contacts lists): partners reach records through shared deals. */
export function requireInternal(context: AppLoadContext, request: Request): InternalUser {
  const user = requireUser(context, request);
  if (user.kind !== 'internal') {
    throw data({ message: translate(context.locale, 'errors.forbidden') }, { status: 403 });
  }
  return user;
}
