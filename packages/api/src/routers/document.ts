import type { TRPCRouterRecord } from '@trpc/server';
import {
  archiveDocument,
  createDocument,
  createDocumentInput,
  documentIdInput,
  exportDocumentHtml,
  exportDocumentPdf,
  getDocument,
  listDocuments,
  listDocumentsInput,
  renameDocument,
  renameDocumentInput,
  setDocumentShared,
  setDocumentSharedInput,
} from '../documents/documents.ts';
import { userProcedure } from '../trpc.ts';

export const documentRouter = {
  list: userProcedure
    .input(listDocumentsInput)
    .query(({ ctx, input }) => listDocuments(ctx.db, ctx.principal, input)),
  byId: userProcedure
    .input(documentIdInput)
    .query(({ ctx, input }) => getDocument(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(createDocumentInput)
    .mutation(({ ctx, input }) => createDocument(ctx.db, ctx.principal, input)),
  rename: userProcedure
    .input(renameDocumentInput)
    .mutation(({ ctx, input }) => renameDocument(ctx.db, ctx.principal, input)),
  setShared: userProcedure
    .input(setDocumentSharedInput)
    .mutation(({ ctx, input }) => setDocumentShared(ctx.db, ctx.principal, input)),
  archive: userProcedure
    .input(documentIdInput)
    .mutation(({ ctx, input }) => archiveDocument(ctx.db, ctx.principal, input)),
  exportHtml: userProcedure
    .input(documentIdInput)
    .query(({ ctx, input }) => exportDocumentHtml(ctx.db, ctx.principal, input.id)),
  /** The PDF as base64 (the portal's download route streams the bytes directly). */
  exportPdf: userProcedure.input(documentIdInput).query(async ({ ctx, input }) => {
    const { pdf, ...rest } = await exportDocumentPdf(ctx.db, ctx.principal, input.id);
    return { ...rest, base64: pdf.toString('base64') };
  }),
} satisfies TRPCRouterRecord;
