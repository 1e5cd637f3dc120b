/**
 * Outbound EDI on PGlite and PostgreSQL: an order answered in the portal queues an 855/ORDRSP,
 * a won deal shared with a supplier becomes one outbound order (850/ORDERS) per profile, the deal
 * feed is queued only when the partner's deals changed, and recording/sending is idempotent.
 */
import { randomUUID } from 'node:crypto';
import { auditLog, ediOutbox, opportunities, opportunityShares, orderLines, orders } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration, Principal } from '../principal.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';

let t: TestDatabase;
let admin: Principal;
let rep: Principal;
let repId: string;
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.db, { role: 'admin' })).principal;
  const r = await makeUser(t.db, { role: 'rep' });
  rep = r.principal;
  repId = r.user.id;
});
afterAll(async () => {
  await t?.destroy();
});

async function setup(kind: 'supplier' | 'dealer', settings: Record<string, unknown> = {}) {
  const org = await makePartnerOrg(t.db, { name: `Lieferant ${randomUUID().slice(0, 4)}`, kind });
  const profile = await callerFor(t.db, admin).caller.edi.createProfile({
    partnerOrgId: org.id,
    name: 'Profile',
    standard: 'x12',
    version: '004010',
    identifiers: { theirId: 'SUPPLIER', theirQualifier: 'ZZ', ourId: 'KONSORT', ourQualifier: 'ZZ' },
    settings: { acknowledgements: true, partyAccounts: {}, ...settings },
    transport: { kind: 'local', root: '/tmp/edi-outbound-test' },
  });
  return { org, profile };
}

const source = { interchangeControlNumber: '1', messageType: '850', messageControlNumber: '0001' };

async function inboundOrder(profileId: string, poNumber: string) {
  const result = await callerFor(t.db, bridge).caller.edi.ingest({
    profileId,
    fileName: `${poNumber}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw: 'ISA…',
    standard: 'x12',
    interchangeControlNumber: String(Math.floor(Math.random() * 1e9)),
    documentType: '850',
    valid: true,
    errors: [],
    documents: [
      {
        kind: 'purchaseOrder',
        source,
        document: {
          poNumber,
          poDate: '2024-01-15',
          purpose: 'original',
          currency: 'EUR',
          buyer: { name: 'Müller GmbH', id: '4012345000009', idQualifier: 'UL' },
          references: [],
          lines: [
            {
              lineNumber: '1',
              quantity: '10',
              unit: 'EA',
              unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
              productIds: [{ qualifier: 'BP', value: 'MG-1' }],
            },
            {
              lineNumber: '2',
              quantity: '4',
              unit: 'EA',
              unitPrice: { decimal: '2', minor: 200, scale: 2 },
              productIds: [{ qualifier: 'BP', value: 'MG-2' }],
            },
          ],
        },
      },
    ],
  });
  return result.orderId!;
}

describe('order.respond → 855/ORDRSP', () => {
  it('accepting an order sets its status, audits it and queues the response for the partner', async () => {
    const { profile } = await setup('dealer');
    const orderId = await inboundOrder(profile.id, `PO-ACC-${randomUUID().slice(0, 4)}`);
    const res = await callerFor(t.db, rep).caller.order.respond({ id: orderId, status: 'accepted' });
    expect(res).toMatchObject({ status: 'accepted', queued: true });
    expect(res.responseNumber).toMatch(/^KR\d+$/);
    const [order] = await t.db.select().from(orders).where(eq(orders.id, orderId));
    expect(order!.status).toBe('accepted');
    const [item] = await t.db.select().from(ediOutbox).where(eq(ediOutbox.orderId, orderId));
    expect(item).toMatchObject({ profileId: profile.id, kind: 'orderResponse', status: 'pending' });
    expect(item!.document).toMatchObject({
      poNumber: order!.poNumber,
      status: 'accepted',
      responseNumber: res.responseNumber,
      lines: [
        {
          lineNumber: '1',
          quantity: '10',
          status: 'accepted',
          productIds: [{ qualifier: 'BP', value: 'MG-1' }],
        },
        { lineNumber: '2', quantity: '4', status: 'accepted' },
      ],
    });
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, orderId), eq(auditLog.action, 'update')));
    expect(audit.at(-1)!.changes).toMatchObject({ status: ['received', 'accepted'] });
  });

  it('a change confirms other quantities: lines, total and the response lines say so', async () => {
    const { profile } = await setup('dealer');
    const orderId = await inboundOrder(profile.id, `PO-CHG-${randomUUID().slice(0, 4)}`);
    await callerFor(t.db, rep).caller.order.respond({
      id: orderId,
      status: 'changed',
      lines: [{ lineNumber: '1', quantity: '8' }],
    });
    const [order] = await t.db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({ status: 'accepted', totalMinor: 8 * 1250 + 4 * 200 });
    const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId));
    expect(lines.find((l) => l.lineNumber === '1')).toMatchObject({ lineTotalMinor: 10_000 });
    const [item] = await t.db.select().from(ediOutbox).where(eq(ediOutbox.orderId, orderId));
    expect(item!.document).toMatchObject({
      status: 'changed',
      lines: [
        { lineNumber: '1', quantity: '8', status: 'changed' },
        { lineNumber: '2', quantity: '4', status: 'accepted' },
      ],
    });
  });

  it('refuses partners, unknown lines, a change without lines and an order that is no longer open', async () => {
    const { org, profile } = await setup('dealer');
    const orderId = await inboundOrder(profile.id, `PO-REF-${randomUUID().slice(0, 4)}`);
    const partner = (await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id })).principal;
    expect(
      await failure(callerFor(t.db, partner).caller.order.respond({ id: orderId, status: 'accepted' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const { caller } = callerFor(t.db, rep);
    expect(
      await failure(
        caller.order.respond({ id: orderId, status: 'changed', lines: [{ lineNumber: '9', quantity: '1' }] }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(caller.order.respond({ id: orderId, status: 'changed' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    await caller.order.respond({ id: orderId, status: 'rejected' });
    expect(await failure(caller.order.respond({ id: orderId, status: 'accepted' }))).toMatchObject({
      code: 'CONFLICT',
    });
    // Nothing half-written by the refused calls: one response queued, the rejection.
    const items = await t.db.select().from(ediOutbox).where(eq(ediOutbox.orderId, orderId));
    expect(items.map((i) => (i.document as { status: string }).status)).toEqual(['rejected']);
  });
});

describe('edi.outbound', () => {
  it('a won deal shared with a supplier becomes one outbound order, however often the bridge asks', async () => {
    const { org, profile } = await setup('supplier');
    const account = await makeAccount(t.db, repId, { name: 'Schäfer Antriebe KG' });
    const deal = await makeOpportunity(t.db, account.id, repId, {
      name: 'Retrofit Halle 3',
      stage: 'won',
      amountMinor: 1_234_500,
      closedAt: new Date(),
    });
    await share(t.db, deal.id, org.id, 'view');
    const open = await makeOpportunity(t.db, account.id, repId, { stage: 'proposal', closedAt: null });
    await share(t.db, open.id, org.id, 'view');
    const { caller } = callerFor(t.db, bridge);
    const first = await caller.edi.outbound({ profileId: profile.id });
    const second = await caller.edi.outbound({ profileId: profile.id });
    expect(first).toHaveLength(1);
    expect(second.map((i) => i.id)).toEqual(first.map((i) => i.id));
    expect(first[0]).toMatchObject({ kind: 'purchaseOrder', message: null });
    expect(first[0]!.document).toMatchObject({
      purpose: 'original',
      currency: 'EUR',
      references: [{ qualifier: 'CT', value: 'Retrofit Halle 3' }],
      lines: [{ quantity: '1', unitPrice: { decimal: '12345', minor: 1_234_500, scale: 2 } }],
    });
    const outbound = await t.db
      .select()
      .from(orders)
      .where(and(eq(orders.opportunityId, deal.id), eq(orders.direction, 'outbound')));
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ partnerOrgId: org.id, totalMinor: 1_234_500 });
    expect(outbound[0]!.poNumber).toMatch(/^KS\d+$/);

    // Rendered by the bridge: recorded once per item; sent → no longer pending.
    const rendered = {
      profileId: profile.id,
      outboxId: first[0]!.id,
      documentType: '850',
      fileName: '850_000000001.edi',
      raw: 'ISA*850…',
      interchangeControlNumber: '000000001',
    };
    const a = await caller.edi.recordOutbound(rendered);
    const b = await caller.edi.recordOutbound({ ...rendered, fileName: '850_000000002.edi', raw: 'other' });
    expect(b).toEqual(a);
    expect((await caller.edi.outbound({ profileId: profile.id }))[0]!.message).toEqual(a);
    await caller.edi.markSent({ messageId: a.messageId });
    expect(await caller.edi.outbound({ profileId: profile.id })).toEqual([]);
  });

  it('sends nothing to a dealer, nor deals won before the supplier profile existed', async () => {
    const account = await makeAccount(t.db, repId);
    const old = await makeOpportunity(t.db, account.id, repId, {
      stage: 'won',
      closedAt: new Date(Date.now() - 86_400_000),
      updatedAt: new Date(Date.now() - 86_400_000),
    });
    const supplier = await setup('supplier');
    const dealer = await setup('dealer');
    await share(t.db, old.id, supplier.org.id, 'view');
    const won = await makeOpportunity(t.db, account.id, repId, { stage: 'won', closedAt: new Date() });
    await share(t.db, won.id, dealer.org.id, 'view');
    const { caller } = callerFor(t.db, bridge);
    expect(await caller.edi.outbound({ profileId: supplier.profile.id })).toEqual([]);
    expect(await caller.edi.outbound({ profileId: dealer.profile.id })).toEqual([]);
  });

  it('queues a deal feed when the shared deals changed, as a ready file; unchanged → nothing new', async () => {
    const { org, profile } = await setup('dealer', { dealFeed: 'csv' });
    const account = await makeAccount(t.db, repId, { name: 'Müller, "Ost" GmbH' });
    const deal = await makeOpportunity(t.db, account.id, repId, {
      name: '=HYPERLINK("x")',
      amountMinor: 99_950,
      probability: 40,
    });
    await share(t.db, deal.id, org.id, 'edit');
    const { caller } = callerFor(t.db, bridge);
    const [feed] = await caller.edi.outbound({ profileId: profile.id });
    expect(feed).toMatchObject({ kind: 'dealFeed' });
    const lines = feed!.message!.raw.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'deal_id,deal_name,account_name,stage,amount,currency,probability,expected_close_date,access,updated_at',
    );
    // Quoted where needed, and a formula-looking cell defused for spreadsheet programs.
    expect(lines[1]).toContain(`${deal.id},"'=HYPERLINK(""x"")","Müller, ""Ost"" GmbH",lead,999.5,EUR,40,`);
    expect(lines[1]).toContain(',edit,');
    await caller.edi.markSent({ messageId: feed!.message!.messageId });
    expect(await caller.edi.outbound({ profileId: profile.id })).toEqual([]);

    // A revoked share changes the snapshot: the deal is gone from the next file.
    await t.db
      .delete(opportunityShares)
      .where(and(eq(opportunityShares.opportunityId, deal.id), eq(opportunityShares.partnerOrgId, org.id)));
    const [next] = await caller.edi.outbound({ profileId: profile.id });
    expect(next!.message!.raw.trimEnd().split('\r\n')).toHaveLength(1);
    await t.db.update(opportunities).set({ probability: 50 }).where(eq(opportunities.id, deal.id));
    await caller.edi.markSent({ messageId: next!.message!.messageId });
    expect(await caller.edi.outbound({ profileId: profile.id })).toEqual([]);
  });

  it('is for the bridge only', async () => {
    const { profile } = await setup('supplier');
    expect(
      await failure(callerFor(t.db, admin).caller.edi.outbound({ profileId: profile.id })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
