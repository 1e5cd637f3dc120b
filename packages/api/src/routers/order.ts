import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listOrders, listOrdersInput, ordersForOpportunity } from '../orders/orders.ts';
import { userProcedure } from '../trpc.ts';

export const orderRouter = {
  forOpportunity: userProcedure
    .input(z.object({ opportunityId: z.uuid() }))
    .query(({ ctx, input }) => ordersForOpportunity(ctx.db, ctx.principal, input.opportunityId)),
  list: userProcedure
    .input(listOrdersInput)
    .query(({ ctx, input }) => listOrders(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
