/**
 * Live co-editing in real headless Chromium: the deal's owner (a rep) and a partner whose
 * organisation has an edit share open the same deal in two browser contexts. Each sees the
 * other's presence, the field the other is on and the other's changes within a second; the
 * changes land in the SQL row with an audit entry per field and the right actor; an invalid
 * amount is reverted on both pages and explained to the partner. Unexpected console errors fail.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../test/env.ts';
import { login, startTestServer, type TestServer } from '../test/server.ts';
import { launchChromium } from './harness.ts';

/** Set to a directory to keep screenshots of both pages (for looking at the presence UI). */
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

/** Plain SQL against the test database (PGlite or PostgreSQL). */
async function query(text: string, params: unknown[] = []): Promise<SqlRow[]> {
  const raw = t.db.raw;
  if (raw.kind === 'pglite') return (await raw.client.query<SqlRow>(text, params)).rows;
  return [...(await raw.client.unsafe(text, params as never[]))] as SqlRow[];
}

async function waitForRows(text: string, params: unknown[], ok: (rows: SqlRow[]) => boolean) {
  const start = Date.now();
  for (;;) {
    const rows = await query(text, params);
    if (ok(rows)) return rows;
    if (Date.now() - start > 10_000) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

async function openAs(email: string, password: string, dealId: string) {
  const cookie = await login(t.url, email, password);
  const [name, value] = cookie.split('=') as [string, string];
  const { hostname } = new URL(t.url);
  const context: BrowserContext = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1100, height: 900 },
  });
  await context.addCookies([
    { name: 'konsort_lang', value: 'en', domain: hostname, path: '/' },
    { name, value, domain: hostname, path: '/' },
  ]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);
  await page.goto(`${t.url}/opportunities/${dealId}`);
  await page.locator('section[data-synced="true"][data-live-status="live"]').waitFor();
  return { context, page, errors };
}

/** Resolves once the input shows `value`; fails after `withinMs`. Returns the time it took. */
async function seesValue(page: Page, selector: string, value: string, withinMs = 1000): Promise<number> {
  const start = performance.now();
  await page.waitForFunction(
    ([sel, v]) => (document.querySelector(sel!) as HTMLInputElement | null)?.value === v,
    [selector, value] as const,
    { timeout: withinMs, polling: 'raf' },
  );
  return performance.now() - start;
}

describe('co-editing a deal', () => {
  it('a rep and a partner edit the same deal live, with presence, projection, audit and revert', async () => {
    // A deal owned by a demo rep and shared for editing with a demo partner's organisation.
    const [deal] = await query(
      `select o.id, o.amount_minor, ou.id as rep_id, ou.email as rep_email,
              pu.id as partner_id, pu.email as partner_email
         from opportunity_shares s
         join opportunities o on o.id = s.opportunity_id
         join users ou on ou.id = o.owner_id
         join users pu on pu.partner_org_id = s.partner_org_id
        where s.access = 'edit' and o.archived_at is null and o.currency = 'EUR'
          and ou.email = any($1) and pu.email = any($1)
        order by o.id limit 1`,
      [t.logins.map((l) => l.email)],
    );
    expect(deal, 'a demo deal with an edit share').toBeDefined();
    const dealId = String(deal!.id);
    const rep = t.logins.find((l) => l.email === deal!.rep_email)!;
    const partner = t.logins.find((l) => l.email === deal!.partner_email)!;

    const a = await openAs(rep.email, rep.password, dealId);
    const b = await openAs(partner.email, partner.password, dealId);

    // Presence: each sees the other's avatar.
    await a.page.locator(`li[data-presence-user="${partner.name}"]`).waitFor();
    await b.page.locator(`li[data-presence-user="${rep.name}"]`).waitFor();
    // Partners may not rename the deal: that input is disabled for them only.
    expect(await b.page.locator('#live-name').isDisabled()).toBe(true);
    expect(await a.page.locator('#live-name').isDisabled()).toBe(false);

    // The rep works on the amount: the partner sees where, then what, within a second.
    await a.page.locator('#live-amountMinor').focus();
    await b.page
      .locator('[data-editing="amountMinor"]', { hasText: `${rep.name} is editing` })
      .waitFor({ timeout: 1000 });
    await a.page.locator('#live-amountMinor').fill('12,345.67');
    await a.page.locator('#live-amountMinor').press('Enter');
    const amountMs = await seesValue(b.page, '#live-amountMinor', '12,345.67');
    await a.page.locator('#live-amountMinor').blur();
    await b.page.locator('[data-editing="amountMinor"]').waitFor({ state: 'detached', timeout: 1000 });

    // The partner writes the description: the rep sees the focus and the text within a second.
    const description = 'Partner: Liefertermin KW 14 bestätigt, Montage durch uns.';
    await b.page.locator('#live-description').focus();
    await a.page
      .locator('[data-editing="description"]', { hasText: `${partner.name} is editing` })
      .waitFor({ timeout: 1000 });
    await b.page.locator('#live-description').fill(description);
    // Includes the 300 ms typing debounce.
    const descriptionMs = await seesValue(a.page, '#live-description', description);

    if (screenshotDir) {
      await a.page.screenshot({ path: `${screenshotDir}/co-editing-rep.png`, fullPage: true });
      await b.page.screenshot({ path: `${screenshotDir}/co-editing-partner.png`, fullPage: true });
    }
    await b.page.locator('#live-description').blur();

    // The SQL row and one audit entry per field, by whoever made the change.
    const [row] = await waitForRows(
      'select amount_minor, description from opportunities where id = $1',
      [dealId],
      (rows) => rows[0]?.description === description && Number(rows[0]?.amount_minor) === 1_234_567,
    );
    expect({ amount: Number(row!.amount_minor), description: row!.description }).toEqual({
      amount: 1_234_567,
      description,
    });
    const audits = await waitForRows(
      `select actor_id, changes from audit_log
        where entity = 'opportunity' and entity_id = $1 and action = 'update' order by id`,
      [dealId],
      (rows) => rows.length >= 2,
    );
    const changesOf = (r: SqlRow) =>
      (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as Record<
        string,
        [unknown, unknown]
      >;
    const amountAudit = audits.filter((r) => 'amountMinor' in changesOf(r));
    const descriptionAudit = audits.filter((r) => 'description' in changesOf(r));
    expect(amountAudit.map((r) => [r.actor_id, Object.keys(changesOf(r)), changesOf(r).amountMinor])).toEqual(
      [[deal!.rep_id, ['amountMinor'], [Number(deal!.amount_minor), 1_234_567]]],
    );
    expect(descriptionAudit.at(-1)?.actor_id).toBe(deal!.partner_id);
    expect(Object.keys(changesOf(descriptionAudit.at(-1)!))).toEqual(['description']);
    expect(changesOf(descriptionAudit.at(-1)!).description?.[1]).toBe(description);

    // An invalid amount from the partner is reverted on both pages and explained to the partner.
    await b.page.locator('#live-amountMinor').fill('-5');
    await b.page.locator('#live-amountMinor').press('Enter');
    await b.page.locator('#live-amountMinor-error', { hasText: 'Not valid.' }).waitFor({ timeout: 2000 });
    await seesValue(b.page, '#live-amountMinor', '12,345.67', 2000);
    await seesValue(a.page, '#live-amountMinor', '12,345.67', 2000);
    expect(await a.page.locator('#live-amountMinor-error').count()).toBe(0);
    expect(await b.page.locator('#live-amountMinor').getAttribute('aria-invalid')).toBe('true');
    const [after] = await query('select amount_minor from opportunities where id = $1', [dealId]);
    expect(Number(after!.amount_minor)).toBe(1_234_567);

    expect({ amountMs: amountMs < 1000, descriptionMs: descriptionMs < 1000 }).toEqual({
      amountMs: true,
      descriptionMs: true,
    });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
