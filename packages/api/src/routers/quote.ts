import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { quotePdf } from '../quotes/pdf.ts';
import {
  acceptQuote,
  createQuote,
  createQuoteInput,
  expireQuote,
  newQuoteVersion,
  quoteById,
  quoteByIdInput,
  quoteRefInput,
  quotesForOpportunity,
  rejectQuote,
  saveQuote,
  saveQuoteInput,
  sendQuote,
} from '../quotes/quotes.ts';
import { userProcedure } from '../trpc.ts';

export const quoteRouter = {
  forOpportunity: userProcedure
    .input(z.object({ opportunityId: z.uuid() }))
    .query(({ ctx, input }) => quotesForOpportunity(ctx.db, ctx.principal, input.opportunityId)),
  byId: userProcedure
    .input(quoteByIdInput)
    .query(({ ctx, input }) => quoteById(ctx.db, ctx.principal, input)),
  create: userProcedure
    .input(createQuoteInput)
    .mutation(({ ctx, input }) => createQuote(ctx.db, ctx.principal, input)),
  save: userProcedure
    .input(saveQuoteInput)
    .mutation(({ ctx, input }) => saveQuote(ctx.db, ctx.principal, input)),
  newVersion: userProcedure
    .input(quoteRefInput)
    .mutation(({ ctx, input }) => newQuoteVersion(ctx.db, ctx.principal, input)),
  send: userProcedure
    .input(quoteRefInput)
    .mutation(({ ctx, input }) => sendQuote(ctx.db, ctx.principal, input)),
  accept: userProcedure
    .input(quoteRefInput)
    .mutation(({ ctx, input }) => acceptQuote(ctx.db, ctx.principal, input)),
  reject: userProcedure
    .input(quoteRefInput)
    .mutation(({ ctx, input }) => rejectQuote(ctx.db, ctx.principal, input)),
  expire: userProcedure
    .input(quoteRefInput)
    .mutation(({ ctx, input }) => expireQuote(ctx.db, ctx.principal, input)),
  /** The PDF as base64 (the portal serves it as a download through its own route). */
  pdf: userProcedure.input(quoteByIdInput).query(async ({ ctx, input }) => {
    const { buffer, fileName } = await quotePdf(ctx.db, ctx.principal, input.id, {
      versionNumber: input.versionNumber,
      locale: ctx.locale,
    });
    return { fileName, contentType: 'application/pdf', base64: buffer.toString('base64') };
  }),
} satisfies TRPCRouterRecord;
