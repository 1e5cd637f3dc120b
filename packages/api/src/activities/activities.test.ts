/**
 * Activities: logging, follow-ups with due date and reminder, one timeline per account, contact
 * and deal, who may change what, audit entries, and that bad input writes nothing.
 */
import { activities, auditLog } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../principal.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';

let t: TestDatabase;
let manager: Principal;
let rep: Principal;
let other: Principal;
let partner: Principal;
let repId: string;
let otherId: string;
let accountId: string;
let secondAccountId: string;
let contactId: string;
let dealId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  manager = (await makeUser(db, { role: 'manager' })).principal;
  const r = await makeUser(db, { role: 'rep' });
  const o = await makeUser(db, { role: 'rep' });
  rep = r.principal;
  repId = r.user.id;
  other = o.principal;
  otherId = o.user.id;
  const org = await makePartnerOrg(db);
  partner = (await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id })).principal;
  const account = await makeAccount(db, repId);
  accountId = account.id;
  secondAccountId = (await makeAccount(db, repId)).id;
  contactId = (await makeContact(db, accountId)).id;
  dealId = (await makeOpportunity(db, accountId, repId, { primaryContactId: contactId })).id;
  await share(db, dealId, org.id, 'edit');
});

afterAll(async () => {
  await t?.destroy();
});

async function auditOf(entityId: string) {
  return t.db
    .select({ action: auditLog.action, changes: auditLog.changes })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'activity'), eq(auditLog.entityId, entityId)));
}

describe('logging and follow-ups', () => {
  it('a call logged on a deal is done at once and names the deal’s account', async () => {
    const { caller } = callerFor(t.db, rep);
    const call = await caller.activity.create({
      type: 'call',
      subject: 'Telefonat mit Frau Schäfer',
      body: 'Budget bestätigt',
      opportunityId: dealId,
      contactId,
      done: true,
    });
    expect(call.accountId).toBe(accountId);
    expect(call.doneAt).toBeInstanceOf(Date);
    expect(call.ownerId).toBe(repId);
    expect(call.createdBy).toBe(repId);
    expect((await auditOf(call.id)).map((a) => a.action)).toEqual(['create']);
  });

  it('a follow-up carries due date, reminder and owner; my list and the overdue list show it', async () => {
    const { caller } = callerFor(t.db, manager);
    const past = new Date(Date.now() - 2 * 86_400_000);
    const future = new Date(Date.now() + 3 * 86_400_000);
    const late = await caller.activity.create({
      type: 'task',
      subject: 'Angebot nachfassen',
      accountId,
      ownerId: repId,
      dueAt: past,
      reminderAt: new Date(past.getTime() - 3_600_000),
    });
    const soon = await caller.activity.create({
      type: 'visit',
      subject: 'Besuch vor Ort',
      contactId,
      ownerId: repId,
      dueAt: future,
    });
    expect(soon.accountId).toBe(accountId);
    const mine = await callerFor(t.db, rep).caller.activity.followUps({});
    const ids = mine.map((a) => a.id);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(soon.id));
    expect(mine.find((a) => a.id === late.id)).toMatchObject({
      overdue: true,
      reminderDue: true,
      canEdit: true,
    });
    expect(mine.find((a) => a.id === soon.id)).toMatchObject({ overdue: false, reminderDue: false });
    const overdue = await callerFor(t.db, rep).caller.activity.followUps({ status: 'overdue' });
    expect(overdue.map((a) => a.id)).toContain(late.id);
    expect(overdue.map((a) => a.id)).not.toContain(soon.id);
    // Done, it leaves the list; reopened, it is back.
    await callerFor(t.db, rep).caller.activity.complete({ id: late.id });
    expect((await callerFor(t.db, rep).caller.activity.followUps({})).map((a) => a.id)).not.toContain(
      late.id,
    );
    await callerFor(t.db, rep).caller.activity.complete({ id: late.id, done: false });
    expect((await callerFor(t.db, rep).caller.activity.followUps({})).map((a) => a.id)).toContain(late.id);
    expect((await auditOf(late.id)).map((a) => a.action)).toEqual(['create', 'complete', 'reopen']);
  });

  it('a rep cannot read a colleague’s follow-up list; a manager can', async () => {
    expect((await failure(callerFor(t.db, other).caller.activity.followUps({ ownerId: repId }))).code).toBe(
      'FORBIDDEN',
    );
    const list = await callerFor(t.db, manager).caller.activity.followUps({ ownerId: repId });
    expect(list.length).toBeGreaterThan(0);
  });
});

describe('timelines', () => {
  it('the account shows everything, the contact and the deal only their own; newest first', async () => {
    const { caller } = callerFor(t.db, rep);
    const note = await caller.activity.create({ type: 'note', subject: 'Nur Firma', accountId, done: true });
    const meeting = await caller.activity.create({
      type: 'meeting',
      subject: 'Projektbesprechung',
      opportunityId: dealId,
      dueAt: new Date(Date.now() + 10 * 86_400_000),
    });
    const account = await caller.activity.timeline({ accountId });
    const deal = await caller.activity.timeline({ opportunityId: dealId });
    const contact = await caller.activity.timeline({ contactId });
    expect(account.map((a) => a.id)).toEqual(expect.arrayContaining([note.id, meeting.id]));
    expect(account[0]!.id).toBe(meeting.id); // due in ten days: the latest moment
    expect(deal.map((a) => a.id)).toContain(meeting.id);
    expect(deal.map((a) => a.id)).not.toContain(note.id);
    expect(contact.map((a) => a.id)).not.toContain(note.id);
    expect(deal.every((a) => a.opportunityName !== null)).toBe(true);
    const when = (a: (typeof account)[number]) => (a.doneAt ?? a.dueAt ?? a.createdAt).getTime();
    for (let i = 1; i < account.length; i++)
      expect(when(account[i - 1]!)).toBeGreaterThanOrEqual(when(account[i]!));
  });

  it('partners see no activities, not even on a deal shared with them for editing', async () => {
    const { caller } = callerFor(t.db, partner);
    expect((await failure(caller.activity.timeline({ opportunityId: dealId }))).code).toBe('FORBIDDEN');
    expect((await failure(caller.activity.followUps({}))).code).toBe('FORBIDDEN');
    expect(
      (await failure(caller.activity.create({ type: 'note', subject: 'x', opportunityId: dealId }))).code,
    ).toBe('FORBIDDEN');
  });
});

describe('changes and permissions', () => {
  it('the owner edits; another rep may not; a manager may; every change is audited', async () => {
    const created = await callerFor(t.db, rep).caller.activity.create({
      type: 'email',
      subject: 'Angebot versendet',
      accountId,
      done: true,
    });
    expect(
      (
        await failure(
          callerFor(t.db, other).caller.activity.update({ id: created.id, data: { subject: 'x' } }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    const updated = await callerFor(t.db, manager).caller.activity.update({
      id: created.id,
      data: { subject: 'Angebot ANG-2026-0042 versendet', ownerId: otherId },
    });
    expect(updated.subject).toBe('Angebot ANG-2026-0042 versendet');
    expect(updated.ownerId).toBe(otherId);
    const audit = await auditOf(created.id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]!.changes).toMatchObject({
      subject: ['Angebot versendet', 'Angebot ANG-2026-0042 versendet'],
      ownerId: [repId, otherId],
    });
    // The author still may delete what they wrote; the log keeps the content.
    await callerFor(t.db, rep).caller.activity.delete({ id: created.id });
    expect(await t.db.select().from(activities).where(eq(activities.id, created.id))).toEqual([]);
    const last = (await auditOf(created.id)).at(-1)!;
    expect(last.action).toBe('delete');
    expect(last.changes).toMatchObject({ subject: ['Angebot ANG-2026-0042 versendet', null] });
  });

  it('bad input gets field errors and writes nothing', async () => {
    const { caller } = callerFor(t.db, rep);
    const before = (await t.db.select({ id: activities.id }).from(activities)).length;
    const noLink = await failure(caller.activity.create({ type: 'task', subject: 'Ohne Bezug' }));
    expect(noLink.code).toBe('BAD_REQUEST');
    expect((noLink.cause as { fields?: { path: string; key: string }[] }).fields).toEqual([
      { path: 'accountId', key: 'validation.activityLink' },
    ]);
    const mismatch = await failure(
      caller.activity.create({
        type: 'task',
        subject: 'Falsche Firma',
        accountId: secondAccountId,
        opportunityId: dealId,
      }),
    );
    expect((mismatch.cause as { fields?: { key: string }[] }).fields?.[0]?.key).toBe(
      'validation.linkMismatch',
    );
    const reminderLate = await failure(
      caller.activity.create({
        type: 'task',
        subject: 'Erinnerung zu spät',
        accountId,
        dueAt: new Date('2026-03-01T10:00:00Z'),
        reminderAt: new Date('2026-03-02T10:00:00Z'),
      }),
    );
    expect((reminderLate.cause as { fields?: { key: string }[] }).fields?.[0]?.key).toBe(
      'validation.reminderAfterDue',
    );
    const partnerOwner = await failure(
      caller.activity.create({
        type: 'task',
        subject: 'An Partner',
        accountId,
        ownerId: partner.kind === 'partner' ? partner.userId : '',
      }),
    );
    expect((partnerOwner.cause as { fields?: { key: string }[] }).fields?.[0]?.key).toBe(
      'validation.staffUser',
    );
    const empty = await failure(caller.activity.create({ type: 'task', subject: '   ', accountId }));
    expect(empty.code).toBe('BAD_REQUEST');
    expect((await t.db.select({ id: activities.id }).from(activities)).length).toBe(before);
  });
});
