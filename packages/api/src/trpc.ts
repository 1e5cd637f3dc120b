import type { Database, Locale } from '@konsort/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { AuthService } from './auth/service.ts';
import { isAppError } from './errors.ts';
import { translate } from './i18n/messages.ts';
import type { Integration, Principal, UserPrincipal } from './principal.ts';
import { withPrincipalDb } from './rls.ts';
import { issueKeys } from './validation.ts';

export interface Context {
  db: Database;
  auth: AuthService;
  principal: Principal;
  locale: Locale;
  ip: string | null;
  cookieHeader: string | null;
  /** Adds a Set-Cookie header to the response (login, logout, renewal). */
  setCookie: (value: string) => void;
  /** The portal's public base URL for links in e-mails (invitations); unset in tests. */
  publicUrl?: string | undefined;
}

function zodIssuesOf(cause: unknown) {
  if (cause && typeof cause === 'object' && 'issues' in cause && Array.isArray(cause.issues))
    return cause.issues;
  return null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const locale = ctx?.locale ?? 'en';
    const cause = error.cause;
    if (isAppError(cause)) {
      return {
        ...shape,
        message: translate(locale, cause.key, cause.params),
        data: {
          ...shape.data,
          stack: undefined,
          appCode: cause.code,
          key: cause.key,
          fieldErrors: Object.fromEntries(
            (cause.fields ?? []).map((f) => [f.path, translate(locale, f.key, f.params)]),
          ) as Record<string, string>,
        },
      };
    }
    const issues = error.code === 'BAD_REQUEST' ? zodIssuesOf(cause) : null;
    if (issues) {
      const keyed = issueKeys(issues);
      return {
        ...shape,
        message: translate(locale, 'errors.invalidInput'),
        data: {
          ...shape.data,
          stack: undefined,
          appCode: 'BAD_REQUEST' as const,
          key: 'errors.invalidInput',
          zodIssues: keyed,
          fieldErrors: Object.fromEntries(
            keyed.map((i) => [i.path || '_', translate(locale, i.key, i.params)]),
          ) as Record<string, string>,
        },
      };
    }
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      return {
        ...shape,
        message: translate(locale, 'errors.internal'),
        data: { ...shape.data, stack: undefined },
      };
    }
    return { ...shape, data: { ...shape.data, stack: undefined } };
  },
});

/** AppError → TRPCError with the mapped code: the one place the mapping happens for tRPC. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.trpcCode, message: cause.key, cause });
  }
  return result;
});

/**
 * Partner requests run under row-level security (see rls.ts). A failed call rolls the
 * request's transaction back by rethrowing.
 */
const rowLevelSecurity = t.middleware(async ({ ctx, next, type }) => {
  if (ctx.principal.kind !== 'partner') return next();
  return withPrincipalDb(
    ctx.db,
    ctx.principal,
    async (db) => {
      const result = await next({ ctx: { ...ctx, db } });
      if (!result.ok) throw result.error;
      return result;
    },
    { pipeline: type === 'query' },
  );
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Work on one's own credentials and session (login, logout, password). It must not run under
 * the partner role: it reads password hashes and the login throttle, which that role cannot
 * see, and on PGlite a nested use of the base connection would wait on the request's own
 * transaction.
 */
export const credentialsProcedure = t.procedure.use(mapAppErrors);
export const publicProcedure = credentialsProcedure.use(rowLevelSecurity);

const requirePerson = t.middleware(({ ctx, next }) => {
  const p = ctx.principal;
  if (p.kind !== 'internal' && p.kind !== 'partner') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: translate(ctx.locale, 'errors.unauthorized') });
  }
  return next({ ctx: { ...ctx, principal: p as UserPrincipal } });
});

/** Signed-in people (staff or partners); an API key is not a person. */
export const userProcedure = credentialsProcedure.use(requirePerson).use(rowLevelSecurity);
/** A signed-in person acting on their own session or password. */
export const sessionProcedure = credentialsProcedure.use(requirePerson);

/** People or integrations: what the policy then allows depends on role or scope. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  const p = ctx.principal;
  if (p.kind === 'anonymous') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: translate(ctx.locale, 'errors.unauthorized') });
  }
  return next({ ctx: { ...ctx, principal: p as UserPrincipal | Integration } });
});
