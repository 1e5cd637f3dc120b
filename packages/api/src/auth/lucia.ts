import { type Database, type Locale, sessions, type UserRole, users } from '@konsort/db';
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { Lucia, TimeSpan } from 'lucia';

export interface AuthOptions {
  /** Set the Secure flag: on whenever the portal is served over HTTPS (production). */
  secureCookies: boolean;
  /** Idle sessions end after this many days; lucia renews a session used in its second half. */
  sessionDays?: number;
}

export const SESSION_COOKIE = 'konsort_session';

export function createLucia(db: Database, options: AuthOptions) {
  const adapter = new DrizzlePostgreSQLAdapter(db, sessions, users);
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(options.sessionDays ?? 14, 'd'),
    sessionCookie: {
      name: SESSION_COOKIE,
      // A browser-session cookie would outlive nothing useful; the server decides expiry.
      expires: true,
      attributes: { secure: options.secureCookies, sameSite: 'lax', path: '/' },
    },
    getUserAttributes: (a) => ({
      email: a.email,
      name: a.name,
      role: a.role,
      partnerOrgId: a.partner_org_id ?? a.partnerOrgId ?? null,
      locale: a.locale,
      active: a.active,
    }),
  });
}

export type AuthLucia = ReturnType<typeof createLucia>;

declare module 'lucia' {
  interface Register {
    Lucia: AuthLucia;
    DatabaseUserAttributes: {
      email: string;
      name: string;
      role: UserRole;
      partnerOrgId?: string | null;
      partner_org_id?: string | null;
      locale: Locale;
      active: boolean;
    };
  }
}
