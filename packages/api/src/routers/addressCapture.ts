import type { TRPCRouterRecord } from '@trpc/server';
import {
  applyCapture,
  applyCaptureInput,
  captureInput,
  proposeFromCapture,
} from '../address-capture/capture.ts';
import { userProcedure } from '../trpc.ts';

export const addressCaptureRouter = {
  /** Parses a pasted imprint or signature: a prefilled form, the matching account and a diff. Writes nothing. */
  parse: userProcedure
    .input(captureInput)
    .mutation(({ ctx, input }) => proposeFromCapture(ctx.db, ctx.principal, input)),
  /** Applies the fields the user confirmed to the account (not `apply`: tRPC proxies reserve that name). */
  confirm: userProcedure
    .input(applyCaptureInput)
    .mutation(({ ctx, input }) => applyCapture(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
