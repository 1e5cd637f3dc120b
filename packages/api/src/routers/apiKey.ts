import type { TRPCRouterRecord } from '@trpc/server';
import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from '../integrations/api-keys.ts';
import { idInput } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';

export const apiKeyRouter = {
  list: userProcedure.query(({ ctx }) => listApiKeys(ctx.db, ctx.principal)),
  create: userProcedure
    .input(createApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.principal, input)),
  revoke: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.principal, input.id)),
} satisfies TRPCRouterRecord;
