import { type Database, notifications } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { registerMailDelivery } from '../mail/deliver.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp.ts';
import { createMailTransport } from '../mail/transport.ts';
import { withPrincipalDb } from '../rls.ts';
import {
  anonymous,
  callerFor,
  failure,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import { notificationDeliveryHandler } from './deliver.ts';
import { NOTIFICATION_DELIVERY_JOB, notify } from './notify.ts';

let t: TestDatabase;
let smtp: TestSmtpServer;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
});
afterAll(async () => {
  await smtp?.close();
  await t?.destroy();
});
beforeEach(() => {
  smtp.accepted.length = 0;
});

async function world() {
  const db = t.db;
  const manager = await makeUser(db, { role: 'manager', locale: 'de' });
  const rep = await makeUser(db, { role: 'rep', locale: 'en' });
  const orgShared = await makePartnerOrg(db);
  const orgOther = await makePartnerOrg(db);
  const partner = await makeUser(db, { role: 'partner_member', partnerOrgId: orgShared.id, locale: 'de' });
  const stranger = await makeUser(db, { role: 'partner_member', partnerOrgId: orgOther.id });
  const account = await makeAccount(db, rep.user.id);
  const deal = await makeOpportunity(db, account.id, rep.user.id);
  await share(db, deal.id, orgShared.id, 'view');
  return { manager, rep, partner, stranger, deal, orgShared };
}

async function deliverAll(db: Database) {
  const transport = createMailTransport({
    smtpUrl: smtp.url,
    outboxDir: '/nonexistent',
    from: 'Konsort <k@x.example>',
  });
  const runner = new JobRunner({ db, logger: quiet });
  registerMailDelivery(runner, db, transport);
  runner.register(NOTIFICATION_DELIVERY_JOB, notificationDeliveryHandler(db, 'https://konsort.example'));
  await runner.drain();
  transport.close();
}

describe('notify', () => {
  it('writes rows in the caller transaction, only for users who can see the deal, and mails each in their language', async () => {
    const w = await world();
    const inactive = await makeUser(t.db, { role: 'rep', active: false });
    const notified = await t.db.transaction((tx) =>
      notify(tx, {
        userIds: [w.manager.user.id, w.rep.user.id, w.partner.user.id, w.stranger.user.id, inactive.user.id],
        kind: 'comment.mention',
        opportunityId: w.deal.id,
        params: { author: 'Petra', deal: w.deal.name, excerpt: 'Bitte prüfen' },
      }),
    );
    expect(new Set(notified)).toEqual(new Set([w.manager.user.id, w.rep.user.id, w.partner.user.id]));
    await t.db
      .transaction(async (tx) => {
        await notify(tx, {
          userIds: [w.rep.user.id],
          kind: 'comment.mention',
          opportunityId: w.deal.id,
          params: {},
        });
        throw new Error('rollback');
      })
      .catch(() => {});
    const rows = await t.db.select().from(notifications).where(eq(notifications.opportunityId, w.deal.id));
    expect(rows).toHaveLength(3);

    await deliverAll(t.db);
    const byRecipient = new Map(smtp.accepted.map((m) => [m.envelopeTo[0], m.parsed]));
    expect(byRecipient.size).toBe(3);
    expect(byRecipient.get(w.manager.user.email)?.subject).toBe(
      `Konsort: Petra hat Sie erwähnt: ${w.deal.name}`,
    );
    expect(byRecipient.get(w.rep.user.email)?.subject).toBe(`Konsort: Petra mentioned you: ${w.deal.name}`);
    expect(byRecipient.get(w.rep.user.email)?.text).toContain(
      `https://konsort.example/opportunities/${w.deal.id}`,
    );
    expect(byRecipient.get(w.partner.user.email)?.text).toContain('Bitte prüfen');
  });

  it('respects the e-mail preference per kind, and a dedupe key notifies once', async () => {
    const w = await world();
    await callerFor(t.db, w.rep.principal).caller.notification.setPreference({
      kind: 'comment.mention',
      email: false,
    });
    expect(await callerFor(t.db, w.rep.principal).caller.notification.preferences()).toContainEqual({
      kind: 'comment.mention',
      email: false,
    });
    await notify(t.db, {
      userIds: [w.rep.user.id, w.manager.user.id],
      kind: 'comment.mention',
      opportunityId: w.deal.id,
      params: { author: 'A', deal: 'D', excerpt: 'x' },
    });
    for (let i = 0; i < 2; i++)
      await notify(t.db, {
        userIds: [w.rep.user.id],
        kind: 'registration.expiring',
        params: { company: 'Once GmbH', days: 7, expiresOn: '2026-12-02' },
        dedupeKey: 'reminder:1:7',
      });
    await deliverAll(t.db);
    expect(smtp.accepted.map((m) => m.envelopeTo[0]).sort()).toEqual(
      [w.manager.user.email, w.rep.user.email].sort(),
    );
    const reminders = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'registration.expiring'));
    expect(reminders.filter((r) => r.userId === w.rep.user.id)).toHaveLength(1);
  });
});

describe('notification router', () => {
  it('lists, counts and marks read only the own notifications; partners lose those about deals no longer shared', async () => {
    const w = await world();
    await notify(t.db, {
      userIds: [w.partner.user.id, w.rep.user.id],
      kind: 'comment.mention',
      opportunityId: w.deal.id,
      params: { author: 'Rita', deal: 'Fräse', excerpt: 'Hallo' },
    });
    const partner = callerFor(t.db, w.partner.principal).caller;
    const rep = callerFor(t.db, w.rep.principal).caller;
    expect(await partner.notification.unreadCount()).toBe(1);
    const list = await partner.notification.list({});
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ title: 'Rita hat Sie erwähnt: Fräse', read: false });
    const repList = await rep.notification.list({});
    expect(repList.items[0]?.title).toBe('Rita mentioned you: Fräse');

    // The partner cannot mark the rep's notification read: it is simply not theirs.
    expect(await partner.notification.markRead({ ids: [repList.items[0]!.id] })).toEqual({ updated: 0 });
    expect(await rep.notification.unreadCount()).toBe(1);
    expect(await partner.notification.markRead({ ids: [list.items[0]!.id] })).toEqual({ updated: 1 });
    expect(await partner.notification.unreadCount()).toBe(0);
    expect(await rep.notification.markAllRead()).toEqual({ updated: 1 });
    expect(await rep.notification.unreadCount()).toBe(0);

    await t.db.transaction(async (tx) => {
      await notify(tx, {
        userIds: [w.partner.user.id],
        kind: 'comment.mention',
        opportunityId: w.deal.id,
        params: { author: 'X', deal: 'Y', excerpt: 'z' },
      });
    });
    expect(await partner.notification.unreadCount()).toBe(1);
    await callerFor(t.db, w.rep.principal).caller.share.revoke({
      opportunityId: w.deal.id,
      partnerOrgId: w.orgShared.id,
    });
    expect(await partner.notification.unreadCount()).toBe(0);
    expect((await partner.notification.list({})).items).toHaveLength(0);
  });

  it('pages with a cursor and rejects a tampered one', async () => {
    const w = await world();
    for (let i = 0; i < 5; i++)
      await notify(t.db, {
        userIds: [w.manager.user.id],
        kind: 'registration.submitted',
        params: { company: `Firma ${i}`, partner: 'P' },
      });
    const caller = callerFor(t.db, w.manager.principal).caller;
    const first = await caller.notification.list({ limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await caller.notification.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(5);
    expect((await failure(caller.notification.list({ cursor: 'bm9wZQ' }))).code).toBe('BAD_REQUEST');
  });

  it('row-level security alone keeps a partner to its own rows', async () => {
    const w = await world();
    await notify(t.db, {
      userIds: [w.partner.user.id, w.manager.user.id],
      kind: 'comment.mention',
      opportunityId: w.deal.id,
      params: {},
    });
    const seen = await withPrincipalDb(t.db, w.partner.principal, (db) => db.select().from(notifications));
    expect(seen.map((r) => r.userId)).toEqual([w.partner.user.id]);
    // Nor can a partner's transaction notify another organisation's user, even bypassing notify().
    await expect(
      withPrincipalDb(t.db, w.partner.principal, (db) =>
        db.insert(notifications).values({ userId: w.stranger.user.id, kind: 'comment.mention' }),
      ),
    ).rejects.toThrow();
  });

  it('refuses anonymous callers and API keys', async () => {
    const { caller } = callerFor(t.db, anonymous());
    expect((await failure(caller.notification.unreadCount())).code).toBe('UNAUTHORIZED');
    const key = callerFor(t.db, { kind: 'integration', apiKeyId: 'k', scopes: ['edi'], locale: 'en' }).caller;
    expect((await failure(key.notification.list({}))).code).toBe('UNAUTHORIZED');
  });
});

describe('live notifications', () => {
  it('pushes a committed notification to its user only, with the unread count', async () => {
    const w = await world();
    const stream = await callerFor(t.db, w.partner.principal).caller.notification.live();
    const iterator = stream[Symbol.asyncIterator]();
    const next = iterator.next();
    // Give the LISTEN a moment, then: one for someone else, one rolled back, one for us.
    await new Promise((r) => setTimeout(r, 100));
    await notify(t.db, { userIds: [w.manager.user.id], kind: 'registration.submitted', params: {} });
    await t.db
      .transaction(async (tx) => {
        await notify(tx, {
          userIds: [w.partner.user.id],
          kind: 'comment.mention',
          opportunityId: w.deal.id,
          params: { author: 'Nie' },
        });
        throw new Error('rollback');
      })
      .catch(() => {});
    await notify(t.db, {
      userIds: [w.partner.user.id],
      kind: 'comment.mention',
      opportunityId: w.deal.id,
      params: { author: 'Jana', deal: 'Deal', excerpt: 'Live' },
    });
    const { value } = await next;
    expect(value).toMatchObject({ notification: { title: 'Jana hat Sie erwähnt: Deal' } });
    expect((value as { unread: number }).unread).toBe(1);
    await iterator.return?.();
  });
});
