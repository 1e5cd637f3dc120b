/**
 * A sales manager in real headless Chromium: sets a rep's annual target (split evenly), edits a
 * month, opens the dashboard, the Gantt of open deals and the forecast report, and exports the
 * report as CSV (the download is read and checked). Any unexpected console error fails it.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
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

describe('sales manager journey', () => {
  it('sets targets, opens the dashboard, the Gantt and a report, exports CSV', async () => {
    const manager = t.logins.find((l) => l.role === 'manager')!;
    const rep = t.logins.find((l) => l.role === 'rep')!;
    const context = await browser.newContext({
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const { hostname } = new URL(t.url);
    await context.addCookies([{ name: 'konsort_lang', value: 'en', domain: hostname, path: '/' }]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));

    await page.goto(`${t.url}/login`);
    await page.getByLabel('E-mail').fill(manager.email);
    await page.getByLabel('Password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.url}/`);

    // Targets: 120,000.00 EUR new business for a rep, split evenly, then March raised.
    const year = new Date().getUTCFullYear();
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByRole('heading', { name: `Revenue targets ${year}` }).waitFor();
    await page.getByLabel('Rep').selectOption({ label: rep.name });
    await page.getByLabel('Annual target').fill('120,000.00');
    await page.getByRole('button', { name: 'Set annual target' }).click();
    const card = page.locator('section', { hasText: `${rep.name} · New business · EUR` });
    await card.waitFor();
    expect(await card.textContent()).toContain('€120,000.00');
    expect(await card.getByLabel('Mar').inputValue()).toBe('10000.00');
    await card.getByLabel('Mar').fill('25000');
    await card.getByRole('button', { name: 'Save months' }).click();
    await page.waitForURL(new RegExp(`/targets\\?year=${year}$`));
    const edited = page.locator('section', { hasText: `${rep.name} · New business · EUR` });
    await edited.getByText('€135,000.00').waitFor();
    expect(await edited.getByLabel('Mar').inputValue()).toBe('25000.00');

    // The dashboard.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: `Hello ${manager.name}` }).waitFor();
    await page.getByRole('heading', { name: 'Pipeline per stage' }).waitFor();

    // The Gantt of open deals: a picture and the same deals as a table.
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByRole('link', { name: 'Gantt' }).click();
    await page.waitForURL(/tab=gantt/);
    await page.getByTestId('gantt-svg').waitFor();
    const bars = await page.locator('[data-testid="gantt-svg"] rect').count();
    const ganttRows = await page.locator('table tbody tr').count();
    expect(ganttRows).toBeGreaterThan(0);
    expect(bars).toBe(ganttRows);

    // The forecast against target for this year: chart drawn, March target includes the edit.
    await page.getByRole('link', { name: 'Forecast vs target' }).click();
    await page.waitForURL(/tab=forecast/);
    await page.locator('[data-testid="report-chart"] svg.recharts-surface').first().waitFor();
    const march = page.locator('[data-testid="report-table"] tbody tr', { hasText: `${year}-03` }).filter({
      hasText: 'EUR',
    });
    expect(await march.textContent()).toContain('€25,000.00');

    // CSV export of the same report: a real download, with the month rows and decimal amounts.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^konsort-forecast-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('Month,Currency,Won,Open,Weighted open,Forecast,Target');
    const marchLine = lines.find((l) => l.startsWith(`${year}-03,EUR,`));
    expect(marchLine?.split(',').at(-1)).toBe('25000.00');

    expect(errors).toEqual([]);
    await context.close();
  });
});
