/** Deal registration end to end: a partner registers, a manager reviews and approves, the partner gets the deal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, fields: Record<string, string>) => formPost(t.url, cookie, fields);

describe('deal registration', () => {
  it('a partner registers a deal, a manager sees the duplicate and approves, the partner sees the new deal', async () => {
    const partner = t.logins.find((l) => l.role === 'partner_member' && l.email.includes('nordtech'))!;
    const manager = t.logins.find((l) => l.email.startsWith('claudia.neumann'))!;
    const partnerCookie = `${await login(t.url, partner.email, partner.password)}; konsort_lang=de`;
    const managerCookie = `${await login(t.url, manager.email, manager.password)}; konsort_lang=de`;

    const form = {
      companyName: 'Mueller Verpackungstechnik',
      contactName: 'Jens Mueller',
      contactEmail: 'j.mueller@mueller-verpackung.example',
      amount: '48.500,00',
      currency: 'EUR',
      products: 'Schlauchbeutelmaschine SB-400',
      expectedCloseDate: '2027-02-15',
    };
    // A missing field: the form comes back with a German field error and the typed values.
    const { companyName: _missing, ...withoutName } = form;
    const invalid = await fetch(`${t.url}/registrations/new`, post(partnerCookie, withoutName));
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toMatch(/id="companyName-error"[^>]*>Pflichtfeld\./);
    expect(invalidHtml).toContain('Schlauchbeutelmaschine SB-400');

    const submitted = await fetch(`${t.url}/registrations/new`, post(partnerCookie, form));
    expect(submitted.status).toBe(302);
    const registrationPath = submitted.headers.get('location')!;
    expect(registrationPath).toMatch(/^\/registrations\/[0-9a-f-]{36}$/);
    const mine = await (await fetch(`${t.url}/registrations`, { headers: { Cookie: partnerCookie } })).text();
    expect(mine).toContain('Mueller Verpackungstechnik');
    expect(mine).toContain('>Eingereicht<');
    // Partners never see the candidates (other partners' registrations among them).
    const partnerDetail = await (
      await fetch(`${t.url}${registrationPath}`, { headers: { Cookie: partnerCookie } })
    ).text();
    // (The page carries the whole catalogue for the browser: check the markup, not the words.)
    expect(partnerDetail).not.toMatch(/<h2[^>]*>Mögliche Dubletten/);
    expect(partnerDetail).not.toContain('value="approve"');

    const queue = await fetch(`${t.url}/registrations`, { headers: { Cookie: managerCookie } });
    expect(queue.status).toBe(200);
    const queueHtml = await queue.text();
    expect(queueHtml).toMatch(/<h1[^>]*>Prüfliste</);
    expect(queueHtml).toContain('Mueller Verpackungstechnik');
    expect(queueHtml).toMatch(/data-candidates="[1-9]\d*"/);

    const detail = await (
      await fetch(`${t.url}${registrationPath}`, { headers: { Cookie: managerCookie } })
    ).text();
    expect(detail).toMatch(/<h2[^>]*>Mögliche Dubletten und Konflikte</);
    expect(detail).toContain('>gleiche Domain<');
    const accountId = /<option value="([0-9a-f-]{36})"[^>]*>Müller Verpackungstechnik GmbH<\/option>/.exec(
      detail,
    )?.[1];
    expect(accountId).toBeDefined();

    const approved = await fetch(
      `${t.url}${registrationPath}`,
      post(managerCookie, { intent: 'approve', accountId: accountId! }),
    );
    expect(approved.status).toBe(302);
    const dealPath = approved.headers.get('location')!;
    expect(dealPath).toMatch(/^\/opportunities\/[0-9a-f-]{36}$/);

    const deal = await fetch(`${t.url}${dealPath}`, { headers: { Cookie: partnerCookie } });
    expect(deal.status).toBe(200);
    expect(await deal.text()).toContain('Mueller Verpackungstechnik: Schlauchbeutelmaschine SB-400');
    const after = await (
      await fetch(`${t.url}/registrations`, { headers: { Cookie: partnerCookie } })
    ).text();
    expect(after).toContain('>Genehmigt<');
    // Reviewed: no longer in the queue.
    const queueAfter = await (
      await fetch(`${t.url}/registrations`, { headers: { Cookie: managerCookie } })
    ).text();
    expect(queueAfter).not.toContain(registrationPath);
  });

  it('rejection needs a reason; only staff reach the review, only partners the form', async () => {
    const partner = t.logins.find((l) => l.role === 'partner_admin' && l.email.includes('hydraulik'))!;
    const manager = t.logins.find((l) => l.email.startsWith('claudia.neumann'))!;
    const partnerCookie = `${await login(t.url, partner.email, partner.password)}; konsort_lang=de`;
    const managerCookie = `${await login(t.url, manager.email, manager.password)}; konsort_lang=de`;
    expect((await fetch(`${t.url}/registrations/new`, { headers: { Cookie: managerCookie } })).status).toBe(
      403,
    );
    const submitted = await fetch(
      `${t.url}/registrations/new`,
      post(partnerCookie, {
        companyName: 'Zander Feinmechanik GmbH',
        contactName: 'Eva Zander',
        contactEmail: 'eva@zander-feinmechanik.example',
        amount: '12.000',
        currency: 'EUR',
        products: 'Wartungsvertrag',
      }),
    );
    expect(submitted.status).toBe(302);
    const path = submitted.headers.get('location')!;
    // A partner cannot review, not even its own registration.
    expect(
      (await fetch(`${t.url}${path}`, post(partnerCookie, { intent: 'reject', reason: 'x' }))).status,
    ).toBe(403);
    const noReason = await fetch(`${t.url}${path}`, post(managerCookie, { intent: 'reject', reason: '' }));
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toMatch(/id="reason-error"[^>]*>Pflichtfeld\./);
    const rejected = await fetch(
      `${t.url}${path}`,
      post(managerCookie, { intent: 'reject', reason: 'Bestandskunde' }),
    );
    expect(rejected.status).toBe(302);
    const seen = await (await fetch(`${t.url}${path}`, { headers: { Cookie: partnerCookie } })).text();
    expect(seen).toContain('>Abgelehnt<');
    expect(seen).toContain('Bestandskunde');
  });
});
