import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { asOfInput, opportunityAsOf, opportunityTimeline } from '../audit-views/history.ts';
import {
  archiveOpportunity,
  changeOpportunityStage,
  createOpportunity,
  getOpportunity,
  listOpportunities,
  opportunityBoard,
  updateOpportunity,
} from '../opportunities/opportunities.ts';
import {
  changeStageInput,
  idInput,
  listOpportunitiesInput,
  opportunityInput,
  updateOpportunityInput,
} from '../schemas.ts';
import { authedProcedure, userProcedure } from '../trpc.ts';

export const opportunityRouter = {
  list: authedProcedure
    .input(listOpportunitiesInput)
    .query(({ ctx, input }) => listOpportunities(ctx.db, ctx.principal, input)),
  board: userProcedure
    .input(z.object({ mine: z.boolean().optional(), perStage: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => opportunityBoard(ctx.db, ctx.principal, input)),
  byId: authedProcedure
    .input(idInput)
    .query(({ ctx, input }) => getOpportunity(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(opportunityInput)
    .mutation(({ ctx, input }) => createOpportunity(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateOpportunityInput)
    .mutation(({ ctx, input }) => updateOpportunity(ctx.db, ctx.principal, input)),
  changeStage: userProcedure
    .input(changeStageInput)
    .mutation(({ ctx, input }) => changeOpportunityStage(ctx.db, ctx.principal, input)),
  archive: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => archiveOpportunity(ctx.db, ctx.principal, input.id)),
  timeline: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => opportunityTimeline(ctx.db, ctx.principal, input.id)),
  asOf: userProcedure
    .input(asOfInput)
    .query(({ ctx, input }) => opportunityAsOf(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
