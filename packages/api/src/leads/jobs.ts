import type { JobRunner } from '../jobs/index.ts';
import { expireLeadOffers } from './leads.ts';

export const EXPIRE_LEAD_OFFERS_JOB = 'lead.expireOffers';

/** Expires unanswered lead offers every 15 minutes (once per slot across all processes). */
export function registerLeadJobs(runner: JobRunner, intervalMs = 15 * 60_000): JobRunner {
  return runner
    .register(EXPIRE_LEAD_OFFERS_JOB, {
      async run(_payload, ctx) {
        await expireLeadOffers(ctx.db, ctx.now);
      },
    })
    .every(EXPIRE_LEAD_OFFERS_JOB, intervalMs);
}
