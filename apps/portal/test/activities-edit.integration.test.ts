/**
 * Editing an activity in the portal, over HTTP against the production build: a rep opens the
 * edit form from a timeline, gets field errors in German and English, saves type, subject,
 * notes, due date, reminder (Berlin wall-clock time) and owner, and ticks it done; the reminder
 * job follows each change. A rep who neither owns nor wrote it, and partners, get 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, fields: Record<string, string>) => formPost(t.url, cookie, fields);

const loginAs = async (prefix: string, lang: 'de' | 'en' = 'de') => {
  const who = t.logins.find((l) => l.email.startsWith(prefix))!;
  return `${await login(t.url, who.email, who.password)}; konsort_lang=${lang}`;
};

async function userId(prefix: string) {
  const u = await t.db.db.query.users.findFirst({ where: (u, { like }) => like(u.email, `${prefix}%`) });
  return u!.id;
}

describe('activity edit page', () => {
  it('edits every field with errors in the user language, reschedules and cancels the reminder, and refuses others', async () => {
    const jana = await loginAs('jana.becker');
    const janaId = await userId('jana.becker');
    const lukasId = await userId('lukas.hoffmann');
    const account = await t.db.db.query.accounts.findFirst({ where: (a, { eq }) => eq(a.ownerId, janaId) });
    // Planned from the account's timeline, as a person does it.
    const created = await fetch(
      `${t.url}/activities`,
      post(jana, {
        intent: 'create',
        type: 'call',
        subject: 'Rückruf Preisliste',
        accountId: account!.id,
        dueAt: '2027-03-02T10:00',
        reminderAt: '2027-03-02T09:00',
        redirectTo: `/accounts/${account!.id}`,
      }),
    );
    expect(created.status).toBe(302);
    const activity = (await t.db.db.query.activities.findFirst({
      where: (a, { eq }) => eq(a.subject, 'Rückruf Preisliste'),
    }))!;
    const timeline = await (
      await fetch(`${t.url}/accounts/${account!.id}`, { headers: { Cookie: jana } })
    ).text();
    const editPath = `/activities/${activity.id}/edit?redirectTo=${encodeURIComponent(`/accounts/${account!.id}`)}`;
    expect(timeline).toContain(editPath.replace(/&/g, '&amp;'));

    const form = await (await fetch(`${t.url}${editPath}`, { headers: { Cookie: jana } })).text();
    expect(form).toContain('Aktivität bearbeiten');
    expect(form).toContain('value="Rückruf Preisliste"');
    // Stored as UTC, shown as Berlin time (CET in March).
    expect(form).toContain('value="2027-03-02T10:00"');
    expect(form).toContain('value="2027-03-02T09:00"');

    const fields = {
      type: 'visit',
      subject: 'Besuch mit Preisliste',
      body: 'Neue Preise ab April',
      dueAt: '2027-03-04T14:00',
      reminderAt: '2027-03-04T13:30',
      ownerId: lukasId,
      redirectTo: `/accounts/${account!.id}`,
    };
    const late = await fetch(
      `${t.url}/activities/${activity.id}/edit`,
      post(jana, { ...fields, reminderAt: '2027-03-05T08:00' }),
    );
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('Die Erinnerung darf nicht nach dem Fälligkeitstermin liegen.');
    const janaEn = await loginAs('jana.becker', 'en');
    const empty = await fetch(
      `${t.url}/activities/${activity.id}/edit`,
      post(janaEn, { ...fields, subject: '  ' }),
    );
    expect(empty.status).toBe(400);
    const emptyPage = await empty.text();
    expect(emptyPage).toContain('Some fields are not valid.');
    expect(emptyPage).toMatch(/id="subject-error"[^>]*>[^<]+</);
    const badDate = await fetch(
      `${t.url}/activities/${activity.id}/edit`,
      post(janaEn, { ...fields, dueAt: 'morgen' }),
    );
    expect(badDate.status).toBe(400);
    expect(await badDate.text()).toMatch(/id="dueAt-error"/);
    // Nothing of the refused edits was saved.
    expect(
      (await t.db.db.query.activities.findFirst({ where: (a, { eq }) => eq(a.id, activity.id) }))!.subject,
    ).toBe('Rückruf Preisliste');

    const saved = await fetch(`${t.url}/activities/${activity.id}/edit`, post(jana, fields));
    expect(saved.status).toBe(302);
    expect(saved.headers.get('location')).toBe(`/accounts/${account!.id}`);
    const after = (await t.db.db.query.activities.findFirst({
      where: (a, { eq }) => eq(a.id, activity.id),
    }))!;
    expect(after).toMatchObject({
      type: 'visit',
      subject: 'Besuch mit Preisliste',
      body: 'Neue Preise ab April',
      ownerId: lukasId,
      doneAt: null,
    });
    expect(after.dueAt!.toISOString()).toBe('2027-03-04T13:00:00.000Z');
    expect(after.reminderAt!.toISOString()).toBe('2027-03-04T12:30:00.000Z');
    const reminderJobs = async () =>
      (await t.db.db.query.jobs.findMany({ where: (j, { eq }) => eq(j.kind, 'activity.reminder') })).filter(
        (j) => (j.payload as { activityId: string }).activityId === activity.id,
      );
    expect((await reminderJobs()).map((j) => [j.status, j.runAt.toISOString()])).toEqual([
      ['pending', '2027-03-04T12:30:00.000Z'],
    ]);

    // Another rep, neither owner nor author, may not; partners never see activities.
    const emily = await loginAs('emily.clarke');
    expect(
      (await fetch(`${t.url}/activities/${activity.id}/edit`, { headers: { Cookie: emily } })).status,
    ).toBe(403);
    expect(
      (await fetch(`${t.url}/activities/${activity.id}/edit`, post(emily, { ...fields, subject: 'Fremd' })))
        .status,
    ).toBe(403);
    const partner = await loginAs('markus.schmidt');
    expect(
      (await fetch(`${t.url}/activities/${activity.id}/edit`, { headers: { Cookie: partner } })).status,
    ).toBe(403);
    expect((await fetch(`${t.url}/activities/${activity.id}/edit`, post(partner, fields))).status).toBe(403);

    // The new owner ticks it done: the reminder is withdrawn.
    const lukas = await loginAs('lukas.hoffmann');
    const done = await fetch(
      `${t.url}/activities/${activity.id}/edit`,
      post(lukas, { ...fields, done: 'on' }),
    );
    expect(done.status).toBe(302);
    expect(
      (await t.db.db.query.activities.findFirst({ where: (a, { eq }) => eq(a.id, activity.id) }))!.doneAt,
    ).not.toBeNull();
    expect(await reminderJobs()).toEqual([]);
  });
});
