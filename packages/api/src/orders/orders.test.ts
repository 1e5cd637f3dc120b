/**
 * Orders on the deal (`order.forOpportunity`) and the order list (`order.list`), on PGlite
 * (`vitest run`) and PostgreSQL 15 (`KONSORT_TEST_DRIVER=postgres`). Orders arrive through the
 * EDI bridge's ingest path, shipments and invoices too.
 */
import { randomUUID } from 'node:crypto';
import { orderLines, orders } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ingestInput } from '../edi/schemas.ts';
import type { Integration, Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
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
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.db, { role: 'admin' })).principal;
  rep = (await makeUser(t.db, { role: 'rep' })).principal;
});
afterAll(async () => {
  await t?.destroy();
});

async function partnerWithProfile() {
  const org = await makePartnerOrg(t.db);
  const profile = await callerFor(t.db, admin).caller.edi.createProfile({
    partnerOrgId: org.id,
    name: `${org.name} X12`,
    standard: 'x12',
    version: '004010',
    transport: { kind: 'local', root: '/tmp/edi-orders-test' },
  });
  return { org, profile };
}

const source = { interchangeControlNumber: '1', messageType: '850', messageControlNumber: '0001' };

function file(
  profileId: string,
  documents: z.input<typeof ingestInput>['documents'],
  documentType = '850',
): z.input<typeof ingestInput> {
  const icn = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return {
    profileId,
    fileName: `${documentType}-${icn}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw: 'ISA*…~',
    standard: 'x12',
    interchangeControlNumber: icn,
    documentType,
    valid: true,
    errors: [],
    documents,
  };
}

function purchaseOrder(poNumber: string, dealId: string) {
  return {
    kind: 'purchaseOrder' as const,
    source,
    document: {
      poNumber,
      poDate: '2024-03-01',
      purpose: 'original' as const,
      currency: 'EUR',
      references: [{ qualifier: 'CT', value: dealId }],
      lines: [
        {
          lineNumber: '1',
          quantity: '10',
          unit: 'EA',
          unitPrice: { decimal: '45', minor: 4500, scale: 2 },
          productIds: [{ qualifier: 'BP', value: 'MG-1' }],
          description: 'Spindle',
        },
        {
          lineNumber: '2',
          quantity: '2',
          unit: 'EA',
          unitPrice: { decimal: '100', minor: 10_000, scale: 2 },
          productIds: [],
        },
      ],
    },
  };
}

/** A won deal of 1,000.00 EUR shared with two partners, each ordering on it through EDI. */
async function world() {
  const owner = await makeUser(t.db, { role: 'rep' });
  const account = await makeAccount(t.db, owner.user.id);
  const deal = await makeOpportunity(t.db, account.id, owner.user.id, {
    stage: 'won',
    amountMinor: 100_000,
    currency: 'EUR',
  });
  const a = await partnerWithProfile();
  const b = await partnerWithProfile();
  await share(t.db, deal.id, a.org.id, 'view');
  await share(t.db, deal.id, b.org.id, 'view');
  const { caller } = callerFor(t.db, bridge);
  const poA = `PO-A-${randomUUID().slice(0, 6)}`;
  const ingested = await caller.edi.ingest(file(a.profile.id, [purchaseOrder(poA, deal.id)]));
  expect(ingested.status).toBe('processed');
  await caller.edi.ingest(file(b.profile.id, [purchaseOrder(`PO-B-${randomUUID().slice(0, 6)}`, deal.id)]));
  await caller.edi.ingest(
    file(
      a.profile.id,
      [
        {
          kind: 'shipmentNotice',
          source: { ...source, messageType: '856' },
          document: {
            shipmentId: 'SHIP-1',
            poNumber: poA,
            shipDate: '2024-03-05',
            status: 'shipped',
            lines: [],
          },
        },
      ],
      '856',
    ),
  );
  await caller.edi.ingest(
    file(
      a.profile.id,
      [
        {
          kind: 'invoice',
          source: { ...source, messageType: '810' },
          document: {
            invoiceNumber: 'INV-1',
            invoiceDate: '2024-03-06',
            poNumber: poA,
            currency: 'EUR',
            lines: [],
            totalMinor: 65_000,
          },
        },
      ],
      '810',
    ),
  );
  const partnerA = await makeUser(t.db, { role: 'partner_member', partnerOrgId: a.org.id });
  return { deal, a, b, poA, owner, partnerA };
}

describe('order.forOpportunity', () => {
  it('shows the orders linked to the deal with lines, events and the discrepancy to the deal amount', async () => {
    const { deal, a, poA } = await world();
    const result = await callerFor(t.db, admin).caller.order.forOpportunity({ opportunityId: deal.id });
    expect(result.orders).toHaveLength(2);
    const order = result.orders.find((o) => o.poNumber === poA)!;
    // 10 × 45.00 + 2 × 100.00 = 650.00
    expect(order).toMatchObject({
      partnerOrgId: a.org.id,
      currency: 'EUR',
      totalMinor: 65_000,
      status: 'invoiced',
      discrepancyMinor: 100_000 - 65_000,
    });
    expect(order.lines.map((l) => [l.lineNumber, l.productId, l.lineTotalMinor])).toEqual([
      ['1', 'MG-1', 45_000],
      ['2', null, 20_000],
    ]);
    expect(order.events.map((e) => [e.kind, e.reference, e.amountMinor])).toEqual([
      ['shipment', 'SHIP-1', null],
      ['invoice', 'INV-1', 65_000],
    ]);
    // Both orders together: 1,300.00 ordered against a deal of 1,000.00.
    expect(result.summary).toEqual({
      currency: 'EUR',
      dealAmountMinor: 100_000,
      orderedMinor: 130_000,
      discrepancyMinor: -30_000,
    });
  });

  it('is open to every staff member and follows a changed deal amount', async () => {
    const { deal, owner } = await world();
    await callerFor(t.db, owner.principal).caller.opportunity.update({
      id: deal.id,
      version: deal.version,
      data: { amountMinor: 130_000 },
    });
    const result = await callerFor(t.db, rep).caller.order.forOpportunity({ opportunityId: deal.id });
    expect(result.orders).toHaveLength(2);
    expect(result.summary.discrepancyMinor).toBeNull();
  });

  it('answers NOT_FOUND for an unknown deal and an empty list for a deal without orders', async () => {
    const { caller } = callerFor(t.db, admin);
    expect((await failure(caller.order.forOpportunity({ opportunityId: randomUUID() }))).code).toBe(
      'NOT_FOUND',
    );
    const owner = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, owner.user.id);
    const deal = await makeOpportunity(t.db, account.id, owner.user.id);
    const result = await caller.order.forOpportunity({ opportunityId: deal.id });
    expect(result.orders).toEqual([]);
    expect(result.summary.discrepancyMinor).toBeNull();
  });

  it('shows a partner only its own organisation’s orders on a deal shared with it — also by RLS alone', async () => {
    const { deal, a, b, partnerA } = await world();
    const result = await callerFor(t.db, partnerA.principal).caller.order.forOpportunity({
      opportunityId: deal.id,
    });
    expect(result.orders.map((o) => o.partnerOrgId)).toEqual([a.org.id]);
    expect(result.orders[0]!.lines.length).toBeGreaterThan(0);
    // The second wall: with no WHERE at all, the partner role reads only its own orders.
    const seen = await withPrincipalDb(t.db, partnerA.principal, async (db) => ({
      orders: await db.select({ org: orders.partnerOrgId }).from(orders),
      lines: await db.select({ orderId: orderLines.orderId }).from(orderLines),
    }));
    expect(new Set(seen.orders.map((o) => o.org))).toEqual(new Set([a.org.id]));
    expect(seen.orders.some((o) => o.org === b.org.id)).toBe(false);
    expect(seen.lines.length).toBeGreaterThan(0);
  });

  it('is not found for a partner whose organisation holds no share on the deal', async () => {
    const { deal } = await world();
    const org = await makePartnerOrg(t.db);
    const outsider = await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id });
    const error = await failure(
      callerFor(t.db, outsider.principal).caller.order.forOpportunity({ opportunityId: deal.id }),
    );
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('order.list', () => {
  it('pages through all orders for staff, newest first', async () => {
    await world();
    await world();
    const { caller } = callerFor(t.db, rep);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.order.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const invoiced = await caller.order.list({ status: 'invoiced' });
    expect(invoiced.items.length).toBeGreaterThanOrEqual(2);
    expect(invoiced.items.every((o) => o.status === 'invoiced')).toBe(true);
    expect(invoiced.items[0]).toHaveProperty('opportunityName');
    expect((await failure(caller.order.list({ cursor: 'bogus' }))).code).toBe('BAD_REQUEST');
  });

  it('shows a partner user only the orders of its own organisation, without the internal discrepancy', async () => {
    const { partnerA } = await world();
    if (partnerA.principal.kind !== 'partner') throw new Error('expected a partner');
    const own = partnerA.principal.partnerOrgId;
    const { caller } = callerFor(t.db, partnerA.principal);
    const page = await caller.order.list({ limit: 200 });
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    expect(page.items.every((o) => o.partnerOrgId === own)).toBe(true);
    expect(page.items.every((o) => o.discrepancyMinor === null)).toBe(true);
    // Asking for another organisation's orders yields nothing, not an error that confirms them.
    const other = await makePartnerOrg(t.db);
    expect((await caller.order.list({ partnerOrgId: other.id })).items).toEqual([]);
    expect(await caller.order.partners()).toEqual([expect.objectContaining({ id: own })]);
    // Staff filter by partner and direction.
    const staff = callerFor(t.db, rep).caller;
    const filtered = await staff.order.list({ partnerOrgId: own, direction: 'inbound', limit: 200 });
    expect(filtered.items.map((o) => o.id).sort()).toEqual(page.items.map((o) => o.id).sort());
    expect((await staff.order.partners()).length).toBeGreaterThanOrEqual(2);
  });

  it('is refused to integrations', async () => {
    const error = await failure(callerFor(t.db, bridge).caller.order.list({}));
    expect(error.code).toBe('UNAUTHORIZED');
  });
});
