/**
 * `edi.ingestMany` (the backlog path) on PGlite and PostgreSQL: the same effects as one `ingest`
 * per file — compared row by row against the single-file path on twin profiles — plus duplicates
 * inside and across batches, the single-file fallback for changes/invalid files, a file failing
 * alone, and two overlapping batches racing (PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { auditLog, ediMessages, orderLines, orders } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, asc, eq, inArray } from 'drizzle-orm';
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

let t: TestDatabase;
let admin: Principal;
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.db, { role: 'admin' })).principal;
});
afterAll(async () => {
  await t?.destroy();
});

async function setup(accountId?: string) {
  const org = await makePartnerOrg(t.db, { name: `Müller ${randomUUID().slice(0, 4)}` });
  const { caller } = callerFor(t.db, admin);
  const profile = await caller.edi.createProfile({
    partnerOrgId: org.id,
    name: 'Müller X12',
    standard: 'x12',
    version: '004010',
    settings: {
      acknowledgements: true,
      partyAccounts: accountId ? { '4012345000009': accountId } : {},
    },
    transport: { kind: 'local', root: '/tmp/edi-test' },
  });
  return { org, profile };
}

type FileInput = Omit<z.input<typeof ingestInput>, 'profileId'>;
type Po = z.input<typeof purchaseOrderSchema>;

function po(poNumber: string, overrides: Partial<Po> = {}): Po {
  return {
    poNumber,
    poDate: '2024-01-15',
    purpose: 'original',
    currency: 'EUR',
    buyer: { name: 'Unknown Buyer AG', id: '4012345000009', idQualifier: 'UL' },
    references: [],
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

const source = { interchangeControlNumber: '1', messageType: '850', messageControlNumber: '0001' };

let counter = 0;
function file(documents: FileInput['documents'], extra: Partial<FileInput> = {}): FileInput {
  counter++;
  const icn = String(700_000 + counter).padStart(9, '0');
  return {
    fileName: `po-${icn}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw: `ISA*…*${icn}~`,
    standard: 'x12',
    interchangeControlNumber: icn,
    senderId: 'ZZ:MUELLERGMBH',
    receiverId: 'ZZ:KONSORT',
    documentType: '850',
    valid: true,
    errors: [],
    documents,
    ack: {
      documentType: '997',
      fileName: `997_${icn}.edi`,
      raw: `ISA*997*${icn}~`,
      interchangeControlNumber: icn,
    },
    ...extra,
  };
}
const order = (document: Po): FileInput['documents'][number] => ({ kind: 'purchaseOrder', document, source });

/** What a profile's ingestion left behind, without ids and timestamps, for comparing two profiles. */
async function footprint(profileId: string, partnerOrgId: string) {
  const rows = await t.db
    .select()
    .from(orders)
    .where(eq(orders.partnerOrgId, partnerOrgId))
    .orderBy(asc(orders.poNumber));
  const lines = rows.length
    ? await t.db
        .select()
        .from(orderLines)
        .where(
          inArray(
            orderLines.orderId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(orderLines.id))
    : [];
  const messages = await t.db
    .select()
    .from(ediMessages)
    .where(eq(ediMessages.profileId, profileId))
    .orderBy(asc(ediMessages.fileName));
  const byId = new Map(messages.map((m) => [m.id, m]));
  const audit = await t.db
    .select()
    .from(auditLog)
    .where(
      inArray(auditLog.entityId, [...rows.map((r) => r.id), ...messages.map((m) => m.id)].concat(['-'])),
    );
  return {
    orders: rows.map((o) => ({
      poNumber: o.poNumber,
      accountId: o.accountId,
      opportunityId: o.opportunityId,
      currency: o.currency,
      totalMinor: o.totalMinor,
      discrepancyMinor: o.discrepancyMinor,
      status: o.status,
      source: byId.get(o.sourceMessageId ?? '')?.fileName,
      document: o.document,
      lines: lines.filter((l) => l.orderId === o.id).map(({ id: _i, orderId: _o, ...l }) => l),
    })),
    messages: messages.map((m) => ({
      direction: m.direction,
      fileName: m.fileName,
      status: m.status,
      errors: m.errors,
      raw: m.raw,
      related: byId.get(m.relatedMessageId ?? '')?.fileName ?? null,
    })),
    audit: audit
      .map((a) => {
        const entity =
          a.entity === 'order'
            ? rows.find((r) => r.id === a.entityId)?.poNumber
            : byId.get(a.entityId)?.fileName;
        const changes = { ...a.changes };
        // Ids differ between the two profiles by construction; the rest must not.
        delete changes.sourceMessageId;
        return { action: a.action, entity: a.entity, of: entity, actorType: a.actorType, changes };
      })
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
  };
}

describe('edi.ingestMany', () => {
  it('has the same effects as one ingest per file: orders, lines, messages, acknowledgements, audit', async () => {
    const owner = (await makeUser(t.db)).user.id;
    const account = await makeAccount(t.db, owner);
    const deal = await makeOpportunity(t.db, account.id, owner, { stage: 'won', amountMinor: 70_000 });
    const single = await setup(account.id);
    const batch = await setup(account.id);
    await share(t.db, deal.id, single.org.id, 'view');
    await share(t.db, deal.id, batch.org.id, 'view');

    const withDeal = { references: [{ qualifier: 'CT', value: deal.id }] };
    const files = [
      file([order(po('PO-A', withDeal))]), // bulk
      file([order(po('PO-B'))]), // bulk
      file([order(po('PO-C', withDeal))]), // changed below → both single-file
      file([order(po('PO-C', { purpose: 'change', lines: [po('x').lines[0]!] }))]),
      file([order(po('PO-D', { currency: undefined }))]), // no currency: rejected (business rule)
      file([], { valid: false, errors: [{ level: 'interchange', code: '023', message: 'missing IEA' }] }),
      file([
        {
          kind: 'invoice',
          document: {
            invoiceNumber: 'INV-1',
            invoiceDate: '2024-02-01',
            poNumber: 'PO-B2',
            currency: 'EUR',
            lines: [],
            totalMinor: 100,
          },
          source,
        },
      ]),
      file([order(po('PO-E1')), order(po('PO-E2'))]), // two orders in one file, bulk
    ];
    const one = callerFor(t.db, bridge).caller;
    const singleResults = [];
    for (const f of files) singleResults.push(await one.edi.ingest({ ...f, profileId: single.profile.id }));
    const { results } = await one.edi.ingestMany({ profileId: batch.profile.id, files });

    expect(results.map((r) => r.status)).toEqual(singleResults.map((r) => r.status));
    expect(results.map((r) => r.status)).toEqual([
      'processed',
      'processed',
      'processed',
      'processed',
      'rejected',
      'rejected',
      'processed',
      'processed',
    ]);
    for (const r of results) {
      if (r.status === 'failed') throw new Error(r.error);
      expect(r.ack).toMatchObject({ status: 'queued' });
    }
    const a = await footprint(single.profile.id, single.org.id);
    const b = await footprint(batch.profile.id, batch.org.id);
    expect(b.orders).toEqual(a.orders);
    expect(b.messages).toEqual(a.messages);
    expect(b.audit).toEqual(a.audit);
    expect(b.orders.find((o) => o.poNumber === 'PO-A')).toMatchObject({
      accountId: account.id,
      opportunityId: deal.id,
      totalMinor: 61_781,
      discrepancyMinor: 70_000 - 61_781,
    });
    expect(b.orders.find((o) => o.poNumber === 'PO-C')).toMatchObject({
      status: 'changed',
      totalMinor: 60_000,
    });
    expect(b.messages.filter((m) => m.direction === 'outbound')).toHaveLength(files.length);
  });

  it('sending a batch again returns every file as duplicate with the acknowledgement stored the first time', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const files = Array.from({ length: 30 }, (_, i) => file([order(po(`PO-R${i}`))]));
    const first = await caller.edi.ingestMany({ profileId: profile.id, files });
    // A crash after the commit: the bridge sends the same files again, with newly built acks.
    const again = await caller.edi.ingestMany({
      profileId: profile.id,
      files: files.map((f) => ({ ...f, ack: { ...f.ack!, fileName: `new-${f.ack!.fileName}` } })),
    });
    expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
    expect(
      again.results.map((r) =>
        r.status === 'failed' ? null : [r.messageId, r.ack?.messageId, r.ack?.fileName],
      ),
    ).toEqual(
      first.results.map((r) =>
        r.status === 'failed' ? null : [r.messageId, r.ack?.messageId, r.ack?.fileName],
      ),
    );
    expect(await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id))).toHaveLength(30);
  });

  it('takes the same file twice in one batch once: the second is a duplicate of the first', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    const f = file([order(po('PO-TWIN'))]);
    const { results } = await caller.edi.ingestMany({
      profileId: profile.id,
      files: [f, file([order(po('PO-OTHER'))]), f],
    });
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed', 'duplicate']);
    expect(results[2]).toMatchObject({
      messageId: results[0]!.status === 'failed' ? '' : results[0]!.messageId,
    });
    expect(await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id))).toHaveLength(2);
  });

  it('a file that fails in the database fails alone; the others of the batch commit', async () => {
    const { org, profile } = await setup();
    const { caller } = callerFor(t.db, bridge);
    // numeric(18,4) cannot hold this quantity: the INSERT of the lines fails.
    const broken = po('PO-BROKEN', {
      lines: [{ ...po('x').lines[0]!, quantity: '123456789012345678901234' }],
    });
    const files = [file([order(po('PO-OK1'))]), file([order(broken)]), file([order(po('PO-OK2'))])];
    const { results } = await caller.edi.ingestMany({ profileId: profile.id, files });
    expect(results.map((r) => r.status)).toEqual(['processed', 'failed', 'processed']);
    const rows = await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id));
    expect(rows.map((r) => r.poNumber).sort()).toEqual(['PO-OK1', 'PO-OK2']);
    // Nothing of the failed file was kept: it can be sent again once fixed.
    const messages = await t.db
      .select()
      .from(ediMessages)
      .where(and(eq(ediMessages.profileId, profile.id), eq(ediMessages.fileName, files[1]!.fileName)));
    expect(messages).toEqual([]);
  });

  it('is for the bridge only, and validates the batch', async () => {
    const { profile } = await setup();
    const rep = (await makeUser(t.db, { role: 'rep' })).principal;
    expect(
      await failure(
        callerFor(t.db, rep).caller.edi.ingestMany({
          profileId: profile.id,
          files: [file([order(po('P'))])],
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(callerFor(t.db, bridge).caller.edi.ingestMany({ profileId: profile.id, files: [] })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it.skipIf(process.env.KONSORT_TEST_DRIVER !== 'postgres')(
    'two overlapping batches at once: every order once, no deadlock',
    async () => {
      const { org, profile } = await setup();
      const { caller } = callerFor(t.db, bridge);
      const files = Array.from({ length: 60 }, (_, i) => file([order(po(`PO-RACE${i}`))]));
      const left = files.slice(0, 40);
      const right = [...files.slice(20)].reverse();
      const [x, y] = await Promise.all([
        caller.edi.ingestMany({ profileId: profile.id, files: left }),
        caller.edi.ingestMany({ profileId: profile.id, files: right }),
      ]);
      const statuses = [...x.results, ...y.results].map((r) => r.status);
      expect(statuses.filter((s) => s === 'failed')).toEqual([]);
      expect(statuses.filter((s) => s === 'processed')).toHaveLength(60);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(20);
      expect(await t.db.select().from(orders).where(eq(orders.partnerOrgId, org.id))).toHaveLength(60);
    },
  );
});
