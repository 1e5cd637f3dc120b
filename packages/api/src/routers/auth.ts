import type { TRPCRouterRecord } from '@trpc/server';
import { changePasswordInput, loginInput } from '../schemas.ts';
import { publicProcedure, userProcedure } from '../trpc.ts';

export const authRouter = {
  me: publicProcedure.query(({ ctx }) => {
    const p = ctx.principal;
    return p.kind === 'internal' || p.kind === 'partner' ? p : null;
  }),
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { principal, cookie } = await ctx.auth.login(input, { ip: ctx.ip });
    ctx.setCookie(cookie);
    return principal;
  }),
  logout: userProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.auth.logout(ctx.cookieHeader, ctx.principal));
    return { ok: true as const };
  }),
  changePassword: userProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    ctx.setCookie(await ctx.auth.changePassword(ctx.principal, input));
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
