import type { TRPCRouterRecord } from '@trpc/server';
import {
  activityTimeline,
  completeActivity,
  createActivity,
  deleteActivity,
  followUps,
  updateActivity,
} from '../activities/activities.ts';
import {
  completeActivityInput,
  createActivityInput,
  followUpsInput,
  timelineInput,
  updateActivityInput,
} from '../activities/schemas.ts';
import { idInput } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';

export const activityRouter = {
  create: userProcedure
    .input(createActivityInput)
    .mutation(({ ctx, input }) => createActivity(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateActivityInput)
    .mutation(({ ctx, input }) => updateActivity(ctx.db, ctx.principal, input)),
  complete: userProcedure
    .input(completeActivityInput)
    .mutation(({ ctx, input }) => completeActivity(ctx.db, ctx.principal, input)),
  delete: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => deleteActivity(ctx.db, ctx.principal, input.id)),
  timeline: userProcedure
    .input(timelineInput)
    .query(({ ctx, input }) => activityTimeline(ctx.db, ctx.principal, input)),
  followUps: userProcedure
    .input(followUpsInput)
    .query(({ ctx, input }) => followUps(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
