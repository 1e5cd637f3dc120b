import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, makeAccount, makePartnerOrg, makeUser } from '../testing/index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

const tick = () => new Promise((r) => setTimeout(r, 15));

describe('a deal’s history', () => {
  it('shows the timeline and replays the deal as it stood at any past moment', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep', name: 'Jana Becker' });
    const org = await makePartnerOrg(t.db);
    const account = await makeAccount(t.db, rep.userId);
    const { caller } = callerFor(t.db, rep);
    const beforeCreation = new Date(Date.now() - 60_000);
    const deal = await caller.opportunity.create({
      accountId: account.id,
      name: 'Pumpen 2027',
      amountMinor: 10_000_00,
    });
    await tick();
    const afterCreate = new Date();
    await tick();
    const v2 = await caller.opportunity.update({
      id: deal.id,
      version: 1,
      data: { amountMinor: 12_500_00, name: 'Pumpen 2027 (Rahmen)' },
    });
    await caller.share.set({ opportunityId: deal.id, partnerOrgId: org.id, access: 'edit' });
    await tick();
    const afterShare = new Date();
    await tick();
    await caller.opportunity.changeStage({ id: deal.id, stage: 'negotiation' });
    await caller.opportunity.update({
      id: deal.id,
      version: v2.version + 1,
      data: { amountMinor: 15_000_00 },
    });
    await caller.share.revoke({ opportunityId: deal.id, partnerOrgId: org.id });

    const timeline = await caller.opportunity.timeline({ id: deal.id });
    expect(timeline.map((e) => e.action)).toEqual([
      'create',
      'update',
      'share',
      'change_stage',
      'update',
      'unshare',
    ]);
    expect(timeline.every((e) => e.actorName === 'Jana Becker')).toBe(true);

    const atCreate = await caller.opportunity.asOf({ id: deal.id, at: afterCreate });
    expect(atCreate.fields).toMatchObject({ name: 'Pumpen 2027', amountMinor: 10_000_00, stage: 'lead' });
    expect(atCreate.shares).toEqual({});
    const atShare = await caller.opportunity.asOf({ id: deal.id, at: afterShare });
    expect(atShare.fields).toMatchObject({
      name: 'Pumpen 2027 (Rahmen)',
      amountMinor: 12_500_00,
      stage: 'lead',
    });
    expect(atShare.shares).toEqual({ [org.id]: 'edit' });
    const now = await caller.opportunity.asOf({ id: deal.id, at: new Date() });
    expect(now.fields).toMatchObject({ amountMinor: 15_000_00, stage: 'negotiation' });
    expect(now.shares).toEqual({});
    expect((await caller.opportunity.asOf({ id: deal.id, at: beforeCreation })).existed).toBe(false);
  });

  it('is staff-only', async () => {
    const org = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id });
    const { caller } = callerFor(t.db, partner);
    await expect(
      caller.opportunity.timeline({ id: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === 'FORBIDDEN');
  });
});
