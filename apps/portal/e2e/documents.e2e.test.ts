/**
 * Shared documents in real headless Chromium: a rep creates a document on a deal shared with a
 * partner (edit), marks it shared; rep and partner type into the same Tiptap editor and each sees
 * the other's text and named caret within a second; both download the HTML and PDF exports;
 * when the rep makes the document internal again, the partner's editor is closed at once.
 * Unexpected console errors fail.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../test/env.ts';
import { login, startTestServer, type TestServer } from '../test/server.ts';
import { launchChromium } from './harness.ts';

/** Set to a directory to keep screenshots of both pages. */
const screenshotDir = testEnv.KONSORT_E2E_SCREENSHOTS;

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

type SqlRow = Record<string, unknown>;

async function query(text: string, params: unknown[] = []): Promise<SqlRow[]> {
  const raw = t.db.raw;
  if (raw.kind === 'pglite') return (await raw.client.query<SqlRow>(text, params)).rows;
  return [...(await raw.client.unsafe(text, params as never[]))] as SqlRow[];
}

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

async function signedIn(email: string, password: string) {
  const cookie = await login(t.url, email, password);
  const [name, value] = cookie.split('=') as [string, string];
  const { hostname } = new URL(t.url);
  const context: BrowserContext = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1200, height: 900 },
  });
  await context.addCookies([
    { name: 'konsort_lang', value: 'en', domain: hostname, path: '/' },
    { name, value, domain: hostname, path: '/' },
  ]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, errors: watchConsole(page) };
}

const liveEditor = 'section[data-synced="true"][data-live-status="live"]';

/** Resolves once the editor's text contains `text`; fails after `withinMs`. Returns the time taken. */
async function seesText(page: Page, text: string, withinMs = 1000): Promise<number> {
  const start = performance.now();
  await page.waitForFunction(
    (expected) => document.querySelector('.ProseMirror')?.textContent?.includes(expected) ?? false,
    text,
    { timeout: withinMs, polling: 'raf' },
  );
  return performance.now() - start;
}

async function seesCaret(page: Page, name: string, withinMs = 1000): Promise<number> {
  const start = performance.now();
  await page.locator(`.ProseMirror [data-caret-user="${name}"]`).waitFor({ timeout: withinMs });
  return performance.now() - start;
}

describe('shared documents', () => {
  it('a rep and a partner write the same document live, with carets, exports and unsharing', async () => {
    const [deal] = await query(
      `select o.id, ou.email as rep_email, pu.email as partner_email
         from opportunity_shares s
         join opportunities o on o.id = s.opportunity_id
         join users ou on ou.id = o.owner_id
         join users pu on pu.partner_org_id = s.partner_org_id
        where s.access = 'edit' and o.archived_at is null
          and ou.email = any($1) and pu.email = any($1)
        order by o.id limit 1`,
      [t.logins.map((l) => l.email)],
    );
    expect(deal, 'a demo deal with an edit share').toBeDefined();
    const dealId = String(deal!.id);
    const rep = t.logins.find((l) => l.email === deal!.rep_email)!;
    const partner = t.logins.find((l) => l.email === deal!.partner_email)!;

    // The rep creates the document from the deal page and shares it with the deal's partners.
    const a = await signedIn(rep.email, rep.password);
    await a.page.goto(`${t.url}/opportunities/${dealId}`);
    const title = `Leistungsbeschreibung ${Date.now()}`;
    await a.page.locator('#new-document-title').fill(title);
    await a.page.getByRole('button', { name: 'Create', exact: true }).click();
    await a.page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
    const documentId = a.page.url().split('/').pop()!;
    await a.page.getByRole('button', { name: 'Share with partners' }).click();
    await a.page.getByRole('button', { name: 'Make internal' }).waitFor();
    await a.page.locator(liveEditor).waitFor();

    // The partner finds it on the deal page and opens it.
    const b = await signedIn(partner.email, partner.password);
    await b.page.goto(`${t.url}/opportunities/${dealId}`);
    await b.page.locator('[data-testid="deal-documents"]').getByRole('link', { name: title }).click();
    await b.page.waitForURL(`${t.url}/documents/${documentId}`);
    await b.page.locator(liveEditor).waitFor();
    // Partners never see rename/share/archive.
    expect(await b.page.getByRole('button', { name: 'Make internal' }).count()).toBe(0);

    // Presence: each sees the other's avatar.
    await a.page.locator(`li[data-presence-user="${partner.name}"]`).waitFor();
    await b.page.locator(`li[data-presence-user="${rep.name}"]`).waitFor();

    // The rep writes a heading and a line; the partner sees the text and the rep's caret.
    await a.page.locator('.ProseMirror').click();
    await a.page.getByRole('button', { name: 'Heading' }).click();
    await a.page.keyboard.type('Lieferumfang');
    await a.page.keyboard.press('Enter');
    const repLine = 'Fräse FZ-200 mit Schulung vor Ort';
    await a.page.keyboard.type(repLine);
    const repTextMs = await seesText(b.page, repLine);
    const repCaretMs = await seesCaret(b.page, rep.name);

    // The partner adds a line at the end; the rep sees it and the partner's caret.
    // Into the rep's line itself, then to its end: a click on the editor's blank area could
    // leave the caret anywhere while remote blocks are still being laid out.
    await b.page.locator('.ProseMirror p', { hasText: repLine }).click();
    await b.page.keyboard.press('End');
    await b.page.keyboard.press('Enter');
    const partnerLine = 'Partner: Montage in KW 14 bestätigt';
    await b.page.keyboard.type(partnerLine);
    const partnerTextMs = await seesText(a.page, partnerLine);
    const partnerCaretMs = await seesCaret(a.page, partner.name);
    expect(await b.page.locator('.ProseMirror h2').textContent()).toBe('Lieferumfang');
    // Both editors hold the same blocks (carets' name labels left out).
    const blocks = (page: Page) =>
      page.evaluate(() => {
        const root = document.querySelector('.ProseMirror')!.cloneNode(true) as HTMLElement;
        for (const caret of root.querySelectorAll('[data-caret-user]')) caret.remove();
        return [...root.children].map((e) => `${e.tagName}:${e.textContent}`);
      });
    await expect
      .poll(async () => JSON.stringify(await blocks(a.page)), { timeout: 2000 })
      .toBe(JSON.stringify(await blocks(b.page)));
    expect(await blocks(a.page)).toEqual(['H2:Lieferumfang', `P:${repLine}`, `P:${partnerLine}`]);

    if (screenshotDir) {
      await a.page.screenshot({ path: `${screenshotDir}/document-rep.png`, fullPage: true });
      await b.page.screenshot({ path: `${screenshotDir}/document-partner.png`, fullPage: true });
    }

    // Both download the exports through the same policy.
    const html = await b.page.request.get(`${t.url}/documents/${documentId}/export/html`);
    expect(html.status()).toBe(200);
    expect(html.headers()['content-disposition']).toContain('attachment');
    const body = await html.text();
    expect(body).toContain('<h2>Lieferumfang</h2>');
    expect(body).toContain(repLine);
    expect(body).toContain(partnerLine);
    const pdf = await a.page.request.get(`${t.url}/documents/${documentId}/export/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The rep makes it internal again: the partner's editor is closed at once and read-only.
    await a.page.getByRole('button', { name: 'Make internal' }).click();
    await b.page.locator('section[data-live-status="closed"]').waitFor({ timeout: 2000 });
    expect(await b.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
    const refused = await b.page.request.get(`${t.url}/documents/${documentId}/export/html`);
    expect(refused.status()).toBe(404);

    // The preview the deal page shows follows the content (written by the collab server, throttled).
    const started = Date.now();
    let preview = '';
    while (!preview.includes(partnerLine) && Date.now() - started < 10_000) {
      const [row] = await query('select text_preview from documents where id = $1', [documentId]);
      preview = String(row?.text_preview ?? '');
      if (!preview.includes(partnerLine)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(preview).toContain(`Lieferumfang\n${repLine}`);
    expect(preview).toContain(partnerLine);
    // Each of these waited at most a second (seesText/seesCaret fail beyond).
    expect(Math.max(repTextMs, repCaretMs, partnerTextMs, partnerCaretMs)).toBeLessThan(1000);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
