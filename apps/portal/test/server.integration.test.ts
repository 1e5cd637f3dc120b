import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
let rep: { email: string; password: string };
let cookie: string;

beforeAll(async () => {
  t = await startTestServer();
  const demo = t.logins.find((l) => l.role === 'rep');
  if (!demo) throw new Error('the demo data has no sales rep');
  rep = demo;
  cookie = await login(t.url, rep.email, rep.password);
});

afterAll(async () => {
  await t?.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('portal server', () => {
  it('answers health and readiness checks', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('renders the login page in the language the browser asks for, with security headers', async () => {
    const de = await fetch(`${t.url}/login`, { headers: { 'Accept-Language': 'de-DE,de;q=0.9' } });
    expect(de.status).toBe(200);
    const deHtml = await de.text();
    expect(deHtml).toContain('<html lang="de"');
    expect(deHtml).toContain('Passwort');

    const en = await fetch(`${t.url}/login`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    const enHtml = await en.text();
    expect(enHtml).toContain('<html lang="en"');
    expect(enHtml).toContain('Password');

    const csp = en.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    // Every inline script carries the nonce; none runs without it.
    const inline = [...enHtml.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
    expect(en.headers.get('x-content-type-options')).toBe('nosniff');
    expect(en.headers.get('x-frame-options')).toBe('DENY');
    expect(en.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('the language cookie beats Accept-Language', async () => {
    const set = await fetch(`${t.url}/set-language`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: t.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ lang: 'en', redirectTo: '/login' }),
    });
    expect(set.status).toBe(302);
    expect(set.headers.get('location')).toBe('/login');
    const langCookie = set.headers.getSetCookie().find((c) => c.startsWith('konsort_lang=en'));
    expect(langCookie).toMatch(/Max-Age=31536000/);
    expect(langCookie).toMatch(/SameSite=Lax/);
    const page = await fetch(`${t.url}/login`, {
      headers: { 'Accept-Language': 'de', Cookie: 'konsort_lang=en' },
    });
    expect(await page.text()).toContain('<html lang="en"');
  });

  it('shows the German error for a wrong password and keeps the e-mail', async () => {
    const response = await fetch(`${t.url}/login`, {
      method: 'POST',
      headers: {
        'Accept-Language': 'de',
        Origin: t.url,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form({ email: 'nobody@konsort.example', password: 'falsch' }),
    });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('E-Mail-Adresse oder Passwort ist falsch.');
    expect(html).toContain('value="nobody@konsort.example"');
  });

  it('redirects anonymous visitors to the login page and back only to local paths', async () => {
    const response = await fetch(`${t.url}/accounts?q=m`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Faccounts%3Fq%3Dm');
    const evil = await fetch(`${t.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: t.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ email: rep.email, password: rep.password, redirectTo: '//evil.example/' }),
    });
    expect(evil.status).toBe(302);
    expect(evil.headers.get('location')).toBe('/');
  });

  it('re-renders the new-account form with field errors in the chosen language and the typed values', async () => {
    for (const [lang, required] of [
      ['de', 'Pflichtfeld.'],
      ['en', 'Required.'],
    ] as const) {
      const response = await fetch(`${t.url}/accounts/new`, {
        method: 'POST',
        headers: {
          Cookie: `${cookie}; konsort_lang=${lang}`,
          Origin: t.url,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: form({
          name: 'Nürnberger Testwerk GmbH',
          street: '',
          postalCode: '',
          city: 'Nürnberg',
          country: 'DE',
        }),
      });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain(`<html lang="${lang}"`);
      expect(html).toContain('value="Nürnberger Testwerk GmbH"');
      expect(html).toContain('value="Nürnberg"');
      expect(html).toMatch(/id="street"[^>]*aria-invalid="true"[^>]*aria-describedby="street-error"/);
      expect(html).toContain(`<p id="street-error" class="mt-1 text-sm text-rose-700">${required}</p>`);
      expect(html).not.toContain('id="name-error"');
    }
  });

  it('creates an account from the form and shows it', async () => {
    const response = await fetch(`${t.url}/accounts/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: t.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({
        name: 'Fürther Ventilbau GmbH',
        type: 'prospect',
        street: 'Hafenstraße 3',
        postalCode: '90762',
        city: 'Fürth',
        country: 'de',
      }),
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/accounts\/[0-9a-f-]{36}$/);
    const page = await fetch(`${t.url}${location}`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fürther Ventilbau GmbH');
  });

  it('answers an unknown or malformed id with a 404 page', async () => {
    for (const path of [
      '/accounts/00000000-0000-4000-8000-000000000000',
      '/opportunities/not-a-uuid',
      '/nowhere',
    ]) {
      const response = await fetch(`${t.url}${path}`, { headers: { Cookie: `${cookie}; konsort_lang=de` } });
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('Nicht gefunden');
    }
  });

  it('rejects a POST from a foreign origin', async () => {
    const response = await fetch(`${t.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    const trpc = await fetch(`${t.url}/trpc/opportunity.changeStage`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' },
      body: JSON.stringify({ json: { id: '00000000-0000-4000-8000-000000000000', stage: 'won' } }),
    });
    expect(trpc.status).toBe(403);
    expect(((await trpc.json()) as { error: { data: { code: string } } }).error.data.code).toBe('FORBIDDEN');
  });

  it('serves tRPC: 401 without a session, 200 with one, 400 with zod issues for bad input', async () => {
    const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify({ json: value }))}`;
    const anonymous = await fetch(`${t.url}/trpc/opportunity.list?${input({})}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/json');

    const ok = await fetch(`${t.url}/trpc/opportunity.list?${input({ limit: 5 })}`, {
      headers: { Cookie: cookie },
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { result: { data: { json: { items: unknown[] } } } };
    expect(body.result.data.json.items.length).toBeGreaterThan(0);

    const bad = await fetch(`${t.url}/trpc/opportunity.list?${input({ limit: 'many', stages: ['nope'] })}`, {
      headers: { Cookie: cookie, 'Accept-Language': 'en' },
    });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { json: { data: { zodIssues: { path: string }[] } } } };
    const paths = error.error.json.data.zodIssues.map((i) => i.path);
    expect(paths).toContain('limit');
  });

  it('moves a deal on the kanban board with the no-JS form', async () => {
    const board = await fetch(`${t.url}/opportunities/board?mine=1`, { headers: { Cookie: cookie } });
    const html = await board.text();
    const id = /data-deal="([0-9a-f-]{36})"/.exec(html)?.[1];
    expect(id).toBeTruthy();
    const moved = await fetch(`${t.url}/opportunities/board`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: t.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ intent: 'changeStage', id: id!, stage: 'negotiation' }),
    });
    expect(moved.status).toBe(302);
    const detail = await fetch(`${t.url}/opportunities/${id}`, {
      headers: { Cookie: `${cookie}; konsort_lang=de` },
    });
    expect(await detail.text()).toContain('Verhandlung');
  });

  it('logs out', async () => {
    const own = await login(t.url, rep.email, rep.password);
    const response = await fetch(`${t.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: own, Origin: t.url },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login');
    const after = await fetch(`${t.url}/`, { redirect: 'manual', headers: { Cookie: own } });
    expect(after.status).toBe(302);
  });

  it('reports a concurrent change on the deal edit form instead of overwriting it', async () => {
    const board = await (
      await fetch(`${t.url}/opportunities/board?mine=1`, { headers: { Cookie: cookie } })
    ).text();
    const id = /data-deal="([0-9a-f-]{36})"/.exec(board)?.[1];
    const response = await fetch(`${t.url}/opportunities/${id}/edit`, {
      method: 'POST',
      headers: {
        Cookie: `${cookie}; konsort_lang=de`,
        Origin: t.url,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form({
        version: '9999',
        name: 'Neuer Name',
        amount: '12.500,50',
        currency: 'EUR',
        businessType: 'new',
      }),
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('Jemand anderes hat diesen Datensatz inzwischen geändert.');
    expect(html).toContain('value="12.500,50"');
  });

  it('shows partners the dashboard and deals but not the account list', async () => {
    const partner = t.logins.find((l) => l.role === 'partner_member')!;
    const partnerCookie = await login(t.url, partner.email, partner.password);
    for (const path of ['/', '/opportunities', '/opportunities/board']) {
      const response = await fetch(`${t.url}${path}`, { headers: { Cookie: partnerCookie } });
      expect(response.status, path).toBe(200);
    }
    const accounts = await fetch(`${t.url}/accounts`, {
      headers: { Cookie: `${partnerCookie}; konsort_lang=en` },
    });
    expect(accounts.status).toBe(403);
    expect(await accounts.text()).toContain('Not allowed');
  });
});
