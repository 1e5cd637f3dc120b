/**
 * GDPR: everything stored about a contact or a user as JSON (Art. 15/20), and erasure by
 * anonymisation (Art. 17) that keeps the audit trail consistent. See
 * docs/decisions/013-gdpr-erasure.md for how old audit entries are redacted although the audit
 * log is append-only.
 */
import {
  accounts,
  activities,
  auditLog,
  contacts,
  type Database,
  dealRegistrations,
  type Executor,
  invitations,
  leads,
  loginThrottle,
  opportunities,
  sessions,
  users,
} from '@konsort/db';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { uuid } from '../schemas.ts';
import { inTransaction, likePattern } from '../tx.ts';

/** What replaces an erased value, everywhere (the audit log's redaction check knows it too). */
export const ERASED = '[erased]';
const ERASED_EMAIL_DOMAIN = 'erased.invalid';

export const gdprSubjectInput = z.object({ kind: z.enum(['contact', 'user']), id: uuid });
export type GdprSubject = z.output<typeof gdprSubjectInput>;

/**
 * Free-text columns that may mention a person anywhere (notes, mail bodies, comments): the
 * erased person's name, e-mail and phone are cut out of them, the rest of the text stays.
 * Tables of modules that are not installed are skipped.
 */
const freeTextColumns: readonly (readonly [table: string, column: string])[] = [
  ['activities', 'subject'],
  ['activities', 'body'],
  ['accounts', 'notes'],
  ['opportunities', 'description'],
  ['opportunities', 'lost_reason'],
  ['leads', 'notes'],
  ['deal_registrations', 'notes'],
  ['documents', 'text_preview'],
  ['comments', 'body'],
  ['meetings', 'title'],
  ['meetings', 'description'],
  ['outbound_mails', 'subject'],
  ['outbound_mails', 'text_body'],
  ['outbound_mails', 'html_body'],
];

/** A text[] parameter: drizzle would send a JS array as a row of parameters. */
function textArray(values: readonly string[]) {
  if (values.length === 0) return sql`'{}'::text[]`;
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

async function tableExists(tx: Executor, table: string): Promise<boolean> {
  const rows = await tx.execute<{ ok: boolean }>(
    sql`select to_regclass(${`public.${table}`}) is not null as ok`,
  );
  return rowsOf<{ ok: boolean }>(rows)[0]?.ok === true;
}

function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns the rows array, PGlite an object with `rows`.
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The values that identify the person in free text: at least 3 characters, no duplicates. */
function needlesOf(values: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const t = v?.trim();
    if (t && t.length >= 3 && t !== ERASED) out.add(t);
  }
  return [...out];
}

/**
 * A name is searched for in free text only as first and last name together: one word ("Anna")
 * would cut other people out of notes too. Its own records lose every personal field anyway.
 */
function fullNameNeedle(name: string): string | null {
  const t = name.trim();
  return /\s/.test(t) ? t : null;
}

// ---------------------------------------------------------------------------------------------
// Export

async function auditEntriesAbout(db: Executor, entity: string, id: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, id)))
    .orderBy(asc(auditLog.id));
}

/** Everything about a contact: its fields, its account, deals it is primary contact of, activities, leads, audit entries. */
export async function exportContact(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'personalData' });
  return inTransaction(db, principal, async (tx) => {
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, id));
    if (!contact) throw notFound('entity.contact');
    const [account] = await tx
      .select({ id: accounts.id, name: accounts.name })
      .from(accounts)
      .where(eq(accounts.id, contact.accountId));
    const email = contact.email?.toLowerCase() ?? null;
    const data = {
      kind: 'contact' as const,
      exportedAt: new Date().toISOString(),
      contact,
      account: account ?? null,
      opportunities: await tx
        .select({
          id: opportunities.id,
          name: opportunities.name,
          stage: opportunities.stage,
          amountMinor: opportunities.amountMinor,
          currency: opportunities.currency,
          createdAt: opportunities.createdAt,
        })
        .from(opportunities)
        .where(eq(opportunities.primaryContactId, id)),
      activities: await tx.select().from(activities).where(eq(activities.contactId, id)),
      leads: await tx
        .select()
        .from(leads)
        .where(or(eq(leads.contactId, id), email ? sql`lower(${leads.email}) = ${email}` : undefined)),
      dealRegistrations: email
        ? await tx
            .select({
              id: dealRegistrations.id,
              companyName: dealRegistrations.companyName,
              contactName: dealRegistrations.contactName,
              contactEmail: dealRegistrations.contactEmail,
              status: dealRegistrations.status,
              createdAt: dealRegistrations.createdAt,
            })
            .from(dealRegistrations)
            .where(sql`lower(${dealRegistrations.contactEmail}) = ${email}`)
        : [],
      auditEntries: await auditEntriesAbout(tx, 'contact', id),
    };
    await writeAudit(tx, principal, { action: 'gdpr_export', entity: 'contact', entityId: id });
    return data;
  });
}

/** Everything about a user: profile, session metadata, what the user authored, audit entries by and about the user. */
export async function exportUser(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'personalData' });
  return inTransaction(db, principal, async (tx) => {
    const [user] = await tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        partnerOrgId: users.partnerOrgId,
        locale: users.locale,
        active: users.active,
        passwordChangedAt: users.passwordChangedAt,
        createdAt: users.createdAt,
        updatedAt: users.updatedAt,
      })
      .from(users)
      .where(eq(users.id, id));
    if (!user) throw notFound('entity.user');
    const data = {
      kind: 'user' as const,
      exportedAt: new Date().toISOString(),
      profile: user,
      // Session ids are credentials: only when they expire leaves the database.
      sessions: await tx
        .select({ expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.userId, id)),
      authored: {
        accounts: await tx
          .select({ id: accounts.id, name: accounts.name, createdAt: accounts.createdAt })
          .from(accounts)
          .where(eq(accounts.ownerId, id)),
        opportunities: await tx
          .select({ id: opportunities.id, name: opportunities.name, stage: opportunities.stage })
          .from(opportunities)
          .where(eq(opportunities.ownerId, id)),
        activities: await tx
          .select({
            id: activities.id,
            type: activities.type,
            subject: activities.subject,
            createdAt: activities.createdAt,
          })
          .from(activities)
          .where(eq(activities.ownerId, id)),
        dealRegistrations: await tx
          .select({
            id: dealRegistrations.id,
            companyName: dealRegistrations.companyName,
            status: dealRegistrations.status,
          })
          .from(dealRegistrations)
          .where(eq(dealRegistrations.submittedBy, id)),
        leads: await tx
          .select({ id: leads.id, companyName: leads.companyName, status: leads.status })
          .from(leads)
          .where(or(eq(leads.ownerId, id), eq(leads.createdBy, id))),
        invitationsSent: await tx
          .select({
            id: invitations.id,
            email: invitations.email,
            role: invitations.role,
            createdAt: invitations.createdAt,
          })
          .from(invitations)
          .where(eq(invitations.invitedBy, id)),
      },
      auditEntriesAsActor: await tx
        .select()
        .from(auditLog)
        .where(eq(auditLog.actorId, id))
        .orderBy(asc(auditLog.id)),
      auditEntriesAbout: await auditEntriesAbout(tx, 'user', id),
    };
    await writeAudit(tx, principal, { action: 'gdpr_export', entity: 'user', entityId: id });
    return data;
  });
}

// ---------------------------------------------------------------------------------------------
// Erasure

/** Cuts the person out of free-text columns and notification parameters; returns rows changed. */
async function scrubFreeText(tx: Executor, needles: string[]): Promise<number> {
  if (needles.length === 0) return 0;
  const pattern = needles.map(regexEscape).join('|');
  let changed = 0;
  for (const [table, column] of freeTextColumns) {
    if (!(await tableExists(tx, table))) continue;
    const result = await tx.execute(
      sql`update ${ident(table)} set ${ident(column)} = regexp_replace(${ident(column)}, ${pattern}, ${ERASED}, 'gi') where ${ident(column)} ~* ${pattern}`,
    );
    changed += affected(result);
  }
  if (await tableExists(tx, 'notifications')) {
    const result = await tx.execute(
      sql`update notifications set params = konsort_jsonb_redacted(params, ${textArray(needles)}, '{}'::text[], ${ERASED}) where params::text ~* ${pattern}`,
    );
    changed += affected(result);
  }
  return changed;
}

function affected(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}

/** Mails to the erased address: the address and the text go; the fact that a mail was sent stays. */
async function scrubMailsTo(tx: Executor, email: string | null): Promise<void> {
  if (!email || !(await tableExists(tx, 'outbound_mails'))) return;
  await tx.execute(
    sql`update outbound_mails set to_addresses = array(select case when lower(a) = ${email.toLowerCase()} then ${`erased@${ERASED_EMAIL_DOMAIN}`} else a end from unnest(to_addresses) a), subject = ${ERASED}, text_body = ${ERASED}, html_body = null, attachments = '[]'::jsonb where exists (select 1 from unnest(to_addresses) a where lower(a) = ${email.toLowerCase()})`,
  );
}

async function scrubMeetingParticipants(
  tx: Executor,
  by: { contactId?: string; userId?: string; email: string | null },
) {
  if (!(await tableExists(tx, 'meeting_participants'))) return;
  const conditions = [
    by.contactId ? sql`contact_id = ${by.contactId}` : null,
    by.userId ? sql`user_id = ${by.userId}` : null,
    by.email ? sql`lower(email) = ${by.email.toLowerCase()}` : null,
  ].filter((c) => c !== null);
  if (conditions.length === 0) return;
  await tx.execute(
    sql`update meeting_participants set email = ${`erased@${ERASED_EMAIL_DOMAIN}`}, name = ${ERASED} where ${sql.join(conditions, sql` or `)}`,
  );
}

async function redactAudit(
  tx: Executor,
  subject: { entity: string; id: string; keys: string[]; needles: string[]; person: string | null },
): Promise<number> {
  const result = await tx.execute<{ n: number }>(
    sql`select konsort_redact_audit(${subject.entity}, ${subject.id}, ${textArray(subject.keys)}, ${textArray(subject.needles)}, ${subject.person}::uuid) as n`,
  );
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

/** Personal fields of a contact, as named in the contact's audit entries. */
const contactPersonalKeys = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'mobile',
  'position',
  'title',
  'salutation',
];
const userPersonalKeys = ['name', 'email'];

/**
 * Erases a contact: its personal fields are replaced, it is archived, and every copy of its
 * name, e-mail and phone numbers is cut out of leads, registrations, activities, mails, and the
 * audit log (redaction; the entries, their order and who did what stay). One audit entry of its
 * own records the erasure, without the erased values.
 */
export async function eraseContact(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'personalData' });
  const result = await inTransaction(db, principal, async (tx) => {
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
    if (!contact) throw notFound('entity.contact');
    if (contact.firstName === ERASED && contact.lastName === ERASED)
      throw new AppError('CONFLICT', 'errors.alreadyErased');
    const fullName = `${contact.firstName} ${contact.lastName}`.trim();
    const email = contact.email?.toLowerCase() ?? null;
    const needles = needlesOf([fullNameNeedle(fullName), contact.email, contact.phone, contact.mobile]);
    const now = new Date();
    await tx
      .update(contacts)
      .set({
        salutation: null,
        title: null,
        firstName: ERASED,
        lastName: ERASED,
        position: null,
        email: null,
        phone: null,
        mobile: null,
        archivedAt: contact.archivedAt ?? now,
        updatedAt: now,
      })
      .where(eq(contacts.id, id));
    await tx
      .update(leads)
      .set({ contactName: null, email: null, phone: null, updatedAt: now })
      .where(or(eq(leads.contactId, id), email ? sql`lower(${leads.email}) = ${email}` : undefined));
    if (email) {
      await tx
        .update(dealRegistrations)
        .set({ contactName: ERASED, contactEmail: `erased@${ERASED_EMAIL_DOMAIN}`, updatedAt: now })
        .where(sql`lower(${dealRegistrations.contactEmail}) = ${email}`);
    }
    await scrubMeetingParticipants(tx, { contactId: id, email });
    await scrubMailsTo(tx, email);
    const textRows = await scrubFreeText(tx, needles);
    const auditEntries = await redactAudit(tx, {
      entity: 'contact',
      id,
      keys: contactPersonalKeys,
      needles,
      person: null,
    });
    await writeAudit(tx, principal, {
      action: 'gdpr_erase',
      entity: 'contact',
      entityId: id,
      changes: { redactedAuditEntries: [null, auditEntries], scrubbedTextRows: [null, textRows] },
    });
    return {
      kind: 'contact' as const,
      id,
      redactedAuditEntries: auditEntries,
      scrubbedTextRows: textRows,
      needles,
    };
  });
  const { needles, ...report } = result;
  return { ...report, remaining: await findTraces(db, needles) };
}

/**
 * Erases a user: name and e-mail replaced, password unusable, deactivated, sessions ended, and
 * the name, e-mail and client addresses redacted from the audit log. What the user did stays
 * attributed to the (now anonymous) user id, so history still replays.
 */
export async function eraseUser(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'personalData' });
  if (principal.kind === 'internal' && principal.userId === id)
    throw new AppError('CONFLICT', 'errors.cannotChangeSelf');
  const result = await inTransaction(db, principal, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!user) throw notFound('entity.user');
    if (user.name === ERASED) throw new AppError('CONFLICT', 'errors.alreadyErased');
    const email = user.email.toLowerCase();
    const needles = needlesOf([fullNameNeedle(user.name), user.email]);
    const now = new Date();
    await tx
      .update(users)
      .set({
        name: ERASED,
        email: `erased-${id}@${ERASED_EMAIL_DOMAIN}`,
        // Not a hash of anything: verifyPassword refuses it, so nobody can sign in as this user.
        passwordHash: 'erased',
        active: false,
        passwordChangedAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, id));
    await tx.delete(sessions).where(eq(sessions.userId, id));
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, `email:${email}`));
    await tx
      .update(invitations)
      .set({
        email: `erased-${id}@${ERASED_EMAIL_DOMAIN}`,
        name: ERASED,
        revokedAt: sql`coalesce(${invitations.revokedAt}, now())`,
        updatedAt: now,
      })
      .where(or(eq(invitations.acceptedUserId, id), sql`lower(${invitations.email}) = ${email}`));
    if (await tableExists(tx, 'notifications'))
      await tx.execute(sql`delete from notifications where user_id = ${id}`);
    await scrubMeetingParticipants(tx, { userId: id, email });
    await scrubMailsTo(tx, email);
    const textRows = await scrubFreeText(tx, needles);
    const auditEntries = await redactAudit(tx, {
      entity: 'user',
      id,
      keys: userPersonalKeys,
      needles,
      person: id,
    });
    await writeAudit(tx, principal, {
      action: 'gdpr_erase',
      entity: 'user',
      entityId: id,
      changes: {
        active: [user.active, false],
        redactedAuditEntries: [null, auditEntries],
        scrubbedTextRows: [null, textRows],
      },
    });
    return {
      kind: 'user' as const,
      id,
      redactedAuditEntries: auditEntries,
      scrubbedTextRows: textRows,
      needles,
    };
  });
  publish({ type: 'access.changed' });
  const { needles, ...report } = result;
  return { ...report, remaining: await findTraces(db, needles) };
}

export type Trace = { table: string; column: string; rows: number };

/**
 * Every text, JSON and text-array column of every table, searched for the values: where the
 * person can still be found after an erasure (e.g. a module added later). Read-only; the erase
 * result shows it so an admin can follow up, and the tests require it to be empty.
 */
export async function findTraces(db: Executor, values: string[]): Promise<Trace[]> {
  const needles = needlesOf(values);
  if (needles.length === 0) return [];
  const columns = rowsOf<{ table_name: string; column_name: string }>(
    await db.execute(
      sql`select c.table_name, c.column_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb') or c.udt_name in ('_text', '_varchar')) order by 1, 2`,
    ),
  );
  const patterns = needles.map((n) => `%${n.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const traces: Trace[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const [row] = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from ${ident(table)} where lower(${ident(column)}::text) like any (${textArray(patterns)})`,
      ),
    );
    if (row && Number(row.n) > 0) traces.push({ table, column, rows: Number(row.n) });
  }
  return traces;
}

/** Contacts and users whose name or e-mail matches `q`: the admin's way to the subject. */
export async function searchPersonalData(db: Database, principal: Principal, q: string) {
  assertCan(principal, 'manage', { type: 'personalData' });
  const pattern = likePattern(q);
  const contactRows = await db
    .select({
      id: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      email: contacts.email,
      accountName: accounts.name,
    })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(
      sql`(lower(${contacts.firstName} || ' ' || ${contacts.lastName}) like ${pattern} or lower(coalesce(${contacts.email}, '')) like ${pattern})`,
    )
    .limit(50);
  const userRows = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(sql`(lower(${users.name}) like ${pattern} or lower(${users.email}) like ${pattern})`)
    .limit(50);
  return [
    ...contactRows.map((c) => ({
      kind: 'contact' as const,
      id: c.id,
      name: `${c.firstName} ${c.lastName}`.trim(),
      email: c.email,
      detail: c.accountName,
      erased: c.lastName === ERASED,
    })),
    ...userRows.map((u) => ({
      kind: 'user' as const,
      id: u.id,
      name: u.name,
      email: u.email,
      detail: u.role as string,
      erased: u.name === ERASED,
    })),
  ];
}

export async function gdprExport(db: Database, principal: Principal, subject: GdprSubject) {
  return subject.kind === 'contact'
    ? exportContact(db, principal, subject.id)
    : exportUser(db, principal, subject.id);
}

export async function gdprErase(db: Database, principal: Principal, subject: GdprSubject) {
  return subject.kind === 'contact'
    ? eraseContact(db, principal, subject.id)
    : eraseUser(db, principal, subject.id);
}
