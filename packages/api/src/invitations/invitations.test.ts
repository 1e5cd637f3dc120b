/**
 * Invitations by e-mail link and partner admins managing their own organisation's users:
 * tokens are stored hashed, single use, expire, can be revoked and re-sent; a partner admin
 * never reaches another organisation's users or staff, by the policy and by row-level security.
 */
import { auditLog, type Database, invitations, outboundMails, sessions, users } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../auth/service.ts';
import { withPrincipalDb } from '../rls.ts';
import { anonymous, callerFor, failure, makePartnerOrg, makeUser } from '../testing/index.ts';
import { acceptInvitation, INVITATION_DAYS, inviteUser } from './invitations.ts';

let t: TestDatabase;
let db: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.destroy();
});

const PASSWORD = 'ein sehr langes Passwort';

/** The link from the mail that was queued for `email`: the only place the token exists. */
async function tokenFromMail(email: string): Promise<string> {
  const mails = await db
    .select({
      text: outboundMails.textBody,
      to: outboundMails.toAddresses,
      createdAt: outboundMails.createdAt,
    })
    .from(outboundMails)
    .where(sql`${email} = any(${outboundMails.toAddresses})`)
    .orderBy(sql`${outboundMails.createdAt} desc`);
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mails[0]?.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

describe('invitations', () => {
  it('an admin invites a rep; the mailed link (stored hashed) is accepted once, signs the user in', async () => {
    const admin = await makeUser(db, { role: 'admin' });
    const { caller } = callerFor(db, admin.principal, { publicUrl: 'https://portal.example/' });
    const invitation = await caller.invitation.create({
      email: 'Nina.Neu@konsort.example',
      name: 'Nina Neu',
      role: 'rep',
      locale: 'de',
    });
    expect(invitation).not.toHaveProperty('token');
    expect(invitation.status).toBe('open');
    const [mail] = await db
      .select()
      .from(outboundMails)
      .where(sql`'Nina.Neu@konsort.example' = any(${outboundMails.toAddresses})`);
    expect(mail?.subject).toBe('Einladung zu Konsort (Konsort)');
    expect(mail?.textBody).toContain('https://portal.example/invite/');
    const token = await tokenFromMail('Nina.Neu@konsort.example');
    // Only the hash is kept.
    const [row] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);

    const visitor = callerFor(db, anonymous('de'));
    expect(await visitor.caller.invitation.byToken({ token })).toMatchObject({
      email: 'Nina.Neu@konsort.example',
      role: 'rep',
    });
    // The same password rules as everywhere.
    const weak = await failure(
      visitor.caller.invitation.accept({ token, name: 'Nina Neu', password: 'kurz' }),
    );
    expect(weak.code).toBe('BAD_REQUEST');

    const accepted = await visitor.caller.invitation.accept({ token, name: 'Nina Neu', password: PASSWORD });
    expect(accepted.role).toBe('rep');
    expect(visitor.cookies).toHaveLength(1);
    const auth = createAuthService(db, { secureCookies: false });
    const session = await auth.fromCookieHeader(visitor.cookies[0]!.split(';')[0]);
    expect(session.principal).toMatchObject({
      kind: 'internal',
      role: 'rep',
      email: 'Nina.Neu@konsort.example',
    });
    await auth.login({ email: 'nina.neu@konsort.example', password: PASSWORD });

    const again = await failure(
      visitor.caller.invitation.accept({ token, name: 'Zweit', password: PASSWORD }),
    );
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toBe('errors.invitationUsed');
    const unknown = await failure(visitor.caller.invitation.byToken({ token: 'x'.repeat(43) }));
    expect(unknown.code).toBe('NOT_FOUND');
    const audit = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'invitation'), eq(auditLog.entityId, invitation.id)));
    expect(audit.map((a) => a.action)).toEqual(['invite', 'accept']);
  });

  it('expires after the invitation period, and a new invite then replaces the stale one', async () => {
    const admin = await makeUser(db, { role: 'admin' });
    const org = await makePartnerOrg(db);
    const { token } = await inviteUser(db, admin.principal, {
      email: 'spaet@partner.example',
      name: 'Sam Spät',
      role: 'partner_member',
      partnerOrgId: org.id,
      locale: 'en',
    });
    const later = new Date(Date.now() + (INVITATION_DAYS + 1) * 86_400_000);
    const auth = createAuthService(db, { secureCookies: false });
    await expect(
      acceptInvitation(db, auth, { token, name: 'Sam', password: PASSWORD }, { now: later }),
    ).rejects.toMatchObject({ key: 'errors.invitationExpired' });
    // While it is open, a second invitation is refused (re-send instead) …
    await expect(
      inviteUser(db, admin.principal, {
        email: 'SPAET@partner.example',
        name: 'Sam',
        role: 'partner_member',
        partnerOrgId: org.id,
        locale: 'en',
      }),
    ).rejects.toMatchObject({ key: 'errors.invitationPending' });
    // … once it expired, a new one withdraws it.
    const fresh = await inviteUser(
      db,
      admin.principal,
      {
        email: 'spaet@partner.example',
        name: 'Sam',
        role: 'partner_member',
        partnerOrgId: org.id,
        locale: 'en',
      },
      { now: later },
    );
    await expect(
      acceptInvitation(db, auth, { token, name: 'Sam', password: PASSWORD }),
    ).rejects.toMatchObject({
      key: 'errors.invitationUsed',
    });
    const { principal } = await acceptInvitation(
      db,
      auth,
      { token: fresh.token, name: 'Sam Spät', password: PASSWORD },
      { now: later },
    );
    expect(principal).toMatchObject({ kind: 'partner', partnerOrgId: org.id, role: 'partner_member' });
  });

  it('revoking kills the link; re-sending issues a new link and voids the old one', async () => {
    const admin = await makeUser(db, { role: 'admin' });
    const { caller } = callerFor(db, admin.principal);
    const first = await caller.invitation.create({
      email: 'rita@konsort.example',
      name: 'Rita',
      role: 'manager',
    });
    const oldToken = await tokenFromMail('rita@konsort.example');
    await caller.invitation.resend({ id: first.id });
    const newToken = await tokenFromMail('rita@konsort.example');
    expect(newToken).not.toBe(oldToken);
    const mails = await db
      .select({ id: outboundMails.id })
      .from(outboundMails)
      .where(sql`'rita@konsort.example' = any(${outboundMails.toAddresses})`);
    expect(mails).toHaveLength(2);
    const visitor = callerFor(db, anonymous());
    expect((await failure(visitor.caller.invitation.byToken({ token: oldToken }))).code).toBe('NOT_FOUND');
    await caller.invitation.revoke({ id: first.id });
    const revoked = await failure(visitor.caller.invitation.byToken({ token: newToken }));
    expect(revoked.message).toBe('errors.invitationUsed');
    expect((await failure(caller.invitation.resend({ id: first.id }))).code).toBe('CONFLICT');
  });

  it('a partner admin invites only into its own organisation and only partner roles', async () => {
    const org = await makePartnerOrg(db);
    const other = await makePartnerOrg(db);
    const boss = await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id });
    const member = await makeUser(db, { role: 'partner_member', partnerOrgId: org.id });
    const admin = await makeUser(db, { role: 'admin' });
    const { caller } = callerFor(db, boss.principal);
    const mine = await caller.invitation.create({
      email: 'kollege@partner.example',
      name: 'Kai',
      role: 'partner_member',
    });
    expect(mine.partnerOrgId).toBe(org.id);
    const staffRole = await failure(
      caller.invitation.create({ email: 'x@partner.example', name: 'X', role: 'admin' }),
    );
    expect(staffRole.code).toBe('BAD_REQUEST');
    const foreign = await failure(
      caller.invitation.create({
        email: 'y@partner.example',
        name: 'Y',
        role: 'partner_member',
        partnerOrgId: other.id,
      }),
    );
    expect(foreign.code).toBe('FORBIDDEN');
    const byMember = await failure(
      callerFor(db, member.principal).caller.invitation.create({
        email: 'z@partner.example',
        name: 'Z',
        role: 'partner_member',
      }),
    );
    expect(byMember.code).toBe('FORBIDDEN');

    // The admin's invitation for the other organisation is invisible to this partner admin.
    const theirs = await callerFor(db, admin.principal).caller.invitation.create({
      email: 'fremd@other.example',
      name: 'Fremd',
      role: 'partner_admin',
      partnerOrgId: other.id,
    });
    // The same address with an open invitation elsewhere: a conflict, even though it is invisible here.
    const taken = await failure(
      caller.invitation.create({ email: 'FREMD@other.example', name: 'F', role: 'partner_member' }),
    );
    expect(taken.code).toBe('CONFLICT');
    const listed = await caller.invitation.list({});
    expect(listed.map((i) => i.id)).toEqual([mine.id]);
    expect((await failure(caller.invitation.revoke({ id: theirs.id }))).code).toBe('NOT_FOUND');
    expect((await failure(caller.invitation.list({ partnerOrgId: other.id }))).code).toBe('FORBIDDEN');

    // The accepted invitation makes a user of the partner's organisation.
    const token = await tokenFromMail('kollege@partner.example');
    const visitor = callerFor(db, anonymous());
    await visitor.caller.invitation.accept({ token, name: 'Kai Kollege', password: PASSWORD });
    const [created] = await db.select().from(users).where(eq(users.email, 'kollege@partner.example'));
    expect(created).toMatchObject({ partnerOrgId: org.id, role: 'partner_member', name: 'Kai Kollege' });
  });
});

describe('partner admins manage their own team', () => {
  it('deactivate (ending sessions), reactivate and re-role their users; never others or staff', async () => {
    const org = await makePartnerOrg(db);
    const other = await makePartnerOrg(db);
    const boss = await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id });
    const colleague = await makeUser(db, { role: 'partner_member', partnerOrgId: org.id });
    const stranger = await makeUser(db, { role: 'partner_member', partnerOrgId: other.id });
    const rep = await makeUser(db, { role: 'rep' });
    const auth = createAuthService(db, { secureCookies: false });
    const { cookie } = await auth.login({ email: colleague.user.email, password: 'correct horse battery' });
    const { caller } = callerFor(db, boss.principal);

    const team = await caller.invitation.team({});
    expect(team.members.map((m) => m.id).sort()).toEqual([boss.user.id, colleague.user.id].sort());
    expect(team.permissions.manage).toBe(true);

    await caller.invitation.setMemberActive({ id: colleague.user.id, active: false });
    expect(await db.select().from(sessions).where(eq(sessions.userId, colleague.user.id))).toHaveLength(0);
    expect((await auth.fromCookieHeader(cookie.split(';')[0])).principal).toBeNull();
    await caller.invitation.setMemberActive({ id: colleague.user.id, active: true });
    await caller.invitation.setMemberRole({ id: colleague.user.id, role: 'partner_admin' });
    const [promoted] = await db.select().from(users).where(eq(users.id, colleague.user.id));
    expect(promoted).toMatchObject({ active: true, role: 'partner_admin' });
    const actions = await db
      .select({ action: auditLog.action, actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'user'), eq(auditLog.entityId, colleague.user.id)));
    expect(actions.filter((a) => a.actorId === boss.user.id).map((a) => a.action)).toEqual([
      'deactivate',
      'activate',
      'change_role',
    ]);

    for (const target of [stranger.user.id, rep.user.id]) {
      const e = await failure(caller.invitation.setMemberActive({ id: target, active: false }));
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(e.code);
      const r = await failure(caller.invitation.setMemberRole({ id: target, role: 'partner_admin' }));
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(r.code);
    }
    expect((await failure(caller.invitation.setMemberActive({ id: boss.user.id, active: false }))).code).toBe(
      'CONFLICT',
    );
    expect((await failure(caller.invitation.team({ partnerOrgId: other.id }))).code).toBe('FORBIDDEN');
    const memberCaller = callerFor(db, stranger.principal).caller;
    expect(
      (await failure(memberCaller.invitation.setMemberActive({ id: boss.user.id, active: false }))).code,
    ).toBe('FORBIDDEN');
    const [still] = await db.select().from(users).where(eq(users.id, stranger.user.id));
    expect(still?.active).toBe(true);
  });

  it('row-level security alone stops a partner from touching another organisation or staff', async () => {
    const org = await makePartnerOrg(db);
    const other = await makePartnerOrg(db);
    const boss = await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id });
    const stranger = await makeUser(db, { role: 'partner_member', partnerOrgId: other.id });
    const rep = await makeUser(db, { role: 'rep' });
    const admin = await makeUser(db, { role: 'admin' });
    await inviteUser(db, admin.principal, {
      email: 'rls@other.example',
      name: 'R',
      role: 'partner_member',
      partnerOrgId: other.id,
      locale: 'de',
    });
    await createAuthService(db, { secureCookies: false }).login({
      email: stranger.user.email,
      password: 'correct horse battery',
    });
    // Straight SQL without any policy check, as the partner's database role.
    await withPrincipalDb(db, boss.principal, async (scoped) => {
      const changed = await scoped
        .update(users)
        .set({ active: false })
        .where(sql`${users.id} in (${stranger.user.id}, ${rep.user.id})`)
        .returning({ id: users.id });
      expect(changed).toHaveLength(0);
      const deleted = await scoped
        .delete(sessions)
        .where(eq(sessions.userId, stranger.user.id))
        .returning({ userId: sessions.userId });
      expect(deleted).toHaveLength(0);
      const seen = await scoped.select({ id: invitations.id }).from(invitations);
      expect(seen).toHaveLength(0);
    });
    // Changing one's own organisation or role to staff is refused by the database too.
    await expect(
      withPrincipalDb(db, boss.principal, (scoped) =>
        scoped.update(users).set({ role: 'admin' }).where(eq(users.id, boss.user.id)),
      ),
    ).rejects.toThrow();
    expect(await db.select().from(sessions).where(eq(sessions.userId, stranger.user.id))).toHaveLength(1);
  });
});
