import { type Database, type Executor, loginThrottle, pgErrorOf, sessions, users } from '@konsort/db';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import { assertCan } from '../policy/index.ts';
import { type Principal, principalFromUser, type UserPrincipal } from '../principal.ts';
import type { changePasswordInput, createUserInput, loginInput } from '../schemas.ts';
import { timestampParam } from '../tx.ts';
import { type AuthOptions, createLucia } from './lucia.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';

/** Five wrong passwords for one e-mail within 15 minutes lock it for 15 minutes. */
export const throttlePolicy = {
  email: { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  ip: { maxFailures: 50, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
};

export interface LoginResult {
  principal: UserPrincipal;
  /** A complete Set-Cookie header value. */
  cookie: string;
}

export interface SessionResult {
  principal: UserPrincipal | null;
  /** Set-Cookie to send back: a renewed session, or a blank cookie for a dead one. */
  cookie?: string;
}

export function createAuthService(db: Database, options: AuthOptions) {
  const lucia = createLucia(db, options);

  async function lockedFor(key: string, now: Date): Promise<number> {
    const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil > now) return row.lockedUntil.getTime() - now.getTime();
    return 0;
  }

  async function recordFailure(key: string, policy: (typeof throttlePolicy)['email'], now: Date) {
    const windowStart = timestampParam(new Date(now.getTime() - policy.windowMs));
    const lockedUntil = timestampParam(new Date(now.getTime() + policy.lockMs));
    // One statement, so concurrent failures cannot both read "4" and both write "5".
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStart} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStart: sql`case when ${loginThrottle.windowStart} < ${windowStart} then ${timestampParam(now)} else ${loginThrottle.windowStart} end`,
          lockedUntil: sql`case when ${loginThrottle.windowStart} >= ${windowStart} and ${loginThrottle.failures} + 1 >= ${policy.maxFailures} then ${lockedUntil} else ${loginThrottle.lockedUntil} end`,
        },
      });
  }

  return {
    lucia,

    async login(
      input: z.infer<typeof loginInput>,
      meta: { ip?: string | null; now?: Date } = {},
    ): Promise<LoginResult> {
      const now = meta.now ?? new Date();
      const email = input.email.trim().toLowerCase();
      const keys = [`email:${email}`, ...(meta.ip ? [`ip:${meta.ip}`] : [])];
      for (const key of keys) {
        const ms = await lockedFor(key, now);
        if (ms > 0)
          throw new AppError('TOO_MANY_REQUESTS', 'errors.loginLocked', { minutes: Math.ceil(ms / 60_000) });
      }
      const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
      // Verify against a dummy hash for unknown users: the response time must not reveal who exists.
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
      if (!user || !ok || !user.active) {
        await recordFailure(`email:${email}`, throttlePolicy.email, now);
        if (meta.ip) await recordFailure(`ip:${meta.ip}`, throttlePolicy.ip, now);
        if (user) {
          await writeAudit(
            db,
            { kind: 'anonymous', locale: 'en' },
            {
              action: 'login_failed',
              entity: 'user',
              entityId: user.id,
              ip: meta.ip ?? null,
            },
          );
        }
        throw new AppError(
          'UNAUTHORIZED',
          user && ok && !user.active ? 'errors.userInactive' : 'errors.invalidCredentials',
        );
      }
      await db.delete(loginThrottle).where(eq(loginThrottle.key, `email:${email}`));
      const session = await lucia.createSession(user.id, {});
      const principal = principalFromUser(user);
      await writeAudit(db, principal, {
        action: 'login',
        entity: 'user',
        entityId: user.id,
        ip: meta.ip ?? null,
      });
      return { principal, cookie: lucia.createSessionCookie(session.id).serialize() };
    },

    /** Reads the session cookie; renews it when lucia extended the session. */
    async fromCookieHeader(cookieHeader: string | null | undefined): Promise<SessionResult> {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? '');
      if (!sessionId) return { principal: null };
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session || !user) return { principal: null, cookie: lucia.createBlankSessionCookie().serialize() };
      if (!user.active) {
        await lucia.invalidateUserSessions(user.id);
        return { principal: null, cookie: lucia.createBlankSessionCookie().serialize() };
      }
      const principal = principalFromUser({
        id: user.id,
        role: user.role,
        partnerOrgId: user.partnerOrgId ?? null,
        name: user.name,
        email: user.email,
        locale: user.locale,
      });
      return session.fresh
        ? { principal, cookie: lucia.createSessionCookie(session.id).serialize() }
        : { principal };
    },

    async logout(cookieHeader: string | null | undefined, principal: Principal): Promise<string> {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? '');
      if (sessionId) await lucia.invalidateSession(sessionId);
      if (principal.kind === 'internal' || principal.kind === 'partner') {
        await writeAudit(db, principal, { action: 'logout', entity: 'user', entityId: principal.userId });
      }
      return lucia.createBlankSessionCookie().serialize();
    },

    async createUser(principal: Principal, input: z.infer<typeof createUserInput>) {
      assertCan(principal, 'manage', { type: 'user' });
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.transaction(async (tx) => {
          const [created] = await tx
            .insert(users)
            .values({
              email: input.email.trim(),
              name: input.name,
              role: input.role,
              partnerOrgId: input.partnerOrgId ?? null,
              locale: input.locale,
              passwordHash,
            })
            .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
          await writeAudit(tx, principal, {
            action: 'create',
            entity: 'user',
            entityId: created!.id,
            changes: {
              email: [null, created!.email],
              name: [null, created!.name],
              role: [null, created!.role],
              partnerOrgId: [null, input.partnerOrgId ?? null],
            },
          });
          return created!;
        });
      } catch (e) {
        if (pgErrorOf(e)?.code === '23505') throw new AppError('CONFLICT', 'errors.emailTaken');
        throw e;
      }
    },

    /** Deactivation ends every session of the user at once. */
    async setActive(principal: Principal, userId: string, active: boolean) {
      assertCan(principal, 'manage', { type: 'user', id: userId });
      await db.transaction(async (tx) => {
        const [before] = await tx.select({ active: users.active }).from(users).where(eq(users.id, userId));
        if (!before) throw notFound('entity.user');
        await tx.update(users).set({ active, updatedAt: new Date() }).where(eq(users.id, userId));
        if (!active) await tx.delete(sessions).where(eq(sessions.userId, userId));
        await writeAudit(tx, principal, {
          action: active ? 'activate' : 'deactivate',
          entity: 'user',
          entityId: userId,
          changes: { active: [before.active, active] },
        });
      });
      if (!active) publish({ type: 'access.changed' });
    },

    /** A new password ends all other sessions; the caller gets a fresh one. */
    async changePassword(principal: Principal, input: z.infer<typeof changePasswordInput>): Promise<string> {
      if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
      const [user] = await db.select().from(users).where(eq(users.id, principal.userId));
      if (!user) throw notFound('entity.user');
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new AppError('BAD_REQUEST', 'errors.wrongPassword', {}, [
          { path: 'currentPassword', key: 'errors.wrongPassword' },
        ]);
      }
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction(async (tx: Executor) => {
        await tx
          .update(users)
          .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(users.id, user.id)));
        await tx.delete(sessions).where(eq(sessions.userId, user.id));
        await writeAudit(tx, principal, { action: 'password_change', entity: 'user', entityId: user.id });
      });
      const session = await lucia.createSession(user.id, {});
      return lucia.createSessionCookie(session.id).serialize();
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
