/**
 * GDPR export and erasure. After an erasure the person's name, e-mail and phone numbers are
 * nowhere in the database (every text column of every table is searched), the audit log kept
 * every entry and still replays a deal's past, the log stays append-only for anything but a
 * redaction, and nobody but an admin can export or erase.
 */
import { activities, auditLog, type Database, sessions, users } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../auth/service.ts';
import { inviteUser } from '../invitations/invitations.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makePartnerOrg,
  makeUser,
  share,
  TEST_PASSWORD,
} from '../testing/index.ts';
import { findTraces } from './gdpr.ts';

let t: TestDatabase;
let db: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auditCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;

describe('GDPR for a contact', () => {
  it('exports everything about the contact, then erases every trace while the audit trail still replays', async () => {
    const admin = await makeUser(db, { role: 'admin' });
    const rep = await makeUser(db, { role: 'rep' });
    const org = await makePartnerOrg(db);
    const partner = await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id });
    const account = await makeAccount(db, rep.user.id);
    const staff = callerFor(db, rep.principal).caller;
    const person = {
      firstName: 'Wilhelmine',
      lastName: 'Quastberg',
      email: 'w.quastberg@kunde-quast.de',
      phone: '+49 221 5550199',
      mobile: '+49 171 5550123',
    };
    const contact = await staff.contact.create({ accountId: account.id, ...person, position: 'Einkauf' });
    await staff.contact.update({ id: contact.id, data: { ...person, position: 'Einkaufsleiterin' } });
    const deal = await staff.opportunity.create({
      accountId: account.id,
      primaryContactId: contact.id,
      name: 'Öfen für Quast',
      amountMinor: 100_000,
    });
    await share(db, deal.id, org.id, 'edit');
    await db.insert(activities).values({
      type: 'call',
      subject: 'Anruf bei Wilhelmine Quastberg wegen Öfen',
      body: 'Rückruf unter +49 221 5550199 erbeten',
      accountId: account.id,
      contactId: contact.id,
      opportunityId: deal.id,
      ownerId: rep.user.id,
    });
    await staff.lead.capture({
      companyName: 'Quast Kunde',
      contactName: 'Wilhelmine Quastberg',
      email: person.email,
    });
    await callerFor(db, partner.principal).caller.registration.submit({
      companyName: 'Kunde Quast GmbH',
      contactName: 'Wilhelmine Quastberg',
      contactEmail: person.email,
      estimatedAmountMinor: 1000,
      products: 'Öfen',
    });
    await sleep(20);
    const between = new Date();
    await sleep(20);
    await staff.opportunity.update({ id: deal.id, version: deal.version, data: { amountMinor: 250_000 } });
    const asOfBefore = await callerFor(db, admin.principal).caller.opportunity.asOf({
      id: deal.id,
      at: between,
    });
    expect(asOfBefore.fields).toMatchObject({ amountMinor: 100_000, primaryContactId: contact.id });

    const needles = Object.values(person);
    // The scan finds the person before: the emptiness after is a result, not a blind spot.
    const before = await findTraces(db, needles);
    expect(before.map((x) => x.table)).toEqual(
      expect.arrayContaining(['contacts', 'audit_log', 'activities', 'leads', 'deal_registrations']),
    );

    const gdpr = callerFor(db, admin.principal).caller.gdpr;
    const exported = await gdpr.export({ kind: 'contact', id: contact.id });
    if (exported.kind !== 'contact') throw new Error('expected a contact export');
    expect(exported.contact).toMatchObject({ ...person, position: 'Einkaufsleiterin' });
    expect(exported.opportunities.map((o) => o.id)).toEqual([deal.id]);
    expect(exported.activities).toHaveLength(1);
    expect(exported.leads).toHaveLength(1);
    expect(exported.dealRegistrations).toHaveLength(1);
    expect(exported.auditEntries.map((e) => e.action)).toEqual(['create', 'update']);
    expect(JSON.parse(JSON.stringify(exported))).toBeTruthy();

    for (const who of [rep, partner]) {
      const caller = callerFor(db, who.principal).caller;
      expect((await failure(caller.gdpr.export({ kind: 'contact', id: contact.id }))).code).toBe('FORBIDDEN');
      expect((await failure(caller.gdpr.erase({ kind: 'contact', id: contact.id }))).code).toBe('FORBIDDEN');
    }

    const entriesBefore = await auditCount();
    const result = await gdpr.erase({ kind: 'contact', id: contact.id });
    expect(result.remaining).toEqual([]);
    expect(result.redactedAuditEntries).toBeGreaterThanOrEqual(3);
    expect(await findTraces(db, needles)).toEqual([]);
    // Nothing was deleted from the log; one entry records the erasure, without the values.
    expect(await auditCount()).toBe(entriesBefore + 1);
    const [erasure] = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'gdpr_erase' and ${auditLog.entityId} = ${contact.id}`);
    expect(erasure).toMatchObject({ actorId: admin.user.id, entity: 'contact' });
    // The contact's own history keeps its shape: which fields changed when, not what they said.
    const history = await db
      .select({ action: auditLog.action, changes: auditLog.changes })
      .from(auditLog)
      .where(sql`${auditLog.entity} = 'contact' and ${auditLog.entityId} = ${contact.id}`)
      .orderBy(auditLog.id);
    expect(history.map((h) => h.action)).toEqual(['create', 'update', 'gdpr_export', 'gdpr_erase']);
    expect(history[1]!.changes).toEqual({ position: ['[erased]', '[erased]'] });

    // The deal's past still replays from the log.
    const asOfAfter = await callerFor(db, admin.principal).caller.opportunity.asOf({
      id: deal.id,
      at: between,
    });
    expect(asOfAfter.fields).toEqual(asOfBefore.fields);
    expect(asOfAfter.shares).toEqual(asOfBefore.shares);
    const activity = await db.select().from(activities).where(eq(activities.contactId, contact.id));
    expect(activity[0]).toMatchObject({
      subject: 'Anruf bei [erased] wegen Öfen',
      body: 'Rückruf unter [erased] erbeten',
    });

    expect((await failure(gdpr.erase({ kind: 'contact', id: contact.id }))).code).toBe('CONFLICT');
  });

  it('keeps the audit log append-only: only a redaction to the marker passes, nothing is deleted', async () => {
    await db.insert(auditLog).values({
      actorType: 'system',
      action: 'test',
      entity: 'probe',
      entityId: 'p1',
      changes: { name: [null, 'Geheim'] },
    });
    const refused = (statement: ReturnType<typeof sql>) =>
      expect(db.transaction(async (tx) => tx.execute(statement))).rejects.toThrow();
    await refused(sql`update audit_log set changes = '{"name":[null,"Gefälscht"]}' where entity = 'probe'`);
    // Even with the redaction switch set by hand: a changed value is not a redaction.
    await refused(
      sql`select set_config('konsort.audit_redaction', 'on', true); update audit_log set changes = '{"name":[null,"Gefälscht"]}' where entity = 'probe'`,
    );
    await refused(
      sql`select set_config('konsort.audit_redaction', 'on', true); update audit_log set action = 'other' where entity = 'probe'`,
    );
    await refused(
      sql`select set_config('konsort.audit_redaction', 'on', true); delete from audit_log where entity = 'probe'`,
    );
    const [row] = await db.select().from(auditLog).where(eq(auditLog.entity, 'probe'));
    expect(row).toMatchObject({ action: 'test', changes: { name: [null, 'Geheim'] } });
  });
});

describe('GDPR for a user', () => {
  it('exports the user, then erases: signed out, cannot sign in, no trace; authored records stay attributed', async () => {
    const admin = await makeUser(db, { role: 'admin' });
    const manager = await makeUser(db, { role: 'manager' });
    const email = 'quentin.zaubermann@konsort.example';
    // Invited by mail first, so the address is in invitations and the outbound mail too.
    await inviteUser(db, admin.principal, { email, name: 'Quentin Zaubermann', role: 'rep', locale: 'de' });
    const { user, principal } = await makeUser(db, { role: 'rep', email, name: 'Quentin Zaubermann' });
    const auth = createAuthService(db, { secureCookies: false });
    await auth.login({ email, password: TEST_PASSWORD }, { ip: '203.0.113.7' });
    const account = await makeAccount(db, user.id);
    const deal = await callerFor(db, principal).caller.opportunity.create({
      accountId: account.id,
      name: 'Zauber-Deal',
      amountMinor: 500,
    });
    const needles = ['Quentin Zaubermann', email, '203.0.113.7'];
    expect((await findTraces(db, needles)).length).toBeGreaterThan(0);

    const gdpr = callerFor(db, admin.principal).caller.gdpr;
    const exported = await gdpr.export({ kind: 'user', id: user.id });
    if (exported.kind !== 'user') throw new Error('expected a user export');
    expect(exported.profile).toMatchObject({ email, name: 'Quentin Zaubermann' });
    expect(exported.profile).not.toHaveProperty('passwordHash');
    expect(exported.sessions).toHaveLength(1);
    expect(exported.authored.opportunities.map((o) => o.id)).toEqual([deal.id]);
    expect(exported.auditEntriesAsActor.map((e) => e.action)).toEqual(
      expect.arrayContaining(['login', 'create']),
    );

    expect(
      (await failure(callerFor(db, manager.principal).caller.gdpr.erase({ kind: 'user', id: user.id }))).code,
    ).toBe('FORBIDDEN');
    expect((await failure(gdpr.erase({ kind: 'user', id: admin.user.id }))).code).toBe('CONFLICT');

    const result = await gdpr.erase({ kind: 'user', id: user.id });
    expect(result.remaining).toEqual([]);
    expect(await findTraces(db, needles)).toEqual([]);
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
    const [erased] = await db.select().from(users).where(eq(users.id, user.id));
    expect(erased).toMatchObject({ name: '[erased]', active: false });
    await expect(auth.login({ email, password: TEST_PASSWORD })).rejects.toMatchObject({
      key: 'errors.invalidCredentials',
    });
    // The deal is still the user's (an anonymous id now) and its timeline still reads.
    const timeline = await callerFor(db, admin.principal).caller.opportunity.timeline({ id: deal.id });
    expect(timeline[0]).toMatchObject({ actorId: user.id, actorName: '[erased]', action: 'create' });
  });
});
