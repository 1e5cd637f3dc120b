/**
 * Test harness for the EDI bridge's suites (which may not import the database or the tRPC server
 * themselves): a real portal — the app router over HTTP on an ephemeral loopback port — on a fresh
 * test database, with an admin, an `edi`-scoped API key and a partner organisation. The modules are
 * loaded on demand so the API's runtime entry point never pulls in test code.
 */
import type { AddressInfo } from 'node:net';
import type { Database } from '@konsort/db';
import type { z } from 'zod';
import type { Principal } from '../principal.ts';
import type { createProfileInput } from './schemas.ts';
import type { EdiProfile } from './service.ts';

export interface EdiTestPortal {
  /** tRPC endpoint, e.g. `http://127.0.0.1:41234/trpc`. */
  url: string;
  apiKey: string;
  db: Database;
  admin: Principal;
  partnerOrgId: string;
  createProfile(input: Omit<z.input<typeof createProfileInput>, 'partnerOrgId'>): Promise<EdiProfile>;
  /** Inbound orders of the partner, oldest first. */
  orders(): Promise<
    {
      id: string;
      poNumber: string;
      accountId: string | null;
      opportunityId: string | null;
      totalMinor: number;
      status: string;
    }[]
  >;
  /** All EDI messages of the partner's profiles, oldest first. */
  messages(): Promise<
    {
      id: string;
      direction: string;
      status: string;
      documentType: string;
      fileName: string;
      errors: unknown[];
    }[]
  >;
  close(): Promise<void>;
}

export async function startEdiTestPortal(
  opts: { driver?: 'pglite' | 'postgres'; partnerKind?: 'supplier' | 'dealer' } = {},
): Promise<EdiTestPortal> {
  const [{ createTestDatabase }, { createHTTPServer }, testing, keys, ctx, root, service, schemas] =
    await Promise.all([
      import('@konsort/db/testing'),
      import('@trpc/server/adapters/standalone'),
      import('../testing/index.ts'),
      import('../integrations/api-keys.ts'),
      import('../context.ts'),
      import('../root.ts'),
      import('./service.ts'),
      import('./schemas.ts'),
    ]);
  const { createAuthService } = await import('../auth/service.ts');
  const db = await import('@konsort/db');
  const { eq } = await import('drizzle-orm');
  const t = await createTestDatabase(opts.driver);
  const auth = createAuthService(t.db, { secureCookies: false });
  const { principal: admin } = await testing.makeUser(t.db, { role: 'admin' });
  const org = await testing.makePartnerOrg(t.db, { name: 'Müller GmbH', kind: opts.partnerKind ?? 'dealer' });
  const { token } = await keys.createApiKey(t.db, admin, { name: 'edi bridge', scopes: ['edi'] });
  const server = createHTTPServer({
    router: root.appRouter,
    basePath: '/trpc/',
    createContext: (opts) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(opts.req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      return ctx.createContext({ db: t.db, auth }, { headers, ip: opts.req.socket.remoteAddress ?? null });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trpc`,
    apiKey: token,
    db: t.db,
    admin,
    partnerOrgId: org.id,
    createProfile: (input) =>
      service.createProfile(
        t.db,
        admin,
        schemas.createProfileInput.parse({ ...input, partnerOrgId: org.id }),
      ),
    orders: () =>
      t.db
        .select({
          id: db.orders.id,
          poNumber: db.orders.poNumber,
          accountId: db.orders.accountId,
          opportunityId: db.orders.opportunityId,
          totalMinor: db.orders.totalMinor,
          status: db.orders.status,
        })
        .from(db.orders)
        .where(eq(db.orders.partnerOrgId, org.id))
        .orderBy(db.orders.createdAt),
    messages: () =>
      t.db
        .select({
          id: db.ediMessages.id,
          direction: db.ediMessages.direction,
          status: db.ediMessages.status,
          documentType: db.ediMessages.documentType,
          fileName: db.ediMessages.fileName,
          errors: db.ediMessages.errors,
        })
        .from(db.ediMessages)
        .innerJoin(db.ediProfiles, eq(db.ediProfiles.id, db.ediMessages.profileId))
        .where(eq(db.ediProfiles.partnerOrgId, org.id))
        .orderBy(db.ediMessages.createdAt),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.destroy();
    },
  };
}
