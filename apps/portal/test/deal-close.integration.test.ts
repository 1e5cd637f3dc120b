/**
 * Closing deals in the portal, over HTTP against the production build (no JavaScript): the
 * kanban card's form and the deal page's stage form ask for a loss reason from the configured
 * list, refuse a move to "lost" without one in the user's language (the card then shows the
 * reason select), and a listed reason closes the deal with its side effects.
 */

import { makeAccount, makeOpportunity } from '@konsort/api/testing';
import { documents } from '@konsort/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
let cookie: string;
let repId: string;

beforeAll(async () => {
  t = await startTestServer();
  const rep = t.logins.find((l) => l.role === 'rep')!;
  cookie = await login(t.url, rep.email, rep.password);
  const user = await t.db.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, rep.email) });
  repId = user!.id;
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, fields: Record<string, string>, lang: 'de' | 'en' = 'de') =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Cookie: `${cookie}; konsort_lang=${lang}`,
      Origin: t.url,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields),
  });
const page = async (path: string, lang: 'de' | 'en' = 'de') =>
  (await fetch(`${t.url}${path}`, { headers: { Cookie: `${cookie}; konsort_lang=${lang}` } })).text();

async function dealWithDocument(name: string) {
  const account = await makeAccount(t.db.db, repId, { name: `${name} Kunde GmbH` });
  const deal = await makeOpportunity(t.db.db, account.id, repId, { name, stage: 'negotiation' });
  await t.db.db.insert(documents).values({ opportunityId: deal.id, title: `${name} Pflichtenheft` });
  return deal;
}
const dealRow = (id: string) => t.db.db.query.opportunities.findFirst({ where: (o, { eq }) => eq(o.id, id) });
const documentsOf = (id: string) =>
  t.db.db.query.documents.findMany({ where: (d, { eq }) => eq(d.opportunityId, id) });

describe('closing a deal in the portal', () => {
  it('board card (no JavaScript): a loss without a listed reason comes back on that card, with the list', async () => {
    const deal = await dealWithDocument('Kanban Verlust');
    const board = await page('/opportunities/board');
    expect(board).toContain(`data-deal="${deal.id}"`);

    const missing = await post('/opportunities/board', { intent: 'changeStage', id: deal.id, stage: 'lost' });
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toContain('Bitte einen Verlustgrund aus der Liste wählen.');
    // The failed card now holds the reason select with the configured, translated labels.
    const select = new RegExp(`<select[^>]*id="lostReason-${deal.id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
    expect(select?.[1]).toContain('<option value="competitor">Wettbewerber</option>');
    expect(select?.[1]).toContain('<option value="no_budget">Kein Budget</option>');

    const freeText = await post('/opportunities/board', {
      intent: 'changeStage',
      id: deal.id,
      stage: 'lost',
      lostReason: 'zu teuer',
    });
    expect(freeText.status).toBe(400);
    expect(await freeText.text()).toContain('Bitte einen Verlustgrund aus der Liste wählen.');
    expect(await dealRow(deal.id)).toMatchObject({ stage: 'negotiation', lostReason: null });
    expect((await documentsOf(deal.id)).every((d) => d.archivedAt === null)).toBe(true);

    const closed = await post('/opportunities/board', {
      intent: 'changeStage',
      id: deal.id,
      stage: 'lost',
      lostReason: 'competitor',
    });
    expect(closed.status).toBe(302);
    expect(closed.headers.get('location')).toBe('/opportunities/board');
    expect(await dealRow(deal.id)).toMatchObject({ stage: 'lost', lostReason: 'competitor', probability: 0 });
    expect((await documentsOf(deal.id)).every((d) => d.archivedAt !== null)).toBe(true);
    // The deal page names the reason by its label, in the user's language.
    expect(await page(`/opportunities/${deal.id}`, 'en')).toContain('Competitor');
  });

  it('the English refusal, and won from the board in one step', async () => {
    const deal = await dealWithDocument('Kanban Englisch');
    const missing = await post(
      '/opportunities/board',
      { intent: 'changeStage', id: deal.id, stage: 'lost' },
      'en',
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Choose a loss reason from the list.');
    const won = await post('/opportunities/board', { intent: 'changeStage', id: deal.id, stage: 'won' });
    expect(won.status).toBe(302);
    expect(await dealRow(deal.id)).toMatchObject({ stage: 'won', probability: 100 });
    expect((await documentsOf(deal.id)).every((d) => d.archivedAt === null)).toBe(true);
  });

  it('deal page stage form: a select of the configured reasons; refused without one, closed with one', async () => {
    const deal = await dealWithDocument('Formular Verlust');
    const detail = await page(`/opportunities/${deal.id}`);
    const select = /<select[^>]*name="lostReason"[^>]*>([\s\S]*?)<\/select>/.exec(detail);
    expect(select?.[1]).toContain('<option value="price">Preis</option>');
    expect(detail).toContain('Pflicht beim Wechsel nach „Verloren“');

    const missing = await post(`/opportunities/${deal.id}`, {
      intent: 'changeStage',
      stage: 'lost',
      lostReason: '',
    });
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toMatch(/id="lostReason-error"[^>]*>Bitte einen Verlustgrund aus der Liste wählen\./);
    expect(await dealRow(deal.id)).toMatchObject({ stage: 'negotiation' });

    const closed = await post(`/opportunities/${deal.id}`, {
      intent: 'changeStage',
      stage: 'lost',
      lostReason: 'price',
    });
    expect(closed.status).toBe(302);
    expect(await dealRow(deal.id)).toMatchObject({ stage: 'lost', lostReason: 'price' });
    expect((await documentsOf(deal.id)).every((d) => d.archivedAt !== null)).toBe(true);
    expect(await page(`/opportunities/${deal.id}`)).toContain('Preis');
  });
});
