/**
 * Through the portal's pages: a partner admin invites a colleague who accepts the mailed link
 * and is signed in, then deactivates them; a rep captures a lead, offers it to the partner,
 * which accepts it in its inbox, and the rep converts it into a shared deal; an admin exports
 * and erases a contact on the data-protection page.
 */
import { createApiKey, principalFromUser } from '@konsort/api';
import { contacts, outboundMails, partnerOrgs, users } from '@konsort/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, fields: Record<string, string>) =>
  formPost(t.url, `${cookie}; konsort_lang=de`, fields);
const get = (cookie: string) => ({
  headers: { Cookie: `${cookie}; konsort_lang=de` },
  redirect: 'manual' as const,
});

async function tokenMailedTo(email: string): Promise<string> {
  // The portal has no query builder of its own: read the outbox and pick in JS.
  const mails = (await t.db.db.select().from(outboundMails))
    .filter((m) => m.toAddresses.includes(email))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mails[0]?.textBody ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

const userByEmail = async (email: string) =>
  (await t.db.db.select().from(users)).find((u) => u.email === email);

describe('team page and invitation link', () => {
  it('a partner admin invites a colleague, who sets a password and is signed in; then deactivates them', async () => {
    const boss = t.logins.find((l) => l.role === 'partner_admin')!;
    const cookie = await login(t.url, boss.email, boss.password);
    const page = await fetch(`${t.url}/team`, get(cookie));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<h2[^>]*>Jemanden einladen/);

    const invited = await fetch(
      `${t.url}/team`,
      post(cookie, {
        intent: 'invite',
        name: 'Paula Partner',
        email: 'paula@partner-neu.example',
        role: 'partner_member',
      }),
    );
    expect(invited.status).toBe(200);
    expect(await invited.text()).toContain('Einladung an paula@partner-neu.example gesendet.');
    const token = await tokenMailedTo('paula@partner-neu.example');

    const accept = await fetch(`${t.url}/invite/${token}`, { headers: { Cookie: 'konsort_lang=de' } });
    expect(accept.status).toBe(200);
    expect(await accept.text()).toContain('paula@partner-neu.example');
    const mismatch = await fetch(
      `${t.url}/invite/${token}`,
      post('', {
        name: 'Paula Partner',
        password: 'ein langes Passwort',
        passwordRepeat: 'ein anderes Passwort',
      }),
    );
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toMatch(
      /id="passwordRepeat-error"[^>]*>Die beiden Passwörter stimmen nicht überein\./,
    );
    const done = await fetch(
      `${t.url}/invite/${token}`,
      post('', {
        name: 'Paula Partner',
        password: 'ein langes Passwort',
        passwordRepeat: 'ein langes Passwort',
      }),
    );
    expect(done.status).toBe(302);
    const session = (done.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await fetch(`${t.url}/opportunities`, get(session))).status).toBe(200);
    const used = await fetch(`${t.url}/invite/${token}`, { headers: { Cookie: 'konsort_lang=de' } });
    expect(used.status).toBe(409);
    expect(await used.text()).toMatch(
      /role="alert"[^>]*>Diese Einladung wurde bereits verwendet oder zurückgezogen\./,
    );

    const paula = await userByEmail('paula@partner-neu.example');
    const bossRow = await userByEmail(boss.email);
    expect(paula?.partnerOrgId).toBe(bossRow?.partnerOrgId);
    await fetch(`${t.url}/team`, post(cookie, { intent: 'setActive', id: paula!.id, active: 'false' }));
    expect((await fetch(`${t.url}/opportunities`, get(session))).status).toBe(302);

    // A rep has no team page; a partner member sees its team but cannot manage it.
    const rep = t.logins.find((l) => l.role === 'rep')!;
    expect((await fetch(`${t.url}/team`, get(await login(t.url, rep.email, rep.password)))).status).toBe(403);
    const member = t.logins.find((l) => l.role === 'partner_member' && l.partnerOrg === boss.partnerOrg)!;
    const memberPage = await fetch(`${t.url}/team`, get(await login(t.url, member.email, member.password)));
    expect(memberPage.status).toBe(200);
    expect(await memberPage.text()).not.toMatch(/<h2[^>]*>Jemanden einladen/);
  });
});

describe('lead pages', () => {
  it('a rep captures and offers a lead; the partner accepts in its inbox; the rep converts it into a shared deal', async () => {
    const rep = t.logins.find((l) => l.role === 'rep')!;
    const boss = t.logins.find((l) => l.role === 'partner_admin')!;
    const repCookie = await login(t.url, rep.email, rep.password);
    const partnerCookie = await login(t.url, boss.email, boss.password);
    const missing = await fetch(`${t.url}/leads/new`, post(repCookie, { companyName: '' }));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/id="companyName-error"[^>]*>Pflichtfeld\./);
    const created = await fetch(
      `${t.url}/leads/new`,
      post(repCookie, {
        companyName: 'Gießerei Lindenthal',
        contactName: 'Lars Lindenthal',
        email: 'lars@giesserei-lindenthal.example',
        source: 'form',
      }),
    );
    expect(created.status).toBe(302);
    const leadPath = created.headers.get('location')!;
    expect(leadPath).toMatch(/^\/leads\/[0-9a-f-]{36}$/);
    expect((await fetch(`${t.url}${leadPath}`, get(partnerCookie))).status).toBe(404);

    const org = (await t.db.db.select().from(partnerOrgs)).find((o) => o.name === boss.partnerOrg);
    const offered = await fetch(
      `${t.url}${leadPath}`,
      post(repCookie, { intent: 'offer', partnerOrgId: org!.id, days: '5' }),
    );
    expect(offered.status).toBe(302);
    const inbox = await (await fetch(`${t.url}/leads`, get(partnerCookie))).text();
    expect(inbox).toContain('Gießerei Lindenthal');
    expect(inbox).not.toContain('Lars Lindenthal');
    const noReason = await fetch(
      `${t.url}${leadPath}`,
      post(partnerCookie, { intent: 'decline', reason: '' }),
    );
    expect(noReason.status).toBe(400);
    expect((await fetch(`${t.url}${leadPath}`, post(partnerCookie, { intent: 'accept' }))).status).toBe(302);
    expect(await (await fetch(`${t.url}${leadPath}`, get(partnerCookie))).text()).toContain(
      'Lars Lindenthal',
    );

    const converted = await fetch(
      `${t.url}${leadPath}`,
      post(repCookie, {
        intent: 'convert',
        street: 'Hüttenweg 4',
        postalCode: '50933',
        city: 'Köln',
        country: 'DE',
      }),
    );
    expect(converted.status).toBe(302);
    const dealPath = converted.headers.get('location')!;
    expect(dealPath).toMatch(/^\/opportunities\/[0-9a-f-]{36}$/);
    expect((await fetch(`${t.url}${dealPath}`, get(partnerCookie))).status).toBe(200);
  });
});

describe('lead CSV upload', () => {
  it('a rep uploads a CSV: a bad row refuses the whole file with its line; a good file imports', async () => {
    const rep = t.logins.find((l) => l.role === 'rep')!;
    const cookie = await login(t.url, rep.email, rep.password);
    const upload = (csv: string) => {
      const form = new FormData();
      form.set('intent', 'csv');
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'leads.csv');
      return fetch(`${t.url}/leads/new`, {
        method: 'POST',
        headers: { Cookie: `${cookie}; konsort_lang=de`, Origin: t.url },
        body: form,
      });
    };
    const refused = await upload('Firma;E-Mail\nCSV Kunde Eins;eins@csv.example\n;ohne@csv.example\n');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<li>Zeile 3, companyName: Pflichtfeld\.<\/li>/);
    const imported = await upload(
      'Firma;E-Mail\nCSV Kunde Eins;eins@csv.example\nCSV Kunde Zwei;zwei@csv.example\n',
    );
    expect(imported.status).toBe(200);
    expect(await imported.text()).toMatch(/role="status"[^>]*>2 Leads importiert\./);
    expect(await (await fetch(`${t.url}/leads?q=CSV+Kunde`, get(cookie))).text()).toContain('CSV Kunde Zwei');
  });
});

describe('lead capture over the API', () => {
  it('an API key with scope leads captures a lead over HTTP; one without it is refused', async () => {
    const admin = await userByEmail(t.logins.find((l) => l.role === 'admin')!.email);
    const adminPrincipal = principalFromUser(admin!);
    const leadsKey = await createApiKey(t.db.db, adminPrincipal, { name: 'Website', scopes: ['leads'] });
    const ediKey = await createApiKey(t.db.db, adminPrincipal, { name: 'EDI', scopes: ['edi'] });
    const capture = (token: string) =>
      fetch(`${t.url}/trpc/lead.capture`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          json: { companyName: 'Webformular Kunde AG', email: 'info@webkunde.example' },
        }),
      });
    const ok = await capture(leadsKey.token);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { result: { data: { json: { source: string; domain: string } } } };
    expect(body.result.data.json).toMatchObject({ source: 'api', domain: 'webkunde.example' });
    expect((await capture(ediKey.token)).status).toBe(403);
    expect((await capture('ks_nothing_atall')).status).toBe(401);
  });
});

describe('data-protection page', () => {
  it('an admin finds, exports and erases a contact; nobody else may', async () => {
    const admin = t.logins.find((l) => l.role === 'admin')!;
    const cookie = await login(t.url, admin.email, admin.password);
    const [contact] = await t.db.db.select().from(contacts).limit(1);
    const name = `${contact!.firstName} ${contact!.lastName}`;
    const found = await fetch(`${t.url}/admin/gdpr?q=${encodeURIComponent(contact!.lastName)}`, get(cookie));
    expect(found.status).toBe(200);
    expect(await found.text()).toContain(name);
    const exported = await fetch(`${t.url}/admin/gdpr/export/contact/${contact!.id}`, get(cookie));
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    const json = (await exported.json()) as { contact: { id: string; lastName: string } };
    expect(json.contact).toMatchObject({ id: contact!.id, lastName: contact!.lastName });

    const unconfirmed = await fetch(
      `${t.url}/admin/gdpr`,
      post(cookie, { kind: 'contact', id: contact!.id }),
    );
    expect(unconfirmed.status).toBe(400);
    const erased = await fetch(
      `${t.url}/admin/gdpr`,
      post(cookie, { kind: 'contact', id: contact!.id, confirm: 'yes' }),
    );
    expect(erased.status).toBe(200);
    expect(await erased.text()).toMatch(/role="status"[^>]*>Gelöscht; \d+ Protokolleinträge geschwärzt\./);
    const after = (await t.db.db.select().from(contacts)).find((c) => c.id === contact!.id);
    expect(after).toMatchObject({ firstName: '[erased]', lastName: '[erased]', email: null });

    const manager = t.logins.find((l) => l.role === 'manager')!;
    const managerCookie = await login(t.url, manager.email, manager.password);
    expect((await fetch(`${t.url}/admin/gdpr`, get(managerCookie))).status).toBe(403);
    expect(
      (await fetch(`${t.url}/admin/gdpr/export/contact/${contact!.id}`, get(managerCookie))).status,
    ).toBe(403);
  });
});
