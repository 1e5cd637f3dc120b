/**
 * Outbound EDI end to end over the local-folder transport against a real portal: a won deal
 * shared with the supplier leaves as an 850, an inbound order accepted in the portal as an 855,
 * the shared deals as a JSON feed — each written under a temporary name and renamed, each once
 * (a second run sends nothing new), each readable by our own grammar.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  callerFor,
  type EdiTestPortal,
  makeAccount,
  makeOpportunity,
  makeUser,
  share,
  startEdiTestPortal,
} from '@konsort/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate, validate } from './grammar/index.ts';
import { createPortalClient, type PortalClient } from './portal-client.ts';
import { runOnce } from './service.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

let portal: EdiTestPortal;
let client: PortalClient;
let root: string;

beforeAll(async () => {
  portal = await startEdiTestPortal({ partnerKind: 'supplier' });
  client = createPortalClient({ KONSORT_PORTAL_URL: portal.url, KONSORT_API_KEY: portal.apiKey });
  root = await mkdtemp(join(tmpdir(), 'konsort-edi-out-'));
  await portal.createProfile({
    name: 'Müller X12',
    standard: 'x12',
    version: '004010',
    identifiers: { theirId: 'MUELLERGMBH', theirQualifier: 'ZZ', ourId: 'KONSORT', ourQualifier: 'ZZ' },
    settings: { acknowledgements: true, partyAccounts: {}, dealFeed: 'json' },
    transport: { kind: 'local', root },
    pollIntervalSeconds: 1,
  });
});
afterAll(async () => {
  await portal?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const outbox = async () => (await readdir(join(root, 'outbox')).catch(() => [] as string[])).sort();
const read = (name: string) => readFile(join(root, 'outbox', name), 'utf8');

describe('outbound over a local mailbox', () => {
  it('a won deal shared with the supplier leaves as one 850; the feed lists the shared deals', async () => {
    if (portal.admin.kind !== 'internal') throw new Error('expected an internal admin');
    const account = await makeAccount(portal.db, portal.admin.userId, { name: 'Schäfer Antriebe KG' });
    const deal = await makeOpportunity(portal.db, account.id, portal.admin.userId, {
      name: 'Retrofit Halle 3',
      stage: 'won',
      amountMinor: 1_234_550,
      closedAt: new Date(),
    });
    await share(portal.db, deal.id, portal.partnerOrgId, 'view');

    const stats = await runOnce({ client, stabilityWaitMs: 10 });
    expect(stats.failed).toBe(0);
    const files = await outbox();
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const orderFile = files.find((f) => f.startsWith('850_'));
    expect(orderFile).toBeDefined();
    const text = await read(orderFile!);
    expect(validate(text).valid).toBe(true);
    const [doc] = translate(text).documents;
    expect(doc).toMatchObject({
      kind: 'purchaseOrder',
      document: {
        purpose: 'original',
        currency: 'EUR',
        references: [{ qualifier: 'CT', value: 'Retrofit Halle 3' }],
        lines: [{ quantity: '1', unitPrice: { minor: 1_234_550 } }],
      },
    });
    expect(text).toContain('*ZZ*KONSORT        *ZZ*MUELLERGMBH    *');
    const orders = await portal.orders();
    expect(orders.map((o) => o.poNumber)).toEqual([(doc!.document as { poNumber: string }).poNumber]);

    const feedFile = files.find((f) => f.startsWith('deals_') && f.endsWith('.json'));
    const feed = JSON.parse(await read(feedFile!));
    expect(feed.columns[0]).toBe('deal_id');
    expect(feed.deals).toEqual([
      expect.objectContaining({
        deal_id: deal.id,
        account_name: 'Schäfer Antriebe KG',
        amount: '12345.5',
        access: 'view',
      }),
    ]);

    // Exactly once: nothing new on the next runs.
    await runOnce({ client, stabilityWaitMs: 10 });
    await runOnce({ client, stabilityWaitMs: 10 });
    expect(await outbox()).toEqual(files);
    const sent = (await portal.messages()).filter((m) => m.direction === 'outbound');
    expect(sent.every((m) => m.status === 'sent')).toBe(true);
    expect(sent.map((m) => m.fileName).sort()).toEqual(files);
  });

  it('an inbound order accepted with a changed quantity goes back as an 855 the partner can read', async () => {
    await mkdir(join(root, 'inbox'), { recursive: true });
    await copyFile(fixture('x12/850-004010-valid.edi'), join(root, 'inbox', 'po-1.edi'));
    await runOnce({ client, stabilityWaitMs: 10 });
    const order = (await portal.orders()).find((o) => o.poNumber === '4500012345');
    expect(order).toBeDefined();
    const before = await outbox();
    const rep = (await makeUser(portal.db, { role: 'rep' })).principal;
    await callerFor(portal.db, rep).caller.order.respond({
      id: order!.id,
      status: 'changed',
      lines: [{ lineNumber: '1', quantity: '40' }],
    });
    await runOnce({ client, stabilityWaitMs: 10 });
    const added = (await outbox()).filter((f) => !before.includes(f));
    expect(added).toEqual([expect.stringMatching(/^855_\d{9}\.edi$/)]);
    const text = await read(added[0]!);
    expect(validate(text).valid).toBe(true);
    const [doc] = translate(text).documents;
    expect(doc).toMatchObject({
      kind: 'purchaseOrderResponse',
      document: {
        poNumber: '4500012345',
        status: 'changed',
        lines: expect.arrayContaining([
          expect.objectContaining({ lineNumber: '1', quantity: '40', status: 'changed' }),
        ]),
      },
    });
    await runOnce({ client, stabilityWaitMs: 10 });
    expect((await outbox()).filter((f) => !before.includes(f))).toEqual(added);
  });
});
