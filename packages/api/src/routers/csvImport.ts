import type { TRPCRouterRecord } from '@trpc/server';
import {
  getImport,
  listImports,
  mappingInput,
  scheduleImportJob,
  startImport,
  startImportInput,
  uploadImport,
  uploadImportInput,
  validateImport,
} from '../imports/imports.ts';
import { idInput } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';

export const csvImportRouter = {
  upload: userProcedure
    .input(uploadImportInput)
    .mutation(({ ctx, input }) => uploadImport(ctx.db, ctx.principal, input)),
  list: userProcedure.query(({ ctx }) => listImports(ctx.db, ctx.principal)),
  byId: userProcedure.input(idInput).query(({ ctx, input }) => getImport(ctx.db, ctx.principal, input.id)),
  validate: userProcedure
    .input(mappingInput)
    .mutation(({ ctx, input }) => validateImport(ctx.db, ctx.principal, input, ctx.locale)),
  /** Starts the job in the background; `byId` reports its progress. */
  start: userProcedure.input(startImportInput).mutation(async ({ ctx, input }) => {
    const run = await startImport(ctx.db, ctx.principal, input);
    scheduleImportJob(ctx.db, ctx.principal, run.id);
    return run;
  }),
} satisfies TRPCRouterRecord;
