import type { Database, Locale } from '@konsort/db';
import type { AuthService } from './auth/service.ts';
import { localeFromAcceptLanguage } from './i18n/messages.ts';
import { authenticateApiKey } from './integrations/api-keys.ts';
import type { Principal } from './principal.ts';
import type { Context } from './trpc.ts';

export interface ContextDeps {
  db: Database;
  auth: AuthService;
  /** Base of links in e-mails (KONSORT_PUBLIC_URL). */
  publicUrl?: string | undefined;
}

export interface RequestInfo {
  headers: Headers;
  ip?: string | null;
  setCookie?: (value: string) => void;
}

/** Reads the UI language cookie the portal sets, else Accept-Language. */
export function requestLocale(headers: Headers, principal?: Principal): Locale {
  const cookie = headers.get('cookie') ?? '';
  const match = /(?:^|;\s*)konsort_lang=(de|en)(?:;|$)/.exec(cookie);
  if (match) return match[1] as Locale;
  if (principal && principal.kind !== 'anonymous' && principal.kind !== 'integration')
    return principal.locale;
  return localeFromAcceptLanguage(headers.get('accept-language'));
}

/** Builds the tRPC context from injected dependencies: a test passes its own db and auth. */
export async function createContext(deps: ContextDeps, req: RequestInfo): Promise<Context> {
  const cookieHeader = req.headers.get('cookie');
  const setCookie = req.setCookie ?? (() => {});
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
  let principal: Principal;
  if (bearer) {
    // A presented key that is not valid is anonymous, never a fallback to the cookie.
    principal = (await authenticateApiKey(deps.db, bearer)) ?? { kind: 'anonymous', locale: 'en' };
  } else {
    const session = await deps.auth.fromCookieHeader(cookieHeader);
    if (session.cookie) setCookie(session.cookie);
    principal = session.principal ?? { kind: 'anonymous', locale: 'de' };
  }
  return {
    db: deps.db,
    auth: deps.auth,
    principal,
    locale: requestLocale(req.headers, principal),
    ip: req.ip ?? null,
    cookieHeader,
    setCookie,
    publicUrl: deps.publicUrl,
  };
}
