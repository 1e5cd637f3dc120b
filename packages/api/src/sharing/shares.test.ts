import { createServer, type IncomingMessage, type Server } from 'node:http';
import { auditLog } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollabServer, createCollabServer } from '../collab/index.ts';
import { connectClient, synced, waitFor } from '../collab/test-helpers.ts';
import type { Principal } from '../principal.ts';
import { callerFor, makeAccount, makeOpportunity, makePartnerOrg, makeUser } from '../testing/index.ts';

let t: TestDatabase;
let http: Server;
let collab: CollabServer;
let base: string;
const principals = new Map<string, Principal>();

beforeAll(async () => {
  t = await createTestDatabase();
  collab = createCollabServer({
    db: t.db,
    authenticate: async (req: IncomingMessage) =>
      principals.get(String(req.headers['x-test-user'])) ?? { kind: 'anonymous', locale: 'en' },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    limits: { unloadDelayMs: 0, revalidateIntervalMs: 0 },
  });
  http = createServer();
  http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  base = `ws://127.0.0.1:${(http.address() as { port: number }).port}/collab`;
});
afterAll(async () => {
  await collab?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await t?.destroy();
});

const code = (c: string) => (e: unknown) => e instanceof TRPCError && e.code === c;

describe('sharing a deal with a partner organisation', () => {
  it('grants, changes and revokes access, audited, and only by the owner or a manager', async () => {
    const { principal: owner } = await makeUser(t.db, { role: 'rep' });
    const { principal: otherRep } = await makeUser(t.db, { role: 'rep' });
    const org = await makePartnerOrg(t.db, { name: 'Nordtech Vertrieb GmbH' });
    const { principal: partner } = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
    const account = await makeAccount(t.db, owner.userId);
    const deal = await makeOpportunity(t.db, account.id, owner.userId);
    const asOwner = callerFor(t.db, owner).caller;
    const asPartner = callerFor(t.db, partner).caller;

    await expect(asPartner.opportunity.byId({ id: deal.id })).rejects.toSatisfy(code('NOT_FOUND'));
    await expect(
      callerFor(t.db, otherRep).caller.share.set({
        opportunityId: deal.id,
        partnerOrgId: org.id,
        access: 'view',
      }),
    ).rejects.toSatisfy(code('FORBIDDEN'));

    await asOwner.share.set({ opportunityId: deal.id, partnerOrgId: org.id, access: 'view' });
    expect((await asPartner.opportunity.byId({ id: deal.id })).share).toBe('view');
    await asOwner.share.set({ opportunityId: deal.id, partnerOrgId: org.id, access: 'edit' });
    expect((await asPartner.opportunity.byId({ id: deal.id })).permissions.update).toBe(true);
    expect(await asOwner.share.list({ opportunityId: deal.id })).toMatchObject([
      { partnerOrgId: org.id, partnerName: 'Nordtech Vertrieb GmbH', access: 'edit' },
    ]);
    await expect(asPartner.share.list({ opportunityId: deal.id })).rejects.toSatisfy(code('FORBIDDEN'));

    await asOwner.share.revoke({ opportunityId: deal.id, partnerOrgId: org.id });
    await expect(asPartner.opportunity.byId({ id: deal.id })).rejects.toSatisfy(code('NOT_FOUND'));
    const history = await t.db
      .select({ action: auditLog.action, changes: auditLog.changes })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, deal.id), eq(auditLog.entity, 'opportunity')))
      .orderBy(auditLog.id);
    expect(history).toEqual([
      { action: 'share', changes: { [`share:${org.id}`]: [null, 'view'] } },
      { action: 'share_change', changes: { [`share:${org.id}`]: ['view', 'edit'] } },
      { action: 'unshare', changes: { [`share:${org.id}`]: ['edit', null] } },
    ]);
  });

  it('closes a partner’s open live connection the moment the share is revoked', async () => {
    const { user: ownerUser, principal: owner } = await makeUser(t.db, { role: 'rep' });
    const org = await makePartnerOrg(t.db);
    const { user: partnerUser, principal: partner } = await makeUser(t.db, {
      role: 'partner_admin',
      partnerOrgId: org.id,
    });
    principals.set(ownerUser.id, owner);
    principals.set(partnerUser.id, partner);
    const account = await makeAccount(t.db, owner.userId);
    const deal = await makeOpportunity(t.db, account.id, owner.userId);
    const asOwner = callerFor(t.db, owner).caller;
    await asOwner.share.set({ opportunityId: deal.id, partnerOrgId: org.id, access: 'edit' });
    const live = connectClient(base, `opportunity:${deal.id}`, { 'x-test-user': partnerUser.id });
    try {
      await synced(live);
      await asOwner.share.revoke({ opportunityId: deal.id, partnerOrgId: org.id });
      await waitFor(() => live.closes.some((c) => c.code === 4403), 5_000, 'revoked connection closed');
    } finally {
      live.destroy();
    }
  });
});
