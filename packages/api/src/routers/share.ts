import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listShares, revokeShare, revokeShareInput, setShare, setShareInput } from '../sharing/shares.ts';
import { userProcedure } from '../trpc.ts';

export const shareRouter = {
  list: userProcedure
    .input(z.object({ opportunityId: z.uuid() }))
    .query(({ ctx, input }) => listShares(ctx.db, ctx.principal, input.opportunityId)),
  set: userProcedure
    .input(setShareInput)
    .mutation(({ ctx, input }) => setShare(ctx.db, ctx.principal, input)),
  revoke: userProcedure
    .input(revokeShareInput)
    .mutation(({ ctx, input }) => revokeShare(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
