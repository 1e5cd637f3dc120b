import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { importLeadsCsv } from '../leads/csv.ts';
import {
  assignLead,
  assignLeadInput,
  captureLead,
  captureLeadInput,
  convertLead,
  convertLeadInput,
  disqualifyLead,
  disqualifyLeadInput,
  getLead,
  leadPartnerOptions,
  listLeads,
  listLeadsInput,
  offerLead,
  offerLeadInput,
  qualifyLead,
  respondLeadInput,
  respondToLeadOffer,
} from '../leads/leads.ts';
import { idInput } from '../schemas.ts';
import { authedProcedure, userProcedure } from '../trpc.ts';

export const leadRouter = {
  /** Staff (web form, manual) or an integration with an API key of scope `leads`. */
  capture: authedProcedure
    .input(captureLeadInput)
    .mutation(({ ctx, input }) => captureLead(ctx.db, ctx.principal, input)),
  list: userProcedure
    .input(listLeadsInput)
    .query(({ ctx, input }) => listLeads(ctx.db, ctx.principal, input)),
  byId: userProcedure.input(idInput).query(({ ctx, input }) => getLead(ctx.db, ctx.principal, input.id)),
  qualify: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => qualifyLead(ctx.db, ctx.principal, input.id)),
  disqualify: userProcedure
    .input(disqualifyLeadInput)
    .mutation(({ ctx, input }) => disqualifyLead(ctx.db, ctx.principal, input)),
  assign: userProcedure
    .input(assignLeadInput)
    .mutation(({ ctx, input }) => assignLead(ctx.db, ctx.principal, input)),
  offer: userProcedure
    .input(offerLeadInput)
    .mutation(({ ctx, input }) => offerLead(ctx.db, ctx.principal, input)),
  respond: userProcedure
    .input(respondLeadInput)
    .mutation(({ ctx, input }) => respondToLeadOffer(ctx.db, ctx.principal, input)),
  convert: userProcedure
    .input(convertLeadInput)
    .mutation(({ ctx, input }) => convertLead(ctx.db, ctx.principal, input)),
  /** A CSV file's text: every row checked first, then all captured or none. */
  importCsv: authedProcedure
    .input(z.object({ csv: z.string().min(1).max(5_000_000) }))
    .mutation(({ ctx, input }) => importLeadsCsv(ctx.db, ctx.principal, input.csv)),
  partnerOptions: userProcedure.query(({ ctx }) => leadPartnerOptions(ctx.db, ctx.principal)),
} satisfies TRPCRouterRecord;
