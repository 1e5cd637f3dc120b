/**
 * The EDI monitor and the orders card on the deal, through the real server: a file ingested by the
 * bridge's API path shows up in the monitor (escaped raw text, error codes), an order on a deal
 * shows on the deal page with its discrepancy; reps and partners are refused the monitor.
 */
import { randomUUID } from 'node:crypto';
import type { Integration } from '@konsort/api';
import {
  callerFor,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '@konsort/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
let rejectedId: string;
let ackId: string;
let dealId: string;
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };
const hostileRaw = 'ISA*00*<script>alert("x")</script>*ZZ*HYDRAULIK & CO~GS*PO~';

function hash() {
  return randomUUID().replace(/-/g, '').padEnd(64, '0');
}

beforeAll(async () => {
  t = await startTestServer();
  const db = t.db.db;
  const { principal: admin } = await makeUser(db, { role: 'admin' });
  const org = await makePartnerOrg(db, { name: 'Monitor Handel GmbH' });
  const profile = await callerFor(db, admin).caller.edi.createProfile({
    partnerOrgId: org.id,
    name: 'Monitor X12',
    standard: 'x12',
    version: '004010',
    transport: { kind: 'local', root: '/tmp/konsort-edi-monitor-test' },
  });
  const { caller } = callerFor(db, bridge);
  const rejected = await caller.edi.ingest({
    profileId: profile.id,
    fileName: 'broken-850.edi',
    fileHash: hash(),
    raw: hostileRaw,
    standard: 'x12',
    interchangeControlNumber: '000004711',
    documentType: '850',
    valid: false,
    errors: [{ level: 'interchange', code: 'TA1:023', message: 'Improper (premature) end-of-file' }],
    documents: [],
    ack: { documentType: 'TA1', fileName: 'ta1-4711.edi', raw: 'ISA*…*TA1~', interchangeControlNumber: '1' },
  });
  rejectedId = rejected.messageId;
  ackId = rejected.ack!.messageId;
  // A won deal of 5,000.00 EUR shared with the partner, then ordered through EDI for 3.03 EUR.
  const owner = await makeUser(db, { role: 'rep' });
  const account = await makeAccount(db, owner.user.id);
  const deal = await makeOpportunity(db, account.id, owner.user.id, {
    stage: 'won',
    amountMinor: 500_000,
    currency: 'EUR',
  });
  dealId = deal.id;
  await share(db, dealId, org.id, 'view');
  const ordered = await caller.edi.ingest({
    profileId: profile.id,
    fileName: 'po-4712.edi',
    fileHash: hash(),
    raw: 'ISA*…~',
    standard: 'x12',
    interchangeControlNumber: '000004712',
    documentType: '850',
    valid: true,
    errors: [],
    documents: [
      {
        kind: 'purchaseOrder',
        source: { interchangeControlNumber: '000004712', messageType: '850', messageControlNumber: '0001' },
        document: {
          poNumber: 'PO-MONITOR-1',
          poDate: '2026-01-15',
          purpose: 'original',
          currency: 'EUR',
          references: [{ qualifier: 'CT', value: dealId }],
          lines: [
            {
              lineNumber: '1',
              quantity: '3',
              unit: 'EA',
              unitPrice: { decimal: '1.01', minor: 101, scale: 2 },
              productIds: [{ qualifier: 'BP', value: 'HX-4711' }],
              description: 'Ventilblock',
            },
          ],
        },
      },
    ],
  });
  expect(ordered.status).toBe('processed');
});
afterAll(async () => {
  await t?.close();
});

const loginAs = (email: string) => {
  const l = t.logins.find((x) => x.email === email)!;
  return login(t.url, l.email, l.password);
};
const get = async (path: string, cookie: string) =>
  fetch(`${t.url}${path}`, { headers: { Cookie: `${cookie}; konsort_lang=en` }, redirect: 'manual' });

describe('EDI monitor', () => {
  it('shows a manager the messages, the detail with escaped raw text and error codes, and the acknowledgement', async () => {
    const cookie = await loginAs('claudia.neumann@konsort.example');
    const list = await get('/edi', cookie);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('EDI monitor');
    expect(html).toContain('Rejected (24 h)');
    expect(html).toContain(`/edi/${rejectedId}`);
    expect(html).toContain('000004711');
    expect(html).toContain('Monitor X12');
    const filtered = await (await get('/edi?direction=outbound', cookie)).text();
    expect(filtered).toContain(`/edi/${ackId}`);
    expect(filtered).not.toContain(`/edi/${rejectedId}`);

    const detail = await get(`/edi/${rejectedId}`, cookie);
    expect(detail.status).toBe(200);
    const body = await detail.text();
    expect(body).toContain('TA1:023');
    expect(body).toContain('Improper (premature) end-of-file');
    expect(body).toContain('&lt;script&gt;alert(');
    expect(body).not.toContain('<script>alert(');
    expect(body).toContain(`/edi/${ackId}`);
    // Reprocessing is an admin's call: a manager gets no button.
    expect(body).not.toContain('value="reprocess"');
  });

  it('lets an admin reprocess a rejected inbound message', async () => {
    const cookie = await loginAs('admin@konsort.example');
    expect(await (await get(`/edi/${rejectedId}`, cookie)).text()).toContain('value="reprocess"');
    const response = await fetch(`${t.url}/edi/${rejectedId}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: t.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'reprocess' }),
    });
    expect(response.status).toBe(302);
    const after = await (await get(`/edi/${rejectedId}`, cookie)).text();
    expect(after).toContain('>Received</span>');
    expect(after).not.toContain('value="reprocess"');
  });

  it('refuses a rep and a partner (403) and shows them no EDI navigation', async () => {
    for (const email of ['jana.becker@konsort.example', 'markus.schmidt@hydraulik-schmidt.example']) {
      const cookie = await loginAs(email);
      expect((await get('/edi', cookie)).status).toBe(403);
      expect((await get(`/edi/${rejectedId}`, cookie)).status).toBe(403);
      expect(await (await get('/', cookie)).text()).not.toContain('href="/edi"');
    }
    const manager = await loginAs('claudia.neumann@konsort.example');
    expect(await (await get('/', manager)).text()).toContain('href="/edi"');
  });
});

describe('orders card on the deal', () => {
  it('shows the order with its lines and the discrepancy to the deal amount', async () => {
    const cookie = await loginAs('claudia.neumann@konsort.example');
    const response = await get(`/opportunities/${dealId}`, cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Orders');
    expect(html).toContain('PO PO-MONITOR-1');
    expect(html).toContain('HX-4711 – Ventilblock');
    expect(html).toContain('€3.03');
    expect(html).toContain('data-discrepancy');
    expect(html).toContain('differs from the deal amount');
  });
});
