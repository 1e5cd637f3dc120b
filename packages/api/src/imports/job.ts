/**
 * The import as a job of the Postgres job runner (decision 010): `startImport` enqueues it with
 * the run, a worker claims it with a lease, and when that worker dies the lease runs out and
 * another worker (or the restarted process) claims it again — the rerun stages only the rows
 * still missing and commits once. Every transaction that ends the run goes through the
 * runner's fenced `complete`: a worker that lost its lease can stage (harmless, keyed by row)
 * but never commit or fail the run.
 */
import { type Database, importRuns, users } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { JobHandler, JobRunner } from '../jobs/runner.ts';
import { principalFromUser } from '../principal.ts';
import { IMPORT_JOB, type JobOptions, runImportJob } from './imports.ts';

const payload = z.object({ runId: z.uuid() });

export interface ImportJobOptions {
  /** Passed on to each run (tests watch batches, the crash test kills itself in one). */
  run?: Omit<JobOptions, 'transaction' | 'onError'>;
  /** The lease: how long a dead worker holds the import before another takes it (default 30 s). */
  leaseMs?: number;
}

export function importJobHandler(
  db: Database,
  options: ImportJobOptions = {},
): JobHandler<z.output<typeof payload>> {
  return {
    payload,
    leaseMs: options.leaseMs ?? 30_000,
    async run({ runId }, ctx) {
      const [run] = await db
        .select({ createdBy: importRuns.createdBy })
        .from(importRuns)
        .where(eq(importRuns.id, runId));
      if (!run) return;
      const [user] = await db.select().from(users).where(eq(users.id, run.createdBy));
      if (!user) return;
      const lastAttempt = ctx.job.attempts >= ctx.job.maxAttempts;
      try {
        // The run goes on in the name of whoever started it, with their rights at start time
        // re-checked row by row (owners, accounts) as in the report.
        await runImportJob(db, principalFromUser(user), runId, {
          ...options.run,
          transaction: (fn) => ctx.complete(fn),
          // A passing failure (database restarting) leaves the run running for the next
          // attempt; the last attempt records it as failed.
          onError: lastAttempt ? 'fail' : 'throw',
        });
      } catch (error) {
        // Already recorded on the run (and the job completed with it): nothing to retry.
        if (error instanceof AppError) return;
        throw error;
      }
    },
  };
}

export function registerImportJobs(runner: JobRunner, db: Database, options: ImportJobOptions = {}): void {
  runner.register(IMPORT_JOB, importJobHandler(db, options));
}
