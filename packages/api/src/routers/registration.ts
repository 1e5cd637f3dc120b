import type { TRPCRouterRecord } from '@trpc/server';
import {
  approveRegistration,
  approveRegistrationInput,
  getRegistration,
  myRegistrations,
  registrationCandidates,
  registrationQueue,
  rejectRegistration,
  rejectRegistrationInput,
  submitRegistration,
  submitRegistrationInput,
} from '../registrations/registrations.ts';
import { idInput } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';

export const registrationRouter = {
  submit: userProcedure
    .input(submitRegistrationInput)
    .mutation(({ ctx, input }) => submitRegistration(ctx.db, ctx.principal, input)),
  mine: userProcedure.query(({ ctx }) => myRegistrations(ctx.db, ctx.principal)),
  byId: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => getRegistration(ctx.db, ctx.principal, input.id)),
  candidates: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => registrationCandidates(ctx.db, ctx.principal, input.id)),
  queue: userProcedure.query(({ ctx }) => registrationQueue(ctx.db, ctx.principal)),
  approve: userProcedure
    .input(approveRegistrationInput)
    .mutation(({ ctx, input }) => approveRegistration(ctx.db, ctx.principal, input)),
  reject: userProcedure
    .input(rejectRegistrationInput)
    .mutation(({ ctx, input }) => rejectRegistration(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
