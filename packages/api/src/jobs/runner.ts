/**
 * A Postgres-backed job queue. Jobs are rows written in the transaction that makes them
 * necessary (`enqueue(tx, …)`), so a job exists exactly when its cause committed. Workers claim
 * due rows with `FOR UPDATE SKIP LOCKED` and a lease: a job whose worker died is claimed again
 * once its lease has passed. Each claim gets a new lease token; completing or failing a job is
 * fenced on that token, so a worker that lost its lease cannot complete a job twice.
 *
 * The same SQL runs on PGlite (one connection: SKIP LOCKED is trivially true) and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Database, type Executor, jobs, type Transaction } from '@konsort/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

export interface EnqueueInput {
  /** Which registered handler runs it, e.g. `mail.send`. */
  kind: string;
  /** JSON; the handler validates it. */
  payload?: unknown;
  /** Not before this moment (default: now). */
  runAt?: Date;
  /** A job with this key is enqueued once, ever: a second enqueue with it does nothing. */
  dedupeKey?: string;
  /** Claims before the job is given up as failed (default 10). */
  maxAttempts?: number;
}

const enqueueSchema = z.object({
  kind: z.string().min(1).max(100),
  payload: z.unknown().optional(),
  runAt: z.date().optional(),
  dedupeKey: z.string().min(1).max(500).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/**
 * Adds a job in the caller's transaction: it becomes visible to workers when that commits, and
 * vanishes with it on rollback. Returns nothing: partner transactions may enqueue (an
 * invitation, a notification) but have no read access to the queue.
 */
export async function enqueue(tx: Executor, input: EnqueueInput): Promise<void> {
  const job = enqueueSchema.parse(input);
  const payload = JSON.stringify(job.payload ?? {});
  // Through the definer function: a partner's transaction may enqueue without reading the queue.
  await tx.execute(
    sql`select konsort_enqueue_job(${randomUUID()}::uuid, ${job.kind}, ${payload}::jsonb, ${
      job.runAt ? job.runAt.toISOString() : null
    }::timestamptz, ${job.maxAttempts ?? null}::integer, ${job.dedupeKey ?? null}::text)`,
  );
}

/**
 * Re-arms a keyed job: enqueues it, or sets the existing job with this key pending and due now
 * again (also one already done, and one a worker is running: that worker's completion is
 * fenced and rolls back). For "recompute X" work, where a burst of changes collapses into one
 * run but a change after a run needs another. Written in the caller's transaction.
 */
export async function rearm(tx: Executor, input: { kind: string; payload?: unknown; dedupeKey: string }) {
  const job = enqueueSchema.required({ dedupeKey: true }).parse(input);
  await tx.execute(
    sql`select konsort_rearm_job(${job.kind}, ${JSON.stringify(job.payload ?? {})}::jsonb, ${job.dedupeKey})`,
  );
}

/**
 * Withdraws a pending keyed job that has become pointless (a rescheduled or completed
 * reminder). A worker running it loses its lease and its completion rolls back; a job already
 * done stays done, so its key still stops a second enqueue.
 */
export async function cancelPending(tx: Executor, dedupeKey: string): Promise<void> {
  await tx.delete(jobs).where(and(eq(jobs.dedupeKey, dedupeKey), eq(jobs.status, 'pending')));
}

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  dedupeKey: string | null;
  leaseToken: string;
  runAt: Date;
}

export interface JobContext {
  db: Database;
  job: ClaimedJob;
  /** The runner's clock at claim time. */
  now: Date;
  /**
   * Completes the job in one transaction with `fn`'s writes (e.g. marking a mail sent): both
   * commit or neither. Throws LeaseLostError, rolling `fn` back, when another worker took the
   * job over meanwhile. Without a call, the runner completes the job when the handler returns.
   */
  complete(fn?: (tx: Transaction) => Promise<void>): Promise<void>;
}

export interface JobHandler<P = unknown> {
  /** Validates the payload; a payload that does not parse fails the job at once (no retries). */
  payload?: z.ZodType<P>;
  run(payload: P, ctx: JobContext): Promise<void>;
  /** How long a claim lasts before another worker may take the job (default 60 s); renewed while running. */
  leaseMs?: number;
}

/** Thrown by a handler for a failure that no retry can fix: the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(jobId: string) {
    super(`job ${jobId}: lease lost to another worker`);
  }
}

export interface JobLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const stderrLogger: JobLogger = {
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj, errorReplacer)}\n`),
};

function errorReplacer(_key: string, value: unknown) {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export interface JobRunnerOptions {
  db: Database;
  /** Recorded on claimed rows, for support. Default host:pid:random. */
  workerId?: string;
  /** How often to look for due jobs when idle (default 1 s). */
  pollMs?: number;
  /** Jobs claimed and run at once (default 4). */
  batchSize?: number;
  /** The clock; tests move it. */
  clock?: () => Date;
  /** Delay before retry n (1-based); default 5 s doubling up to 1 h, with jitter. */
  backoff?: (attempt: number) => number;
  logger?: JobLogger;
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

interface Recurring {
  kind: string;
  intervalMs: number;
  payload: unknown;
  lastSlot: number | null;
}

export class JobRunner {
  readonly workerId: string;
  private readonly db: Database;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly recurring: Recurring[] = [];
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly clock: () => Date;
  private readonly backoff: (attempt: number) => number;
  private readonly logger: JobLogger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private stopRequested = false;

  constructor(options: JobRunnerOptions) {
    this.db = options.db;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 4;
    this.clock = options.clock ?? (() => new Date());
    this.backoff = options.backoff ?? defaultBackoff;
    this.logger = options.logger ?? stderrLogger;
  }

  register<P>(kind: string, handler: JobHandler<P>): this {
    if (this.handlers.has(kind)) throw new Error(`job handler for ${kind} registered twice`);
    this.handlers.set(kind, handler as JobHandler<unknown>);
    return this;
  }

  /**
   * Runs `kind` once per interval slot, across all processes: each slot's job has the dedupe key
   * `every:<kind>:<slot start>`, so several runners enqueue it once and one of them runs it.
   */
  every(kind: string, intervalMs: number, payload: unknown = {}): this {
    if (intervalMs < 1000) throw new Error('recurring jobs run at most once a second');
    this.recurring.push({ kind, intervalMs, payload, lastSlot: null });
    return this;
  }

  get kinds(): string[] {
    return [...this.handlers.keys()];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopRequested = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        this.running = this.drain();
        await this.running;
      } catch (err) {
        this.logger.error({ err }, 'job runner poll failed');
      } finally {
        this.running = null;
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.pollMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  /** Stops polling and waits for the jobs in hand; an unfinished lease simply expires. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Claims and runs due jobs until none is left (or the runner is stopped). Returns how many ran. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n === 0 || this.stopRequested) break;
    }
    return total;
  }

  /** One poll: enqueue recurring slots, claim up to a batch of due jobs and run them. */
  async runOnce(): Promise<number> {
    await this.scheduleRecurring();
    const claimed = await this.claim();
    await Promise.all(claimed.map((job) => this.execute(job)));
    return claimed.length;
  }

  private async scheduleRecurring(): Promise<void> {
    const now = this.clock().getTime();
    for (const r of this.recurring) {
      const slot = Math.floor(now / r.intervalMs) * r.intervalMs;
      if (r.lastSlot === slot) continue;
      await enqueue(this.db, {
        kind: r.kind,
        payload: r.payload,
        runAt: new Date(slot),
        dedupeKey: `every:${r.kind}:${new Date(slot).toISOString()}`,
        maxAttempts: 3,
      });
      r.lastSlot = slot;
    }
  }

  private async claim(): Promise<ClaimedJob[]> {
    const kinds = this.kinds;
    if (kinds.length === 0) return [];
    const now = this.clock();
    const nowSql = sql`${now.toISOString()}::timestamptz`;
    // The clock reads whole milliseconds, `now()` in the database microseconds: a job enqueued
    // with run_at = now() in the same millisecond as this reading is due, not "in the future".
    const leaseOf = (kind: string) => this.handlers.get(kind)?.leaseMs ?? 60_000;
    // One lease length per claim keeps the statement simple; the longest of the kinds wins.
    const leaseMs = Math.max(...kinds.map(leaseOf));
    const kindList = sql.join(
      kinds.map((k) => sql`${k}`),
      sql`, `,
    );
    const result = await this.db.execute<{
      id: string;
      kind: string;
      payload: unknown;
      attempts: number;
      max_attempts: number;
      dedupe_key: string | null;
      lease_token: string;
      run_at: string | Date;
    }>(sql`
      update jobs set
        attempts = attempts + 1,
        locked_until = ${nowSql} + make_interval(secs => ${leaseMs / 1000}),
        lease_token = gen_random_uuid(),
        locked_by = ${this.workerId},
        updated_at = ${nowSql}
      where id in (
        select id from jobs
        where status = 'pending' and run_at < ${nowSql} + interval '1 millisecond'
          and (locked_until is null or locked_until <= ${nowSql})
          and kind in (${kindList})
        order by run_at, id
        limit ${this.batchSize}
        for update skip locked
      )
      returning id, kind, payload, attempts, max_attempts, dedupe_key, lease_token, run_at`);
    const rows = Array.isArray(result) ? result : (result as { rows: typeof result }).rows;
    return (rows as unknown as Record<string, unknown>[]).map((r) => ({
      id: String(r.id),
      kind: String(r.kind),
      payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload,
      attempts: Number(r.attempts),
      maxAttempts: Number(r.max_attempts),
      dedupeKey: (r.dedupe_key as string | null) ?? null,
      leaseToken: String(r.lease_token),
      runAt: new Date(r.run_at as string),
    }));
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    if (job.attempts > job.maxAttempts) {
      // Claimed again after its last allowed attempt died with its worker: give up.
      await this.fail(job, new PermanentJobError('attempts exhausted (worker died during the last one)'));
      return;
    }
    const leaseMs = handler.leaseMs ?? 60_000;
    let completed = false;
    const ctx: JobContext = {
      db: this.db,
      job,
      now: this.clock(),
      complete: async (fn) => {
        if (completed) throw new Error(`job ${job.id} completed twice`);
        await this.db.transaction(async (tx) => {
          const done = await tx
            .update(jobs)
            .set({ status: 'done', completedAt: this.clock(), lockedUntil: null, updatedAt: this.clock() })
            .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'pending')))
            .returning({ id: jobs.id });
          if (done.length === 0) throw new LeaseLostError(job.id);
          if (fn) await fn(tx);
        });
        completed = true;
      },
    };
    // Renew the lease while the handler runs, so a slow but live worker keeps its job.
    const heartbeat = setInterval(
      () => {
        const until = new Date(this.clock().getTime() + leaseMs);
        this.db
          .update(jobs)
          .set({ lockedUntil: until })
          .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'pending')))
          .catch((err: unknown) => this.logger.warn({ err, jobId: job.id }, 'job lease renewal failed'));
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    try {
      let payload: unknown = job.payload;
      if (handler.payload) {
        const parsed = handler.payload.safeParse(job.payload);
        if (!parsed.success) throw new PermanentJobError(`invalid payload: ${parsed.error.message}`);
        payload = parsed.data;
      }
      await handler.run(payload, ctx);
      if (!completed) await ctx.complete();
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.logger.warn({ jobId: job.id, kind: job.kind }, 'job lease lost; another worker has it');
      } else {
        await this.fail(job, err);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async fail(job: ClaimedJob, err: unknown): Promise<void> {
    const permanent = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const now = this.clock();
    await this.db
      .update(jobs)
      .set({
        status: permanent ? 'failed' : 'pending',
        runAt: permanent ? job.runAt : new Date(now.getTime() + this.backoff(job.attempts)),
        lockedUntil: null,
        leaseToken: null,
        lastError: message.slice(0, 4000),
        updatedAt: now,
        ...(permanent ? { completedAt: now } : {}),
      })
      .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'pending')));
    const log = permanent ? this.logger.error : this.logger.warn;
    log.call(
      this.logger,
      { err, jobId: job.id, kind: job.kind, attempt: job.attempts },
      permanent ? 'job failed for good' : 'job failed; will retry',
    );
  }
}
