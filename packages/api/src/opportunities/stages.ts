import type { OpportunityStage } from '@konsort/db';

export const defaultProbability: Record<OpportunityStage, number> = {
  lead: 10,
  qualified: 25,
  proposal: 50,
  negotiation: 75,
  won: 100,
  lost: 0,
};

export const openStages = [
  'lead',
  'qualified',
  'proposal',
  'negotiation',
] as const satisfies readonly OpportunityStage[];

export function isClosed(stage: OpportunityStage): boolean {
  return stage === 'won' || stage === 'lost';
}
