import type { TRPCRouterRecord } from '@trpc/server';
import { listTargetsInput, setAnnualTargetInput, setMonthTargetInput } from '../targets/schemas.ts';
import { listTargets, setAnnualTarget, setMonthTarget } from '../targets/targets.ts';
import { userProcedure } from '../trpc.ts';

export const targetRouter = {
  list: userProcedure
    .input(listTargetsInput)
    .query(({ ctx, input }) => listTargets(ctx.db, ctx.principal, input)),
  setAnnual: userProcedure
    .input(setAnnualTargetInput)
    .mutation(({ ctx, input }) => setAnnualTarget(ctx.db, ctx.principal, input)),
  setMonth: userProcedure
    .input(setMonthTargetInput)
    .mutation(({ ctx, input }) => setMonthTarget(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
