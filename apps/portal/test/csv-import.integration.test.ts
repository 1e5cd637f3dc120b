/**
 * The CSV pages over HTTP against the production build: the import wizard from upload to result
 * (German UI), the export download (BOM, German Excel dialect), a partner's deal export without
 * internal columns, and a malformed upload that stores nothing.
 */
import { registerImportJobs } from '@konsort/api';
import { JobRunner } from '@konsort/api/jobs';
import { importRuns } from '@konsort/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
let manager: string;
let runner: JobRunner;
beforeAll(async () => {
  t = await startTestServer();
  // The import runs on the job runner, as in `pnpm start` (the test server starts no worker).
  runner = new JobRunner({ db: t.db.db, pollMs: 100 });
  registerImportJobs(runner, t.db.db);
  runner.start();
  const m = t.logins.find((l) => l.role === 'manager')!;
  manager = await login(t.url, m.email, m.password);
});
afterAll(async () => {
  await runner?.stop();
  await t?.close();
});

const headers = (cookie: string) => ({ Cookie: `${cookie}; konsort_lang=de`, Origin: t.url });
const form = (cookie: string, fields: Record<string, string>) =>
  formPost(t.url, `${cookie}; konsort_lang=de`, fields);
const upload = (cookie: string, text: string, entity = 'account') => {
  const body = new FormData();
  body.set('entity', entity);
  body.set('file', new Blob([text], { type: 'text/csv' }), 'firmen.csv');
  return fetch(`${t.url}/import?index`, {
    method: 'POST',
    redirect: 'manual',
    headers: headers(cookie),
    body,
  });
};
const page = async (cookie: string, path: string) =>
  (await fetch(`${t.url}${path}`, { headers: headers(cookie) })).text();

describe('CSV import wizard', () => {
  it('upload → mapping → report → import → result, in German', async () => {
    const csv = [
      'Firmenname;Straße;PLZ;Ort;Land;USt-IdNr.',
      'Wizard Eins GmbH;Hauptstraße 1;80331;München;DE;DE901000001',
      'Wizard Zwei AG;Bahnhofstraße 2;50667;Köln;DE;',
    ].join('\r\n');
    const uploaded = await upload(manager, csv);
    expect(uploaded.status).toBe(302);
    const location = uploaded.headers.get('location')!;
    expect(location).toMatch(/^\/import\/[0-9a-f-]{36}$/);

    const mapping = await page(manager, location);
    expect(mapping).toContain('Spalten zuordnen');
    expect(mapping).toContain('firmen.csv: 2 Zeilen, UTF-8, Trennzeichen „;“');

    const checked = await fetch(
      `${t.url}${location}`,
      form(manager, {
        intent: 'validate',
        'map.name': '0',
        'map.street': '1',
        'map.postalCode': '2',
        'map.city': '3',
        'map.country': '4',
        'map.vatId': '5',
      }),
    );
    expect(checked.status).toBe(302);
    const report = await page(manager, location);
    expect(report).toContain('Prüfbericht');
    expect(report).toContain('2 Zeilen: 2 gültig, 0 Fehler, 0 Dubletten');

    const started = await fetch(`${t.url}${location}`, form(manager, { intent: 'start', default: 'skip' }));
    expect(started.status).toBe(302);
    let result = '';
    // The import runs as a job on the job runner (a while on a loaded machine). Polled for the
    // outcome itself: the page embeds its translations, so a heading word alone proves nothing.
    const done = '2 angelegt, 0 aktualisiert, 0 übersprungen.';
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && !result.includes(done)) {
      result = await page(manager, location);
      if (!result.includes(done)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(result).toContain('2 angelegt, 0 aktualisiert, 0 übersprungen.');
    expect(await page(manager, '/accounts?q=Wizard')).toContain('Wizard Zwei AG');
    // The user hears of it: a notification that links to the import.
    const notifications = await page(manager, '/notifications');
    expect(notifications).toContain('Import abgeschlossen: firmen.csv');
    expect(notifications).toContain(location);
  });

  it('a malformed file comes back with its line and stores no import run', async () => {
    const before = (await t.db.db.select().from(importRuns)).length;
    const response = await upload(manager, 'Name;Straße\n"Kaputt GmbH;Weg 1\n');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Die Datei ist um Zeile \d+ kein gültiges CSV/);
    expect((await t.db.db.select().from(importRuns)).length).toBe(before);
  });
});

describe('CSV export downloads', () => {
  it('accounts as German Excel CSV: BOM, `;`, German header, a file name', async () => {
    const response = await fetch(`${t.url}/accounts/export?dialect=excel-de`, { headers: headers(manager) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="konsort-firmen-/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe(
      'ID;Name;Typ;Branche;USt-IdNr.;Domain;Website;E-Mail;Telefon;Straße;PLZ;Ort;Land;Verantwortlich (E-Mail);Notizen',
    );
  });

  it('a partner exports its shared deals without margin, source or owner columns', async () => {
    const p = t.logins.find((l) => l.role === 'partner_admin')!;
    const partner = await login(t.url, p.email, p.password);
    const response = await fetch(`${t.url}/opportunities/export?dialect=standard`, {
      headers: headers(partner),
    });
    expect(response.status).toBe(200);
    const header = (await response.text()).split('\r\n')[0]!;
    expect(header).toBe(
      'ID,Deal,Firma,Phase,Betrag,Währung,Wahrscheinlichkeit %,Geschäftsart,Erwarteter Abschluss,Abgeschlossen am,Beschreibung,Ansprechpartner',
    );
    // Staff-only lists stay closed to partners, their exports too.
    expect((await fetch(`${t.url}/accounts/export`, { headers: headers(partner) })).status).toBe(403);
  });
});
