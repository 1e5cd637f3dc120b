import type { TRPCRouterRecord } from '@trpc/server';
import { dashboard } from '../activities/dashboard.ts';
import { userProcedure } from '../trpc.ts';

export const dashboardRouter = {
  get: userProcedure.query(({ ctx }) => dashboard(ctx.db, ctx.principal)),
} satisfies TRPCRouterRecord;
