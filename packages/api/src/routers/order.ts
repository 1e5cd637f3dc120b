import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { respondToOrder, respondToOrderInput } from '../edi/outbound.ts';
import { listOrders, listOrdersInput, orderPartners, ordersForOpportunity } from '../orders/orders.ts';
import { userProcedure } from '../trpc.ts';

export const orderRouter = {
  forOpportunity: userProcedure
    .input(z.object({ opportunityId: z.uuid() }))
    .query(({ ctx, input }) => ordersForOpportunity(ctx.db, ctx.principal, input.opportunityId)),
  list: userProcedure
    .input(listOrdersInput)
    .query(({ ctx, input }) => listOrders(ctx.db, ctx.principal, input)),
  /** The partner organisations whose orders the caller sees (filter options). */
  partners: userProcedure.query(({ ctx }) => orderPartners(ctx.db, ctx.principal)),
  /** Accept, change or reject an inbound order: an 855/ORDRSP is queued for the partner. */
  respond: userProcedure
    .input(respondToOrderInput)
    .mutation(({ ctx, input }) => respondToOrder(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
