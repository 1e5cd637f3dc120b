import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { createUserInput, uuid } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';
import { listPartnerOrgs, listUsers } from '../users/users.ts';

export const userRouter = {
  list: userProcedure.query(({ ctx }) => listUsers(ctx.db, ctx.principal)),
  partnerOrgs: userProcedure.query(({ ctx }) => listPartnerOrgs(ctx.db, ctx.principal)),
  create: userProcedure
    .input(createUserInput)
    .mutation(({ ctx, input }) => ctx.auth.createUser(ctx.principal, input)),
  setActive: userProcedure
    .input(z.object({ id: uuid, active: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.auth.setActive(ctx.principal, input.id, input.active)),
} satisfies TRPCRouterRecord;
