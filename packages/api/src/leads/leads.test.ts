/**
 * Leads: captured by staff or an API key of scope `leads`, qualified, offered to one partner
 * organisation at a time (which alone sees it, by policy and RLS), accepted or declined with a
 * reason before the deadline, expired by a job, converted into account + contact + deal (shared
 * with the accepting partner for editing).
 */
import {
  auditLog,
  contacts,
  type Database,
  jobs,
  leads,
  notifications,
  opportunities,
  opportunityShares,
} from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../jobs/index.ts';
import { notificationPath } from '../notifications/deliver.ts';
import { withPrincipalDb } from '../rls.ts';
import { callerFor, failure, makeAccount, makePartnerOrg, makeUser } from '../testing/index.ts';
import { registerLeadJobs } from './jobs.ts';
import { expireLeadOffers, respondToLeadOffer } from './leads.ts';

let t: TestDatabase;
let db: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.destroy();
});

async function world() {
  const rep = await makeUser(db, { role: 'rep' });
  const org = await makePartnerOrg(db, { name: 'Händler Nord GmbH' });
  const otherOrg = await makePartnerOrg(db);
  const partnerAdmin = await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id, locale: 'de' });
  const partnerMember = await makeUser(db, { role: 'partner_member', partnerOrgId: org.id });
  const stranger = await makeUser(db, { role: 'partner_admin', partnerOrgId: otherOrg.id });
  return { rep, org, otherOrg, partnerAdmin, partnerMember, stranger };
}

describe('leads', () => {
  it('staff capture and qualify; an API key needs the leads scope; partners cannot capture', async () => {
    const { rep, partnerAdmin } = await world();
    const admin = await makeUser(db, { role: 'admin' });
    const staff = callerFor(db, rep.principal).caller;
    const lead = await staff.lead.capture({
      companyName: 'Kunststoff Wiese KG',
      contactName: 'Jana Wiese',
      email: 'jana@wiese-kunststoff.de',
      phone: '+49 40 1234567',
      source: 'form',
    });
    expect(lead).toMatchObject({
      status: 'new',
      source: 'form',
      ownerId: rep.user.id,
      domain: 'wiese-kunststoff.de',
    });
    const bad = await failure(staff.lead.capture({ companyName: '', email: 'kein-mail', phone: 'abc' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(await staff.lead.qualify({ id: lead.id })).toMatchObject({ status: 'qualified', version: 2 });

    const { token: leadsKey, id: leadsKeyId } = await callerFor(db, admin.principal).caller.apiKey.create({
      name: 'Website',
      scopes: ['leads'],
    });
    expect(leadsKey).toMatch(/^ks_/);
    const integration = callerFor(db, {
      kind: 'integration',
      apiKeyId: leadsKeyId,
      scopes: ['leads'],
      locale: 'en',
    });
    const viaApi = await integration.caller.lead.capture({ companyName: 'API Kunde AG', source: 'manual' });
    expect(viaApi).toMatchObject({ source: 'api', apiKeyId: leadsKeyId, ownerId: null });
    const ediKey = callerFor(db, {
      kind: 'integration',
      apiKeyId: leadsKeyId,
      scopes: ['edi'],
      locale: 'en',
    });
    expect((await failure(ediKey.caller.lead.capture({ companyName: 'Nein GmbH' }))).code).toBe('FORBIDDEN');
    expect(
      (await failure(callerFor(db, partnerAdmin.principal).caller.lead.capture({ companyName: 'Nein GmbH' })))
        .code,
    ).toBe('FORBIDDEN');
    const audit = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'lead'), eq(auditLog.entityId, lead.id)));
    expect(audit.map((a) => a.action)).toEqual(['create', 'qualify']);
  });

  it('offered to a partner: only that organisation sees it (details after accepting), is notified, converts with an edit share', async () => {
    const { rep, org, partnerAdmin, partnerMember, stranger } = await world();
    const staff = callerFor(db, rep.principal).caller;
    const lead = await staff.lead.capture({
      companyName: 'Bäckerei Sonnenschein',
      contactName: 'Otto Sonnenschein',
      email: 'otto@sonnenschein-backt.de',
      notes: 'Sucht drei Öfen',
    });
    const offered = await staff.lead.offer({ id: lead.id, partnerOrgId: org.id, days: 5 });
    expect(offered.offerStatus).toBe('pending');
    expect(offered.respondBy!.getTime() - offered.offeredAt!.getTime()).toBe(5 * 86_400_000);
    // Everyone of the organisation hears of it (in-app, live, e-mail by preference); nobody else.
    const told = await db
      .select({ userId: notifications.userId, kind: notifications.kind, params: notifications.params })
      .from(notifications)
      .where(sql`${notifications.params}->>'leadId' = ${lead.id}`);
    expect(told.map((n) => n.userId).sort()).toEqual([partnerAdmin.user.id, partnerMember.user.id].sort());
    expect(told[0]).toMatchObject({
      kind: 'lead.offered',
      params: { company: 'Bäckerei Sonnenschein', partner: 'Händler Nord GmbH' },
    });
    expect(notificationPath({ opportunityId: null, params: told[0]!.params })).toBe(`/leads/${lead.id}`);
    const partner = callerFor(db, partnerMember.principal).caller;
    const inbox = await partner.lead.list({});
    expect(inbox.map((l) => l.id)).toEqual([lead.id]);
    // Before accepting: the company, not the person.
    expect(inbox[0]).toMatchObject({ companyName: 'Bäckerei Sonnenschein', contactName: null, email: null });
    const foreign = callerFor(db, stranger.principal).caller;
    expect(await foreign.lead.list({})).toEqual([]);
    expect((await failure(foreign.lead.byId({ id: lead.id }))).code).toBe('NOT_FOUND');
    expect((await failure(foreign.lead.respond({ id: lead.id, accept: true }))).code).toBe('NOT_FOUND');
    // Staff work stays staff work.
    expect((await failure(partner.lead.qualify({ id: lead.id }))).code).toBe('FORBIDDEN');
    expect((await failure(partner.lead.convert({ id: lead.id, accountId: lead.id }))).code).toBe('FORBIDDEN');
    // Converting while the offer is open would take the lead from under the partner.
    const early = await failure(
      staff.lead.convert({
        id: lead.id,
        street: 'Weg 1',
        postalCode: '20095',
        city: 'Hamburg',
        country: 'DE',
      }),
    );
    expect(early.code).toBe('CONFLICT');

    const accepted = await partner.lead.respond({ id: lead.id, accept: true });
    const answered = await db
      .select({ userId: notifications.userId, params: notifications.params })
      .from(notifications)
      .where(
        sql`${notifications.kind} = 'lead.answered' and ${notifications.params}->>'leadId' = ${lead.id}`,
      );
    expect(answered).toMatchObject([{ userId: rep.user.id, params: { accepted: 1 } }]);
    expect(accepted).toMatchObject({ offerStatus: 'accepted', contactName: 'Otto Sonnenschein' });
    expect((await partner.lead.byId({ id: lead.id })).email).toBe('otto@sonnenschein-backt.de');
    expect(
      (await failure(partner.lead.respond({ id: lead.id, accept: false, reason: 'doch nicht' }))).code,
    ).toBe('CONFLICT');

    const converted = await staff.lead.convert({
      id: lead.id,
      street: 'Backstraße 3',
      postalCode: '20095',
      city: 'Hamburg',
      country: 'DE',
      opportunityName: 'Drei Öfen',
      amountMinor: 4_500_000,
    });
    const [deal] = await db.select().from(opportunities).where(eq(opportunities.id, converted.opportunityId));
    expect(deal).toMatchObject({
      name: 'Drei Öfen',
      stage: 'qualified',
      primaryContactId: converted.contactId,
    });
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, converted.contactId!));
    expect(contact).toMatchObject({
      firstName: 'Otto',
      lastName: 'Sonnenschein',
      email: 'otto@sonnenschein-backt.de',
    });
    const shares = await db
      .select()
      .from(opportunityShares)
      .where(eq(opportunityShares.opportunityId, deal!.id));
    expect(shares).toMatchObject([{ partnerOrgId: org.id, access: 'edit' }]);
    // The partner now works the deal.
    const seen = await partner.opportunity.byId({ id: deal!.id });
    expect(seen.opportunity.name).toBe('Drei Öfen');
    expect(seen.permissions.update).toBe(true);
    expect((await staff.lead.byId({ id: lead.id })).status).toBe('converted');
    expect((await failure(staff.lead.qualify({ id: lead.id }))).code).toBe('CONFLICT');
  });

  it('a decline needs a reason; the lead can then go to another partner, and the first loses sight of it', async () => {
    const { rep, org, otherOrg, partnerAdmin, stranger } = await world();
    const staff = callerFor(db, rep.principal).caller;
    const lead = await staff.lead.capture({ companyName: 'Metallbau Kraft' });
    await staff.lead.offer({ id: lead.id, partnerOrgId: org.id });
    expect((await failure(staff.lead.offer({ id: lead.id, partnerOrgId: otherOrg.id }))).code).toBe(
      'CONFLICT',
    );
    const partner = callerFor(db, partnerAdmin.principal).caller;
    const noReason = await failure(partner.lead.respond({ id: lead.id, accept: false }));
    expect(noReason.code).toBe('BAD_REQUEST');
    const declined = await partner.lead.respond({ id: lead.id, accept: false, reason: 'Nicht unser Gebiet' });
    expect(declined).toMatchObject({ offerStatus: 'declined', offerReason: 'Nicht unser Gebiet' });
    expect((await staff.lead.byId({ id: lead.id })).offerReason).toBe('Nicht unser Gebiet');
    await staff.lead.offer({ id: lead.id, partnerOrgId: otherOrg.id });
    expect(await partner.lead.list({})).toEqual([]);
    expect((await callerFor(db, stranger.principal).caller.lead.list({})).map((l) => l.id)).toEqual([
      lead.id,
    ]);
  });

  it('an unanswered offer expires by the job runner; a late answer is refused', async () => {
    const { rep, org, partnerAdmin } = await world();
    const staff = callerFor(db, rep.principal).caller;
    const lead = await staff.lead.capture({ companyName: 'Spät & Söhne' });
    await staff.lead.offer({ id: lead.id, partnerOrgId: org.id, days: 2 });
    const late = new Date(Date.now() + 3 * 86_400_000);
    await expect(
      respondToLeadOffer(db, partnerAdmin.principal, { id: lead.id, accept: true }, { now: late }),
    ).rejects.toMatchObject({ key: 'errors.offerExpired' });
    expect(await expireLeadOffers(db, new Date())).not.toContain(lead.id);

    const runner = new JobRunner({ db, clock: () => late, pollMs: 50 });
    registerLeadJobs(runner);
    await runner.drain();
    const [row] = await db.select().from(leads).where(eq(leads.id, lead.id));
    expect(row?.offerStatus).toBe('expired');
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, lead.id), eq(auditLog.action, 'expire_offer')));
    expect(entry).toMatchObject({ actorType: 'system', changes: { offerStatus: ['pending', 'expired'] } });
    const [expiredNote] = await db
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(
        sql`${notifications.kind} = 'lead.offerExpired' and ${notifications.params}->>'leadId' = ${lead.id}`,
      );
    expect(expiredNote?.userId).toBe(rep.user.id);
    expect((await db.select().from(jobs).where(eq(jobs.kind, 'lead.expireOffers'))).length).toBeGreaterThan(
      0,
    );
    // Expired: staff may offer it again.
    await staff.lead.offer({ id: lead.id, partnerOrgId: org.id });
  });

  it('conversion links a duplicate account instead of creating one; disqualify needs a reason', async () => {
    const { rep } = await world();
    const account = await makeAccount(db, rep.user.id, {
      name: 'Druckerei Feinschrift GmbH',
      domain: 'feinschrift.de',
    });
    const staff = callerFor(db, rep.principal).caller;
    const lead = await staff.lead.capture({ companyName: 'Feinschrift Druck', email: 'info@feinschrift.de' });
    const detail = await staff.lead.byId({ id: lead.id });
    expect(detail.candidates[0]).toMatchObject({ id: account.id, reason: 'domain' });
    const missing = await failure(staff.lead.convert({ id: lead.id }));
    expect(missing.code).toBe('BAD_REQUEST');
    const { accountId } = await staff.lead.convert({ id: lead.id, accountId: account.id });
    expect(accountId).toBe(account.id);

    const other = await staff.lead.capture({ companyName: 'Nur Spam' });
    expect((await failure(staff.lead.disqualify({ id: other.id, reason: '' }))).code).toBe('BAD_REQUEST');
    expect(await staff.lead.disqualify({ id: other.id, reason: 'Spam' })).toMatchObject({
      status: 'disqualified',
      statusReason: 'Spam',
    });
  });

  it('row-level security alone hides leads not offered to the partner and lets it change only its answer', async () => {
    const { rep, org, partnerAdmin } = await world();
    const staff = callerFor(db, rep.principal).caller;
    const hidden = await staff.lead.capture({ companyName: 'Geheim GmbH' });
    const offered = await staff.lead.capture({ companyName: 'Angebot GmbH' });
    await staff.lead.offer({ id: offered.id, partnerOrgId: org.id });
    await withPrincipalDb(db, partnerAdmin.principal, async (scoped) => {
      const seen = await scoped.select({ id: leads.id }).from(leads);
      expect(seen.map((l) => l.id)).toEqual([offered.id]);
      const stolen = await scoped
        .update(leads)
        .set({ offerStatus: 'accepted' })
        .where(eq(leads.id, hidden.id))
        .returning({ id: leads.id });
      expect(stolen).toHaveLength(0);
    });
    await expect(
      withPrincipalDb(db, partnerAdmin.principal, (scoped) =>
        scoped.update(leads).set({ ownerId: partnerAdmin.user.id }).where(eq(leads.id, offered.id)),
      ),
    ).rejects.toThrow();
  });

  it('imports a CSV (German Excel: semicolons, German headers) all or nothing, naming each bad row', async () => {
    const { rep } = await world();
    const staff = callerFor(db, rep.principal).caller;
    const bad = [
      'Firma;Ansprechpartner;E-Mail;Telefon',
      'Messe Kunde Eins GmbH;Eva Eins;eva@eins.example;+49 30 1111111',
      ';Ohne Firma;ohne@firma.example;',
      'Messe Kunde Drei;Drei;keine-mail;abc',
    ].join('\n');
    const refused = await staff.lead.importCsv({ csv: bad });
    expect(refused.imported).toBe(0);
    expect(refused.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'companyName'],
      [4, 'email'],
      [4, 'phone'],
    ]);
    expect(refused.problems[0]!.message).toBe('Required.');
    const none = await db.select().from(leads).where(sql`${leads.companyName} like 'Messe Kunde%'`);
    expect(none).toHaveLength(0);

    const good =
      '\uFEFFFirma;Ansprechpartner;E-Mail\r\n"Messe Kunde; Eins GmbH";Eva Eins;eva@eins.example\r\nMesse Kunde Zwei;;info@zwei.example\r\n';
    const imported = await staff.lead.importCsv({ csv: good });
    expect(imported).toMatchObject({ imported: 2, problems: [] });
    const rows = await db.select().from(leads).where(sql`${leads.companyName} like 'Messe Kunde%'`);
    expect(rows.map((r) => [r.companyName, r.source, r.domain]).sort()).toEqual([
      ['Messe Kunde Zwei', 'csv', 'zwei.example'],
      ['Messe Kunde; Eins GmbH', 'csv', 'eins.example'],
    ]);
    const audited = await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        sql`${auditLog.entity} = 'lead' and ${auditLog.entityId} in (${sql.join(
          imported.ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    expect(audited).toHaveLength(2);
    expect((await staff.lead.importCsv({ csv: 'Name;Telefon\nX;+49 1 234567\n' })).problems[0]).toMatchObject(
      {
        line: 1,
        field: 'companyName',
      },
    );
  });
});
