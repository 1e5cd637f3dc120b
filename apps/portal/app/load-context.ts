import type { AuthService, UserPrincipal } from '@konsort/api';
import type { Database, Locale } from '@konsort/db';
import type { Logger } from 'pino';

declare module '@remix-run/node' {
  interface AppLoadContext {
    db: Database;
    auth: AuthService;
    logger: Logger;
    /** The signed-in person, looked up once per request by the server. */
    principal: UserPrincipal | null;
    /** konsort_lang cookie → the user's locale → Accept-Language → de. */
    locale: Locale;
    cspNonce: string;
    ip: string | null;
  }
}
