/**
 * Meetings and their iCalendar invitations, delivered over a real SMTP server on loopback and
 * read back with ical.js: METHOD, UID, SEQUENCE, organizer and attendees, times in
 * TZID=Europe/Berlin (checked against UTC, summer and winter), updates with a higher SEQUENCE,
 * CANCEL for a removed participant and for the cancelled meeting, each mail once.
 */
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { registerMailDelivery } from '../mail/deliver.ts';
import { type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp.ts';
import { createMailTransport } from '../mail/transport.ts';
import type { UserPrincipal } from '../principal.ts';
import { callerFor, failure, makeAccount, makeContact, makeUser } from '../testing/index.ts';

let t: TestDatabase;
let smtp: TestSmtpServer;
let organizer: UserPrincipal;
let colleague: UserPrincipal;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
  organizer = (
    await makeUser(t.db, { role: 'rep', name: 'Jana Becker', email: 'jana@konsort.example', locale: 'de' })
  ).principal;
  colleague = (await makeUser(t.db, { role: 'rep', name: 'Tom Vogel', email: 'tom@konsort.example' }))
    .principal;
});
afterAll(async () => {
  await smtp?.close();
  await t?.destroy();
});

async function deliver() {
  const runner = new JobRunner({ db: t.db, logger: quiet });
  const transport = createMailTransport({
    smtpUrl: smtp.url,
    outboxDir: '/nonexistent',
    from: 'Konsort <kalender@konsort.example>',
  });
  registerMailDelivery(runner, t.db, transport);
  for (let i = 0; i < 5; i++) if ((await runner.drain()) === 0) break;
  await runner.stop();
  transport.close();
}

function eventOf(mail: ReceivedMail) {
  const attachment = mail.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
  const text = attachment.content.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  return {
    text,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    status: vevent.getFirstPropertyValue('status'),
    tzid: vevent.getFirstProperty('dtstart')!.getParameter('tzid'),
    startUtc: event.startDate.toJSDate().toISOString(),
    endUtc: event.endDate.toJSDate().toISOString(),
    organizer: String(vevent.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: vevent
      .getAllProperties('attendee')
      .map((a) => String(a.getFirstValue()).toLowerCase().replace('mailto:', ''))
      .sort(),
  };
}

const to = (address: string) => smtp.accepted.filter((m) => m.envelopeTo.includes(address));

describe('calendar invitations', () => {
  it('invites, updates and cancels with rising SEQUENCE, in Europe/Berlin time, each mail once', async () => {
    const account = await makeAccount(t.db, organizer.userId);
    const contact = await makeContact(t.db, account.id, {
      firstName: 'Anna',
      lastName: 'Schäfer',
      email: 'anna@kunde.example',
    });
    const cal = callerFor(t.db, organizer).caller;
    // 1 July 2027 10:00–11:30 in Berlin (CEST, UTC+2) = 08:00–09:30 UTC.
    const meeting = await cal.calendar.create({
      title: 'Projektbesprechung Müller',
      location: 'Köln, Werk 2',
      startsAt: new Date('2027-07-01T08:00:00Z'),
      endsAt: new Date('2027-07-01T09:30:00Z'),
      accountId: account.id,
      participants: {
        userIds: [colleague.userId],
        contactIds: [contact.id],
        emails: [{ email: 'berater@extern.example', name: 'Externer Berater' }],
      },
    });
    await deliver();
    await deliver();
    for (const address of ['tom@konsort.example', 'anna@kunde.example', 'berater@extern.example'])
      expect(to(address)).toHaveLength(1);
    const invite = eventOf(to('anna@kunde.example')[0]!);
    expect(to('anna@kunde.example')[0]!.parsed.subject).toBe('Einladung: Projektbesprechung Müller');
    expect(invite).toMatchObject({
      method: 'REQUEST',
      uid: meeting.uid,
      sequence: 0,
      summary: 'Projektbesprechung Müller',
      status: 'CONFIRMED',
      tzid: 'Europe/Berlin',
      startUtc: '2027-07-01T08:00:00.000Z',
      endUtc: '2027-07-01T09:30:00.000Z',
      organizer: 'mailto:jana@konsort.example',
      attendees: ['anna@kunde.example', 'berater@extern.example', 'tom@konsort.example'],
    });
    expect(invite.text).toContain('DTSTART;TZID=Europe/Berlin:20270701T100000');

    // Moved to 3 December (CET, UTC+1) and the external adviser taken off.
    const moved = await cal.calendar.update({
      id: meeting.id,
      sequence: meeting.sequence,
      title: 'Projektbesprechung Müller',
      location: 'Köln, Werk 2',
      startsAt: new Date('2027-12-03T13:00:00Z'),
      endsAt: new Date('2027-12-03T14:00:00Z'),
      accountId: account.id,
      participants: { userIds: [colleague.userId], contactIds: [contact.id], emails: [] },
    });
    expect(moved.sequence).toBe(1);
    const stale = await failure(cal.calendar.cancel({ id: meeting.id, sequence: 0 }));
    expect(stale.code).toBe('CONFLICT');
    await deliver();
    const update = eventOf(to('anna@kunde.example')[1]!);
    expect(to('anna@kunde.example')[1]!.parsed.subject).toBe('Geändert: Projektbesprechung Müller');
    expect(update).toMatchObject({
      method: 'REQUEST',
      uid: meeting.uid,
      sequence: 1,
      startUtc: '2027-12-03T13:00:00.000Z',
      attendees: ['anna@kunde.example', 'tom@konsort.example'],
    });
    expect(update.text).toContain('DTSTART;TZID=Europe/Berlin:20271203T140000');
    const removed = eventOf(to('berater@extern.example')[1]!);
    expect(removed).toMatchObject({ method: 'CANCEL', uid: meeting.uid, sequence: 1, status: 'CANCELLED' });

    // Cancelled: everyone still invited gets a CANCEL with SEQUENCE 2; the removed adviser nothing more.
    await cal.calendar.cancel({ id: meeting.id, sequence: 1 });
    await deliver();
    await deliver();
    const cancel = eventOf(to('tom@konsort.example')[2]!);
    expect(cancel).toMatchObject({ method: 'CANCEL', uid: meeting.uid, sequence: 2, status: 'CANCELLED' });
    expect(to('tom@konsort.example')).toHaveLength(3);
    expect(to('anna@kunde.example')).toHaveLength(3);
    expect(to('berater@extern.example')).toHaveLength(2);
  });

  it('lists the week, refuses bad input and keeps others and partners out', async () => {
    const cal = callerFor(t.db, organizer).caller;
    const m = await cal.calendar.create({
      title: 'Wochentermin',
      startsAt: new Date('2027-03-02T09:00:00Z'),
      endsAt: new Date('2027-03-02T10:00:00Z'),
      participants: { userIds: [colleague.userId], contactIds: [], emails: [] },
    });
    const week = { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-03-08T00:00:00Z') };
    expect((await cal.calendar.list(week)).map((x) => x.title)).toEqual(['Wochentermin']);
    expect((await callerFor(t.db, colleague).caller.calendar.list(week)).map((x) => x.title)).toEqual([
      'Wochentermin',
    ]);
    const bad = await failure(
      cal.calendar.create({
        title: 'Rückwärts',
        startsAt: new Date('2027-03-02T10:00:00Z'),
        endsAt: new Date('2027-03-02T09:00:00Z'),
        participants: { userIds: [], contactIds: [], emails: [] },
      }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(
      (await failure(callerFor(t.db, colleague).caller.calendar.cancel({ id: m.id, sequence: m.sequence })))
        .code,
    ).toBe('FORBIDDEN');
    const partner = (await makeUser(t.db, { role: 'partner_member' })).principal;
    expect((await failure(callerFor(t.db, partner).caller.calendar.list(week))).code).toBe('FORBIDDEN');
  });
});
