import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  acceptInvitation,
  acceptInvitationInput,
  invitationByToken,
  inviteInput,
  inviteUser,
  listInvitations,
  listInvitationsInput,
  listTeam,
  resendInvitation,
  revokeInvitation,
  setMemberActive,
  setMemberActiveInput,
  setMemberRole,
  setMemberRoleInput,
  teamInput,
} from '../invitations/invitations.ts';
import { idInput } from '../schemas.ts';
import { credentialsProcedure, userProcedure } from '../trpc.ts';

/** Invitations by e-mail link, and a team's users managed by its admin (staff: admin; partners: partner admin). */
export const invitationRouter = {
  // The token travels only in the e-mail: the inviter gets the invitation, not the link.
  create: userProcedure.input(inviteInput).mutation(async ({ ctx, input }) => {
    const { invitation } = await inviteUser(ctx.db, ctx.principal, input, { publicUrl: ctx.publicUrl });
    return invitation;
  }),
  list: userProcedure
    .input(listInvitationsInput)
    .query(({ ctx, input }) => listInvitations(ctx.db, ctx.principal, input)),
  revoke: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.principal, input.id)),
  resend: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const { invitation } = await resendInvitation(ctx.db, ctx.principal, input.id, {
      publicUrl: ctx.publicUrl,
    });
    return invitation;
  }),
  /** The public accept page: who is invited, or why the link cannot be used. */
  // Unscoped like login: a signed-in partner opening someone's link must not run under its RLS role.
  byToken: credentialsProcedure
    .input(z.object({ token: z.string().min(10).max(200) }))
    .query(({ ctx, input }) => invitationByToken(ctx.db, input.token)),
  /** Creates the user with the chosen password and signs it in. */
  accept: credentialsProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const { principal, cookie } = await acceptInvitation(ctx.db, ctx.auth, input, { ip: ctx.ip });
    ctx.setCookie(cookie);
    return { userId: principal.userId, role: principal.role };
  }),
  team: userProcedure.input(teamInput).query(({ ctx, input }) => listTeam(ctx.db, ctx.principal, input)),
  setMemberActive: userProcedure
    .input(setMemberActiveInput)
    .mutation(({ ctx, input }) => setMemberActive(ctx.db, ctx.principal, input)),
  setMemberRole: userProcedure
    .input(setMemberRoleInput)
    .mutation(({ ctx, input }) => setMemberRole(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
