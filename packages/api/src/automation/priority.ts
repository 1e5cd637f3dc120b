/**
 * Customer priority follows its inputs right after they change, not on the next sweep:
 *
 *  - a deal's amount, probability, stage, close date, archive state or account changes → the
 *    database re-arms `automation.priorityRecompute` for that account in the same transaction
 *    (statement triggers on `opportunities`, migration 0018), keyed `priority-recompute:<account>`
 *    so a burst of changes collapses into one run, and a change after a run re-arms it;
 *  - the strategic flag: `setStrategic` recomputes in its own transaction;
 *  - the criteria settings: saving them re-arms one recompute of every account.
 *
 * A recompute writes the priority and its history row only when the class changes. The hourly
 * recurring run is the safety net: revenue counts won deals of the last 365 days, so a deal
 * ageing out of that window changes a class without any write, and it catches writes made
 * outside the app (a hand-written SQL fix with the triggers disabled).
 */
import { accounts, type Database } from '@konsort/db';
import { isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { JobHandler, JobRunner } from '../jobs/runner.ts';
import { recomputePriorities } from './automation.ts';
import {
  PRIORITY_RECOMPUTE_ALL_JOB,
  PRIORITY_RECOMPUTE_JOB,
  requestPriorityRecomputeAll,
} from './priority-jobs.ts';

export { PRIORITY_RECOMPUTE_ALL_JOB, PRIORITY_RECOMPUTE_JOB, requestPriorityRecomputeAll };
/** The safety-net sweep over all accounts. */
export const PRIORITY_SWEEP_INTERVAL_MS = 3_600_000;

/** Recomputes one account's priority, locked against a concurrent recompute of the same account. */
export function priorityRecomputeHandler(): JobHandler<{ accountId: string }> {
  return {
    payload: z.object({ accountId: z.uuid() }),
    async run({ accountId }, ctx) {
      await ctx.complete(async (tx) => {
        // One recompute per account at a time (this job, the sweep, setStrategic): the second
        // waits and then sees the first one's class, so a change gets one history row.
        // NO KEY UPDATE: deals being inserted for the account (KEY SHARE) are not blocked.
        await tx.execute(
          sql`select 1 from ${accounts} where ${accounts.id} = ${accountId} for no key update`,
        );
        await recomputePriorities(tx, accountId);
      });
    },
  };
}

/** Recomputes every account's priority: after new criteria, and hourly as the safety net. */
export function priorityRecomputeAllHandler(db: Database): JobHandler {
  return {
    async run() {
      const ids = await db.select({ id: accounts.id }).from(accounts).where(isNull(accounts.archivedAt));
      // Per account, each in its own short transaction: no long lock over every account.
      for (const { id } of ids)
        await db.transaction(async (tx) => {
          await tx.execute(sql`select 1 from ${accounts} where ${accounts.id} = ${id} for no key update`);
          await recomputePriorities(tx, id);
        });
    },
  };
}

export function registerPriorityJobs(
  runner: JobRunner,
  db: Database,
  options: { sweepMs?: number } = {},
): JobRunner {
  runner.register(PRIORITY_RECOMPUTE_JOB, priorityRecomputeHandler());
  runner.register(PRIORITY_RECOMPUTE_ALL_JOB, priorityRecomputeAllHandler(db));
  runner.every(PRIORITY_RECOMPUTE_ALL_JOB, options.sweepMs ?? PRIORITY_SWEEP_INTERVAL_MS);
  return runner;
}
