/**
 * CSV export: the list's rows with the list's filters, the policy's columns (partners never get
 * margin, source, owner, VAT ID), both dialects, and a file that imports again unchanged.
 */
import type { Database } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadImport, validateImport } from '../imports/imports.ts';
import type { InternalUser, UserPrincipal } from '../principal.ts';
import {
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import { exportCsvText } from './export.ts';

let t: TestDatabase;
let db: Database;
let rep: InternalUser;
let repEmail: string;
let partner: UserPrincipal;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  const r = await makeUser(db, { role: 'rep' });
  rep = r.principal as InternalUser;
  repEmail = r.user.email;
  const org = await makePartnerOrg(db);
  partner = (await makeUser(db, { role: 'partner_member', partnerOrgId: org.id })).principal;
  const a = await makeAccount(db, rep.userId, {
    name: 'Export Eins GmbH',
    vatId: 'DE555555555',
    city: 'Düsseldorf',
  });
  const b = await makeAccount(db, rep.userId, { name: 'Export Zwei AG', domain: 'zwei.example' });
  const contact = await makeContact(db, a.id, {
    firstName: 'Jörg',
    lastName: 'Ärmel',
    mobile: '+49 171 1234567',
  });
  const shared = await makeOpportunity(db, a.id, rep.userId, {
    name: 'Geteilt',
    amountMinor: 123_456,
    marginMinor: 98_765,
    source: 'Messe',
    stage: 'proposal',
    expectedCloseDate: '2026-12-31',
    primaryContactId: contact.id,
  });
  await makeOpportunity(db, b.id, rep.userId, {
    name: 'Intern',
    amountMinor: 500,
    marginMinor: 77_777,
    stage: 'lead',
  });
  await share(db, shared.id, org.id, 'view');
});
afterAll(async () => {
  await t?.destroy();
});

const rowsOf = (text: string, delimiter = ',') =>
  parse(text.replace(/^\uFEFF/, ''), { delimiter }) as string[][];

describe('deal export', () => {
  it('staff: English header, BOM, internal columns, decimal point and ISO dates', async () => {
    const text = await exportCsvText(
      db,
      rep,
      'opportunity',
      { sort: 'name', direction: 'asc' },
      { dialect: 'standard', locale: 'en' },
    );
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = rowsOf(text);
    expect(header).toEqual([
      'ID',
      'Deal',
      'Account',
      'Stage',
      'Amount',
      'Currency',
      'Probability %',
      'Margin',
      'Business type',
      'Expected close',
      'Closed on',
      'Owner (e-mail)',
      'Source',
      'Description',
      'Loss reason',
      'Contact person',
    ]);
    expect(rows.map((r) => r[1])).toEqual(['Geteilt', 'Intern']);
    expect(rows[0]!.slice(2, 12)).toEqual([
      'Export Eins GmbH',
      'proposal',
      '1234.56',
      'EUR',
      '10',
      '987.65',
      'new',
      '2026-12-31',
      '', // still open: no closing day
      repEmail,
    ]);
    expect(rows[0]![12]).toBe('Messe');
  });

  it('excel-de: `;`, decimal comma, 31.12.2026, German header', async () => {
    const text = await exportCsvText(
      db,
      rep,
      'opportunity',
      { sort: 'name', direction: 'asc' },
      { dialect: 'excel-de', locale: 'de' },
    );
    const [header, first] = rowsOf(text, ';');
    expect(header!.slice(0, 5)).toEqual(['ID', 'Deal', 'Firma', 'Phase', 'Betrag']);
    expect(first![4]).toBe('1234,56');
    expect(first![9]).toBe('31.12.2026');
    expect(text).toContain('\r\n');
  });

  it('honours the list filters', async () => {
    const text = await exportCsvText(
      db,
      rep,
      'opportunity',
      { stages: ['lead'], sort: 'name', direction: 'asc' },
      { dialect: 'standard', locale: 'en' },
    );
    expect(
      rowsOf(text)
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['Intern']);
  });

  it('partner: only shared deals, never margin, source or owner — not even as values', async () => {
    const text = await exportCsvText(
      db,
      partner,
      'opportunity',
      { sort: 'name', direction: 'asc' },
      { dialect: 'standard', locale: 'en' },
    );
    const [header, ...rows] = rowsOf(text);
    expect(header).not.toContain('Margin');
    expect(header).not.toContain('Source');
    expect(header).not.toContain('Loss reason');
    expect(header).not.toContain('Owner (e-mail)');
    expect(rows.map((r) => r[1])).toEqual(['Geteilt']);
    expect(text).not.toMatch(/987[.,]65|98765|Messe|77777/);
    expect(text).not.toContain(repEmail);
  });

  it('partner contacts: the deal contact without the mobile number', async () => {
    const text = await exportCsvText(db, partner, 'contact', {}, { dialect: 'standard', locale: 'en' });
    const [header, ...rows] = rowsOf(text);
    expect(header).not.toContain('Mobile');
    expect(rows.map((r) => r[4])).toEqual(['Jörg']);
    expect(text).not.toContain('1234567');
  });
});

describe('account export', () => {
  it('imports again with the suggested mapping: every row recognised as the existing account', async () => {
    const text = await exportCsvText(
      db,
      rep,
      'account',
      { q: 'Export' },
      { dialect: 'excel-de', locale: 'de' },
    );
    const run = await uploadImport(db, rep, {
      entity: 'account',
      fileName: 'roundtrip.csv',
      contentBase64: Buffer.from(text).toString('base64'),
    });
    expect(run.delimiter).toBe(';');
    expect(run.mapping).toMatchObject({ name: 1, type: 2, vatId: 4, street: 9, ownerEmail: 13 });
    const validated = await validateImport(db, rep, { id: run.id, mapping: run.mapping ?? {} });
    expect(validated.report!.errors).toEqual([]);
    expect(validated.report!.duplicates.map((d) => [d.rowName, d.matchedBy])).toEqual([
      ['Export Eins GmbH', 'vatId'],
      ['Export Zwei AG', 'domain'],
    ]);
  });
});
