import type { TRPCRouterRecord } from '@trpc/server';
import { changePasswordInput, loginInput } from '../schemas.ts';
import { credentialsProcedure, sessionProcedure } from '../trpc.ts';

export const authRouter = {
  me: credentialsProcedure.query(({ ctx }) => {
    const p = ctx.principal;
    return p.kind === 'internal' || p.kind === 'partner' ? p : null;
  }),
  login: credentialsProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { principal, cookie } = await ctx.auth.login(input, { ip: ctx.ip });
    ctx.setCookie(cookie);
    return principal;
  }),
  logout: sessionProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.auth.logout(ctx.cookieHeader, ctx.principal));
    return { ok: true as const };
  }),
  changePassword: sessionProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    ctx.setCookie(await ctx.auth.changePassword(ctx.principal, input));
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
