/** Factories and contexts for tests: valid records by default, overridable per test. */
import { randomUUID } from 'node:crypto';
import {
  accounts,
  contacts,
  type Database,
  type Opportunity,
  opportunities,
  opportunityShares,
  partnerOrgs,
  type ShareAccess,
  type UserRole,
  users,
} from '@konsort/db';
import { TRPCError } from '@trpc/server';
import { createAuthService } from '../auth/service.ts';
import { type Principal, principalFromUser, type UserPrincipal } from '../principal.ts';
import { createCaller } from '../root.ts';
import type { Context } from '../trpc.ts';

/** A precomputed scrypt hash of "correct horse battery" so factories stay fast. */
export const TEST_PASSWORD = 'correct horse battery';

let cachedHash: Promise<string> | undefined;
async function testHash() {
  const { hashPassword } = await import('../auth/password.ts');
  cachedHash ??= hashPassword(TEST_PASSWORD);
  return cachedHash;
}

export async function makePartnerOrg(db: Database, overrides: Partial<typeof partnerOrgs.$inferInsert> = {}) {
  const [org] = await db
    .insert(partnerOrgs)
    .values({ name: `Partner ${randomUUID().slice(0, 6)}`, kind: 'dealer', ...overrides })
    .returning();
  return org!;
}

export async function makeUser(
  db: Database,
  overrides: Partial<typeof users.$inferInsert> & { role?: UserRole } = {},
): Promise<{ user: typeof users.$inferSelect; principal: UserPrincipal }> {
  const role = overrides.role ?? 'rep';
  const partner = role === 'partner_admin' || role === 'partner_member';
  const partnerOrgId = partner ? (overrides.partnerOrgId ?? (await makePartnerOrg(db)).id) : null;
  const [user] = await db
    .insert(users)
    .values({
      email: `${role}-${randomUUID().slice(0, 8)}@konsort.example`,
      name: `${role} ${randomUUID().slice(0, 4)}`,
      passwordHash: await testHash(),
      locale: 'en',
      ...overrides,
      role,
      partnerOrgId,
    })
    .returning();
  return { user: user!, principal: principalFromUser(user!) };
}

export async function makeAccount(
  db: Database,
  ownerId: string,
  overrides: Partial<typeof accounts.$inferInsert> = {},
) {
  const [account] = await db
    .insert(accounts)
    .values({
      name: `Müller Maschinenbau ${randomUUID().slice(0, 6)} GmbH`,
      street: 'Hauptstraße 12',
      postalCode: '50667',
      city: 'Köln',
      country: 'DE',
      ownerId,
      ...overrides,
    })
    .returning();
  return account!;
}

export async function makeContact(
  db: Database,
  accountId: string,
  overrides: Partial<typeof contacts.$inferInsert> = {},
) {
  const [contact] = await db
    .insert(contacts)
    .values({
      accountId,
      firstName: 'Anna',
      lastName: 'Schäfer',
      email: 'anna@mueller.example',
      ...overrides,
    })
    .returning();
  return contact!;
}

export async function makeOpportunity(
  db: Database,
  accountId: string,
  ownerId: string,
  overrides: Partial<typeof opportunities.$inferInsert> = {},
): Promise<Opportunity> {
  const [opportunity] = await db
    .insert(opportunities)
    .values({
      accountId,
      ownerId,
      name: `Retrofit ${randomUUID().slice(0, 6)}`,
      amountMinor: 1_250_000,
      ...overrides,
    })
    .returning();
  return opportunity!;
}

export async function share(db: Database, opportunityId: string, partnerOrgId: string, access: ShareAccess) {
  await db.insert(opportunityShares).values({ opportunityId, partnerOrgId, access });
}

/** A tRPC caller acting as `principal`, with Set-Cookie headers collected for assertions. */
export function callerFor(db: Database, principal: Principal, extra: Partial<Context> = {}) {
  const cookies: string[] = [];
  const auth = createAuthService(db, { secureCookies: false });
  const ctx: Context = {
    db,
    auth,
    principal,
    locale: principal.locale,
    ip: '127.0.0.1',
    cookieHeader: null,
    setCookie: (c) => cookies.push(c),
    ...extra,
  };
  return { caller: createCaller(ctx), cookies, ctx };
}

export const anonymous = (locale: 'de' | 'en' = 'en'): Principal => ({ kind: 'anonymous', locale });

export { type EdiTestPortal, startEdiTestPortal } from '../edi/testing.ts';

/** Awaits a call that must fail and returns its TRPCError, as a client would see it. */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return e;
  }
  throw new Error('expected the call to fail');
}
