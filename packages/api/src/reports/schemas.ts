import { z } from 'zod';

export const monthString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'validation.month');

/** Months are calendar months in the team's time zone (Europe/Berlin), `YYYY-MM`, both ends included. */
const range = {
  from: monthString.optional(),
  to: monthString.optional(),
  /** Leaders may narrow to one rep; a rep's reports always count only their own deals. */
  ownerId: z.uuid().optional(),
};

const ordered = (v: { from?: string | undefined; to?: string | undefined }) =>
  !v.from || !v.to || v.from <= v.to;
const orderIssue = { message: 'validation.rangeOrder', path: ['to'] };

export const rangeInput = z.object(range).refine(ordered, orderIssue);

export const pipelineGroups = ['owner', 'month', 'stage', 'partner'] as const;
export const pipelineInput = z
  .object({ ...range, groupBy: z.enum(pipelineGroups).default('stage') })
  .refine(ordered, orderIssue);

export const ganttInput = z
  .object({ ...range, limit: z.number().int().min(1).max(500).default(100) })
  .refine(ordered, orderIssue);

export const reportNames = [
  'pipeline',
  'gantt',
  'kpis',
  'forecast',
  'revenue',
  'lossReasons',
  'partners',
] as const;
export type ReportName = (typeof reportNames)[number];

export type RangeInput = z.output<typeof rangeInput>;
export type PipelineInput = z.output<typeof pipelineInput>;
export type GanttInput = z.output<typeof ganttInput>;
