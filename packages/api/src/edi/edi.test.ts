/**
 * The EDI API on PGlite (`vitest run`) and PostgreSQL 15 (`KONSORT_TEST_DRIVER=postgres`):
 * ingestion into orders, idempotency, rejection, access, control numbers.
 */
import { randomUUID } from 'node:crypto';
import { auditLog, ediMessages, orderEvents, orderLines, orders } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
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
import type { ingestInput, purchaseOrderSchema } from './schemas.ts';
import { lineTotalMinor } from './service.ts';

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

async function setup() {
  const org = await makePartnerOrg(t.db, { name: 'Müller GmbH' });
  const { caller } = callerFor(t.db, admin);
  const profile = await caller.edi.createProfile({
    partnerOrgId: org.id,
    name: 'Müller X12',
    standard: 'x12',
    version: '004010',
    identifiers: { theirId: 'MUELLERGMBH', theirQualifier: 'ZZ' },
    settings: { acknowledgements: true, partyAccounts: {} },
    transport: { kind: 'local', root: '/tmp/edi-test' },
  });
  return { org, profile };
}

function po(poNumber: string, overrides: Partial<z.input<typeof purchaseOrderSchema>> = {}) {
  return {
    poNumber,
    poDate: '2024-01-15',
    purpose: 'original' as const,
    currency: 'EUR',
    buyer: { name: 'Unknown Buyer AG', id: '4012345000009', idQualifier: 'UL' },
    references: [] as { qualifier: string; value: string }[],
    lines: [
      {
        lineNumber: '1',
        quantity: '48',
        unit: 'EA',
        unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
        productIds: [{ qualifier: 'BP', value: 'MG-100234' }],
      },
      {
        lineNumber: '2',
        quantity: '2.5',
        unit: 'KG',
        unitPrice: { decimal: '7.125', minor: 7125, scale: 3 },
        productIds: [{ qualifier: 'BP', value: 'MG-300010' }],
      },
    ],
    ...overrides,
  };
}

function file(
  profileId: string,
  documents: z.input<typeof ingestInput>['documents'],
  extra: Partial<z.input<typeof ingestInput>> = {},
): z.input<typeof ingestInput> {
  const icn = extra.interchangeControlNumber ?? String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return {
    profileId,
    fileName: `po-${icn}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw: 'ISA*…~',
    standard: 'x12',
    interchangeControlNumber: icn,
    senderId: 'ZZ:MUELLERGMBH',
    receiverId: 'ZZ:KONSORT',
    documentType: '850',
    valid: true,
    errors: [],
    documents,
    ...extra,
  };
}

const source = { interchangeControlNumber: '1', messageType: '850', messageControlNumber: '0001' };

describe('edi.ingest', () => {
  it('creates the order with its lines, linked to the account (GLN map) and the deal (REF*CT), with the discrepancy', async () => {
    const { org, profile } = await setup();
    const account = await makeAccount(t.db, (await makeUser(t.db)).user.id);
    const deal = await makeOpportunity(t.db, account.id, account.ownerId, {
      stage: 'won',
      amountMinor: 70_000,
    });
    await share(t.db, deal.id, org.id, 'view');
    await callerFor(t.db, admin).caller.edi.updateProfile({
      id: profile.id,
      data: { settings: { acknowledgements: true, partyAccounts: { '4012345000009': account.id } } },
    });
    const { caller } = callerFor(t.db, bridge);
    const result = await caller.edi.ingest(
      file(profile.id, [
        {
          kind: 'purchaseOrder',
          document: po('PO-1', { references: [{ qualifier: 'CT', value: deal.id }] }),
          source,
        },
      ]),
    );
    expect(result.status).toBe('processed');
    const [order] = await t.db.select().from(orders).where(eq(orders.id, result.orderId!));
    // 48 × 12.50 = 600.00; 2.5 × 7.125 = 17.8125 → 17.81; total 617.81
    expect(order).toMatchObject({
      partnerOrgId: org.id,
      accountId: account.id,
      opportunityId: deal.id,
      poNumber: 'PO-1',
      currency: 'EUR',
      totalMinor: 61_781,
      discrepancyMinor: 70_000 - 61_781,
      sourceMessageId: result.messageId,
      status: 'received',
    });
    const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    expect(lines.map((l) => [l.lineNumber, l.lineTotalMinor, l.priceScale])).toEqual([
      ['1', 60_000, 2],
      ['2', 1781, 3],
    ]);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.entityId, order!.id));
    expect(audit[0]).toMatchObject({ actorType: 'integration', action: 'create', entity: 'order' });
  });

  it('links by buyer name and by the deal name in REF*CT among the deals shared with the partner', async () => {
    const { org, profile } = await setup();
    const owner = (await makeUser(t.db)).user.id;
    const account = await makeAccount(t.db, owner, {
      name: `Schäfer Antriebe ${randomUUID().slice(0, 4)} KG`,
    });
    const deal = await makeOpportunity(t.db, account.id, owner, { name: `DEAL-${randomUUID().slice(0, 6)}` });
    const unshared = await makeOpportunity(t.db, account.id, owner, {
      name: `SECRET-${randomUUID().slice(0, 6)}`,
    });
    await share(t.db, deal.id, org.id, 'edit');
    const { caller } = callerFor(t.db, bridge);
    const linked = await caller.edi.ingest(
      file(profile.id, [
        {
          kind: 'purchaseOrder',
          document: po('PO-NAME', {
            buyer: { name: account.name.toUpperCase() },
            references: [{ qualifier: 'CT', value: deal.name }],
          }),
          source,
        },
      ]),
    );
    const [order] = await t.db.select().from(orders).where(eq(orders.id, linked.orderId!));
    expect(order).toMatchObject({ accountId: account.id, opportunityId: deal.id });
    // A deal that is not shared with the partner is not linked by its name from another partner.
    const other = await setup();
    const foreign = await caller.edi.ingest(
      file(other.profile.id, [
        {
          kind: 'purchaseOrder',
          document: po('PO-F', { references: [{ qualifier: 'CT', value: unshared.name }] }),
          source,
        },
      ]),
    );
    const [fo] = await t.db.select().from(orders).where(eq(orders.id, foreign.orderId!));
    expect(fo).toMatchObject({ accountId: null, opportunityId: null, discrepancyMinor: null });
  });

  it('is idempotent: the same file twice → one order, the second call says duplicate', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const input = file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-TWICE'), source }]);
    const first = await caller.edi.ingest(input);
    const second = await caller.edi.ingest(input);
    expect(second).toMatchObject({ status: 'duplicate', messageId: first.messageId });
    const rows = await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id));
    expect(rows).toHaveLength(1);
    const messages = await t.db.select().from(ediMessages).where(eq(ediMessages.profileId, profile.id));
    expect(messages).toHaveLength(1);
  });

  it('stores an invalid file as rejected with its errors and creates no order', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const result = await caller.edi.ingest(
      file(profile.id, [], {
        valid: false,
        errors: [
          { level: 'interchange', code: '023', message: 'IEA missing: the interchange is truncated.' },
        ],
      }),
    );
    expect(result.status).toBe('rejected');
    const [message] = await t.db.select().from(ediMessages).where(eq(ediMessages.id, result.messageId));
    expect(message).toMatchObject({ status: 'rejected', direction: 'inbound' });
    expect(message!.errors).toEqual([expect.objectContaining({ code: '023' })]);
    expect(await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id))).toHaveLength(0);
  });

  it('rejects a second original order with the same PO number without touching the first; a change amends it', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const first = await caller.edi.ingest(
      file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-X'), source }]),
    );
    const again = await caller.edi.ingest(
      file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-X'), source }]),
    );
    expect(again.status).toBe('rejected');
    const [msg] = await t.db.select().from(ediMessages).where(eq(ediMessages.id, again.messageId));
    expect(msg!.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_PO' })]);
    const change = await caller.edi.ingest(
      file(profile.id, [
        {
          kind: 'purchaseOrder',
          document: po('PO-X', { purpose: 'change', lines: [po('x').lines[0]!] }),
          source,
        },
      ]),
    );
    expect(change).toMatchObject({ status: 'processed', orderId: first.orderId });
    const rows = await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'changed', totalMinor: 60_000 });
  });

  it('records a shipment notice and an invoice as order events and moves the order status', async () => {
    const { profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const created = await caller.edi.ingest(
      file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-S'), source }]),
    );
    await caller.edi.ingest(
      file(
        profile.id,
        [
          {
            kind: 'shipmentNotice',
            document: {
              shipmentId: 'SH-1',
              poNumber: 'PO-S',
              shipDate: '2024-01-20',
              status: 'shipped',
              lines: [],
            },
            source,
          },
        ],
        { documentType: '856' },
      ),
    );
    let [order] = await t.db.select().from(orders).where(eq(orders.id, created.orderId!));
    expect(order!.status).toBe('shipped');
    await caller.edi.ingest(
      file(
        profile.id,
        [
          {
            kind: 'invoice',
            document: {
              invoiceNumber: 'INV-1',
              invoiceDate: '2024-01-21',
              poNumber: 'PO-S',
              currency: 'EUR',
              lines: [],
              totalMinor: 61_781,
            },
            source,
          },
        ],
        { documentType: '810' },
      ),
    );
    [order] = await t.db.select().from(orders).where(eq(orders.id, created.orderId!));
    expect(order!.status).toBe('invoiced');
    const events = await t.db.select().from(orderEvents).where(eq(orderEvents.orderId, created.orderId!));
    expect(events.map((e) => [e.kind, e.reference, e.amountMinor]).sort()).toEqual([
      ['invoice', 'INV-1', 61_781],
      ['shipment', 'SH-1', null],
    ]);
  });

  it('refuses people and keys without the edi scope; profiles are admin-managed', async () => {
    const { profile } = await setup();
    const partner = (await makeUser(t.db, { role: 'partner_admin' })).principal;
    const crmKey: Integration = {
      kind: 'integration',
      apiKeyId: randomUUID(),
      scopes: ['crm:read'],
      locale: 'en',
    };
    for (const p of [partner, rep, admin, crmKey]) {
      const { caller } = callerFor(t.db, p);
      const e = await failure(caller.edi.ingest(file(profile.id, [])));
      expect(e.code).toBe('FORBIDDEN');
      expect(
        (await failure(caller.edi.nextControlNumbers({ profileId: profile.id, kinds: { interchange: 1 } })))
          .code,
      ).toBe('FORBIDDEN');
    }
    for (const p of [partner, rep, bridge]) {
      const e = await failure(
        callerFor(t.db, p).caller.edi.updateProfile({ id: profile.id, data: { pollIntervalSeconds: 5 } }),
      );
      expect(e.code).toBe('FORBIDDEN');
    }
    expect((await failure(callerFor(t.db, partner).caller.edi.profiles())).code).toBe('FORBIDDEN');
    const listed = await callerFor(t.db, bridge).caller.edi.profiles();
    expect(listed.map((p) => p.id)).toContain(profile.id);
  });

  it('validates profiles: a host key that is not a SHA256 fingerprint, a path with .. are refused', async () => {
    const org = await makePartnerOrg(t.db);
    const { caller } = callerFor(t.db, admin);
    const base = { partnerOrgId: org.id, name: 'bad', standard: 'x12' as const, version: '004010' as const };
    const badKey = await failure(
      caller.edi.createProfile({
        ...base,
        transport: { kind: 'sftp', host: 'h', username: 'u', privateKeyPath: '/k', hostKeySha256: 'nope' },
      }),
    );
    expect(badKey.code).toBe('BAD_REQUEST');
    const badPath = await failure(
      caller.edi.createProfile({ ...base, inboxPath: '../etc', transport: { kind: 'local', root: '/tmp' } }),
    );
    expect(badPath.code).toBe('BAD_REQUEST');
  });
});

describe('edi control numbers and outbound', () => {
  it('hands out unique control numbers under 20 concurrent calls', async () => {
    const { profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        caller.edi.nextControlNumbers({ profileId: profile.id, kinds: { interchange: 1, group: 2 } }),
      ),
    );
    const interchanges = results.map((r) => r.interchange!);
    expect(new Set(interchanges).size).toBe(20);
    expect([...interchanges].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const groups = results.flatMap((r) => [r.group!, r.group! + 1]);
    expect(new Set(groups).size).toBe(40);
  });

  it('records one acknowledgement per inbound message; a re-run gets the stored one back', async () => {
    const { profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const input = file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-ACK'), source }]);
    const inbound = await caller.edi.ingest(input);
    const ack = {
      profileId: profile.id,
      documentType: '997',
      interchangeControlNumber: '000000001',
      relatedMessageId: inbound.messageId,
    };
    const first = await caller.edi.recordOutbound({ ...ack, fileName: 'ack-1.edi', raw: 'ISA…997…' });
    const second = await caller.edi.recordOutbound({ ...ack, fileName: 'ack-2.edi', raw: 'ISA…other…' });
    expect(second).toEqual(first);
    const dup = await caller.edi.ingest(input);
    expect(dup).toMatchObject({ status: 'duplicate', ack: { messageId: first.messageId, status: 'queued' } });
    await caller.edi.markSent({ messageId: first.messageId });
    await caller.edi.markSent({ messageId: first.messageId });
    const [stored] = await t.db
      .select()
      .from(ediMessages)
      .where(and(eq(ediMessages.id, first.messageId), eq(ediMessages.direction, 'outbound')));
    expect(stored).toMatchObject({
      status: 'sent',
      relatedMessageId: inbound.messageId,
      fileName: 'ack-1.edi',
    });
  });

  it('lists messages newest first with a cursor, and reprocesses a rejected one through ingest', async () => {
    const { profile } = await setup();
    const bridgeCaller = callerFor(t.db, bridge).caller;
    const bad = file(profile.id, [
      { kind: 'purchaseOrder', document: po('PO-R', { currency: undefined }), source },
    ]);
    const rejected = await bridgeCaller.edi.ingest(bad);
    expect(rejected.status).toBe('rejected');
    for (let i = 0; i < 3; i++)
      await bridgeCaller.edi.ingest(
        file(profile.id, [{ kind: 'purchaseOrder', document: po(`PO-L${i}`), source }]),
      );
    const adminCaller = callerFor(t.db, admin).caller;
    const page1 = await adminCaller.edi.messages({ profileId: profile.id, limit: 3 });
    const page2 = await adminCaller.edi.messages({
      profileId: profile.id,
      limit: 3,
      cursor: page1.nextCursor!,
    });
    expect(page1.items).toHaveLength(3);
    expect(page2.items.map((m) => m.id)).toEqual([rejected.messageId]);
    expect((await failure(callerFor(t.db, rep).caller.edi.reprocess({ id: rejected.messageId }))).code).toBe(
      'FORBIDDEN',
    );
    await adminCaller.edi.reprocess({ id: rejected.messageId });
    expect((await bridgeCaller.edi.pending({ profileId: profile.id })).map((m) => m.id)).toEqual([
      rejected.messageId,
    ]);
    // The profile now names a default currency: the same stored file goes through.
    await adminCaller.edi.updateProfile({
      id: profile.id,
      data: { settings: { acknowledgements: true, defaultCurrency: 'EUR', partyAccounts: {} } },
    });
    const again = await bridgeCaller.edi.ingest(bad);
    expect(again).toMatchObject({ status: 'processed', messageId: rejected.messageId });
    expect(await bridgeCaller.edi.pending({ profileId: profile.id })).toEqual([]);
  });
});

describe('edi profiles and acknowledgements stored with the message', () => {
  it('stores the acknowledgement in the ingest transaction and hands it back for a re-sent file', async () => {
    const { profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const ack = {
      documentType: '997',
      fileName: '997_000000042.edi',
      raw: 'ISA…997…',
      interchangeControlNumber: '000000042',
    };
    const input = file(profile.id, [{ kind: 'purchaseOrder', document: po('PO-ACK2'), source }], { ack });
    const first = await caller.edi.ingest(input);
    expect(first.ack).toMatchObject({ fileName: ack.fileName, raw: ack.raw, status: 'queued' });
    // A re-run builds a new acknowledgement with new numbers; the stored one wins.
    const again = await caller.edi.ingest({ ...input, ack: { ...ack, fileName: '997_000000043.edi' } });
    expect(again).toMatchObject({
      status: 'duplicate',
      storedStatus: 'processed',
      ack: { messageId: first.ack!.messageId, fileName: ack.fileName },
    });
    const outbound = await t.db
      .select()
      .from(ediMessages)
      .where(and(eq(ediMessages.profileId, profile.id), eq(ediMessages.direction, 'outbound')));
    expect(outbound).toHaveLength(1);
  });

  it('shows people that an SFTP key is stored, never the key; the bridge gets it', async () => {
    const org = await makePartnerOrg(t.db);
    const created = await callerFor(t.db, admin).caller.edi.createProfile({
      partnerOrgId: org.id,
      name: 'with key',
      standard: 'edifact',
      version: 'D96A',
      transport: {
        kind: 'sftp',
        host: 'sftp.partner.example',
        username: 'konsort',
        privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----secret',
        hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
      },
    });
    const forAdmin = (await callerFor(t.db, admin).caller.edi.profiles()).find((p) => p.id === created.id);
    expect(forAdmin?.transport).toMatchObject({
      kind: 'sftp',
      privateKey: '***',
      port: 22,
      tempSuffix: '.tmp',
    });
    const forBridge = (await callerFor(t.db, bridge).caller.edi.profiles()).find((p) => p.id === created.id);
    expect(forBridge?.transport).toMatchObject({ privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----secret' });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(JSON.stringify(audit)).not.toContain('secret');
  });
});

describe('lineTotalMinor', () => {
  it('multiplies exactly and rounds half away from zero to the currency digits', () => {
    expect(lineTotalMinor('2.5', { minor: 7125, scale: 3 }, 2)).toBe(1781);
    expect(lineTotalMinor('3', { minor: 1, scale: 3 }, 2)).toBe(0);
    expect(lineTotalMinor('5', { minor: 1, scale: 3 }, 2)).toBe(1);
    expect(lineTotalMinor('-5', { minor: 1, scale: 3 }, 2)).toBe(-1);
    expect(lineTotalMinor('10', { minor: 1500, scale: 0 }, 2)).toBe(1_500_000);
  });
});
