/**
 * The deal discussion in real headless Chromium: a rep and a partner (whose organisation holds a
 * view share) have the same deal open. The rep writes an internal and a shared comment that
 * @mentions the partner; the partner's discussion card shows the shared one live (never the
 * internal one) and the partner's bell counts the mention without a reload. The partner answers;
 * the rep sees it live. Unexpected console errors fail.
 */
import { opportunityShares } from '@konsort/db';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestServer, type TestServer } from '../test/server.ts';
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

async function openAs(email: string, password: string, path: string) {
  const cookie = await login(t.url, email, password);
  const [name, value] = cookie.split('=') as [string, string];
  const { hostname } = new URL(t.url);
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.addCookies([
    { name: 'konsort_lang', value: 'en', domain: hostname, path: '/' },
    { name, value, domain: hostname, path: '/' },
  ]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${t.url}${path}`);
  // The card loads itself once hydrated: the form appears.
  await page.locator('[data-testid=new-comment]').waitFor();
  return { context, page, errors };
}

const commentTexts = (page: Page) => page.locator('[data-testid=comment]').allTextContents();

describe('deal discussion in the browser', () => {
  it('a shared comment with a mention reaches the partner live; internal ones never do', async () => {
    const repLogin = t.logins.find((l) => l.email.startsWith('jana.becker'))!;
    const partnerLogin = t.logins.find((l) => l.role === 'partner_member' && l.email.includes('nordtech'))!;
    const partner = await t.db.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.email, partnerLogin.email),
    });
    const rep = await t.db.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, repLogin.email) });
    const deal = await t.db.db.query.opportunities.findFirst({
      where: (o, { and, eq, isNull }) => and(eq(o.ownerId, rep!.id), isNull(o.archivedAt)),
    });
    await t.db.db
      .insert(opportunityShares)
      .values({ opportunityId: deal!.id, partnerOrgId: partner!.partnerOrgId!, access: 'view' })
      .onConflictDoNothing();

    const repSide = await openAs(repLogin.email, repLogin.password, `/opportunities/${deal!.id}`);
    const partnerSide = await openAs(partnerLogin.email, partnerLogin.password, `/opportunities/${deal!.id}`);
    expect(await partnerSide.page.locator('[data-testid=notification-count]').count()).toBe(0);

    // Internal first (the default for staff), then shared with a mention of the partner.
    await repSide.page.fill('[data-testid=new-comment]', 'Interne Marge prüfen');
    await repSide.page.click('button:has-text("Post comment")');
    await repSide.page.locator('[data-testid=comment]', { hasText: 'Interne Marge prüfen' }).waitFor();
    await repSide.page.check('input[name=visibility][value=shared]');
    await repSide.page.fill('[data-testid=new-comment]', 'Bitte den Liefertermin bestätigen');
    await repSide.page.check(`input[name=mentions][value="${partner!.id}"]`);
    await repSide.page.click('button:has-text("Post comment")');

    const started = Date.now();
    await partnerSide.page
      .locator('[data-testid=comment]', { hasText: 'Bitte den Liefertermin bestätigen' })
      .waitFor();
    await partnerSide.page.locator('[data-testid=notification-count]', { hasText: /^1$/ }).waitFor();
    const liveMs = Date.now() - started;
    expect(liveMs).toBeLessThan(5000);
    expect((await commentTexts(partnerSide.page)).join(' ')).not.toContain('Interne Marge');

    // The partner answers (shared is its only choice); the rep sees it live.
    await partnerSide.page.fill('[data-testid=new-comment]', 'Termin passt');
    await partnerSide.page.click('button:has-text("Post comment")');
    await repSide.page.locator('[data-testid=comment]', { hasText: 'Termin passt' }).waitFor();

    expect(repSide.errors).toEqual([]);
    expect(partnerSide.errors).toEqual([]);
    await repSide.context.close();
    await partnerSide.context.close();
  });
});
