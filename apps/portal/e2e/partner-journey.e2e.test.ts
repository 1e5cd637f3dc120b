/**
 * A dealer's deal registration in real headless Chromium, with a manager in a second browser
 * context: the partner signs in through the form and sees exactly the deals shared with its
 * organisation (not one shared with another partner), registers a deal; the manager opens the
 * review queue, sees the duplicate candidates with their reasons and approves; the partner
 * reloads its deal list and the new deal is there. Any console error fails the journey.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/server.ts';
import { launchChromium } from './harness.ts';

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

/** Plain SQL against the test database (PGlite or PostgreSQL), to know the truth independently of the UI. */
async function query(text: string, params: unknown[] = []): Promise<SqlRow[]> {
  const raw = t.db.raw;
  if (raw.kind === 'pglite') return (await raw.client.query<SqlRow>(text, params)).rows;
  return [...(await raw.client.unsafe(text, params as never[]))] as SqlRow[];
}

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** A browser context in English, signed in through the login form. */
async function signIn(
  email: string,
  password: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const { hostname } = new URL(t.url);
  await context.addCookies([{ name: 'konsort_lang', value: 'en', domain: hostname, path: '/' }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);
  await page.goto(`${t.url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${t.url}/`);
  return { context, page, errors };
}

/** The deal names in the table on /opportunities. */
async function dealNames(page: Page): Promise<string[]> {
  const links = page.locator('main table tbody tr a[href^="/opportunities/"]');
  return (await links.allTextContents()).map((s) => s.trim()).sort();
}

const dealer = 'Nordtech Vertrieb GmbH';

describe('partner journey', () => {
  it('a partner sees only its shared deals and registers one; a manager approves it; the partner sees it', async () => {
    const partner = t.logins.find((l) => l.role === 'partner_member' && l.email.includes('nordtech'))!;
    const manager = t.logins.find((l) => l.email.startsWith('claudia.neumann'))!;
    const shared = (
      await query(
        `select o.name from opportunities o
           join opportunity_shares s on s.opportunity_id = o.id
           join partner_orgs p on p.id = s.partner_org_id
          where p.name = $1 and o.archived_at is null`,
        [dealer],
      )
    )
      .map((r) => String(r.name))
      .sort();
    expect(shared.length).toBeGreaterThan(0);
    // A deal shared with the other partner organisation and not with the dealer.
    const [other] = await query(
      `select o.id, o.name from opportunities o
        where o.archived_at is null
          and exists (select 1 from opportunity_shares s join partner_orgs p on p.id = s.partner_org_id
                       where s.opportunity_id = o.id and p.name <> $1)
          and not exists (select 1 from opportunity_shares s join partner_orgs p on p.id = s.partner_org_id
                           where s.opportunity_id = o.id and p.name = $1)
        order by o.name limit 1`,
      [dealer],
    );
    expect(other, 'a deal shared with the supplier only').toBeDefined();

    // The partner signs in and opens the deal table: the shared deals, nothing else.
    const p = await signIn(partner.email, partner.password);
    await p.page.getByRole('link', { name: 'Deals (Table)' }).click();
    await p.page.waitForURL(`${t.url}/opportunities`);
    await p.page.locator('main table tbody tr').first().waitFor();
    expect(await dealNames(p.page)).toEqual(shared);
    expect(await dealNames(p.page)).not.toContain(String(other!.name));
    // Opening it directly does not reveal it either.
    const direct = await p.page.goto(`${t.url}/opportunities/${String(other!.id)}`);
    expect(direct?.status()).toBe(404);
    expect(await p.page.locator('main').textContent()).not.toContain(String(other!.name));

    // It registers a deal for a customer the supplier side already knows (same domain).
    await p.page.goto(`${t.url}/registrations`);
    await p.page.getByRole('link', { name: 'Register a deal' }).click();
    await p.page.waitForURL(`${t.url}/registrations/new`);
    await p.page.getByLabel(/^Customer company/).fill('Mueller Verpackungstechnik');
    await p.page.getByLabel(/^Contact person/).fill('Jens Mueller');
    await p.page.getByLabel(/^Contact e-mail/).fill('j.mueller@mueller-verpackung.example');
    await p.page.getByLabel(/^Estimated amount/).fill('48,500.00');
    await p.page.getByLabel(/^Expected close/).fill('2027-02-15');
    await p.page.getByLabel(/^Products/).fill('Schlauchbeutelmaschine SB-400');
    await p.page.getByRole('button', { name: 'Submit registration' }).click();
    await p.page.waitForURL(/\/registrations\/[0-9a-f-]{36}$/);
    const registrationPath = new URL(p.page.url()).pathname;
    await p.page.getByRole('heading', { name: 'Registration: Mueller Verpackungstechnik' }).waitFor();
    // Partners never see the candidates (other partners' registrations are among them).
    expect(await p.page.getByRole('heading', { name: 'Possible duplicates and conflicts' }).count()).toBe(0);
    // Not approved yet: not among its deals.
    await p.page.goto(`${t.url}/opportunities`);
    await p.page.locator('main table tbody tr').first().waitFor();
    expect(await dealNames(p.page)).toEqual(shared);

    // The manager, in a browser of her own, reviews it.
    const m = await signIn(manager.email, manager.password);
    await m.page.getByRole('link', { name: 'Deal registrations' }).click();
    await m.page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await m.page.locator(`main a[href="${registrationPath}"]`).click();
    await m.page.waitForURL(`${t.url}${registrationPath}`);
    await m.page.getByRole('heading', { name: 'Possible duplicates and conflicts' }).waitFor();
    const candidates = m.page.locator('main table tbody tr');
    const rows = await candidates.evaluateAll((trs) =>
      trs.map((tr) => ({
        text: tr.textContent ?? '',
        reason: tr.querySelector('td[data-reason]')?.getAttribute('data-reason') ?? '',
      })),
    );
    const account = rows.find(
      (r) => r.text.includes('Müller Verpackungstechnik GmbH') && r.text.startsWith('Account'),
    );
    expect(account, JSON.stringify(rows)).toBeDefined();
    expect(account!.reason).toBe('domain');
    expect(account!.text).toContain('same domain');
    // The account offered for linking is the duplicate found.
    expect(await m.page.locator('#accountId option:checked').textContent()).toBe(
      'Müller Verpackungstechnik GmbH',
    );
    await m.page.getByRole('button', { name: 'Approve' }).click();
    await m.page.waitForURL(/\/opportunities\/[0-9a-f-]{36}$/);
    const dealName = 'Mueller Verpackungstechnik: Schlauchbeutelmaschine SB-400';
    await m.page.getByRole('heading', { name: dealName }).waitFor();
    const dealPath = new URL(m.page.url()).pathname;

    // The partner reloads its deal table: the new deal is there, and opens.
    await p.page.reload();
    await p.page.locator('main table tbody tr').first().waitFor();
    expect(await dealNames(p.page)).toEqual([...shared, dealName].sort());
    await p.page.getByRole('link', { name: dealName }).click();
    await p.page.waitForURL(`${t.url}${dealPath}`);
    await p.page.getByRole('heading', { name: dealName }).waitFor();
    await p.page.goto(`${t.url}/registrations`);
    expect(await p.page.locator('main table').textContent()).toContain('Approved');

    expect(p.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    expect(m.errors).toEqual([]);
    await Promise.all([p.context.close(), m.context.close()]);
  });
});
