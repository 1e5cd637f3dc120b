/**
 * The calendar and the automation settings in the portal, over HTTP against the production
 * build: a rep invites a colleague and an external guest (invitations are queued as .ics mails),
 * sees the meeting in the week and month views, moves and cancels it; an admin edits the loss
 * reasons, a bad value is explained, a manager may read but not change them.
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

const post = (cookie: string, fields: Record<string, string | string[]>) => formPost(t.url, cookie, fields);

describe('calendar pages', () => {
  it('invites, shows the week and the month, moves and cancels a meeting with mails queued', async () => {
    const rep = t.logins.find((l) => l.email.startsWith('jana.becker'))!;
    const cookie = `${await login(t.url, rep.email, rep.password)}; konsort_lang=de`;
    const page = await (
      await fetch(`${t.url}/calendar?view=week&date=2027-03-01`, { headers: { Cookie: cookie } })
    ).text();
    const colleagueId = /name="userIds" value="([0-9a-f-]{36})"/.exec(page)![1]!;
    const bad = await fetch(
      `${t.url}/calendar?index`,
      post(cookie, { title: 'Falsch', date: '2027-03-02', start: '11:00', end: '10:00', guests: '' }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Das Ende muss nach dem Beginn liegen.');
    const created = await fetch(
      `${t.url}/calendar?index`,
      post(cookie, {
        title: 'Werksbesichtigung',
        date: '2027-03-02',
        start: '10:00',
        end: '11:30',
        location: 'Köln',
        userIds: [colleagueId],
        guests: 'Anna Schäfer <anna@kunde.example>',
      }),
    );
    expect(created.status).toBe(302);
    const meetingUrl = `${t.url}${created.headers.get('location')}`;
    const mails = await t.db.db.query.outboundMails.findMany({
      orderBy: (m, { desc }) => [desc(m.createdAt)],
      limit: 2,
    });
    expect(mails.map((m) => m.subject)).toEqual([
      'Einladung: Werksbesichtigung',
      'Einladung: Werksbesichtigung',
    ]);
    expect(mails.every((m) => m.attachments.some((a) => a.contentType === 'text/calendar'))).toBe(true);
    const week = await (
      await fetch(`${t.url}/calendar?view=week&date=2027-03-01`, { headers: { Cookie: cookie } })
    ).text();
    expect(week).toContain('Werksbesichtigung');
    // React separates adjacent text nodes with <!-- --> in server HTML.
    expect(week.replace(/<!-- -->/g, '')).toContain('10:00–11:30');
    const month = await (
      await fetch(`${t.url}/calendar?view=month&date=2027-03-15`, { headers: { Cookie: cookie } })
    ).text();
    expect(month).toContain('Werksbesichtigung');
    const otherWeek = await (
      await fetch(`${t.url}/calendar?view=week&date=2027-03-10`, { headers: { Cookie: cookie } })
    ).text();
    expect(otherWeek).not.toContain('Werksbesichtigung');

    const moved = await fetch(
      meetingUrl,
      post(cookie, {
        intent: 'update',
        sequence: '0',
        title: 'Werksbesichtigung',
        date: '2027-03-04',
        start: '09:00',
        end: '10:00',
        userIds: [colleagueId],
        guests: '',
      }),
    );
    expect(moved.status).toBe(302);
    const detail = await (await fetch(meetingUrl, { headers: { Cookie: cookie } })).text();
    expect(detail).toContain('2027-03-04 09:00–10:00');
    const latest = await t.db.db.query.outboundMails.findMany({
      orderBy: (m, { desc }) => [desc(m.createdAt)],
      limit: 2,
    });
    expect(latest.map((m) => m.subject).sort()).toEqual([
      'Abgesagt: Werksbesichtigung',
      'Geändert: Werksbesichtigung',
    ]);
    const cancelled = await fetch(meetingUrl, post(cookie, { intent: 'cancel', sequence: '1' }));
    expect(cancelled.status).toBe(302);
    expect(await (await fetch(meetingUrl, { headers: { Cookie: cookie } })).text()).toContain('Abgesagt');
  });
});

describe('automation settings page', () => {
  it('admins change the loss reasons; bad values are explained; managers read only', async () => {
    const admin = t.logins.find((l) => l.role === 'admin')!;
    const manager = t.logins.find((l) => l.role === 'manager')!;
    const adminCookie = `${await login(t.url, admin.email, admin.password)}; konsort_lang=en`;
    const managerCookie = await login(t.url, manager.email, manager.password);
    const page = await fetch(`${t.url}/admin/automation`, { headers: { Cookie: adminCookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Offer follow-up');
    const withoutNoResponse = JSON.stringify([{ key: 'price', label: { de: 'Preis', en: 'Price' } }]);
    const refused = await fetch(
      `${t.url}/admin/automation`,
      post(adminCookie, { key: 'lossReasons', value: withoutNoResponse }),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('no_response');
    const good = JSON.stringify([
      { key: 'price', label: { de: 'Preis', en: 'Price' } },
      { key: 'no_response', label: { de: 'Keine Rückmeldung', en: 'No response' } },
    ]);
    expect(
      (await fetch(`${t.url}/admin/automation?index`, post(adminCookie, { key: 'lossReasons', value: good })))
        .status,
    ).toBe(302);
    expect((await fetch(`${t.url}/admin/automation`, { headers: { Cookie: managerCookie } })).status).toBe(
      200,
    );
    const accounts = await fetch(`${t.url}/admin/automation/accounts`, {
      headers: { Cookie: managerCookie },
    });
    expect(accounts.status).toBe(200);
    const accountId = /name="accountId" value="([0-9a-f-]{36})"/.exec(await accounts.text())![1]!;
    const flagged = await fetch(
      `${t.url}/admin/automation/accounts`,
      post(managerCookie, { intent: 'strategic', accountId, strategic: 'true' }),
    );
    expect(flagged.status).toBe(302);
    const after = await (
      await fetch(`${t.url}/admin/automation/accounts`, { headers: { Cookie: adminCookie } })
    ).text();
    expect(after.replace(/<!-- -->/g, '')).toContain('(strategic)');
    const badCadence = await fetch(
      `${t.url}/admin/automation/accounts`,
      post(adminCookie, { intent: 'cadence', accountId, visitEveryDays: '0', callEveryDays: '' }),
    );
    expect(badCadence.status).toBe(400);
    expect(
      (
        await fetch(
          `${t.url}/admin/automation?index`,
          post(managerCookie, { key: 'lossReasons', value: good }),
        )
      ).status,
    ).toBe(403);
  });
});
