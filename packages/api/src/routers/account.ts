import type { TRPCRouterRecord } from '@trpc/server';
import {
  archiveAccount,
  createAccount,
  getAccount,
  listAccounts,
  updateAccount,
} from '../accounts/accounts.ts';
import { createAccountInput, idInput, listInput, updateAccountInput } from '../schemas.ts';
import { authedProcedure, userProcedure } from '../trpc.ts';

export const accountRouter = {
  list: authedProcedure
    .input(listInput)
    .query(({ ctx, input }) => listAccounts(ctx.db, ctx.principal, input)),
  byId: authedProcedure.input(idInput).query(({ ctx, input }) => getAccount(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(createAccountInput)
    .mutation(({ ctx, input }) => createAccount(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateAccountInput)
    .mutation(({ ctx, input }) => updateAccount(ctx.db, ctx.principal, input.id, input.data)),
  archive: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => archiveAccount(ctx.db, ctx.principal, input.id)),
} satisfies TRPCRouterRecord;
