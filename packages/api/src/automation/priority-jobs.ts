/** The priority recompute's job kinds and its request (a leaf module: settings.ts imports it without a cycle). */
import type { Executor } from '@konsort/db';
import { rearm } from '../jobs/runner.ts';

/** Re-armed by the `opportunities` triggers (migration 0018), keyed `priority-recompute:<account>`. */
export const PRIORITY_RECOMPUTE_JOB = 'automation.priorityRecompute';
export const PRIORITY_RECOMPUTE_ALL_JOB = 'automation.priorityRecomputeAll';

/** Re-arms one recompute of every account (after the criteria changed), in the caller's transaction. */
export async function requestPriorityRecomputeAll(tx: Executor): Promise<void> {
  await rearm(tx, { kind: PRIORITY_RECOMPUTE_ALL_JOB, dedupeKey: 'priority-recompute-all' });
}
