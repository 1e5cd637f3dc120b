/**
 * Address capture through the router: a prefilled form for a new account, the matching account
 * (by VAT ID or domain) with a diff, and applying only the confirmed fields with an audit entry.
 */
import { accounts, auditLog, type Database } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalUser } from '../principal.ts';
import { callerFor, failure, makeAccount, makeUser } from '../testing/index.ts';
import { addressCorpus } from './corpus.ts';

let t: TestDatabase;
let db: Database;
let rep: InternalUser;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  rep = (await makeUser(db, { role: 'rep' })).principal as InternalUser;
});
afterAll(async () => {
  await t?.destroy();
});

const imprint = addressCorpus[0]!.text; // Musterfirma Antriebstechnik GmbH, DE123456789

describe('addressCapture', () => {
  it('parse: a prefilled form and no match for an unknown company; nothing is written', async () => {
    const before = await db.select().from(accounts);
    const result = await callerFor(db, rep).caller.addressCapture.parse({ text: imprint });
    expect(result.match).toBeNull();
    expect(result.form).toMatchObject({
      name: 'Musterfirma Antriebstechnik GmbH',
      street: 'Musterstraße 12',
      postalCode: '80331',
      city: 'München',
      country: 'DE',
      vatId: 'DE123456789',
      domain: 'musterfirma-antrieb.de',
      notes: 'Amtsgericht München, HRB 123456',
    });
    expect(await db.select().from(accounts)).toHaveLength(before.length);
  });

  it('parse: matches the account with the same VAT ID and proposes only what differs', async () => {
    const account = await makeAccount(db, rep.userId, {
      name: 'Musterfirma Antriebstechnik GmbH',
      vatId: 'DE 123 456 789',
      street: 'Alte Straße 1',
      postalCode: '80331',
      city: 'München',
    });
    const result = await callerFor(db, rep).caller.addressCapture.parse({ text: imprint });
    expect(result.match).toEqual({ id: account.id, name: account.name });
    expect(result.diff.map((d) => d.field).sort()).toEqual(['domain', 'email', 'notes', 'phone', 'street']);
    expect(result.diff.find((d) => d.field === 'street')).toEqual({
      field: 'street',
      current: 'Alte Straße 1',
      proposed: 'Musterstraße 12',
    });
  });

  it('confirm: applies only the checked fields, through the account service with its audit entry', async () => {
    const account = await makeAccount(db, rep.userId, {
      name: 'Spreeblick Software GmbH',
      domain: 'spreeblick-software.de',
    });
    const text = addressCorpus.find((e) => e.name.startsWith('Berlin register'))!.text;
    const proposal = await callerFor(db, rep).caller.addressCapture.parse({ text, accountId: account.id });
    expect(proposal.diff.map((d) => d.field)).toEqual(
      expect.arrayContaining(['street', 'postalCode', 'city', 'phone', 'vatId']),
    );
    await callerFor(db, rep).caller.addressCapture.confirm({
      accountId: account.id,
      text,
      fields: ['street', 'postalCode', 'city'],
    });
    const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(after).toMatchObject({
      street: 'Am Kupfergraben 4a',
      postalCode: '10117',
      city: 'Berlin',
      vatId: null,
      phone: null,
    });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, account.id), eq(auditLog.action, 'update')));
    expect(Object.keys(audit!.changes).sort()).toEqual(['city', 'postalCode', 'street']);
  });

  it('an empty text is a field error in the user language', async () => {
    const de = (await makeUser(db, { role: 'rep', locale: 'de' })).principal;
    const error = await failure(callerFor(db, de).caller.addressCapture.parse({ text: '   ' }));
    expect(error.code).toBe('BAD_REQUEST');
  });
});
