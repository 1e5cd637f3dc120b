import type { TRPCRouterRecord } from '@trpc/server';
import type { z } from 'zod';
import {
  archiveContact,
  createContact,
  getContact,
  listContacts,
  updateContact,
} from '../contacts/contacts.ts';
import { contactInput, idInput, listInput, updateContactInput, uuid } from '../schemas.ts';
import { userProcedure } from '../trpc.ts';

export const contactRouter = {
  list: userProcedure
    .input(listInput.extend({ accountId: uuid.optional() }))
    .query(({ ctx, input }) => listContacts(ctx.db, ctx.principal, input)),
  byId: userProcedure.input(idInput).query(({ ctx, input }) => getContact(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(contactInput)
    .mutation(({ ctx, input }) => createContact(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateContactInput)
    .mutation(({ ctx, input }) => updateContact(ctx.db, ctx.principal, input)),
  archive: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => archiveContact(ctx.db, ctx.principal, input.id)),
} satisfies TRPCRouterRecord;

export type ContactListInput = z.input<typeof listInput>;
