import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ingestMany } from '../edi/ingest-many.ts';
import { ediStats, getMessage } from '../edi/monitor.ts';
import { outboundInput, outboundWork } from '../edi/outbound.ts';
import {
  createProfileInput,
  ingestInput,
  ingestManyInput,
  markSentManyInput,
  messagesInput,
  nextControlNumbersInput,
  recordOutboundInput,
  updateProfileInput,
} from '../edi/schemas.ts';
import {
  createProfile,
  ingest,
  listMessages,
  listProfiles,
  markSent,
  markSentMany,
  nextControlNumbers,
  pendingMessages,
  recordOutbound,
  requestReprocess,
  updateProfile,
} from '../edi/service.ts';
import { assertCan } from '../policy/index.ts';
import { idInput } from '../schemas.ts';
import { authedProcedure } from '../trpc.ts';

/** Calls only the EDI bridge makes: an API key with scope `edi` (decided by the policy). */
const bridgeProcedure = authedProcedure.use(({ ctx, next }) => {
  assertCan(ctx.principal, 'create', { type: 'ediExchange' });
  return next();
});

export const ediRouter = {
  profiles: authedProcedure
    .input(z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }))
    .query(({ ctx, input }) => listProfiles(ctx.db, ctx.principal, input)),
  createProfile: authedProcedure
    .input(createProfileInput)
    .mutation(({ ctx, input }) => createProfile(ctx.db, ctx.principal, input)),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.principal, input)),
  ingest: bridgeProcedure
    .input(ingestInput)
    .mutation(({ ctx, input }) => ingest(ctx.db, ctx.principal, input)),
  ingestMany: bridgeProcedure
    .input(ingestManyInput)
    .mutation(({ ctx, input }) => ingestMany(ctx.db, ctx.principal, input)),
  markSentMany: bridgeProcedure
    .input(markSentManyInput)
    .mutation(({ ctx, input }) => markSentMany(ctx.db, ctx.principal, input)),
  outbound: bridgeProcedure
    .input(outboundInput)
    .mutation(({ ctx, input }) => outboundWork(ctx.db, ctx.principal, input)),
  nextControlNumbers: bridgeProcedure
    .input(nextControlNumbersInput)
    .mutation(({ ctx, input }) => nextControlNumbers(ctx.db, ctx.principal, input)),
  recordOutbound: bridgeProcedure
    .input(recordOutboundInput)
    .mutation(({ ctx, input }) => recordOutbound(ctx.db, ctx.principal, input)),
  markSent: bridgeProcedure
    .input(z.object({ messageId: z.uuid() }))
    .mutation(({ ctx, input }) => markSent(ctx.db, ctx.principal, input.messageId)),
  pending: bridgeProcedure
    .input(z.object({ profileId: z.uuid() }))
    .query(({ ctx, input }) => pendingMessages(ctx.db, ctx.principal, input.profileId)),
  messages: authedProcedure
    .input(messagesInput)
    .query(({ ctx, input }) => listMessages(ctx.db, ctx.principal, input)),
  reprocess: authedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => requestReprocess(ctx.db, ctx.principal, input.id)),
  messageById: authedProcedure
    .input(idInput)
    .query(({ ctx, input }) => getMessage(ctx.db, ctx.principal, input.id)),
  stats: authedProcedure.query(({ ctx }) => ediStats(ctx.db, ctx.principal)),
} satisfies TRPCRouterRecord;
