import { jobs } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withPrincipalDb } from '../rls.ts';
import { makeUser } from '../testing/index.ts';
import { enqueue, type JobLogger, JobRunner, LeaseLostError, PermanentJobError } from './runner.ts';

let t: TestDatabase;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});
beforeEach(async () => {
  await t.db.delete(jobs);
});

/** A clock the test moves by hand. */
function manualClock(start = new Date(Date.now() + 1000)) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

async function jobRow(dedupeKey: string) {
  const [row] = await t.db.select().from(jobs).where(eq(jobs.dedupeKey, dedupeKey));
  return row!;
}

describe('job runner', () => {
  it('runs a job enqueued in a committed transaction, and never one whose transaction rolled back', async () => {
    const seen: unknown[] = [];
    const runner = new JobRunner({ db: t.db, logger: quiet }).register('test.echo', {
      payload: z.object({ n: z.number() }),
      run: async (payload) => {
        seen.push(payload);
      },
    });
    await t.db.transaction(async (tx) =>
      enqueue(tx, { kind: 'test.echo', payload: { n: 1 }, dedupeKey: 'a' }),
    );
    await t.db
      .transaction(async (tx) => {
        await enqueue(tx, { kind: 'test.echo', payload: { n: 2 }, dedupeKey: 'b' });
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await runner.drain()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    const row = await jobRow('a');
    expect(row.status).toBe('done');
    expect(row.attempts).toBe(1);
    expect(row.completedAt).toBeInstanceOf(Date);
    expect(await runner.drain()).toBe(0);
  });

  it('enqueues a dedupe key once, even after the first job completed', async () => {
    let runs = 0;
    const runner = new JobRunner({ db: t.db, logger: quiet }).register('test.once', {
      run: async () => {
        runs++;
      },
    });
    await enqueue(t.db, { kind: 'test.once', dedupeKey: 'once' });
    await enqueue(t.db, { kind: 'test.once', dedupeKey: 'once' });
    await runner.drain();
    await enqueue(t.db, { kind: 'test.once', dedupeKey: 'once' });
    await runner.drain();
    expect(runs).toBe(1);
    const [{ n }] = (await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(eq(jobs.kind, 'test.once'))) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('waits for run_at, retries failures with backoff and gives up after max attempts', async () => {
    const clock = manualClock();
    let calls = 0;
    const runner = new JobRunner({ db: t.db, clock: clock.now, backoff: (n) => n * 60_000, logger: quiet });
    runner.register('test.flaky', {
      run: async () => {
        calls++;
        if (calls < 3) throw new Error(`boom ${calls}`);
      },
    });
    await enqueue(t.db, {
      kind: 'test.flaky',
      dedupeKey: 'flaky',
      runAt: new Date(clock.now().getTime() + 30_000),
    });
    expect(await runner.drain()).toBe(0);
    clock.advance(30_000);
    expect(await runner.drain()).toBe(1);
    let row = await jobRow('flaky');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error: boom 1' });
    expect(row.runAt.getTime()).toBe(clock.now().getTime() + 60_000);
    clock.advance(59_000);
    expect(await runner.drain()).toBe(0);
    clock.advance(1_000);
    await runner.drain();
    row = await jobRow('flaky');
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row.runAt.getTime()).toBe(clock.now().getTime() + 120_000);
    clock.advance(120_000);
    await runner.drain();
    expect(await jobRow('flaky')).toMatchObject({ status: 'done', attempts: 3 });

    runner.register('test.broken', {
      run: async () => {
        throw new Error('always');
      },
    });
    await enqueue(t.db, { kind: 'test.broken', dedupeKey: 'broken', maxAttempts: 2 });
    await runner.drain();
    clock.advance(60_000);
    await runner.drain();
    expect(await jobRow('broken')).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'Error: always',
    });
    clock.advance(3_600_000);
    expect(await runner.drain()).toBe(0);
  });

  it('fails at once on a permanent error or an invalid payload', async () => {
    const runner = new JobRunner({ db: t.db, logger: quiet })
      .register('test.permanent', {
        run: async () => {
          throw new PermanentJobError('no such mailbox');
        },
      })
      .register('test.typed', { payload: z.object({ id: z.uuid() }), run: async () => {} });
    await enqueue(t.db, { kind: 'test.permanent', dedupeKey: 'p' });
    await enqueue(t.db, { kind: 'test.typed', dedupeKey: 'typed', payload: { id: 'nope' } });
    await runner.drain();
    expect(await jobRow('p')).toMatchObject({ status: 'failed', attempts: 1 });
    const typed = await jobRow('typed');
    expect(typed.status).toBe('failed');
    expect(typed.lastError).toContain('invalid payload');
  });

  it('a job leased by a dead worker is taken by another once the lease has passed, and the dead one cannot complete it', async () => {
    const clock = manualClock();
    let release!: () => void;
    const stuck = new Promise<void>((r) => {
      release = r;
    });
    const effects: string[] = [];
    // Worker A claims the job and hangs (as if its process had died mid-run).
    const a = new JobRunner({ db: t.db, clock: clock.now, workerId: 'A', logger: quiet }).register(
      'test.lease',
      {
        leaseMs: 60_000,
        run: async (_p, ctx) => {
          await stuck;
          await ctx.complete(async (tx) => {
            effects.push('A');
            await tx.execute(sql`select 1`);
          });
        },
      },
    );
    const b = new JobRunner({ db: t.db, clock: clock.now, workerId: 'B', logger: quiet }).register(
      'test.lease',
      {
        leaseMs: 60_000,
        run: async (_p, ctx) => {
          await ctx.complete(async () => {
            effects.push('B');
          });
        },
      },
    );
    await enqueue(t.db, { kind: 'test.lease', dedupeKey: 'lease', runAt: clock.now() });
    const aRun = a.runOnce();
    await expect.poll(async () => (await jobRow('lease')).lockedBy).toBe('A');
    // Within A's lease B finds nothing to do.
    clock.advance(30_000);
    expect(await b.drain()).toBe(0);
    clock.advance(31_000);
    expect(await b.drain()).toBe(1);
    expect(await jobRow('lease')).toMatchObject({ status: 'done', lockedBy: 'B', attempts: 2 });
    // A wakes up: its completion is fenced on its lease token and rolls back.
    release();
    await aRun;
    expect(effects).toEqual(['B']);
    expect((await jobRow('lease')).status).toBe('done');
  });

  it('complete() rolls the handler writes back when the lease was lost', async () => {
    const runner = new JobRunner({ db: t.db, logger: quiet });
    let caught: unknown;
    runner.register('test.fenced', {
      run: async (_p, ctx) => {
        // Another worker took the job over: its lease token replaced ours.
        await t.db.update(jobs).set({ leaseToken: sql`gen_random_uuid()` }).where(eq(jobs.id, ctx.job.id));
        try {
          await ctx.complete(async (tx) => {
            await tx.insert(jobs).values({ kind: 'test.side-effect', dedupeKey: 'side-effect' });
          });
        } catch (e) {
          caught = e;
          throw e;
        }
      },
    });
    await enqueue(t.db, { kind: 'test.fenced', dedupeKey: 'fenced' });
    await runner.drain();
    expect(caught).toBeInstanceOf(LeaseLostError);
    expect(await t.db.select().from(jobs).where(eq(jobs.dedupeKey, 'side-effect'))).toHaveLength(0);
    expect((await jobRow('fenced')).status).toBe('pending');
  });

  it('two runners claim disjoint jobs and together run each exactly once', async () => {
    const ran: string[] = [];
    const make = (id: string) =>
      new JobRunner({ db: t.db, workerId: id, batchSize: 3, logger: quiet }).register('test.many', {
        payload: z.object({ i: z.number() }),
        run: async ({ i }) => {
          ran.push(String(i));
        },
      });
    for (let i = 0; i < 20; i++)
      await enqueue(t.db, { kind: 'test.many', payload: { i }, dedupeKey: `many-${i}` });
    await Promise.all([make('A').drain(), make('B').drain()]);
    expect(ran.sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
  });

  it('a recurring job runs once per interval slot across runners', async () => {
    const clock = manualClock(new Date('2026-11-25T10:00:10Z'));
    let runs = 0;
    const make = () =>
      new JobRunner({ db: t.db, clock: clock.now, logger: quiet })
        .register('test.tick', {
          run: async () => {
            runs++;
          },
        })
        .every('test.tick', 3_600_000);
    const [a, b] = [make(), make()];
    await a.drain();
    await b.drain();
    expect(runs).toBe(1);
    clock.advance(1_800_000);
    await a.drain();
    await b.drain();
    expect(runs).toBe(1);
    clock.advance(1_800_000);
    await b.drain();
    await a.drain();
    expect(runs).toBe(2);
  });

  it('start() polls and stop() waits for the job in hand', async () => {
    let finished = false;
    const runner = new JobRunner({ db: t.db, pollMs: 20, logger: quiet }).register('test.poll', {
      run: async () => {
        await new Promise((r) => setTimeout(r, 50));
        finished = true;
      },
    });
    runner.start();
    await enqueue(t.db, { kind: 'test.poll', dedupeKey: 'poll' });
    await expect.poll(async () => (await jobRow('poll')).lockedBy).not.toBeNull();
    await runner.stop();
    expect(finished).toBe(true);
    expect((await jobRow('poll')).status).toBe('done');
  });

  it("a partner's transaction may enqueue, but cannot read the queue", async () => {
    const partner = await makeUser(t.db, { role: 'partner_member' });
    await withPrincipalDb(t.db, partner.principal, async (db) => {
      await enqueue(db, { kind: 'test.partner', dedupeKey: 'from-partner' });
      // In a savepoint: the refused read must not abort the partner's transaction.
      await expect(db.transaction((sp) => sp.select().from(jobs))).rejects.toThrow();
    });
    expect((await jobRow('from-partner')).kind).toBe('test.partner');
  });
});
