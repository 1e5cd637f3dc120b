/**
 * Meetings with internal (users) and external (contacts or plain addresses) participants. Every
 * mailed change raises the meeting's SEQUENCE; invitations and cancellations go out through
 * `enqueueMail` as text/calendar attachments in the transaction of the change, keyed by meeting
 * + sequence + address, so each version reaches each participant once. Staff only.
 */
import { randomUUID } from 'node:crypto';
import {
  contacts,
  type Database,
  type Meeting,
  meetingParticipants,
  meetings,
  type Transaction,
  users,
} from '@konsort/db';
import { and, asc, eq, exists, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { enqueueMail } from '../mail/enqueue-mail.ts';
import { assertCan, can } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';
import { meetingIcs, supportedTimeZones } from './ics.ts';

const participantsInput = z.object({
  userIds: z.array(z.uuid()).max(50).default([]),
  contactIds: z.array(z.uuid()).max(50).default([]),
  emails: z
    .array(z.object({ email: z.email().max(254), name: z.string().trim().min(1).max(200) }))
    .max(50)
    .default([]),
});

const meetingFields = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).nullable().optional(),
  location: z.string().trim().max(300).nullable().optional(),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
  timeZone: z.enum(supportedTimeZones).default('Europe/Berlin'),
  accountId: z.uuid().nullable().optional(),
  opportunityId: z.uuid().nullable().optional(),
  participants: participantsInput,
});

const endAfterStart = (m: { startsAt: Date; endsAt: Date }) => m.endsAt.getTime() > m.startsAt.getTime();
export const createMeetingInput = meetingFields.refine(endAfterStart, {
  message: 'validation.meetingEnd',
  path: ['endsAt'],
});
export const updateMeetingInput = meetingFields
  .extend({ id: z.uuid(), sequence: z.number().int().min(0) })
  .refine(endAfterStart, { message: 'validation.meetingEnd', path: ['endsAt'] });
export const meetingRefInput = z.object({ id: z.uuid(), sequence: z.number().int().min(0) });
export const listMeetingsInput = z
  .object({ from: z.coerce.date(), to: z.coerce.date(), all: z.boolean().default(false) })
  .refine((r) => r.to > r.from && r.to.getTime() - r.from.getTime() <= 62 * 86_400_000, {
    message: 'validation.rangeOrder',
    path: ['to'],
  });

type Participant = {
  kind: 'internal' | 'external';
  userId: string | null;
  contactId: string | null;
  email: string;
  name: string;
};

async function resolveParticipants(
  tx: Transaction,
  organizerId: string,
  input: z.output<typeof participantsInput>,
): Promise<Participant[]> {
  const out = new Map<string, Participant>();
  const userIds = [...new Set(input.userIds)].filter((id) => id !== organizerId);
  if (userIds.length) {
    const rows = await tx
      .select({ id: users.id, email: users.email, name: users.name, role: users.role, active: users.active })
      .from(users)
      .where(inArray(users.id, userIds));
    for (const id of userIds) {
      const u = rows.find((r) => r.id === id);
      if (!u?.active || u.role.startsWith('partner'))
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: 'participants.userIds', key: 'validation.staffUser' },
        ]);
      out.set(u.email.toLowerCase(), {
        kind: 'internal',
        userId: u.id,
        contactId: null,
        email: u.email,
        name: u.name,
      });
    }
  }
  const contactIds = [...new Set(input.contactIds)];
  if (contactIds.length) {
    const rows = await tx
      .select({ id: contacts.id, email: contacts.email, first: contacts.firstName, last: contacts.lastName })
      .from(contacts)
      .where(inArray(contacts.id, contactIds));
    for (const id of contactIds) {
      const c = rows.find((r) => r.id === id);
      if (!c?.email)
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: 'participants.contactIds', key: 'validation.email' },
        ]);
      out.set(c.email.toLowerCase(), {
        kind: 'external',
        userId: null,
        contactId: c.id,
        email: c.email,
        name: `${c.first} ${c.last}`,
      });
    }
  }
  for (const e of input.emails)
    if (!out.has(e.email.toLowerCase()))
      out.set(e.email.toLowerCase(), {
        kind: 'external',
        userId: null,
        contactId: null,
        email: e.email,
        name: e.name,
      });
  return [...out.values()];
}

async function organizerOf(tx: Transaction | Database, organizerId: string) {
  const [u] = await tx
    .select({ name: users.name, email: users.email, locale: users.locale })
    .from(users)
    .where(eq(users.id, organizerId));
  return u!;
}

const subjects = {
  REQUEST: { de: 'Einladung: {title}', en: 'Invitation: {title}' },
  UPDATE: { de: 'Geändert: {title}', en: 'Updated: {title}' },
  CANCEL: { de: 'Abgesagt: {title}', en: 'Cancelled: {title}' },
} as const;

function whenText(m: Meeting, locale: 'de' | 'en') {
  const f = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: m.timeZone,
  });
  const t = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeStyle: 'short',
    timeZone: m.timeZone,
  });
  return `${f.format(m.startsAt)} – ${t.format(m.endsAt)} (${m.timeZone})`;
}

/** Mails the meeting as it now stands to `to` (REQUEST) or its cancellation (CANCEL). */
async function mailMeeting(
  tx: Transaction,
  meeting: Meeting,
  to: Participant[],
  method: 'REQUEST' | 'CANCEL',
  update: boolean,
  everyone: Participant[],
) {
  if (to.length === 0) return;
  const organizer = await organizerOf(tx, meeting.organizerId);
  const locale = organizer.locale;
  const ics = meetingIcs(
    {
      uid: meeting.uid,
      sequence: meeting.sequence,
      title: meeting.title,
      description: meeting.description,
      location: meeting.location,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      timeZone: meeting.timeZone,
      organizer: { name: organizer.name, email: organizer.email },
      attendees: (method === 'CANCEL' ? to : everyone).map((p) => ({ name: p.name, email: p.email })),
    },
    method,
  );
  const subject = subjects[method === 'CANCEL' ? 'CANCEL' : update ? 'UPDATE' : 'REQUEST'][locale].replace(
    '{title}',
    meeting.title,
  );
  const text = [
    meeting.title,
    whenText(meeting, locale),
    meeting.location ? `${locale === 'de' ? 'Ort' : 'Location'}: ${meeting.location}` : null,
    meeting.description,
    '',
    `${locale === 'de' ? 'Organisiert von' : 'Organised by'} ${organizer.name} <${organizer.email}>`,
  ]
    .filter((l) => l !== null)
    .join('\n');
  for (const p of to)
    await enqueueMail(tx, {
      to: p.email,
      subject,
      text,
      attachments: [
        {
          filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
          contentType: 'text/calendar',
          content: ics,
          method,
        },
      ],
      dedupeKey: `meeting:${meeting.id}:${meeting.sequence}:${method}:${p.email.toLowerCase()}`,
      locale,
    });
}

async function activeParticipants(tx: Transaction | Database, meetingId: string): Promise<Participant[]> {
  return tx
    .select({
      kind: meetingParticipants.kind,
      userId: meetingParticipants.userId,
      contactId: meetingParticipants.contactId,
      email: meetingParticipants.email,
      name: meetingParticipants.name,
    })
    .from(meetingParticipants)
    .where(and(eq(meetingParticipants.meetingId, meetingId), isNull(meetingParticipants.removedAt)));
}

export async function createMeeting(
  db: Database,
  principal: Principal,
  input: z.output<typeof createMeetingInput>,
) {
  assertCan(principal, 'create', { type: 'meeting' });
  if (principal.kind !== 'internal') throw new AppError('FORBIDDEN', 'errors.forbidden');
  return inTransaction(db, principal, async (tx) => {
    const participants = await resolveParticipants(tx, principal.userId, input.participants);
    const [meeting] = await tx
      .insert(meetings)
      .values({
        uid: `${randomUUID()}@konsort`,
        title: input.title,
        description: input.description ?? null,
        location: input.location ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        timeZone: input.timeZone,
        organizerId: principal.userId,
        accountId: input.accountId ?? null,
        opportunityId: input.opportunityId ?? null,
      })
      .returning();
    if (participants.length)
      await tx
        .insert(meetingParticipants)
        .values(participants.map((p) => ({ ...p, meetingId: meeting!.id })));
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'meeting',
      entityId: meeting!.id,
      changes: {
        title: [null, meeting!.title],
        startsAt: [null, meeting!.startsAt.toISOString()],
        participants: [null, participants.map((p) => p.email)],
      },
    });
    await mailMeeting(tx, meeting!, participants, 'REQUEST', false, participants);
    return meeting!;
  });
}

async function lockMeeting(tx: Transaction, principal: Principal, id: string, sequence: number) {
  const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, id)).for('update');
  if (!meeting) throw notFound('entity.meeting');
  assertCan(principal, 'update', { type: 'meeting', organizerId: meeting.organizerId });
  if (meeting.sequence !== sequence) throw new AppError('CONFLICT', 'errors.versionConflict');
  if (meeting.status === 'cancelled') throw new AppError('CONFLICT', 'errors.archived');
  return meeting;
}

/** A change: SEQUENCE + 1, a REQUEST to everyone still invited, a CANCEL to whoever was removed. */
export async function updateMeeting(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateMeetingInput>,
) {
  assertCan(principal, 'read', { type: 'meeting' });
  return inTransaction(db, principal, async (tx) => {
    const before = await lockMeeting(tx, principal, input.id, input.sequence);
    const next = await resolveParticipants(tx, before.organizerId, input.participants);
    const current = await activeParticipants(tx, before.id);
    const keep = new Set(next.map((p) => p.email.toLowerCase()));
    const removed = current.filter((p) => !keep.has(p.email.toLowerCase()));
    const [meeting] = await tx
      .update(meetings)
      .set({
        title: input.title,
        description: input.description ?? null,
        location: input.location ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        timeZone: input.timeZone,
        accountId: input.accountId ?? null,
        opportunityId: input.opportunityId ?? null,
        sequence: before.sequence + 1,
        updatedAt: new Date(),
      })
      .where(eq(meetings.id, before.id))
      .returning();
    if (removed.length)
      await tx
        .update(meetingParticipants)
        .set({ removedAt: new Date() })
        .where(
          and(
            eq(meetingParticipants.meetingId, before.id),
            inArray(
              meetingParticipants.email,
              removed.map((p) => p.email),
            ),
          ),
        );
    for (const p of next)
      await tx
        .insert(meetingParticipants)
        .values({ ...p, meetingId: before.id })
        .onConflictDoUpdate({
          target: [meetingParticipants.meetingId, meetingParticipants.email],
          set: { removedAt: null, name: p.name, kind: p.kind, userId: p.userId, contactId: p.contactId },
        });
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'meeting',
      entityId: before.id,
      changes: {
        sequence: [before.sequence, meeting!.sequence],
        startsAt: [before.startsAt.toISOString(), meeting!.startsAt.toISOString()],
        endsAt: [before.endsAt.toISOString(), meeting!.endsAt.toISOString()],
        participants: [current.map((p) => p.email), next.map((p) => p.email)],
      },
    });
    await mailMeeting(tx, meeting!, next, 'REQUEST', true, next);
    await mailMeeting(tx, meeting!, removed, 'CANCEL', true, removed);
    return meeting!;
  });
}

export async function cancelMeeting(
  db: Database,
  principal: Principal,
  input: z.output<typeof meetingRefInput>,
) {
  assertCan(principal, 'read', { type: 'meeting' });
  return inTransaction(db, principal, async (tx) => {
    const before = await lockMeeting(tx, principal, input.id, input.sequence);
    const [meeting] = await tx
      .update(meetings)
      .set({ status: 'cancelled', sequence: before.sequence + 1, updatedAt: new Date() })
      .where(eq(meetings.id, before.id))
      .returning();
    const everyone = await activeParticipants(tx, before.id);
    await writeAudit(tx, principal, {
      action: 'cancel',
      entity: 'meeting',
      entityId: before.id,
      changes: { status: [before.status, 'cancelled'], sequence: [before.sequence, meeting!.sequence] },
    });
    await mailMeeting(tx, meeting!, everyone, 'CANCEL', false, everyone);
    return meeting!;
  });
}

/** Meetings overlapping [from, to): one's own (organised or invited), or everyone's for `all`. */
export async function listMeetings(
  db: Database,
  principal: Principal,
  input: z.output<typeof listMeetingsInput>,
) {
  assertCan(principal, 'read', { type: 'meeting' });
  if (principal.kind !== 'internal') throw new AppError('FORBIDDEN', 'errors.forbidden');
  const mine = or(
    eq(meetings.organizerId, principal.userId),
    exists(
      db
        .select({ one: sql`1` })
        .from(meetingParticipants)
        .where(
          and(
            eq(meetingParticipants.meetingId, meetings.id),
            eq(meetingParticipants.userId, principal.userId),
            isNull(meetingParticipants.removedAt),
          ),
        ),
    ),
  );
  const rows = await db
    .select({
      id: meetings.id,
      title: meetings.title,
      location: meetings.location,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      timeZone: meetings.timeZone,
      status: meetings.status,
      sequence: meetings.sequence,
      organizerId: meetings.organizerId,
      organizerName: users.name,
      opportunityId: meetings.opportunityId,
      accountId: meetings.accountId,
    })
    .from(meetings)
    .innerJoin(users, eq(users.id, meetings.organizerId))
    .where(
      and(lt(meetings.startsAt, input.to), gt(meetings.endsAt, input.from), input.all ? undefined : mine),
    )
    .orderBy(asc(meetings.startsAt), asc(meetings.id))
    .limit(1000);
  return rows;
}

export async function meetingById(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'read', { type: 'meeting' });
  const [meeting] = await db.select().from(meetings).where(eq(meetings.id, id));
  if (!meeting) throw notFound('entity.meeting');
  const participants = await db
    .select()
    .from(meetingParticipants)
    .where(eq(meetingParticipants.meetingId, id))
    .orderBy(asc(meetingParticipants.kind), asc(meetingParticipants.name));
  const organizer = await organizerOf(db, meeting.organizerId);
  return {
    meeting,
    organizer: { name: organizer.name, email: organizer.email },
    participants,
    mayEdit: can(principal, 'update', { type: 'meeting', organizerId: meeting.organizerId }),
  };
}
