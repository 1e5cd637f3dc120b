import type { TRPCRouterRecord } from '@trpc/server';
import {
  listNotifications,
  listNotificationsInput,
  liveNotifications,
  markAllNotificationsRead,
  markNotificationsRead,
  markReadInput,
  notificationPreferencesOf,
  setNotificationPreference,
  setPreferenceInput,
  unreadNotificationCount,
} from '../notifications/service.ts';
import { assertCan } from '../policy/index.ts';
import { sessionProcedure, userProcedure } from '../trpc.ts';

export const notificationRouter = {
  list: userProcedure
    .input(listNotificationsInput)
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.principal, input, ctx.locale)),
  unreadCount: userProcedure.query(({ ctx }) => unreadNotificationCount(ctx.db, ctx.principal)),
  markRead: userProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.principal, input)),
  markAllRead: userProcedure.mutation(({ ctx }) => markAllNotificationsRead(ctx.db, ctx.principal)),
  preferences: userProcedure.query(({ ctx }) => notificationPreferencesOf(ctx.db, ctx.principal)),
  setPreference: userProcedure
    .input(setPreferenceInput)
    .mutation(({ ctx, input }) => setNotificationPreference(ctx.db, ctx.principal, input)),
  /**
   * New notifications as they commit (SSE via httpSubscriptionLink or EventSource). Not under
   * the request-wide RLS transaction: a stream outlives it; each read is scoped on its own.
   */
  live: sessionProcedure.subscription(async ({ ctx, signal }) => {
    assertCan(ctx.principal, 'read', { type: 'notification' });
    return liveNotifications(ctx.db, ctx.principal, ctx.locale, signal);
  }),
} satisfies TRPCRouterRecord;
