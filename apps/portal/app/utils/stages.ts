import type { OpportunityStage } from '@konsort/db';

/** The pipeline in order (the same values as the database enum; checked by the type). */
export const stages = [
  'lead',
  'qualified',
  'proposal',
  'negotiation',
  'won',
  'lost',
] as const satisfies readonly OpportunityStage[];

export type Stage = (typeof stages)[number];

export const stageColors: Record<Stage, string> = {
  lead: 'bg-slate-100 text-slate-800',
  qualified: 'bg-sky-100 text-sky-900',
  proposal: 'bg-indigo-100 text-indigo-900',
  negotiation: 'bg-amber-100 text-amber-900',
  won: 'bg-emerald-100 text-emerald-900',
  lost: 'bg-rose-100 text-rose-900',
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (stages as readonly string[]).includes(value);
}
