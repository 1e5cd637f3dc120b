import type { TRPCRouterRecord } from '@trpc/server';
import {
  getImport,
  listImports,
  mappingInput,
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
  /** Enqueues the import's job (the portal's job runner runs it); `byId` reports its progress. */
  start: userProcedure
    .input(startImportInput)
    .mutation(({ ctx, input }) => startImport(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
