/**
 * A sales rep's day in real headless Chromium (Debian's package, no browser download): sign in,
 * create an account (empty first, to see the mandatory fields), create a deal, move it on the
 * kanban board, drop it on "Lost" (the board asks for the reason), switch to German, sign out.
 * Any unexpected console error fails the journey.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/server.ts';
import { launchChromium, watchConsole } from './harness.ts';

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('sales rep journey', () => {
  it('signs in, creates an account and a deal, moves it, switches to German, signs out', async () => {
    const rep = t.logins.find((l) => l.role === 'rep')!;
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const { hostname } = new URL(t.url);
    // Start in English whatever the demo user's own locale is; the journey switches later.
    await context.addCookies([{ name: 'konsort_lang', value: 'en', domain: hostname, path: '/' }]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const console = watchConsole(page);

    // Sign in, coming from a deep link.
    await page.goto(`${t.url}/accounts`);
    await page.waitForURL(/\/login\?redirectTo=%2Faccounts/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('E-mail').fill(rep.email);
    await page.getByLabel('Password').fill(rep.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.url}/accounts`);
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();

    // A new account: submitting it empty shows the mandatory fields.
    await page.getByRole('link', { name: 'New account' }).click();
    await page.getByRole('heading', { name: 'New account' }).waitFor();
    await console.expecting(/status of 400/, async () => {
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('#name-error').waitFor();
    });
    for (const field of ['name', 'street', 'postalCode', 'city']) {
      expect(await page.locator(`#${field}-error`).textContent(), field).toBe('Required.');
      expect(await page.locator(`#${field}`).getAttribute('aria-invalid'), field).toBe('true');
    }
    expect(await page.locator('#country-error').count()).toBe(0);

    await page.getByLabel(/^Name/).fill('Erlanger Messtechnik GmbH');
    await page.getByLabel(/^Street/).fill('Werner-von-Siemens-Straße 12');
    await page.getByLabel(/^Postcode/).fill('91052');
    await page.getByLabel(/^City/).fill('Erlangen');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Erlanger Messtechnik GmbH' }).waitFor();

    // A deal for it.
    await page.getByRole('link', { name: 'New deal' }).click();
    await page.waitForURL(/\/opportunities\/new\?accountId=/);
    expect(await page.locator('#accountId option:checked').textContent()).toContain(
      'Erlanger Messtechnik GmbH',
    );
    await page.getByLabel(/^Name/).fill('Messstellen Retrofit 2027');
    await page.getByLabel(/^Amount/).fill('48,500.00');
    await page.getByLabel('Expected close').fill('2027-03-31');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/opportunities\/[0-9a-f-]{36}$/);
    const dealId = page.url().split('/').at(-1)!;
    await page.getByRole('heading', { name: 'Messstellen Retrofit 2027' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('€48,500.00');

    // Move it on the kanban board with the card's own form.
    await page.getByRole('link', { name: 'Kanban' }).first().click();
    await page.getByRole('heading', { name: 'Deals – Kanban' }).waitFor();
    const card = page.locator(`section[data-stage="lead"] li[data-deal="${dealId}"]`);
    await card.waitFor();
    await card.getByLabel('Move “Messstellen Retrofit 2027” to').selectOption('proposal');
    await card.getByRole('button', { name: 'Move' }).click();
    await page.locator(`section[data-stage="proposal"] li[data-deal="${dealId}"]`).waitFor();
    expect(await page.locator(`section[data-stage="lead"] li[data-deal="${dealId}"]`).count()).toBe(0);

    // Dropped on "Lost", the board first asks for a reason from the configured list.
    // The drag events themselves: a mouse drag across a long, scrolling board can pick up
    // whichever card ends up under the pointer.
    const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
    await page
      .locator(`section[data-stage="proposal"] li[data-deal="${dealId}"]`)
      .dispatchEvent('dragstart', { dataTransfer });
    await page.locator('section[data-stage="lost"]').dispatchEvent('drop', { dataTransfer });
    const lossDialog = page.getByRole('dialog', { name: 'Close deal as lost' });
    await lossDialog.waitFor();
    expect(await lossDialog.textContent()).toContain('Messstellen Retrofit 2027');
    await lossDialog.getByLabel('Reason for loss').selectOption('competitor');
    await lossDialog.getByRole('button', { name: 'Close as lost' }).click();
    await page.locator(`section[data-stage="lost"] li[data-deal="${dealId}"]`).waitFor();
    await lossDialog.waitFor({ state: 'detached' });

    // German, please.
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    await page.getByRole('heading', { name: 'Deals – Kanban' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    await nav.getByRole('link', { name: 'Firmen' }).waitFor();
    await nav.getByRole('link', { name: 'Kontakte' }).waitFor();
    await page.getByRole('heading', { name: 'Angebot' }).waitFor();
    expect(
      await page.locator(`li[data-deal="${dealId}"]`).getByRole('button', { name: 'Verschieben' }).count(),
    ).toBe(1);

    // Sign out.
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'konsort_session')?.value ?? '').toBe('');

    expect(console.errors).toEqual([]);
    await context.close();
  });
});
