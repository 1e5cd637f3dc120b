/**
 * The trading-partner profile editor and the order list, through the real server: an admin
 * creates and edits a profile with the form (field errors in English and German), others are
 * refused; staff see and answer every order, a partner user only its own organisation's (on deals
 * shared with it).
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
let ownOrgId: string;
let otherOrgId: string;
let ownOrderId: string;
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };
const partnerEmail = 'markus.schmidt@hydraulik-schmidt.example';

async function order(profileId: string, poNumber: string, dealId?: string) {
  const result = await callerFor(t.db.db, bridge).caller.edi.ingest({
    profileId,
    fileName: `${poNumber}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw: 'ISA*…~',
    standard: 'x12',
    interchangeControlNumber: String(Math.floor(Math.random() * 1e9)),
    documentType: '850',
    valid: true,
    errors: [],
    documents: [
      {
        kind: 'purchaseOrder',
        source: { interchangeControlNumber: '1', messageType: '850', messageControlNumber: '1' },
        document: {
          poNumber,
          poDate: '2026-01-15',
          purpose: 'original',
          currency: 'EUR',
          references: dealId ? [{ qualifier: 'CT', value: dealId }] : [],
          lines: [
            {
              lineNumber: '1',
              quantity: '2',
              unit: 'EA',
              unitPrice: { decimal: '10', minor: 1000, scale: 2 },
              productIds: [],
            },
          ],
        },
      },
    ],
  });
  return result.orderId!;
}

beforeAll(async () => {
  t = await startTestServer();
  const db = t.db.db;
  const partner = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, partnerEmail) });
  ownOrgId = partner!.partnerOrgId!;
  otherOrgId = (await makePartnerOrg(db, { name: 'Fremdlieferant AG' })).id;
  const { principal: admin } = await makeUser(db, { role: 'admin' });
  const { caller } = callerFor(db, admin);
  const profile = (orgId: string, name: string) =>
    caller.edi.createProfile({
      partnerOrgId: orgId,
      name,
      standard: 'x12',
      version: '004010',
      transport: { kind: 'local', root: '/tmp/konsort-orders-page' },
    });
  // Partners see their organisation's orders on deals shared with it (RLS on orders, migration 0007).
  const owner = await makeUser(db, { role: 'rep' });
  const account = await makeAccount(db, owner.user.id);
  const deal = await makeOpportunity(db, account.id, owner.user.id, { stage: 'won' });
  await share(db, deal.id, ownOrgId, 'view');
  ownOrderId = await order((await profile(ownOrgId, 'Own X12')).id, 'PO-OWN-1', deal.id);
  await order((await profile(otherOrgId, 'Other X12')).id, 'PO-FOREIGN-1');
});
afterAll(async () => {
  await t?.close();
});

const loginAs = (email: string) => {
  const l = t.logins.find((x) => x.email === email)!;
  return login(t.url, l.email, l.password);
};
const get = async (path: string, cookie: string, lang = 'en') =>
  fetch(`${t.url}${path}`, { headers: { Cookie: `${cookie}; konsort_lang=${lang}` }, redirect: 'manual' });
const post = (path: string, cookie: string, form: Record<string, string>, lang = 'en') =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Cookie: `${cookie}; konsort_lang=${lang}`,
      Origin: t.url,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });

const validProfile = () => ({
  name: 'Form SFTP',
  partnerOrgId: otherOrgId,
  standard: 'edifact',
  version: 'D96A',
  'identifiers.theirId': '4012345000009',
  'identifiers.theirQualifier': '14',
  'settings.acknowledgements': 'on',
  'settings.dealFeed': 'csv',
  'settings.delimiters.element': '+',
  'transport.kind': 'sftp',
  'transport.host': 'sftp.example.com',
  'transport.port': '2222',
  'transport.username': 'konsort',
  'transport.privateKeyPath': '/etc/konsort/edi_key',
  'transport.hostKeySha256': `SHA256:${'A'.repeat(43)}`,
  inboxPath: 'in',
  pollIntervalSeconds: '120',
  active: 'on',
});

describe('EDI profile editor', () => {
  it('lets an admin create a profile with the form, then change it', async () => {
    const cookie = await loginAs('admin@konsort.example');
    expect((await get('/admin/edi-profiles', cookie)).status).toBe(200);
    const created = await post('/admin/edi-profiles?index', cookie, validProfile());
    expect(created.status).toBe(302);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/edi-profiles\/[0-9a-f-]{36}\?saved=1$/);
    const id = location.split('/').at(-1)!.split('?')[0]!;
    const row = await t.db.db.query.ediProfiles.findFirst({ where: (p, { eq }) => eq(p.id, id) });
    expect(row).toMatchObject({
      standard: 'edifact',
      version: 'D96A',
      inboxPath: 'in',
      pollIntervalSeconds: 120,
    });
    expect(row!.transport).toMatchObject({
      kind: 'sftp',
      port: 2222,
      privateKeyPath: '/etc/konsort/edi_key',
    });
    expect(row!.settings).toMatchObject({
      acknowledgements: true,
      dealFeed: 'csv',
      delimiters: { element: '+' },
    });

    const page = await (await get(location, cookie)).text();
    expect(page).toContain('value="sftp.example.com"');
    expect(page).toContain('The profile was saved.');
    const changed = await post(location.split('?')[0]!, cookie, {
      ...validProfile(),
      pollIntervalSeconds: '30',
      'settings.acknowledgements': '',
    });
    expect(changed.status).toBe(302);
    const after = await t.db.db.query.ediProfiles.findFirst({ where: (p, { eq }) => eq(p.id, id) });
    expect(after).toMatchObject({ pollIntervalSeconds: 30 });
    expect(after!.settings).toMatchObject({ acknowledgements: false });
  });

  it('shows field errors in English and German and stores nothing', async () => {
    const cookie = await loginAs('admin@konsort.example');
    const before = (await t.db.db.query.ediProfiles.findMany()).length;
    const bad = {
      ...validProfile(),
      standard: 'x12',
      version: 'D96A',
      'transport.hostKeySha256': 'not a key',
      'settings.delimiters.segment': '+',
      inboxPath: '../etc',
    };
    const en = await post('/admin/edi-profiles?index', cookie, bad);
    expect(en.status).toBe(400);
    const html = await en.text();
    expect(html).toContain('This version does not belong to the chosen standard.');
    expect(html).toContain('Enter the host key fingerprint as ssh-keygen -lf prints it');
    expect(html).toContain('A folder below the mailbox root');
    expect(html).toContain('The delimiters must differ from each other.');
    const de = await (await post('/admin/edi-profiles?index', cookie, bad, 'de')).text();
    expect(de).toContain('Diese Version gehört nicht zum gewählten Standard.');
    expect(de).toContain('Ein Ordner unterhalb der Postfach-Wurzel');
    expect((await t.db.db.query.ediProfiles.findMany()).length).toBe(before);
  });

  it('refuses managers, reps and partners', async () => {
    for (const email of ['claudia.neumann@konsort.example', 'jana.becker@konsort.example', partnerEmail]) {
      const cookie = await loginAs(email);
      expect((await get('/admin/edi-profiles', cookie)).status).toBe(403);
      expect((await post('/admin/edi-profiles?index', cookie, validProfile())).status).toBe(403);
    }
  });
});

describe('order list', () => {
  it('shows staff every order, filtered by partner and status', async () => {
    const cookie = await loginAs('claudia.neumann@konsort.example');
    const all = await (await get('/orders', cookie)).text();
    expect(all).toContain('PO-OWN-1');
    expect(all).toContain('PO-FOREIGN-1');
    const filtered = await (await get(`/orders?partner=${otherOrgId}&status=received`, cookie)).text();
    expect(filtered).toContain('PO-FOREIGN-1');
    expect(filtered).not.toContain('PO-OWN-1');
    expect(await (await get('/orders?status=shipped', cookie)).text()).toContain('No orders match.');
  });

  it("shows a partner user only its organisation's orders, without answer buttons", async () => {
    const cookie = await loginAs(partnerEmail);
    const response = await get('/orders', cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('PO-OWN-1');
    expect(html).not.toContain('PO-FOREIGN-1');
    expect(html).not.toContain('Fremdlieferant AG');
    expect(html).not.toContain('name="intent"');
    expect(
      (await get(`/orders?partner=${otherOrgId}`, cookie).then((r) => r.text())).includes('PO-FOREIGN-1'),
    ).toBe(false);
    expect((await post('/orders?index', cookie, { id: ownOrderId, intent: 'accepted' })).status).toBe(403);
  });

  it('lets staff accept an order: status changes and an 855 is queued', async () => {
    const cookie = await loginAs('jana.becker@konsort.example');
    expect(await (await get('/orders', cookie)).text()).toContain('name="intent" value="accepted"');
    const response = await post('/orders?index', cookie, { id: ownOrderId, intent: 'accepted' });
    expect(response.status).toBe(302);
    const row = await t.db.db.query.orders.findFirst({ where: (o, { eq }) => eq(o.id, ownOrderId) });
    expect(row!.status).toBe('accepted');
  });
});
