/**
 * Quotes in the portal, over HTTP against the production build: a manager maintains the
 * catalogue and a rule, the deal's rep writes a quote, sees the totals, is told in German why a
 * configuration is not allowed, downloads the PDF; a partner gets no quote page.
 */
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

describe('quotes in the portal', () => {
  it('catalogue, rule, quote with totals, a rule explained in German, PDF; partners are kept out', async () => {
    const manager = t.logins.find((l) => l.role === 'manager')!;
    const rep = t.logins.find((l) => l.email.startsWith('jana.becker'))!;
    const partner = t.logins.find((l) => l.role === 'partner_member')!;
    const managerCookie = `${await login(t.url, manager.email, manager.password)}; konsort_lang=de`;
    const repCookie = `${await login(t.url, rep.email, rep.password)}; konsort_lang=de`;
    const partnerCookie = await login(t.url, partner.email, partner.password);

    for (const [sku, name, price] of [
      ['QX-1', 'Quotfräse', '99,00'],
      ['QX-2', 'Quotantrieb', '19,99'],
      ['QX-3', 'Quotbremse', '10,01'],
    ] as const) {
      const created = await fetch(
        `${t.url}/products`,
        post(managerCookie, {
          intent: 'createProduct',
          sku,
          name,
          unit: 'Stk',
          listPrice: price,
          currency: 'EUR',
          taxRate: '19',
        }),
      );
      expect(created.status).toBe(302);
    }
    const catalogue = await (await fetch(`${t.url}/products`, { headers: { Cookie: managerCookie } })).text();
    const idOf = (name: string) =>
      new RegExp(`<option value="([0-9a-f-]{36})">[^<]*${name}`).exec(catalogue)?.[1];
    expect(idOf('Quotantrieb')).toBeDefined();
    const rule = await fetch(
      `${t.url}/products`,
      post(managerCookie, {
        intent: 'createRule',
        kind: 'requires',
        productId: idOf('Quotantrieb')!,
        otherProductId: idOf('Quotbremse')!,
      }),
    );
    expect(rule.status).toBe(302);
    // A rep cannot change the catalogue.
    const repCreate = await fetch(
      `${t.url}/products`,
      post(repCookie, {
        intent: 'createProduct',
        sku: 'QX-9',
        name: 'X',
        unit: 'Stk',
        listPrice: '1',
        currency: 'EUR',
        taxRate: '19',
      }),
    );
    expect(repCreate.status).toBe(403);

    // One of Jana's open deals.
    const list = await fetch(
      `${t.url}/trpc/opportunity.list?input=${encodeURIComponent(JSON.stringify({ json: { mine: true, limit: 100 } }))}`,
      { headers: { Cookie: repCookie } },
    );
    const items: { id: string; stage: string; currency: string }[] = (await list.json()).result.data.json
      .items;
    const deal = items.find((i) => !['won', 'lost'].includes(i.stage) && i.currency === 'EUR')!;
    expect(deal).toBeDefined();
    const created = await fetch(
      `${t.url}/quotes?opportunityId=${deal.id}&index`,
      post(repCookie, { validUntil: '2030-06-30' }),
    );
    expect(created.status).toBe(302);
    const quoteUrl = `${t.url}${created.headers.get('location')}`;
    expect(quoteUrl).toMatch(/\/quotes\/[0-9a-f-]{36}$/);

    const editor = await (await fetch(quoteUrl, { headers: { Cookie: repCookie } })).text();
    const version = /name="version" value="(\d+)"/.exec(editor)![1]!;
    const lines = (extra: Record<string, string>) => ({
      intent: 'save',
      version,
      currency: 'EUR',
      lineCount: '3',
      discount: '2,5',
      'line-0-productId': idOf('Quotantrieb')!,
      'line-0-quantity': '3',
      'line-1-description': 'Montage',
      'line-1-quantity': '1',
      'line-1-unitPrice': '100,00',
      'line-1-taxRate': '7',
      ...extra,
    });
    // Without the brake the rule explains itself, in German; nothing is saved.
    const refused = await fetch(quoteUrl, post(repCookie, lines({})));
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('Quotantrieb erfordert Quotbremse im selben Angebot.');
    const saved = await fetch(
      quoteUrl,
      post(repCookie, lines({ 'line-2-productId': idOf('Quotbremse')!, 'line-2-quantity': '2,5' })),
    );
    expect(saved.status).toBe(302);
    const page = await (await fetch(quoteUrl, { headers: { Cookie: repCookie } })).text();
    // 19 %: 59,97 + 25,03 = 85,00 − 2,5 % (2,13) = 82,87 → USt. 15,75; 7 %: 100,00 − 2,50 = 97,50 → 6,83
    // net 180,37; gross 180,37 + 15,75 + 6,83 = 202,95
    expect(page).toContain('185,00');
    expect(page).toContain('180,37');
    expect(page).toContain('202,95');

    const pdf = await fetch(`${quoteUrl}/pdf`, { headers: { Cookie: repCookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    expect((await fetch(quoteUrl, { headers: { Cookie: partnerCookie } })).status).toBe(403);
    expect((await fetch(`${quoteUrl}/pdf`, { headers: { Cookie: partnerCookie } })).status).toBe(403);
  });
});
