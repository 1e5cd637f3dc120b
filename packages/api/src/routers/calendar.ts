import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  cancelMeeting,
  createMeeting,
  createMeetingInput,
  listMeetings,
  listMeetingsInput,
  meetingById,
  meetingRefInput,
  updateMeeting,
  updateMeetingInput,
} from '../calendar/calendar.ts';
import { userProcedure } from '../trpc.ts';

export const calendarRouter = {
  list: userProcedure
    .input(listMeetingsInput)
    .query(({ ctx, input }) => listMeetings(ctx.db, ctx.principal, input)),
  byId: userProcedure
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => meetingById(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(createMeetingInput)
    .mutation(({ ctx, input }) => createMeeting(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateMeetingInput)
    .mutation(({ ctx, input }) => updateMeeting(ctx.db, ctx.principal, input)),
  cancel: userProcedure
    .input(meetingRefInput)
    .mutation(({ ctx, input }) => cancelMeeting(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
