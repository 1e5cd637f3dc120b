import type { TRPCRouterRecord } from '@trpc/server';
import { gdprErase, gdprExport, gdprSubjectInput } from '../gdpr/gdpr.ts';
import { userProcedure } from '../trpc.ts';

/** GDPR export and erasure of a contact or a user: admins only. */
export const gdprRouter = {
  export: userProcedure
    .input(gdprSubjectInput)
    .query(({ ctx, input }) => gdprExport(ctx.db, ctx.principal, input)),
  erase: userProcedure
    .input(gdprSubjectInput)
    .mutation(({ ctx, input }) => gdprErase(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
