import { createHash, randomBytes } from 'node:crypto';
import {
  type Database,
  type Executor,
  invitations,
  type Locale,
  partnerOrgs,
  pgErrorOf,
  sessions,
  type UserRole,
  users,
} from '@konsort/db';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { hashPassword } from '../auth/password.ts';
import type { AuthService } from '../auth/service.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import { translate } from '../i18n/messages.ts';
import { enqueueMail } from '../mail/index.ts';
import { assertCan, can } from '../policy/index.ts';
import { type Principal, partnerRoles, principalFromUser, type UserPrincipal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { passwordSchema, uuid } from '../schemas.ts';
import { inTransaction } from '../tx.ts';
import { emptyToUndefined, trimmed } from '../validation.ts';

/** How long an invitation link stays valid. */
export const INVITATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Where links in e-mails point when no public URL is configured (development). */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

const allRoles = ['admin', 'manager', 'rep', 'partner_admin', 'partner_member'] as const;

export const inviteInput = z.object({
  email: z.preprocess(trimmed, z.email().max(254)),
  name: z.preprocess(trimmed, z.string().min(1).max(200)),
  role: z.enum(allRoles),
  /** A partner admin may leave it out: its own organisation is meant. */
  partnerOrgId: z.preprocess(emptyToUndefined, uuid.optional()),
  locale: z.enum(['de', 'en']).default('de'),
});
export type InviteInput = z.input<typeof inviteInput>;

export const acceptInvitationInput = z.object({
  token: z.string().min(10).max(200),
  name: z.preprocess(trimmed, z.string().min(1).max(200)),
  password: passwordSchema,
});

export const listInvitationsInput = z
  .object({ partnerOrgId: z.preprocess(emptyToUndefined, uuid.optional()) })
  .default({});

export const teamInput = z
  .object({ partnerOrgId: z.preprocess(emptyToUndefined, uuid.optional()) })
  .default({});

export const setMemberActiveInput = z.object({ id: uuid, active: z.boolean() });
export const setMemberRoleInput = z.object({ id: uuid, role: z.enum(partnerRoles) });

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: sha256(token) };
}

export function invitationLink(publicUrl: string | undefined, token: string): string {
  return `${(publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '')}/invite/${token}`;
}

const isPartnerRole = (role: UserRole) => (partnerRoles as readonly string[]).includes(role);

const invitationColumns = {
  id: invitations.id,
  email: invitations.email,
  name: invitations.name,
  role: invitations.role,
  partnerOrgId: invitations.partnerOrgId,
  locale: invitations.locale,
  invitedBy: invitations.invitedBy,
  expiresAt: invitations.expiresAt,
  sentAt: invitations.sentAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
  createdAt: invitations.createdAt,
};

export type InvitationStatus = 'open' | 'expired' | 'accepted' | 'revoked';

export function invitationStatus(
  row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now = new Date(),
): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'open';
}

/** The invitation e-mail in the invitee's language, written in the inviting transaction. */
async function sendInvitationMail(
  tx: Executor,
  invitation: { id: string; email: string; name: string; locale: Locale; expiresAt: Date },
  link: string,
  tokenHash: string,
  orgName: string | null,
) {
  const de = invitation.locale === 'de';
  const team = orgName ?? 'Konsort';
  const until = invitation.expiresAt.toISOString().slice(0, 10);
  const text = de
    ? `Hallo ${invitation.name},\n\nSie wurden eingeladen, im Partnerportal Konsort für ${team} mitzuarbeiten.\nÜber diesen Link legen Sie Ihr Passwort fest (gültig bis ${until}, nur einmal verwendbar):\n\n${link}\n\nWenn Sie diese Einladung nicht erwartet haben, ignorieren Sie diese E-Mail.\n`
    : `Hello ${invitation.name},\n\nYou have been invited to work with ${team} in the Konsort partner portal.\nSet your password with this link (valid until ${until}, single use):\n\n${link}\n\nIf you did not expect this invitation, ignore this e-mail.\n`;
  await enqueueMail(tx, {
    to: invitation.email,
    subject: de ? `Einladung zu Konsort (${team})` : `Invitation to Konsort (${team})`,
    text,
    // A re-send issues a new token: a new mail, not a duplicate of the first.
    dedupeKey: `invitation:${invitation.id}:${tokenHash.slice(0, 16)}`,
    locale: invitation.locale,
  });
}

async function orgName(tx: Executor, partnerOrgId: string | null): Promise<string | null> {
  if (!partnerOrgId) return null;
  const [org] = await tx
    .select({ name: partnerOrgs.name })
    .from(partnerOrgs)
    .where(eq(partnerOrgs.id, partnerOrgId));
  if (!org) throw notFound('entity.partnerOrg');
  return org.name;
}

/**
 * Invites someone by e-mail. Admins invite staff and any organisation's users; a partner admin
 * only its own organisation's (policy, and row-level security on `invitations`). The token is
 * returned to the caller of this function only (the e-mail carries it); routers do not pass it on.
 */
export async function inviteUser(
  db: Database,
  principal: Principal,
  input: z.output<typeof inviteInput>,
  options: { publicUrl?: string | undefined; now?: Date } = {},
) {
  const partnerOrgId = input.partnerOrgId ?? (principal.kind === 'partner' ? principal.partnerOrgId : null);
  assertCan(principal, 'manage', { type: 'teamMember', partnerOrgId });
  if (isPartnerRole(input.role) !== (partnerOrgId !== null)) {
    throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
      { path: isPartnerRole(input.role) ? 'partnerOrgId' : 'role', key: 'validation.partnerRoleNeedsOrg' },
    ]);
  }
  const now = options.now ?? new Date();
  const email = input.email.trim();
  const { token, tokenHash } = newToken();
  try {
    return await createInvitation();
  } catch (e) {
    // Another organisation's open invitation for this address is invisible under a partner's
    // row-level security; the unique index still finds it.
    if (pgErrorOf(e)?.code === '23505') throw new AppError('CONFLICT', 'errors.invitationPending');
    throw e;
  }

  function createInvitation() {
    return inTransaction(db, principal, async (tx) => {
      const team = await orgName(tx, partnerOrgId);
      const [existingUser] = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
      if (existingUser) throw new AppError('CONFLICT', 'errors.emailTaken');
      const [open] = await tx
        .select(invitationColumns)
        .from(invitations)
        .where(
          and(
            sql`lower(${invitations.email}) = ${email.toLowerCase()}`,
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
          ),
        );
      if (open) {
        // An expired link no longer counts: withdraw it and start afresh. A live one is re-sent instead.
        if (invitationStatus(open, now) === 'open')
          throw new AppError('CONFLICT', 'errors.invitationPending');
        if (!can(principal, 'manage', { type: 'teamMember', partnerOrgId: open.partnerOrgId }))
          throw new AppError('CONFLICT', 'errors.invitationPending');
        await tx
          .update(invitations)
          .set({ revokedAt: now, updatedAt: now })
          .where(eq(invitations.id, open.id));
        await writeAudit(tx, principal, {
          action: 'revoke',
          entity: 'invitation',
          entityId: open.id,
          changes: { revokedAt: [null, now.toISOString()] },
        });
      }
      const expiresAt = new Date(now.getTime() + INVITATION_DAYS * DAY_MS);
      const [created] = await tx
        .insert(invitations)
        .values({
          email,
          name: input.name,
          role: input.role,
          partnerOrgId,
          locale: input.locale,
          tokenHash,
          invitedBy: principal.kind === 'internal' || principal.kind === 'partner' ? principal.userId : null,
          expiresAt,
          sentAt: now,
        })
        .returning(invitationColumns);
      await writeAudit(tx, principal, {
        action: 'invite',
        entity: 'invitation',
        entityId: created!.id,
        changes: {
          email: [null, email],
          name: [null, input.name],
          role: [null, input.role],
          partnerOrgId: [null, partnerOrgId],
          expiresAt: [null, expiresAt.toISOString()],
        },
      });
      await sendInvitationMail(tx, created!, invitationLink(options.publicUrl, token), tokenHash, team);
      return { invitation: { ...created!, status: invitationStatus(created!, now) }, token };
    });
  }
}

/** Open, expired, accepted and withdrawn invitations the principal manages, newest first. */
export async function listInvitations(
  database: Database,
  principal: Principal,
  input: z.output<typeof listInvitationsInput> = {},
) {
  const partnerOrgId = principal.kind === 'partner' ? principal.partnerOrgId : (input.partnerOrgId ?? null);
  if (principal.kind === 'partner' && input.partnerOrgId && input.partnerOrgId !== principal.partnerOrgId)
    throw forbidden();
  assertCan(principal, 'manage', { type: 'teamMember', partnerOrgId });
  const now = new Date();
  return withPrincipalDb(database, principal, async (db) => {
    const rows = await db
      .select({ ...invitationColumns, partnerName: partnerOrgs.name, invitedByName: users.name })
      .from(invitations)
      .leftJoin(partnerOrgs, eq(partnerOrgs.id, invitations.partnerOrgId))
      .leftJoin(users, eq(users.id, invitations.invitedBy))
      .where(
        principal.kind === 'partner' || input.partnerOrgId
          ? eq(invitations.partnerOrgId, partnerOrgId!)
          : undefined,
      )
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(500);
    return rows.map((r) => ({ ...r, status: invitationStatus(r, now) }));
  });
}

async function loadManagedInvitation(tx: Executor, principal: Principal, id: string) {
  const [row] = await tx
    .select({ ...invitationColumns })
    .from(invitations)
    .where(eq(invitations.id, id))
    .for('update');
  // Another organisation's invitation does not exist for a partner admin (RLS hides it too).
  if (!row) throw notFound('entity.invitation');
  if (!can(principal, 'manage', { type: 'teamMember', partnerOrgId: row.partnerOrgId })) {
    if (principal.kind === 'partner') throw notFound('entity.invitation');
    throw forbidden();
  }
  return row;
}

/** Withdraws an open (or expired) invitation: its link stops working at once. */
export async function revokeInvitation(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', {
    type: 'teamMember',
    partnerOrgId: principal.kind === 'partner' ? principal.partnerOrgId : null,
  });
  const now = new Date();
  return inTransaction(db, principal, async (tx) => {
    const row = await loadManagedInvitation(tx, principal, id);
    if (row.acceptedAt || row.revokedAt) throw new AppError('CONFLICT', 'errors.invitationNotOpen');
    await tx.update(invitations).set({ revokedAt: now, updatedAt: now }).where(eq(invitations.id, id));
    await writeAudit(tx, principal, {
      action: 'revoke',
      entity: 'invitation',
      entityId: id,
      changes: { revokedAt: [null, now.toISOString()] },
    });
    return { id, status: 'revoked' as const };
  });
}

/** Sends the invitation again with a new link and a new expiry; the old link stops working. */
export async function resendInvitation(
  db: Database,
  principal: Principal,
  id: string,
  options: { publicUrl?: string | undefined; now?: Date } = {},
) {
  assertCan(principal, 'manage', {
    type: 'teamMember',
    partnerOrgId: principal.kind === 'partner' ? principal.partnerOrgId : null,
  });
  const now = options.now ?? new Date();
  const { token, tokenHash } = newToken();
  return inTransaction(db, principal, async (tx) => {
    const row = await loadManagedInvitation(tx, principal, id);
    if (row.acceptedAt || row.revokedAt) throw new AppError('CONFLICT', 'errors.invitationNotOpen');
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * DAY_MS);
    await tx
      .update(invitations)
      .set({ tokenHash, expiresAt, sentAt: now, updatedAt: now })
      .where(eq(invitations.id, id));
    await writeAudit(tx, principal, {
      action: 'resend',
      entity: 'invitation',
      entityId: id,
      changes: { expiresAt: [row.expiresAt.toISOString(), expiresAt.toISOString()] },
    });
    const team = await orgName(tx, row.partnerOrgId);
    await sendInvitationMail(
      tx,
      { ...row, expiresAt },
      invitationLink(options.publicUrl, token),
      tokenHash,
      team,
    );
    return { invitation: { ...row, expiresAt, sentAt: now, status: 'open' as const }, token };
  });
}

function assertUsable(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date) {
  const status = invitationStatus(row, now);
  if (status === 'expired') throw new AppError('CONFLICT', 'errors.invitationExpired');
  if (status !== 'open') throw new AppError('CONFLICT', 'errors.invitationUsed');
}

/** What the public accept page shows for a link, or why it cannot be used. */
export async function invitationByToken(db: Database, token: string, now = new Date()) {
  const [row] = await db
    .select({ ...invitationColumns, partnerName: partnerOrgs.name })
    .from(invitations)
    .leftJoin(partnerOrgs, eq(partnerOrgs.id, invitations.partnerOrgId))
    .where(eq(invitations.tokenHash, sha256(token)));
  if (!row) throw new AppError('NOT_FOUND', 'errors.invitationInvalid');
  assertUsable(row, now);
  return {
    email: row.email,
    name: row.name,
    role: row.role,
    partnerName: row.partnerName,
    locale: row.locale,
  };
}

/**
 * Accepts an invitation: the user is created with the chosen password (the same rules as
 * everywhere) and signed in. Single use: the row is locked and checked again inside the
 * transaction, so two clicks on the same link create one user.
 */
export async function acceptInvitation(
  db: Database,
  auth: AuthService,
  input: z.output<typeof acceptInvitationInput>,
  meta: { ip?: string | null; now?: Date } = {},
): Promise<{ principal: UserPrincipal; cookie: string }> {
  const now = meta.now ?? new Date();
  const passwordHash = await hashPassword(input.password);
  let principal: UserPrincipal;
  try {
    principal = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(invitations)
        .where(eq(invitations.tokenHash, sha256(input.token)))
        .for('update');
      if (!row) throw new AppError('NOT_FOUND', 'errors.invitationInvalid');
      assertUsable(row, now);
      const [user] = await tx
        .insert(users)
        .values({
          email: row.email,
          name: input.name,
          role: row.role,
          partnerOrgId: row.partnerOrgId,
          locale: row.locale,
          passwordHash,
        })
        .returning();
      await tx
        .update(invitations)
        .set({ acceptedAt: now, acceptedUserId: user!.id, updatedAt: now })
        .where(eq(invitations.id, row.id));
      const created = principalFromUser(user!);
      await writeAudit(tx, created, {
        action: 'create',
        entity: 'user',
        entityId: user!.id,
        changes: {
          email: [null, user!.email],
          name: [null, user!.name],
          role: [null, user!.role],
          partnerOrgId: [null, user!.partnerOrgId],
          invitationId: [null, row.id],
        },
        ip: meta.ip ?? null,
      });
      await writeAudit(tx, created, {
        action: 'accept',
        entity: 'invitation',
        entityId: row.id,
        changes: { acceptedAt: [null, now.toISOString()] },
        ip: meta.ip ?? null,
      });
      return created;
    });
  } catch (e) {
    if (pgErrorOf(e)?.code === '23505') throw new AppError('CONFLICT', 'errors.emailTaken');
    throw e;
  }
  const session = await auth.lucia.createSession(principal.userId, {});
  await writeAudit(db, principal, {
    action: 'login',
    entity: 'user',
    entityId: principal.userId,
    ip: meta.ip,
  });
  return { principal, cookie: auth.lucia.createSessionCookie(session.id).serialize() };
}

/**
 * A team's users: a partner organisation's for its members (partner admins manage them), any
 * organisation's or the staff (no `partnerOrgId`) for an admin.
 */
export async function listTeam(
  database: Database,
  principal: Principal,
  input: z.output<typeof teamInput> = {},
) {
  const partnerOrgId = principal.kind === 'partner' ? principal.partnerOrgId : (input.partnerOrgId ?? null);
  if (principal.kind === 'partner' && input.partnerOrgId && input.partnerOrgId !== principal.partnerOrgId)
    throw forbidden();
  assertCan(principal, 'read', { type: 'teamMember', partnerOrgId });
  return withPrincipalDb(database, principal, async (db) => {
    const members = await db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        active: users.active,
        partnerOrgId: users.partnerOrgId,
      })
      .from(users)
      .where(partnerOrgId ? eq(users.partnerOrgId, partnerOrgId) : isNull(users.partnerOrgId))
      .orderBy(asc(users.name))
      .limit(1000);
    return {
      partnerOrgId,
      members,
      permissions: { manage: can(principal, 'manage', { type: 'teamMember', partnerOrgId }) },
    };
  });
}

async function loadMember(tx: Executor, principal: Principal, id: string) {
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  if (id === principal.userId) throw new AppError('CONFLICT', 'errors.cannotChangeSelf');
  const [member] = await tx
    .select({
      id: users.id,
      active: users.active,
      role: users.role,
      partnerOrgId: users.partnerOrgId,
    })
    .from(users)
    .where(eq(users.id, id))
    .for('update');
  if (!member) throw notFound('entity.user');
  assertCan(principal, 'manage', { type: 'teamMember', partnerOrgId: member.partnerOrgId });
  return member;
}

/**
 * (De)activates a user of a team the principal manages. Deactivation ends the user's sessions
 * at once (as the admin's user administration does) and closes its live connections.
 */
export async function setMemberActive(
  db: Database,
  principal: Principal,
  input: z.output<typeof setMemberActiveInput>,
) {
  assertCan(principal, 'manage', {
    type: 'teamMember',
    partnerOrgId: principal.kind === 'partner' ? principal.partnerOrgId : null,
  });
  const result = await inTransaction(db, principal, async (tx) => {
    const member = await loadMember(tx, principal, input.id);
    if (member.active === input.active) return { id: member.id, active: member.active };
    await tx
      .update(users)
      .set({ active: input.active, updatedAt: new Date() })
      .where(eq(users.id, member.id));
    if (!input.active) await tx.delete(sessions).where(eq(sessions.userId, member.id));
    await writeAudit(tx, principal, {
      action: input.active ? 'activate' : 'deactivate',
      entity: 'user',
      entityId: member.id,
      changes: { active: [member.active, input.active] },
    });
    return { id: member.id, active: input.active };
  });
  if (!input.active) publish({ type: 'access.changed' });
  return result;
}

/** Partner admin ↔ partner member, within one partner organisation. */
export async function setMemberRole(
  db: Database,
  principal: Principal,
  input: z.output<typeof setMemberRoleInput>,
) {
  assertCan(principal, 'manage', {
    type: 'teamMember',
    partnerOrgId: principal.kind === 'partner' ? principal.partnerOrgId : null,
  });
  return inTransaction(db, principal, async (tx) => {
    const member = await loadMember(tx, principal, input.id);
    if (!member.partnerOrgId) throw new AppError('BAD_REQUEST', 'errors.notPartnerUser');
    if (member.role === input.role) return { id: member.id, role: member.role };
    await tx.update(users).set({ role: input.role, updatedAt: new Date() }).where(eq(users.id, member.id));
    await writeAudit(tx, principal, {
      action: 'change_role',
      entity: 'user',
      entityId: member.id,
      changes: { role: [member.role, input.role] },
    });
    return { id: member.id, role: input.role };
  });
}

/** A translated line for the accept page when a link cannot be used. */
export function invitationProblem(locale: Locale, error: unknown): string | null {
  if (error instanceof AppError && error.key.startsWith('errors.invitation'))
    return translate(locale, error.key);
  return null;
}
