/**
 * The CSV import pipeline through the router: upload, mapping, the report before anything is
 * written, duplicates with merge choices, the all-or-nothing job with audit entries — and the
 * proofs that a malformed file or a changed database writes nothing.
 */
import {
  accounts,
  auditLog,
  contacts,
  type Database,
  importRows,
  importRuns,
  opportunities,
  opportunityStageHistory,
} from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../errors.ts';
import { translate } from '../i18n/messages.ts';
import type { InternalUser } from '../principal.ts';
import { callerFor, failure, makeAccount, makeContact, makeUser } from '../testing/index.ts';
import { runImportJob, stagedRowCount, startImport } from './imports.ts';

let t: TestDatabase;
let db: Database;
let rep: InternalUser;
let manager: InternalUser;
let managerEmail: string;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const count = async (table: typeof accounts | typeof contacts | typeof opportunities) =>
  Number((await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n);
const auditCount = async () =>
  Number((await db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n);

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  rep = (await makeUser(db, { role: 'rep', locale: 'de' })).principal as InternalUser;
  const m = await makeUser(db, { role: 'manager' });
  manager = m.principal as InternalUser;
  managerEmail = m.user.email;
});
afterAll(async () => {
  await t?.destroy();
});

/** Upload + validate with the suggested mapping; returns the run. */
async function uploadAndValidate(
  principal: InternalUser,
  entity: 'account' | 'contact' | 'opportunity',
  text: string | Buffer,
) {
  const { caller } = callerFor(db, principal);
  const content = typeof text === 'string' ? b64(text) : text.toString('base64');
  const uploaded = await caller.csvImport.upload({
    entity,
    fileName: `${entity}.csv`,
    contentBase64: content,
  });
  const validated = await caller.csvImport.validate({ id: uploaded.id, mapping: uploaded.mapping ?? {} });
  return { uploaded, validated, caller };
}

/** Starts and runs the job to its end in this process (the router would run it in the background). */
async function runToEnd(
  principal: InternalUser,
  id: string,
  decisions?: Parameters<typeof startImport>[2]['decisions'],
) {
  await startImport(db, principal, { id, decisions });
  return runImportJob(db, principal, id, { batchSize: 2 });
}

describe('upload and mapping', () => {
  it('reads Windows-1252 with `;`, detects both, and maps German headers', async () => {
    const text =
      'Firmenname;Straße;PLZ;Ort;Land;USt-IdNr.;Branche\r\nBäckerei Öztürk GmbH;Große Str. 5;50667;Köln;DE;DE123456789;Lebensmittel\r\n';
    const bytes = Buffer.from(latin1(text));
    const { caller } = callerFor(db, rep);
    const run = await caller.csvImport.upload({
      entity: 'account',
      fileName: 'a.csv',
      contentBase64: bytes.toString('base64'),
    });
    expect(run.encoding).toBe('windows-1252');
    expect(run.delimiter).toBe(';');
    expect(run.headers[1]).toBe('Straße');
    expect(run.sample[0]![0]).toBe('Bäckerei Öztürk GmbH');
    expect(run.mapping).toEqual({
      name: 0,
      street: 1,
      postalCode: 2,
      city: 3,
      country: 4,
      vatId: 5,
      industry: 6,
    });
  });

  it('reads UTF-8 with BOM and `,`, and maps English headers', async () => {
    const text =
      '\uFEFFCompany,Street,Postcode,City,Country,Owner (e-mail)\nAcme Ltd,"1 High Street, Unit 2",LS1 4HT,Leeds,GB,x@y.z\n';
    const { caller } = callerFor(db, rep);
    const run = await caller.csvImport.upload({
      entity: 'account',
      fileName: 'a.csv',
      contentBase64: b64(text),
    });
    expect(run.encoding).toBe('utf-8');
    expect(run.delimiter).toBe(',');
    expect(run.headers[0]).toBe('Company');
    expect(run.sample[0]![1]).toBe('1 High Street, Unit 2');
    expect(run.mapping).toMatchObject({
      name: 0,
      street: 1,
      postalCode: 2,
      city: 3,
      country: 4,
      ownerEmail: 5,
    });
  });

  it('a malformed file is refused at upload with the line, in German, and writes nothing at all', async () => {
    const runsBefore = Number((await db.select({ n: sql<number>`count(*)::int` }).from(importRuns))[0]!.n);
    const [accountsBefore, auditBefore] = [await count(accounts), await auditCount()];
    const text =
      'Name;Straße;PLZ;Ort;Land\nGut GmbH;Weg 1;10115;Berlin;DE\n"Kaputt GmbH;Weg 2;10115;Berlin;DE\nNoch GmbH;Weg 3;10115;Berlin;DE\n';
    const error = await failure(
      callerFor(db, rep).caller.csvImport.upload({
        entity: 'account',
        fileName: 'x.csv',
        contentBase64: b64(text),
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    const cause = error.cause as AppError;
    expect(cause.key).toBe('csv.malformed');
    expect(translate('de', cause.key, cause.params)).toMatch(
      /^Die Datei ist um Zeile \d+ kein gültiges CSV \(CSV_QUOTE_NOT_CLOSED\)/,
    );
    const runsAfter = Number((await db.select({ n: sql<number>`count(*)::int` }).from(importRuns))[0]!.n);
    expect(runsAfter).toBe(runsBefore);
    expect(await count(accounts)).toBe(accountsBefore);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('partners and API keys cannot import', async () => {
    const partner = await makeUser(db, { role: 'partner_admin' });
    const error = await failure(
      callerFor(db, partner.principal).caller.csvImport.upload({
        entity: 'account',
        fileName: 'a.csv',
        contentBase64: b64('Name\nX\n'),
      }),
    );
    expect(error.code).toBe('FORBIDDEN');
  });
});

function latin1(text: string): Uint8Array {
  return Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
}

describe('validation report', () => {
  it('lists every row error with line and column in the user language, and writes nothing', async () => {
    const existing = await makeAccount(db, rep.userId, { name: 'Referenz Kunde AG', vatId: 'DE811111111' });
    const [accountsBefore, dealsBefore, auditBefore] = [
      await count(accounts),
      await count(opportunities),
      await auditCount(),
    ];
    const text = [
      'Deal;Firma;Betrag;Erwarteter Abschluss;Verantwortlich (E-Mail);Phase',
      `Gut;Referenz Kunde AG;1.234,56;31.12.2026;;Angebot`,
      `Betrag kaputt;Referenz Kunde AG;12,34,5;2026-12-31;;lead`,
      `Datum kaputt;Referenz Kunde AG;100;31.02.2026;;lead`,
      `Unbekannter Owner;Referenz Kunde AG;100;;niemand@example.com;lead`,
      `Unbekannte Firma;Gibt Es Nicht GmbH;100;;;lead`,
      `Per USt-ID;DE 811 111 111;1,234.56;;;gewonnen`,
      `;Referenz Kunde AG;100;;;Quatsch`,
    ].join('\n');
    const { validated } = await uploadAndValidate(rep, 'opportunity', text);
    const report = validated.report!;
    expect(report.rows).toBe(7);
    expect(report.valid).toBe(2);
    const byLine = (line: number) =>
      report.errors.filter((e) => e.line === line).map((e) => [e.column, e.message]);
    expect(byLine(3)).toEqual([['Betrag', 'Kein gültiger Betrag (z. B. 12500,00).']]);
    expect(byLine(4)).toEqual([
      ['Erwarteter Abschluss', 'Kein gültiges Datum (31.12.2026 oder 2026-12-31).'],
    ]);
    expect(byLine(5)).toEqual([
      [
        'Verantwortlich (E-Mail)',
        'Kein aktiver interner Benutzer hat die E-Mail-Adresse niemand@example.com.',
      ],
    ]);
    expect(byLine(6)).toEqual([
      ['Firma', 'Keine Firma „Gibt Es Nicht GmbH“ (nach Name, USt-IdNr. oder ID).'],
    ]);
    expect(byLine(8)).toEqual(
      expect.arrayContaining([
        ['Phase', 'Bitte einen der angebotenen Werte wählen.'],
        ['Deal', 'Pflichtfeld.'],
      ]),
    );
    expect(await count(accounts)).toBe(accountsBefore);
    expect(await count(opportunities)).toBe(dealsBefore);
    // The only entry is the upload of the file itself.
    expect(await auditCount()).toBe(auditBefore + 1);
    // An import with errors in its report cannot start.
    const error = await failure(callerFor(db, rep).caller.csvImport.start({ id: validated.id }));
    expect(error.code).toBe('CONFLICT');
    expect(existing.id).toBeTruthy();
  });

  it('names a required field without a column', async () => {
    const { validated } = await uploadAndValidate(manager, 'account', 'Name,City\nX GmbH,Berlin\n');
    expect(validated.report!.mappingErrors.map((e) => e.field).sort()).toEqual([
      'country',
      'postalCode',
      'street',
    ]);
    expect(validated.report!.mappingErrors[0]!.message).toMatch(/^Assign a column to/);
  });

  it('reports a second row for the same company in one file', async () => {
    const { validated } = await uploadAndValidate(
      manager,
      'account',
      'Name,Street,Postcode,City,Country,VAT ID\nEins GmbH,Weg 1,10115,Berlin,DE,DE100000001\nEins GmbH & Co. KG,Weg 9,10115,Berlin,DE,\n',
    );
    expect(validated.report!.errors).toEqual([
      expect.objectContaining({ line: 3, column: null, message: 'The same record as line 2 of this file.' }),
    ]);
  });
});

describe('import job', () => {
  it('imports accounts in one go with an audit entry per record and the run completed', async () => {
    const auditBefore = await auditCount();
    const rows = Array.from(
      { length: 7 },
      (_, i) => `Neu ${i} GmbH;Allee ${i + 1};8033${i};München;DE;${managerEmail}`,
    );
    const { validated } = await uploadAndValidate(
      manager,
      'account',
      ['Name;Straße;PLZ;Ort;Land;Verantwortlich (E-Mail)', ...rows].join('\n'),
    );
    expect(validated.report!.errorCount).toBe(0);
    const done = await runToEnd(manager, validated.id);
    expect(done.status).toBe('completed');
    expect(done.createdCount).toBe(7);
    const created = await db.select().from(accounts).where(sql`${accounts.name} like 'Neu % GmbH'`);
    expect(created).toHaveLength(7);
    expect(created.every((a) => a.ownerId === manager.userId && a.city === 'München')).toBe(true);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'account'), eq(auditLog.action, 'create'), sql`${auditLog.id} > 0`));
    const mine = audits.filter((a) => created.some((c) => c.id === a.entityId));
    expect(mine).toHaveLength(7);
    expect(mine[0]!.changes).toMatchObject({ city: [null, 'München'], ownerId: [null, manager.userId] });
    expect(mine[0]!.actorId).toBe(manager.userId);
    // upload, start, complete + 7 creates
    expect((await auditCount()) - auditBefore).toBe(10);
    expect(await stagedRowCount(db, validated.id)).toBe(0);
    const progress = await callerFor(db, manager).caller.csvImport.byId({ id: validated.id });
    expect(progress.progress).toMatchObject({ phase: 'completed', rowsDone: 7, rowsTotal: 7, percent: 100 });
  });

  it('detects duplicates by VAT ID, domain and name and applies skip / update / create per row', async () => {
    const byVat = await makeAccount(db, rep.userId, {
      name: 'Alt Vat GmbH',
      vatId: 'DE222222222',
      city: 'Köln',
    });
    const byDomain = await makeAccount(db, rep.userId, { name: 'Alt Domain GmbH', domain: 'alt-domain.de' });
    const byName = await makeAccount(db, rep.userId, { name: 'Müller Fräsen GmbH', city: 'Köln' });
    const text = [
      'Name;Straße;PLZ;Ort;Land;USt-IdNr.;Website',
      'Ganz Anders GmbH;Neuer Weg 1;10115;Berlin;DE;DE 222 222 222;',
      'Alt Domain;Hauptstraße 12;50667;Köln;DE;;https://www.alt-domain.de/kontakt',
      'Mueller Fraesen;Hauptstraße 12;50667;Bonn;DE;;',
      'Wirklich Neu GmbH;Hauptstraße 1;50667;Köln;DE;;',
    ].join('\n');
    const { validated } = await uploadAndValidate(rep, 'account', text);
    const report = validated.report!;
    expect(report.errorCount).toBe(0);
    expect(report.duplicates.map((d) => [d.line, d.existingId, d.matchedBy])).toEqual([
      [2, byVat.id, 'vatId'],
      [3, byDomain.id, 'domain'],
      [4, byName.id, 'name'],
    ]);
    const done = await runToEnd(rep, validated.id, {
      default: 'skip',
      rows: { '2': 'update', '4': 'create' },
    });
    expect(done).toMatchObject({ status: 'completed', createdCount: 2, updatedCount: 1, skippedCount: 1 });
    const [vatAfter] = await db.select().from(accounts).where(eq(accounts.id, byVat.id));
    expect(vatAfter).toMatchObject({
      name: 'Ganz Anders GmbH',
      city: 'Berlin',
      street: 'Neuer Weg 1',
      ownerId: rep.userId,
    });
    const [updateAudit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, byVat.id), eq(auditLog.action, 'update')));
    expect(updateAudit!.changes).toMatchObject({
      city: ['Köln', 'Berlin'],
      name: ['Alt Vat GmbH', 'Ganz Anders GmbH'],
    });
    expect(updateAudit!.changes).not.toHaveProperty('vatId');
    const [domainAfter] = await db.select().from(accounts).where(eq(accounts.id, byDomain.id));
    expect(domainAfter!.name).toBe('Alt Domain GmbH');
    expect(await db.select().from(accounts).where(eq(accounts.name, 'Mueller Fraesen'))).toHaveLength(1);
  });

  it('imports contacts with duplicate detection by e-mail', async () => {
    const account = await makeAccount(db, rep.userId, { name: 'Kontaktfirma AG', vatId: 'DE333333333' });
    const known = await makeContact(db, account.id, { email: 'anna@kontaktfirma.de', position: 'Einkauf' });
    const text = [
      'Firma,Vorname,Nachname,E-Mail,Position',
      'Kontaktfirma AG,Anna,Schäfer,ANNA@kontaktfirma.de,Leitung Einkauf',
      'DE333333333,Bernd,Brot,bernd@kontaktfirma.de,',
    ].join('\n');
    const { validated } = await uploadAndValidate(rep, 'contact', text);
    expect(validated.report!.duplicates).toEqual([
      expect.objectContaining({ line: 2, existingId: known.id, matchedBy: 'email' }),
    ]);
    const done = await runToEnd(rep, validated.id, { default: 'update', rows: {} });
    expect(done).toMatchObject({ createdCount: 1, updatedCount: 1 });
    const rows = await db.select().from(contacts).where(eq(contacts.accountId, account.id));
    expect(rows.map((c) => [c.firstName, c.position]).sort()).toEqual([
      ['Anna', 'Leitung Einkauf'],
      ['Bernd', null],
    ]);
    expect(rows.find((c) => c.firstName === 'Anna')!.id).toBe(known.id);
  });

  it('imports deals with both money formats, German and ISO dates, stage history and the margin', async () => {
    await makeAccount(db, rep.userId, { name: 'Dealkunde GmbH', vatId: 'DE444444444' });
    const text = [
      'Deal;Firma;Betrag;Marge;Währung;Erwarteter Abschluss;Phase;Geschäftsart',
      'Fräse;Dealkunde GmbH;1.234,56;200,00;EUR;31.12.2026;Angebot;Bestandskunde',
      'Drehbank;DE444444444;1,234.56;;EUR;2027-01-15;gewonnen;new',
    ].join('\n');
    const { validated } = await uploadAndValidate(rep, 'opportunity', text);
    expect(validated.report!.errors).toEqual([]);
    await runToEnd(rep, validated.id);
    const deals = await db
      .select()
      .from(opportunities)
      .where(sql`${opportunities.name} in ('Fräse', 'Drehbank')`);
    const fraese = deals.find((d) => d.name === 'Fräse')!;
    const drehbank = deals.find((d) => d.name === 'Drehbank')!;
    expect(fraese).toMatchObject({
      amountMinor: 123_456,
      marginMinor: 20_000,
      expectedCloseDate: '2026-12-31',
      stage: 'proposal',
      probability: 50,
      businessType: 'existing',
      ownerId: rep.userId,
      closedAt: null,
    });
    expect(drehbank).toMatchObject({
      amountMinor: 123_456,
      expectedCloseDate: '2027-01-15',
      stage: 'won',
      probability: 100,
    });
    expect(drehbank.closedAt).toBeInstanceOf(Date);
    const history = await db
      .select()
      .from(opportunityStageHistory)
      .where(eq(opportunityStageHistory.opportunityId, fraese.id));
    expect(history).toMatchObject([{ fromStage: null, toStage: 'proposal', changedBy: rep.userId }]);
  });

  it('a lost deal needs a loss reason from the configured list (key or label), as on every other path', async () => {
    await makeAccount(db, rep.userId, { name: 'Verlustkunde GmbH' });
    const header = 'Deal;Firma;Phase;Verlustgrund';
    const rejected = [
      header,
      'Ohne Grund;Verlustkunde GmbH;verloren;',
      'Freitext;Verlustkunde GmbH;verloren;zu teuer',
      'Grund ohne Verlust;Verlustkunde GmbH;gewonnen;price',
    ].join('\n');
    const dealsBefore = await count(opportunities);
    const { validated: bad } = await uploadAndValidate(rep, 'opportunity', rejected);
    const reasons =
      'price (Preis), competitor (Wettbewerber), no_budget (Kein Budget), timing (Zeitpunkt), no_response (Keine Rückmeldung)';
    expect(bad.report!.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [2, 'Verlustgrund', `Ein verlorener Deal braucht einen Verlustgrund aus der Liste: ${reasons}.`],
      [3, 'Verlustgrund', `Ein verlorener Deal braucht einen Verlustgrund aus der Liste: ${reasons}.`],
      [4, 'Verlustgrund', 'Ein Verlustgrund gehört nur zu verlorenen Deals.'],
    ]);
    // Without the column a lost row is refused too.
    const { validated: noColumn } = await uploadAndValidate(
      rep,
      'opportunity',
      'Deal;Firma;Phase\nAlt;Verlustkunde GmbH;verloren',
    );
    expect(noColumn.report!.errors.map((e) => e.key)).toEqual(['csv.lossReasonRequired']);

    const good = [
      header,
      'Per Key;Verlustkunde GmbH;verloren;price',
      'Per Label;Verlustkunde GmbH;lost;Wettbewerber',
    ].join('\n');
    const { validated } = await uploadAndValidate(rep, 'opportunity', good);
    expect(validated.report!.errors).toEqual([]);
    await runToEnd(rep, validated.id);
    expect(await count(opportunities)).toBe(dealsBefore + 2);
    const deals = await db
      .select()
      .from(opportunities)
      .where(sql`${opportunities.name} in ('Per Key', 'Per Label')`)
      .orderBy(opportunities.name);
    expect(deals.map((d) => [d.name, d.stage, d.lostReason, d.probability])).toEqual([
      ['Per Key', 'lost', 'price', 0],
      ['Per Label', 'lost', 'competitor', 0],
    ]);
    const [created] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, deals[0]!.id), eq(auditLog.action, 'create')));
    expect(created!.changes).toMatchObject({ stage: [null, 'lost'], lostReason: [null, 'price'] });
  });

  it('writes nothing when the database changed since the report (an account archived meanwhile)', async () => {
    const gone = await makeAccount(db, rep.userId, { name: 'Bald Archiviert GmbH' });
    const text = ['Deal,Account,Amount', 'Eins,Bald Archiviert GmbH,10', 'Zwei,Bald Archiviert GmbH,20'].join(
      '\n',
    );
    const { validated } = await uploadAndValidate(rep, 'opportunity', text);
    expect(validated.report!.errorCount).toBe(0);
    await db.update(accounts).set({ archivedAt: new Date() }).where(eq(accounts.id, gone.id));
    const dealsBefore = await count(opportunities);
    const done = await runToEnd(rep, validated.id);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('csv.changedSinceReport');
    expect(await count(opportunities)).toBe(dealsBefore);
    expect(await db.select().from(importRows).where(eq(importRows.runId, validated.id))).toEqual([]);
  });

  it('another rep cannot read or start someone else’s import; a manager can read it', async () => {
    const other = (await makeUser(db, { role: 'rep' })).principal;
    const { uploaded } = await uploadAndValidate(
      rep,
      'account',
      'Name,Street,Postcode,City,Country\nA GmbH,Weg 1,10115,Berlin,DE\n',
    );
    expect((await failure(callerFor(db, other).caller.csvImport.byId({ id: uploaded.id }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(callerFor(db, other).caller.csvImport.start({ id: uploaded.id }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await callerFor(db, manager).caller.csvImport.byId({ id: uploaded.id })).id).toBe(uploaded.id);
  });
});
