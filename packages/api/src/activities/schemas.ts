import { activityType } from '@konsort/db';
import { z } from 'zod';
import { emptyToUndefined, trimmed } from '../validation.ts';

export const activityTypes = activityType.enumValues;

/** A moment from a form (`2026-03-31T14:30`, read as Berlin time by the portal) or an ISO string. */
const moment = z.preprocess(
  (v) => (emptyToUndefined(v) === undefined ? null : v),
  z.coerce.date({ message: 'validation.invalid' }).nullable(),
);
const optionalUuid = z.preprocess((v) => emptyToUndefined(v) ?? null, z.uuid().nullable());

const activityFields = {
  type: z.enum(activityTypes),
  subject: z.preprocess(trimmed, z.string().min(1).max(200)),
  body: z.preprocess(
    (v) => (emptyToUndefined(v) === undefined ? null : trimmed(v)),
    z.string().max(10_000).nullable(),
  ),
  dueAt: moment,
  reminderAt: moment,
  ownerId: optionalUuid,
};

export const createActivityInput = z.object({
  ...activityFields,
  body: activityFields.body.optional(),
  dueAt: activityFields.dueAt.optional(),
  reminderAt: activityFields.reminderAt.optional(),
  ownerId: activityFields.ownerId.optional(),
  accountId: optionalUuid.optional(),
  contactId: optionalUuid.optional(),
  opportunityId: optionalUuid.optional(),
  /** A call or visit that already happened is logged as done; a follow-up stays open. */
  done: z.boolean().optional(),
});

export const updateActivityInput = z.object({
  id: z.uuid(),
  data: z
    .object({
      ...activityFields,
      /** Done or open again; the completion time is set by the server. */
      done: z.boolean(),
    })
    .partial(),
});

export const completeActivityInput = z.object({ id: z.uuid(), done: z.boolean().default(true) });

export const timelineInput = z
  .object({
    accountId: z.uuid().optional(),
    contactId: z.uuid().optional(),
    opportunityId: z.uuid().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((v) => [v.accountId, v.contactId, v.opportunityId].filter(Boolean).length === 1, {
    message: 'validation.activityLink',
  });

export const followUpsInput = z.object({
  /** open: not done and with a due date; overdue: of those, due before now. */
  status: z.enum(['open', 'overdue']).default('open'),
  /** Leaders may look at a colleague's list; a rep always gets their own. */
  ownerId: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export type CreateActivityInput = z.output<typeof createActivityInput>;
