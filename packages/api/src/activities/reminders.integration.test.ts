/**
 * Follow-up reminders end to end: the real job runner on PGlite / PostgreSQL with its clock
 * moved by hand, the notification module (in-app, live) and mail over a real SMTP server on
 * loopback. Once per reminder, also across runner restarts and a worker that died holding it;
 * a new time reschedules; completing or deleting withdraws it; the owner's preference and
 * language decide the mail.
 */
import { jobs, notifications } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { registerMailDelivery } from '../mail/deliver.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp.ts';
import { createMailTransport } from '../mail/transport.ts';
import { notificationDeliveryHandler } from '../notifications/deliver.ts';
import { NOTIFICATION_DELIVERY_JOB } from '../notifications/notify.ts';
import { setNotificationPreference } from '../notifications/service.ts';
import type { UserPrincipal } from '../principal.ts';
import { callerFor, makeAccount, makeUser } from '../testing/index.ts';
import { completeActivity, createActivity, deleteActivity, updateActivity } from './activities.ts';
import { ACTIVITY_REMINDER_JOB, activityReminderHandler, reminderJobKey } from './reminders.ts';

let t: TestDatabase;
let smtp: TestSmtpServer;
let rep: { principal: UserPrincipal; email: string };
let accountId: string;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
  const u = await makeUser(t.db, { role: 'rep', locale: 'de', name: 'Jana Becker' });
  rep = { principal: u.principal, email: u.user.email };
  accountId = (await makeAccount(t.db, u.user.id, { name: 'Schäfer Werkzeugbau GmbH' })).id;
});
afterAll(async () => {
  await smtp?.close();
  await t?.destroy();
});
beforeEach(() => {
  smtp.accepted.length = 0;
});

/** A runner as the portal's worker has it (reminders, notification delivery, mail over SMTP), on a clock of its own. */
function startRunner(at: number, workerId?: string) {
  const clock = { now: at };
  const runner = new JobRunner({
    db: t.db,
    logger: quiet,
    clock: () => new Date(clock.now),
    backoff: () => MIN,
    ...(workerId ? { workerId } : {}),
  });
  const transport = createMailTransport({
    smtpUrl: smtp.url,
    outboxDir: '/nonexistent',
    from: 'Konsort <no-reply@konsort.example>',
  });
  registerMailDelivery(runner, t.db, transport);
  runner.register(NOTIFICATION_DELIVERY_JOB, notificationDeliveryHandler(t.db, 'https://konsort.example'));
  runner.register(ACTIVITY_REMINDER_JOB, activityReminderHandler());
  return {
    at(ms: number) {
      clock.now = ms;
    },
    async drain() {
      // A reminder enqueues its delivery, the delivery its mail: run until nothing is due.
      for (let i = 0; i < 10; i++) if ((await runner.drain()) === 0) break;
    },
    async stop() {
      await runner.stop();
      transport.close();
    },
  };
}

const mailsTo = (address: string) => smtp.accepted.filter((m) => m.envelopeTo.includes(address));

async function reminderJob(activityId: string, reminderAt: Date) {
  const [row] = await t.db
    .select()
    .from(jobs)
    .where(eq(jobs.dedupeKey, reminderJobKey(activityId, reminderAt)));
  return row;
}

async function remindersOf(userId: string, activityId: string) {
  return t.db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.kind, 'activity.reminder'),
        sql`${notifications.params}->>'activityId' = ${activityId}`,
      ),
    );
}

/** A follow-up planned from a whole minute in the future, so the runner's clock can be set around it. */
function plan(offsetMs: number) {
  const base = Math.ceil((Date.now() + HOUR) / MIN) * MIN;
  return { base, dueAt: new Date(base + offsetMs + HOUR), reminderAt: new Date(base + offsetMs) };
}

describe('activity reminders', () => {
  it('mails the owner once at the reminder time, in their language, also across restarts and a dead worker', async () => {
    const { base, dueAt, reminderAt } = plan(0);
    const activity = await createActivity(t.db, rep.principal, {
      type: 'call',
      subject: 'Rückruf wegen Angebot',
      accountId,
      dueAt,
      reminderAt,
    });
    // The live stream of the owner's notifications, opened before anything is due.
    const stream = await callerFor(t.db, rep.principal).caller.notification.live();
    const iterator = stream[Symbol.asyncIterator]();
    const live = iterator.next();

    const first = startRunner(base - 10 * MIN, 'first');
    await first.drain();
    expect(mailsTo(rep.email)).toHaveLength(0);
    expect(await reminderJob(activity.id, reminderAt)).toMatchObject({ status: 'pending', attempts: 0 });
    await first.stop();

    // A worker claims the reminder at its time and dies before committing anything.
    await t.db
      .update(jobs)
      .set({
        attempts: 1,
        lockedBy: 'dead-worker',
        lockedUntil: new Date(base + MIN),
        leaseToken: sql`gen_random_uuid()`,
      })
      .where(eq(jobs.dedupeKey, reminderJobKey(activity.id, reminderAt)));
    // The restarted portal waits for that lease, then sends it.
    const second = startRunner(base + 30_000, 'second');
    await second.drain();
    expect(mailsTo(rep.email)).toHaveLength(0);
    second.at(base + MIN + 1000);
    await second.drain();
    const mails = mailsTo(rep.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.subject).toBe('Konsort: Erinnerung: Rückruf wegen Angebot');
    expect(mails[0]!.parsed.text).toContain('Anruf – Schäfer Werkzeugbau GmbH');
    expect(mails[0]!.parsed.text).toContain('Fällig am');
    expect(mails[0]!.parsed.text).toContain(`https://konsort.example/activities/${activity.id}/edit`);
    expect(await reminderJob(activity.id, reminderAt)).toMatchObject({ status: 'done', attempts: 2 });
    await second.stop();

    const { value } = await live;
    expect(value).toMatchObject({ notification: { title: 'Erinnerung: Rückruf wegen Angebot' }, unread: 1 });
    await iterator.return?.();

    // Another restart, later: nothing is sent again.
    const third = startRunner(base + 2 * HOUR, 'third');
    await third.drain();
    await third.stop();
    expect(mailsTo(rep.email)).toHaveLength(1);
    expect(await remindersOf(rep.principal.userId, activity.id)).toHaveLength(1);
    // Saving the activity again (same reminder) or reopening it does not mail it a second time.
    await updateActivity(t.db, rep.principal, { id: activity.id, data: { subject: 'Rückruf (neu)' } });
    const fourth = startRunner(base + 3 * HOUR);
    await fourth.drain();
    await fourth.stop();
    expect(mailsTo(rep.email)).toHaveLength(1);
  });

  it('a new reminder time reschedules: nothing at the old time, one mail at the new one', async () => {
    const { dueAt, reminderAt } = plan(10 * MIN);
    const activity = await createActivity(t.db, rep.principal, {
      type: 'visit',
      subject: 'Besuch vorbereiten',
      accountId,
      dueAt,
      reminderAt,
    });
    const later = new Date(reminderAt.getTime() + 30 * MIN);
    await updateActivity(t.db, rep.principal, { id: activity.id, data: { reminderAt: later } });
    expect(await reminderJob(activity.id, reminderAt)).toBeUndefined();
    expect(await reminderJob(activity.id, later)).toMatchObject({ status: 'pending' });
    const runner = startRunner(reminderAt.getTime() + MIN);
    await runner.drain();
    expect(mailsTo(rep.email)).toHaveLength(0);
    runner.at(later.getTime());
    await runner.drain();
    expect(mailsTo(rep.email).map((m) => m.parsed.subject)).toEqual([
      'Konsort: Erinnerung: Besuch vorbereiten',
    ]);
    // A later due date with a reminder before it again: the new reminder is sent too, once.
    const again = new Date(later.getTime() + 15 * MIN);
    await updateActivity(t.db, rep.principal, {
      id: activity.id,
      data: { dueAt: new Date(dueAt.getTime() + HOUR), reminderAt: again },
    });
    runner.at(again.getTime() + HOUR);
    await runner.drain();
    await runner.drain();
    await runner.stop();
    expect(mailsTo(rep.email)).toHaveLength(2);
    expect(await remindersOf(rep.principal.userId, activity.id)).toHaveLength(2);
  });

  it('completing or deleting withdraws the reminder; reopening schedules it again', async () => {
    const { dueAt, reminderAt } = plan(20 * MIN);
    const done = await createActivity(t.db, rep.principal, {
      type: 'task',
      subject: 'Preisliste schicken',
      accountId,
      dueAt,
      reminderAt,
    });
    const deleted = await createActivity(t.db, rep.principal, {
      type: 'task',
      subject: 'Muster bestellen',
      accountId,
      dueAt,
      reminderAt,
    });
    const reopened = await createActivity(t.db, rep.principal, {
      type: 'task',
      subject: 'Vertrag prüfen',
      accountId,
      dueAt,
      reminderAt,
    });
    await completeActivity(t.db, rep.principal, { id: done.id, done: true });
    await deleteActivity(t.db, rep.principal, deleted.id);
    await completeActivity(t.db, rep.principal, { id: reopened.id, done: true });
    // Done through the edit form's switch, then open again: scheduled again.
    await updateActivity(t.db, rep.principal, { id: reopened.id, data: { done: false } });
    expect(await reminderJob(done.id, reminderAt)).toBeUndefined();
    expect(await reminderJob(deleted.id, reminderAt)).toBeUndefined();
    expect(await reminderJob(reopened.id, reminderAt)).toMatchObject({ status: 'pending' });
    const runner = startRunner(reminderAt.getTime() + MIN);
    await runner.drain();
    await runner.stop();
    expect(mailsTo(rep.email).map((m) => m.parsed.subject)).toEqual(['Konsort: Erinnerung: Vertrag prüfen']);
    expect(await remindersOf(rep.principal.userId, done.id)).toHaveLength(0);
    expect(await remindersOf(rep.principal.userId, deleted.id)).toHaveLength(0);
  });

  it('a job already claimed when the activity is completed sends nothing', async () => {
    const { dueAt, reminderAt } = plan(30 * MIN);
    const activity = await createActivity(t.db, rep.principal, {
      type: 'call',
      subject: 'Nachfassen',
      accountId,
      dueAt,
      reminderAt,
    });
    // The job was in hand when the rep ticked it done: the withdrawal fences its completion,
    // and a job that somehow still runs reads the activity as done.
    await completeActivity(t.db, rep.principal, { id: activity.id, done: true });
    await t.db.execute(
      sql`select konsort_enqueue_job(gen_random_uuid(), ${ACTIVITY_REMINDER_JOB}, ${JSON.stringify({
        activityId: activity.id,
        reminderAt: reminderAt.toISOString(),
      })}::jsonb, ${reminderAt.toISOString()}::timestamptz, null, ${reminderJobKey(activity.id, reminderAt)})`,
    );
    const runner = startRunner(reminderAt.getTime() + MIN);
    await runner.drain();
    await runner.stop();
    expect(mailsTo(rep.email)).toHaveLength(0);
    expect(await reminderJob(activity.id, reminderAt)).toMatchObject({ status: 'done' });
    expect(await remindersOf(rep.principal.userId, activity.id)).toHaveLength(0);
  });

  it("follows the owner's preference and language: in-app only when e-mail is off; English for an English owner", async () => {
    const english = await makeUser(t.db, { role: 'rep', locale: 'en' });
    const quietRep = await makeUser(t.db, { role: 'rep', locale: 'de' });
    await setNotificationPreference(t.db, quietRep.principal, { kind: 'activity.reminder', email: false });
    const { dueAt, reminderAt } = plan(40 * MIN);
    // Planned by our rep, handed to colleagues: the owner at send time is reminded.
    const forEnglish = await createActivity(t.db, rep.principal, {
      type: 'meeting',
      subject: 'Prepare the review',
      accountId,
      dueAt,
      reminderAt,
      ownerId: english.user.id,
    });
    const forQuiet = await createActivity(t.db, rep.principal, {
      type: 'call',
      subject: 'Rückruf',
      accountId,
      dueAt,
      reminderAt,
      ownerId: quietRep.user.id,
    });
    const runner = startRunner(reminderAt.getTime() + MIN);
    await runner.drain();
    await runner.stop();
    const [mail] = mailsTo(english.user.email);
    expect(mail?.parsed.subject).toBe('Konsort: Reminder: Prepare the review');
    expect(mail?.parsed.text).toContain('Meeting – Schäfer Werkzeugbau GmbH');
    expect(mail?.parsed.text).toContain('Due ');
    expect(mailsTo(quietRep.user.email)).toHaveLength(0);
    expect(await remindersOf(quietRep.user.id, forQuiet.id)).toHaveLength(1);
    expect(await remindersOf(english.user.id, forEnglish.id)).toHaveLength(1);
  });
});
