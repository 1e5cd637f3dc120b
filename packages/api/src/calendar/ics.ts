/**
 * iCalendar invitations (RFC 5545 / iTIP RFC 5546) with ical-generator: METHOD:REQUEST for a new
 * or changed meeting (SEQUENCE rising with every mailed change), METHOD:CANCEL for a cancelled
 * meeting or a removed participant. Times carry TZID=Europe/Berlin with its VTIMEZONE, so every
 * calendar shows the wall-clock time the organizer chose.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

/** Europe/Berlin since 1996: CET/CEST, switching on the last Sundays of March and October. */
const berlin = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

export const supportedTimeZones = ['Europe/Berlin'] as const;

/**
 * ical-generator writes a native Date in a TZID with the Date's *local* fields. So build a Date
 * whose local fields are the wall-clock time in the meeting's zone, whatever zone this process runs in.
 */
function wallClock(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return new Date(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

export interface IcsMeeting {
  uid: string;
  sequence: number;
  title: string;
  description: string | null;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
}

export function meetingIcs(meeting: IcsMeeting, method: 'REQUEST' | 'CANCEL', stamp = new Date()): string {
  const calendar = ical({
    prodId: { company: 'Konsort', product: 'CRM', language: 'DE' },
    method: method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
    timezone: { name: meeting.timeZone, generator: (tz) => (tz === 'Europe/Berlin' ? berlin : null) },
  });
  calendar.createEvent({
    id: meeting.uid,
    sequence: meeting.sequence,
    stamp,
    start: wallClock(meeting.startsAt, meeting.timeZone),
    end: wallClock(meeting.endsAt, meeting.timeZone),
    timezone: meeting.timeZone,
    summary: meeting.title,
    description: meeting.description ?? undefined,
    location: meeting.location ?? undefined,
    status: method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    organizer: meeting.organizer,
    attendees: meeting.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      rsvp: method === 'REQUEST',
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
    })),
  });
  return calendar.toString();
}
