import type { TRPCRouterRecord } from '@trpc/server';
import {
  createComment,
  createCommentInput,
  deleteComment,
  deleteCommentInput,
  listComments,
  listCommentsInput,
  liveComments,
  mentionableInput,
  mentionableUsers,
  updateComment,
  updateCommentInput,
} from '../comments/comments.ts';
import { sessionProcedure, userProcedure } from '../trpc.ts';

export const commentRouter = {
  list: userProcedure
    .input(listCommentsInput)
    .query(({ ctx, input }) => listComments(ctx.db, ctx.principal, input)),
  create: userProcedure
    .input(createCommentInput)
    .mutation(({ ctx, input }) => createComment(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateCommentInput)
    .mutation(({ ctx, input }) => updateComment(ctx.db, ctx.principal, input)),
  delete: userProcedure
    .input(deleteCommentInput)
    .mutation(({ ctx, input }) => deleteComment(ctx.db, ctx.principal, input)),
  mentionable: userProcedure
    .input(mentionableInput)
    .query(({ ctx, input }) => mentionableUsers(ctx.db, ctx.principal, input)),
  /** The deal's thread live (SSE); outside the request-wide RLS transaction, each read scoped. */
  live: sessionProcedure
    .input(listCommentsInput)
    .subscription(({ ctx, input, signal }) => liveComments(ctx.db, ctx.principal, input, signal)),
} satisfies TRPCRouterRecord;
