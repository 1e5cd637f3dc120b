/**
 * Export → import into an empty database gives the same rows: every field of accounts, contacts
 * and deals a user can set survives the round trip through our own CSV, in both dialects, with
 * the suggested mapping and no hand edits. (Ids and timestamps are the new database's own.)
 */
import {
  accounts,
  contacts,
  type Database,
  opportunities,
  opportunityStageHistory,
  users,
} from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runImportJob, startImport, uploadImport, validateImport } from '../imports/imports.ts';
import type { InternalUser } from '../principal.ts';
import { makeAccount, makeContact, makeOpportunity, makeUser } from '../testing/index.ts';
import { exportCsvText, exportFiltersInput } from './export.ts';
import type { CsvDialect } from './values.ts';

let t: TestDatabase;
let db: Database;
let manager: InternalUser;
let repId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  manager = (await makeUser(db, { role: 'manager', locale: 'de' })).principal as InternalUser;
  repId = (await makeUser(db, { role: 'rep' })).user.id;
});
afterAll(async () => {
  await t?.destroy();
});

async function seed() {
  const full = await makeAccount(db, repId, {
    name: 'Rund & Trip "Eins" GmbH',
    type: 'customer',
    industry: 'Maschinenbau',
    vatId: 'DE811111111',
    domain: 'rundtrip.example',
    website: 'https://www.rundtrip.example',
    email: 'info@rundtrip.example',
    phone: '+49 89 123456',
    street: 'Schloßallee 1',
    postalCode: '80331',
    city: 'München',
    country: 'DE',
    notes: 'Notiz; mit Semikolon,\nZeilenumbruch und "Anführungszeichen"',
  });
  const minimal = await makeAccount(db, manager.userId, {
    name: 'Zwei Ösen AG',
    street: 'Weg 2',
    postalCode: '1010',
    city: 'Wien',
    country: 'AT',
  });
  const buyer = await makeContact(db, full.id, {
    salutation: 'Frau',
    title: 'Dr.',
    firstName: 'Jürgen',
    lastName: 'Groß',
    position: 'Einkauf',
    email: 'j.gross@rundtrip.example',
    phone: '+49 89 1',
    mobile: '+49 170 2',
  });
  const eva = await makeContact(db, minimal.id, { firstName: 'Eva', lastName: 'Ost', email: null });
  await makeOpportunity(db, full.id, repId, {
    name: 'Fräszentrum',
    primaryContactId: buyer.id,
    stage: 'proposal',
    amountMinor: 123_456,
    currency: 'EUR',
    probability: 35,
    marginMinor: 20_050,
    businessType: 'existing',
    expectedCloseDate: '2026-12-31',
    source: 'Messe',
    description: 'Zwei Zeilen\nmit; Semikolon',
  });
  await makeOpportunity(db, minimal.id, manager.userId, {
    name: 'Service USD',
    // Without an e-mail the contact is named by first and last name.
    primaryContactId: eva.id,
    stage: 'won',
    amountMinor: 99,
    currency: 'USD',
    probability: 100,
    businessType: 'new',
    closedAt: new Date('2026-03-05T10:00:00Z'),
  });
}

/** The rows as a user sees them: references by name and e-mail, no ids or timestamps. */
async function snapshot() {
  const owners = new Map((await db.select().from(users)).map((u) => [u.id, u.email]));
  const accountRows = await db.select().from(accounts).orderBy(asc(accounts.name));
  const names = new Map(accountRows.map((a) => [a.id, a.name]));
  const contactRows = await db.select().from(contacts).orderBy(asc(contacts.lastName));
  const people = new Map(contactRows.map((c) => [c.id, `${c.firstName} ${c.lastName}`]));
  return {
    accounts: accountRows.map(({ id: _i, createdAt: _c, updatedAt: _u, ownerId, ...a }) => ({
      ...a,
      owner: owners.get(ownerId),
    })),
    contacts: contactRows.map(({ id: _i, createdAt: _c, updatedAt: _u, accountId, ...c }) => ({
      ...c,
      account: names.get(accountId),
    })),
    deals: (await db.select().from(opportunities).orderBy(asc(opportunities.name))).map(
      ({
        id: _i,
        createdAt: _c,
        updatedAt: _u,
        accountId,
        ownerId,
        version: _v,
        closedAt,
        primaryContactId,
        ...o
      }) => ({
        ...o,
        primaryContact: primaryContactId ? people.get(primaryContactId) : null,
        // A closed deal keeps its day (the CSV carries dates, not instants).
        closedOn: closedAt?.toISOString().slice(0, 10) ?? null,
        account: names.get(accountId),
        owner: owners.get(ownerId),
      }),
    ),
  };
}

async function emptyTables() {
  await db.delete(opportunityStageHistory);
  await db.delete(opportunities);
  await db.delete(contacts);
  await db.delete(accounts);
}

async function importText(entity: 'account' | 'contact' | 'opportunity', text: string) {
  const run = await uploadImport(db, manager, {
    entity,
    fileName: `${entity}.csv`,
    contentBase64: Buffer.from(text, 'utf8').toString('base64'),
  });
  const validated = await validateImport(db, manager, { id: run.id, mapping: run.mapping ?? {} });
  expect(validated.report).toMatchObject({ errors: [], mappingErrors: [], duplicateCount: 0 });
  await startImport(db, manager, { id: run.id });
  const done = await runImportJob(db, manager, run.id);
  expect(done).toMatchObject({ status: 'completed', createdCount: validated.report!.rows });
}

/** Everything, in the lists' default order. */
const filters = {
  account: exportFiltersInput.account.parse({}),
  contact: exportFiltersInput.contact.parse({}),
  opportunity: exportFiltersInput.opportunity.parse({}),
};

for (const dialect of ['standard', 'excel-de'] as const satisfies readonly CsvDialect[]) {
  it(`${dialect}: accounts, contacts and deals exported and imported into empty tables are the same rows`, async () => {
    await emptyTables();
    await seed();
    const before = await snapshot();
    const options = { dialect, locale: dialect === 'excel-de' ? ('de' as const) : ('en' as const) };
    const files = {
      account: await exportCsvText(db, manager, 'account', filters.account, options),
      contact: await exportCsvText(db, manager, 'contact', filters.contact, options),
      opportunity: await exportCsvText(db, manager, 'opportunity', filters.opportunity, options),
    };
    await emptyTables();
    // Accounts first: contacts and deals name their account.
    await importText('account', files.account);
    await importText('contact', files.contact);
    await importText('opportunity', files.opportunity);
    expect(await snapshot()).toEqual(before);
    // Exported again, the files hold the same lines but for the new ids. (Sorted: the list
    // orders by time, and rows imported in one transaction share theirs.)
    const withoutIds = (text: string) =>
      text
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
        .split('\r\n')
        .sort();
    expect(withoutIds(await exportCsvText(db, manager, 'opportunity', filters.opportunity, options))).toEqual(
      withoutIds(files.opportunity),
    );
  });
}

it('keeps one row per stage change: the imported deal starts its history at its stage', async () => {
  const [deal] = await db.select().from(opportunities).where(eq(opportunities.name, 'Fräszentrum'));
  const history = await db
    .select()
    .from(opportunityStageHistory)
    .where(eq(opportunityStageHistory.opportunityId, deal!.id));
  expect(history).toMatchObject([{ fromStage: null, toStage: 'proposal' }]);
});

it('a contact person the account does not have is an error of the report, in German', async () => {
  const text = [
    'Deal;Firma;Ansprechpartner',
    'Eins;Zwei Ösen AG;Eva Ost',
    'Zwei;Zwei Ösen AG;niemand@example.com',
  ].join('\n');
  const run = await uploadImport(db, manager, {
    entity: 'opportunity',
    fileName: 'kontakt.csv',
    contentBase64: Buffer.from(text, 'utf8').toString('base64'),
  });
  const validated = await validateImport(db, manager, { id: run.id, mapping: run.mapping ?? {} });
  expect(validated.report!.errors.map((e) => [e.line, e.column, e.message])).toEqual([
    [
      3,
      'Ansprechpartner',
      'Die Firma hat keinen Kontakt „niemand@example.com“ (nach E-Mail oder Vor- und Nachname).',
    ],
  ]);
});
