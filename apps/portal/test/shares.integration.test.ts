/** The shares panel: the deal's owner shares it with a partner, whose users then see it. */
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

describe('shares panel', () => {
  it('lets the owner share a deal, change the access and revoke it; the partner sees it only meanwhile', async () => {
    const rep = t.logins.find((l) => l.email.startsWith('jana.becker'))!;
    const partner = t.logins.find((l) => l.role === 'partner_member' && l.email.includes('nordtech'))!;
    const repCookie = await login(t.url, rep.email, rep.password);
    const partnerCookie = await login(t.url, partner.email, partner.password);
    // A deal of Jana's that the dealer does not see yet.
    const list = await fetch(
      `${t.url}/trpc/opportunity.list?input=${encodeURIComponent(JSON.stringify({ json: { mine: true, limit: 100 } }))}`,
      {
        headers: { Cookie: repCookie },
      },
    );
    const items: { id: string }[] = (await list.json()).result.data.json.items;
    const partnerSees = async (id: string) =>
      (await fetch(`${t.url}/opportunities/${id}`, { headers: { Cookie: partnerCookie } })).status;
    let dealId: string | undefined;
    for (const item of items) {
      if ((await partnerSees(item.id)) === 404) {
        dealId = item.id;
        break;
      }
    }
    expect(dealId).toBeDefined();
    const panel = await fetch(`${t.url}/opportunities/${dealId}/shares`, {
      headers: { Cookie: `${repCookie}; konsort_lang=de` },
    });
    expect(panel.status).toBe(200);
    const html = await panel.text();
    expect(html).toContain('Mit einem Partner teilen');
    const orgId = /<option value="([0-9a-f-]{36})">Nordtech Vertrieb GmbH/.exec(html)?.[1];
    expect(orgId).toBeDefined();

    const shared = await fetch(
      `${t.url}/opportunities/${dealId}/shares`,
      post(repCookie, { intent: 'set', partnerOrgId: orgId!, access: 'view' }),
    );
    expect(shared.status).toBe(302);
    expect(await partnerSees(dealId!)).toBe(200);
    // The partner cannot open the panel itself.
    expect(
      (await fetch(`${t.url}/opportunities/${dealId}/shares`, { headers: { Cookie: partnerCookie } })).status,
    ).toBe(403);

    await fetch(
      `${t.url}/opportunities/${dealId}/shares`,
      post(repCookie, { intent: 'set', partnerOrgId: orgId!, access: 'edit' }),
    );
    const after = await (
      await fetch(`${t.url}/opportunities/${dealId}/shares`, { headers: { Cookie: repCookie } })
    ).text();
    expect(after).toMatch(/<option value="edit" selected=""/);

    await fetch(
      `${t.url}/opportunities/${dealId}/shares`,
      post(repCookie, { intent: 'revoke', partnerOrgId: orgId! }),
    );
    expect(await partnerSees(dealId!)).toBe(404);

    const bad = await fetch(
      `${t.url}/opportunities/${dealId}/shares`,
      post(repCookie, { intent: 'set', partnerOrgId: 'nope', access: 'all' }),
    );
    expect(bad.status).toBe(400);
  });
});
