import { apiKeys, auditLog } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../auth/service.ts';
import { createContext } from '../context.ts';
import { createCaller } from '../root.ts';
import { callerFor, makeAccount, makeOpportunity, makeUser } from '../testing/index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

async function asBearer(token: string) {
  const ctx = await createContext(
    { db: t.db, auth: createAuthService(t.db, { secureCookies: false }) },
    { headers: new Headers({ authorization: `Bearer ${token}` }) },
  );
  return { ctx, caller: createCaller(ctx) };
}

describe('API keys', () => {
  it('are created by an admin only, shown once and stored hashed', async () => {
    const { principal: admin } = await makeUser(t.db, { role: 'admin' });
    const { principal: manager } = await makeUser(t.db, { role: 'manager' });
    await expect(
      callerFor(t.db, manager).caller.apiKey.create({ name: 'EDI', scopes: ['edi'] }),
    ).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === 'FORBIDDEN');
    const created = await callerFor(t.db, admin).caller.apiKey.create({
      name: 'EDI bridge',
      scopes: ['edi'],
    });
    expect(created.token).toMatch(/^ks_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.tokenHash).not.toContain(created.token.slice(12));
    expect(JSON.stringify(await callerFor(t.db, admin).caller.apiKey.list())).not.toContain(created.token);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit.map((a) => a.action)).toEqual(['create']);
  });

  it('authenticate an integration that reads deals, and stop working once revoked', async () => {
    const { principal: admin } = await makeUser(t.db, { role: 'admin' });
    const account = await makeAccount(t.db, admin.userId);
    const deal = await makeOpportunity(t.db, account.id, admin.userId);
    const { token, id } = await callerFor(t.db, admin).caller.apiKey.create({ name: 'EDI', scopes: ['edi'] });
    const { ctx, caller } = await asBearer(token);
    expect(ctx.principal).toMatchObject({ kind: 'integration', scopes: ['edi'] });
    expect((await caller.opportunity.byId({ id: deal.id })).opportunity.id).toBe(deal.id);
    // An integration is not a person: it cannot create users or edit deals.
    await expect(
      caller.opportunity.update({ id: deal.id, version: 1, data: { amountMinor: 1 } }),
    ).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === 'UNAUTHORIZED');
    const [used] = await t.db
      .select({ lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(eq(apiKeys.id, id));
    expect(used?.lastUsedAt).toBeInstanceOf(Date);

    await callerFor(t.db, admin).caller.apiKey.revoke({ id });
    const after = await asBearer(token);
    expect(after.ctx.principal.kind).toBe('anonymous');
    await expect(after.caller.opportunity.byId({ id: deal.id })).rejects.toSatisfy(
      (e) => e instanceof TRPCError && e.code === 'UNAUTHORIZED',
    );
  });

  it('treat a malformed or unknown token as anonymous', async () => {
    for (const token of ['nope', 'ks_abcdefgh_' + 'A'.repeat(43), "ks_' or 1=1 --"]) {
      expect((await asBearer(token)).ctx.principal.kind).toBe('anonymous');
    }
  });
});
