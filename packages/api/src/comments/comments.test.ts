import { auditLog, comments, notifications } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../errors.ts';
import { translate } from '../i18n/messages.ts';
import { withPrincipalDb } from '../rls.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

async function world() {
  const db = t.db;
  const rep = await makeUser(db, { role: 'rep', name: 'Rita Rep' });
  const manager = await makeUser(db, { role: 'manager', name: 'Max Manager' });
  const [orgA, orgB, orgC] = await Promise.all([makePartnerOrg(db), makePartnerOrg(db), makePartnerOrg(db)]);
  const partnerA = await makeUser(db, {
    role: 'partner_member',
    partnerOrgId: orgA.id,
    name: 'Anna Partner',
  });
  const colleagueA = await makeUser(db, {
    role: 'partner_admin',
    partnerOrgId: orgA.id,
    name: 'Axel Partner',
  });
  const partnerB = await makeUser(db, {
    role: 'partner_member',
    partnerOrgId: orgB.id,
    name: 'Bernd Partner',
  });
  const partnerC = await makeUser(db, { role: 'partner_member', partnerOrgId: orgC.id, name: 'Carla Fremd' });
  const account = await makeAccount(db, rep.user.id);
  const deal = await makeOpportunity(db, account.id, rep.user.id);
  await share(db, deal.id, orgA.id, 'view');
  await share(db, deal.id, orgB.id, 'edit');
  const as = (u: { principal: Parameters<typeof callerFor>[1] }) => callerFor(t.db, u.principal).caller;
  return { rep, manager, partnerA, colleagueA, partnerB, partnerC, deal, orgA, as };
}

describe('comments', () => {
  it('partners read and write only shared comments on deals shared with them', async () => {
    const w = await world();
    await w
      .as(w.rep)
      .comment.create({ opportunityId: w.deal.id, visibility: 'internal', body: 'Marge intern: 30 %' });
    await w
      .as(w.rep)
      .comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: 'Termin am Montag?' });
    const partnerView = await w.as(w.partnerA).comment.list({ opportunityId: w.deal.id });
    expect(partnerView.map((c) => c.body)).toEqual(['Termin am Montag?']);
    expect((await w.as(w.manager).comment.list({ opportunityId: w.deal.id })).map((c) => c.body)).toEqual([
      'Marge intern: 30 %',
      'Termin am Montag?',
    ]);
    const reply = await w
      .as(w.partnerA)
      .comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: '  Passt!  ' });
    expect(reply).toMatchObject({ body: 'Passt!', mine: true, author: { name: 'Anna Partner' } });
    expect(
      (
        await failure(
          w.as(w.partnerA).comment.create({ opportunityId: w.deal.id, visibility: 'internal', body: 'x' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(w.as(w.partnerC).comment.list({ opportunityId: w.deal.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (
        await failure(
          w.as(w.partnerC).comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: 'x' }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    const empty = await failure(
      w.as(w.rep).comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: '   ' }),
    );
    expect(empty.code).toBe('BAD_REQUEST');
  });

  it('mentions only people who can read the comment, and notifies them', async () => {
    const w = await world();
    const rep = w.as(w.rep);
    // Internal comment: partners can neither be mentioned nor offered.
    const internalCandidates = await rep.comment.mentionable({
      opportunityId: w.deal.id,
      visibility: 'internal',
    });
    expect(internalCandidates.map((u) => u.id)).toContain(w.manager.user.id);
    expect(internalCandidates.map((u) => u.id)).not.toContain(w.partnerA.user.id);
    const refused = await failure(
      rep.comment.create({
        opportunityId: w.deal.id,
        visibility: 'internal',
        body: 'x',
        mentions: [w.partnerA.user.id],
      }),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    expect((refused.cause as AppError).key).toBe('errors.mentionNotAllowed');
    expect(translate('de', 'errors.mentionNotAllowed')).toBe(
      'Erwähnt werden können nur Personen, die diesen Kommentar lesen dürfen.',
    );
    // Shared: staff may mention any partner of the deal, never one of an organisation without a share.
    const sharedCandidates = (
      await rep.comment.mentionable({ opportunityId: w.deal.id, visibility: 'shared' })
    ).map((u) => u.id);
    expect(sharedCandidates).toEqual(expect.arrayContaining([w.partnerA.user.id, w.partnerB.user.id]));
    expect(sharedCandidates).not.toContain(w.partnerC.user.id);
    expect(
      (
        await failure(
          rep.comment.create({
            opportunityId: w.deal.id,
            visibility: 'shared',
            body: 'x',
            mentions: [w.partnerC.user.id],
          }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    const c = await rep.comment.create({
      opportunityId: w.deal.id,
      visibility: 'shared',
      body: '@Anna @Bernd bitte Angebot prüfen',
      mentions: [w.partnerA.user.id, w.partnerB.user.id],
    });
    expect(c.mentions.map((m) => m.name).sort()).toEqual(['Anna Partner', 'Bernd Partner']);
    expect(await w.as(w.partnerA).notification.unreadCount()).toBe(1);
    const [n] = (await w.as(w.partnerB).notification.list({})).items;
    expect(n?.title).toBe(`Rita Rep mentioned you: ${w.deal.name}`);
    // A partner mentions staff and its own colleagues, never another organisation's users.
    const partnerCandidates = (
      await w.as(w.partnerA).comment.mentionable({ opportunityId: w.deal.id, visibility: 'shared' })
    ).map((u) => u.id);
    expect(partnerCandidates).toEqual(expect.arrayContaining([w.rep.user.id, w.colleagueA.user.id]));
    expect(partnerCandidates).not.toContain(w.partnerB.user.id);
    expect(
      (
        await failure(
          w.as(w.partnerA).comment.create({
            opportunityId: w.deal.id,
            visibility: 'shared',
            body: 'x',
            mentions: [w.partnerB.user.id],
          }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    await w.as(w.partnerA).comment.create({
      opportunityId: w.deal.id,
      visibility: 'shared',
      body: 'Erledigt',
      mentions: [w.rep.user.id],
    });
    expect(await rep.notification.unreadCount()).toBe(1);
  });

  it('edits and deletes only the own comment, with audit entries; a deleted comment stays a gap', async () => {
    const w = await world();
    const c = await w
      .as(w.partnerA)
      .comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: 'Erste Fassung' });
    expect((await failure(w.as(w.colleagueA).comment.update({ id: c.id, body: 'fremd' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(w.as(w.rep).comment.delete({ id: c.id }))).code).toBe('FORBIDDEN');
    expect((await failure(w.as(w.partnerC).comment.update({ id: c.id, body: 'x' }))).code).toBe('NOT_FOUND');
    const edited = await w
      .as(w.partnerA)
      .comment.update({ id: c.id, body: 'Zweite Fassung', mentions: [w.rep.user.id] });
    expect(edited.editedAt).not.toBeNull();
    expect(await w.as(w.rep).notification.unreadCount()).toBe(1);
    await w.as(w.partnerA).comment.delete({ id: c.id });
    const [gap] = await w.as(w.rep).comment.list({ opportunityId: w.deal.id });
    expect(gap).toMatchObject({ id: c.id, deleted: true, body: null });
    expect((await failure(w.as(w.partnerA).comment.update({ id: c.id, body: 'wieder' }))).code).toBe(
      'CONFLICT',
    );
    const trail = await t.db
      .select({ action: auditLog.action, changes: auditLog.changes })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'comment'), eq(auditLog.entityId, c.id)))
      .orderBy(auditLog.id);
    expect(trail.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(trail[1]?.changes.body).toEqual(['Erste Fassung', 'Zweite Fassung']);
    expect(trail[2]?.changes.body).toEqual(['Zweite Fassung', null]);
  });

  it('row-level security alone keeps internal comments and unshared deals from a partner', async () => {
    const w = await world();
    await w.as(w.rep).comment.create({ opportunityId: w.deal.id, visibility: 'internal', body: 'geheim' });
    await w.as(w.rep).comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: 'offen' });
    const seenByA = await withPrincipalDb(t.db, w.partnerA.principal, (db) =>
      db.select({ body: comments.body }).from(comments).where(eq(comments.opportunityId, w.deal.id)),
    );
    expect(seenByA.map((r) => r.body)).toEqual(['offen']);
    const seenByC = await withPrincipalDb(t.db, w.partnerC.principal, (db) =>
      db.select().from(comments).where(eq(comments.opportunityId, w.deal.id)),
    );
    expect(seenByC).toHaveLength(0);
    await expect(
      withPrincipalDb(t.db, w.partnerA.principal, (db) =>
        db.insert(comments).values({
          opportunityId: w.deal.id,
          authorId: w.partnerA.user.id,
          visibility: 'internal',
          body: 'am Policy-Modul vorbei',
        }),
      ),
    ).rejects.toThrow();
    await expect(
      withPrincipalDb(t.db, w.partnerC.principal, (db) =>
        db.insert(comments).values({
          opportunityId: w.deal.id,
          authorId: w.partnerC.user.id,
          visibility: 'shared',
          body: 'x',
        }),
      ),
    ).rejects.toThrow();
  });

  it('the live thread brings what the viewer may read, and ends when the share is revoked', async () => {
    const w = await world();
    const stream = await w.as(w.partnerA).comment.live({ opportunityId: w.deal.id });
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await new Promise((r) => setTimeout(r, 100));
    await w
      .as(w.rep)
      .comment.create({ opportunityId: w.deal.id, visibility: 'internal', body: 'nur intern' });
    await w.as(w.rep).comment.create({ opportunityId: w.deal.id, visibility: 'shared', body: 'für alle' });
    expect((await first).value).toMatchObject({ change: 'created', comment: { body: 'für alle' } });
    await w.as(w.rep).share.revoke({ opportunityId: w.deal.id, partnerOrgId: w.orgA.id });
    const end = await Promise.race([it.next(), new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
    expect(end).toEqual({ done: true, value: undefined });
    // Mentions that a partner cannot see any more are not shown to it either.
    expect(
      (await withPrincipalDb(t.db, w.partnerA.principal, (db) => db.select().from(notifications))).length,
    ).toBe(0);
  });

  it('a live thread is refused for a deal the caller cannot see', async () => {
    const w = await world();
    expect((await failure(w.as(w.partnerC).comment.live({ opportunityId: w.deal.id }))).code).toBe(
      'NOT_FOUND',
    );
  });
});
