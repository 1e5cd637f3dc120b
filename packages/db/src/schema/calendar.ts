import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, contacts } from './accounts.ts';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';

export const meetingStatus = pgEnum('meeting_status', ['confirmed', 'cancelled']);

/**
 * Meetings with internal and external participants. `uid` and `sequence` are the iCalendar
 * identity: every change that is mailed raises `sequence` (RFC 5545 §3.8.7.4).
 */
export const meetings = pgTable(
  'meetings',
  {
    id: id(),
    uid: text('uid').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    location: text('location'),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    timeZone: text('time_zone').notNull().default('Europe/Berlin'),
    status: meetingStatus('status').notNull().default('confirmed'),
    sequence: integer('sequence').notNull().default(0),
    organizerId: uuid('organizer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('meetings_uid_idx').on(t.uid), index('meetings_starts_idx').on(t.startsAt)],
);

export const meetingParticipantKind = pgEnum('meeting_participant_kind', ['internal', 'external']);

export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: id(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    kind: meetingParticipantKind('kind').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** Set when the participant was taken off the meeting: they get a CANCEL, then no more mail. */
    removedAt: timestamp('removed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('meeting_participants_meeting_idx').on(t.meetingId),
    index('meeting_participants_user_idx').on(t.userId),
    uniqueIndex('meeting_participants_email_idx').on(t.meetingId, t.email),
  ],
);

export type Meeting = typeof meetings.$inferSelect;
export type MeetingParticipant = typeof meetingParticipants.$inferSelect;
