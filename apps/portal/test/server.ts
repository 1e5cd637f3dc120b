/** Starts the real portal server (production build) on a random port against a fresh test database. */
import { hashPassword } from '@konsort/api';
import { type DemoLogin, seedDemo } from '@konsort/db/seed';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { pino } from 'pino';
import { createServer, type PortalServer } from '../server/app.ts';

export interface TestServer {
  url: string;
  db: TestDatabase;
  server: PortalServer;
  logins: DemoLogin[];
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const db = await createTestDatabase();
  const { logins } = await seedDemo(db.db, { hashPassword });
  const server = await createServer({ db, production: true, logger: pino({ level: 'warn' }) });
  const url = await server.listen(0);
  return {
    url,
    db,
    server,
    logins,
    async close() {
      await server.close();
      await db.destroy();
    },
  };
}

/** The `name=value` part of a Set-Cookie header, for the next request's Cookie header. */
export function cookieOf(response: Response, name: string): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!cookie) throw new Error(`no ${name} cookie in the response`);
  return cookie.split(';')[0]!;
}

/**
 * A form POST as the browser sends it: same origin, the session cookie, redirects not followed.
 * A field given as a list is sent once per value, as a multi-select does.
 */
export function formPost(
  origin: string,
  cookie: string,
  fields: Record<string, string | string[]> | URLSearchParams,
): RequestInit & { redirect: 'manual' } {
  let body = fields;
  if (!(body instanceof URLSearchParams)) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  }
  return {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  };
}

export async function login(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
    body: new URLSearchParams({ email, password, redirectTo: '/' }),
  });
  if (response.status !== 302) throw new Error(`login failed with ${response.status}`);
  return cookieOf(response, 'konsort_session');
}
