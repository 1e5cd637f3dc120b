/**
 * What the browser journeys share: Debian's Chromium (no browser download) launched headless with
 * the same flags everywhere, a signed-in English browser context, a console watcher that fails
 * the journey on unexpected errors, plain SQL against the test database, and the text of a
 * pdfkit PDF. Not a test file itself (the system suite picks up `*.e2e.test.ts` only).
 */
import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import type { DemoLogin } from '@konsort/db/seed';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { testEnv } from '../test/env.ts';
import { login, type TestServer } from '../test/server.ts';

export const chromiumPath = testEnv.CHROMIUM_PATH;

/** Headless Chromium; the system suite requires it, so a missing browser fails the run, it never skips. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install Debian's chromium package (apt-get install chromium) ` +
        'or set CHROMIUM_PATH; the browser journeys are part of pnpm test:system.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface ConsoleWatch {
  errors: string[];
  /** Runs a step that provokes console errors matching `pattern` on purpose (e.g. a 400 answer). */
  expecting<T>(pattern: RegExp, step: () => Promise<T>): Promise<T>;
}

/** Collects console errors and page errors; `expecting` allows the ones a step provokes on purpose. */
export function watchConsole(page: Page): ConsoleWatch {
  const errors: string[] = [];
  let allowed: RegExp | null = null;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (allowed?.test(message.text())) return;
    errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return {
    errors,
    async expecting<T>(pattern: RegExp, step: () => Promise<T>): Promise<T> {
      allowed = pattern;
      try {
        return await step();
      } finally {
        allowed = null;
      }
    },
  };
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  console: ConsoleWatch;
}

/**
 * A browser context in English, signed in with a session from the real login endpoint (the
 * login form itself is the rep journey's business), downloads allowed.
 */
export async function signedIn(browser: Browser, t: TestServer, user: DemoLogin): Promise<SignedIn> {
  const cookie = await login(t.url, user.email, user.password);
  const [name, value] = cookie.split('=') as [string, string];
  const { hostname } = new URL(t.url);
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await context.addCookies([
    { name: 'konsort_lang', value: 'en', domain: hostname, path: '/' },
    { name, value, domain: hostname, path: '/' },
  ]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, console: watchConsole(page) };
}

export type SqlRow = Record<string, unknown>;

/** Plain SQL against the test database (PGlite or PostgreSQL), to know the truth independently of the UI. */
export async function query(t: TestServer, text: string, params: unknown[] = []): Promise<SqlRow[]> {
  const raw = t.db.raw;
  if (raw.kind === 'pglite') return (await raw.client.query<SqlRow>(text, params)).rows;
  return [...(await raw.client.unsafe(text, params as never[]))] as SqlRow[];
}

/** WinAnsi 0x80–0x9F (the standard PDF fonts' encoding differs from Latin-1 there). */
const winAnsiHigh = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * The text a pdfkit PDF shows, one string per TJ operator: its content streams inflated
 * (node:zlib) and the hex strings of the TJ arrays decoded as WinAnsi; no-break spaces become spaces.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      content = m[1]!; // an uncompressed stream (or a font/image stream that is not text)
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
      out.push(
        [...Buffer.from(hex, 'hex')]
          .map((b) => (b >= 0x80 && b <= 0x9f ? winAnsiHigh[b - 0x80] : String.fromCharCode(b)))
          .join('')
          .replace(/\u00a0/g, ' '),
      );
    }
  }
  return out.join('\n');
}
