/**
 * Customer priority follows a change right after it commits: the deal triggers re-arm one
 * keyed recompute per account (migration 0018), run here by a job runner that knows only that
 * job, so no sweep can have done it. On PGlite and, in the system run, PostgreSQL.
 */
import { accountPriorities, accountPriorityHistory, jobs, opportunities } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import type { UserPrincipal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import {
  callerFor,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import {
  PRIORITY_RECOMPUTE_ALL_JOB,
  PRIORITY_RECOMPUTE_JOB,
  priorityRecomputeAllHandler,
  priorityRecomputeHandler,
} from './priority.ts';
import { settingDefaults } from './settings.ts';

let t: TestDatabase;
let rep: UserPrincipal;
let admin: UserPrincipal;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  t = await createTestDatabase();
  rep = (await makeUser(t.db, { role: 'rep' })).principal;
  admin = (await makeUser(t.db, { role: 'admin' })).principal;
});
afterAll(async () => {
  await t?.destroy();
});

/** Only the per-account recompute (no recurring sweep registered). */
function onChangeRunner() {
  return new JobRunner({ db: t.db, logger: quiet }).register(
    PRIORITY_RECOMPUTE_JOB,
    priorityRecomputeHandler(),
  );
}

async function recomputeJob(accountId: string) {
  const rows = await t.db
    .select()
    .from(jobs)
    .where(eq(jobs.dedupeKey, `priority-recompute:${accountId}`));
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

async function priorityOf(accountId: string) {
  const [row] = await t.db.select().from(accountPriorities).where(eq(accountPriorities.accountId, accountId));
  return row?.priority ?? null;
}

async function historyOf(accountId: string) {
  return t.db
    .select()
    .from(accountPriorityHistory)
    .where(eq(accountPriorityHistory.accountId, accountId))
    .orderBy(desc(accountPriorityHistory.changedAt), desc(accountPriorityHistory.id));
}

describe('customer priority on change', () => {
  it('a won deal changes the account from C to B right after the change, with a history entry', async () => {
    const account = await makeAccount(t.db, rep.userId, { type: 'customer' });
    // 15,000.00 € at 50 %: pipeline 7,500.00 € is below B (25,000.00 €); no revenue yet.
    const deal = await makeOpportunity(t.db, account.id, rep.userId, {
      amountMinor: 1_500_000,
      probability: 50,
      stage: 'proposal',
    });
    expect(await recomputeJob(account.id)).toMatchObject({ status: 'pending', kind: PRIORITY_RECOMPUTE_JOB });
    const runner = onChangeRunner();
    expect(await runner.drain()).toBe(1);
    expect(await priorityOf(account.id)).toBe('C');

    await callerFor(t.db, rep).caller.automation.closeDeal({ opportunityId: deal.id, outcome: 'won' });
    // Committed with the deal: the recompute is due now, the class not yet changed.
    expect(await recomputeJob(account.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await priorityOf(account.id)).toBe('C');
    expect(await runner.drain()).toBe(1);
    // Revenue 15,000.00 € in the last year ≥ B (10,000.00 €).
    expect(await priorityOf(account.id)).toBe('B');
    const history = await historyOf(account.id);
    expect(history.map((h) => [h.fromPriority, h.toPriority])).toEqual([
      ['C', 'B'],
      [null, 'C'],
    ]);
    expect(history[0]!.reasons).toMatchObject({
      revenueMinor: 1_500_000,
      pipelineMinor: 0,
      strategic: false,
    });
    // Nothing changed since: another run writes no history.
    await t.db.execute(
      sql`select konsort_rearm_job(${PRIORITY_RECOMPUTE_JOB}, ${JSON.stringify({ accountId: account.id })}::jsonb, ${`priority-recompute:${account.id}`})`,
    );
    expect(await runner.drain()).toBe(1);
    expect(await historyOf(account.id)).toHaveLength(2);
  });

  it('a burst of changes collapses into one run; a change while a run is in hand runs it again', async () => {
    const account = await makeAccount(t.db, rep.userId, { type: 'customer' });
    const deal = await makeOpportunity(t.db, account.id, rep.userId, {
      amountMinor: 100_000,
      probability: 100,
    });
    for (const amountMinor of [200_000, 300_000, 3_000_000])
      await t.db.update(opportunities).set({ amountMinor }).where(eq(opportunities.id, deal.id));
    // A change the priority does not read (the name) does not re-arm it.
    await t.db.update(opportunities).set({ name: 'Umbenannt' }).where(eq(opportunities.id, deal.id));
    expect(await recomputeJob(account.id)).toMatchObject({ status: 'pending', attempts: 0 });
    const runner = onChangeRunner();
    expect(await runner.drain()).toBe(1);
    expect(await priorityOf(account.id)).toBe('B');
    expect(await recomputeJob(account.id)).toMatchObject({ status: 'done', attempts: 1 });

    // A worker holds the job (claimed, lease running) when the deal changes again: the change
    // takes the job back (new lease, due now), so the next run reads the committed change.
    await t.db
      .update(jobs)
      .set({
        status: 'pending',
        attempts: 1,
        lockedBy: 'busy-worker',
        lockedUntil: new Date(Date.now() + 600_000),
        leaseToken: sql`gen_random_uuid()`,
      })
      .where(eq(jobs.dedupeKey, `priority-recompute:${account.id}`));
    await t.db
      .update(opportunities)
      .set({ stage: 'lost', probability: 0 })
      .where(eq(opportunities.id, deal.id));
    expect(await recomputeJob(account.id)).toMatchObject({
      lockedUntil: null,
      leaseToken: null,
      attempts: 0,
    });
    expect(await runner.drain()).toBe(1);
    expect(await priorityOf(account.id)).toBe('C');
    expect((await historyOf(account.id)).map((h) => h.toPriority)).toEqual(['C', 'B']);
  });

  it('moving a deal to another account recomputes both; new criteria recompute every account', async () => {
    const from = await makeAccount(t.db, rep.userId, { type: 'customer' });
    const to = await makeAccount(t.db, rep.userId, { type: 'customer' });
    const deal = await makeOpportunity(t.db, from.id, rep.userId, {
      amountMinor: 30_000_000,
      probability: 100,
      stage: 'negotiation',
    });
    const runner = onChangeRunner();
    await runner.drain();
    expect(await priorityOf(from.id)).toBe('A');
    await t.db.update(opportunities).set({ accountId: to.id }).where(eq(opportunities.id, deal.id));
    await runner.drain();
    expect([await priorityOf(from.id), await priorityOf(to.id)]).toEqual(['C', 'A']);

    // The admin raises A's pipeline threshold above 300,000.00 €: the account drops to B.
    await callerFor(t.db, admin).caller.automation.updateSetting({
      key: 'priority',
      value: {
        ...settingDefaults.priority,
        a: { ...settingDefaults.priority.a, minPipelineMinor: 50_000_000 },
      },
    });
    const [all] = await t.db.select().from(jobs).where(eq(jobs.dedupeKey, 'priority-recompute-all'));
    expect(all).toMatchObject({ status: 'pending', kind: PRIORITY_RECOMPUTE_ALL_JOB });
    const sweepless = new JobRunner({ db: t.db, logger: quiet }).register(
      PRIORITY_RECOMPUTE_ALL_JOB,
      priorityRecomputeAllHandler(t.db),
    );
    expect(await sweepless.drain()).toBe(1);
    expect(await priorityOf(to.id)).toBe('B');
    expect((await historyOf(to.id)).map((h) => [h.fromPriority, h.toPriority])[0]).toEqual(['A', 'B']);
  });

  it("a partner co-editing a shared deal's amount re-arms the recompute too (under row-level security)", async () => {
    const account = await makeAccount(t.db, rep.userId, { type: 'customer' });
    const deal = await makeOpportunity(t.db, account.id, rep.userId, {
      amountMinor: 100_000,
      probability: 100,
      stage: 'negotiation',
    });
    const runner = onChangeRunner();
    await runner.drain();
    expect(await priorityOf(account.id)).toBe('C');
    const org = await makePartnerOrg(t.db);
    const partner = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
    await share(t.db, deal.id, org.id, 'edit');
    await withPrincipalDb(t.db, partner.principal, (db) =>
      db.update(opportunities).set({ amountMinor: 3_000_000 }).where(eq(opportunities.id, deal.id)),
    );
    expect(await recomputeJob(account.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await runner.drain()).toBe(1);
    expect(await priorityOf(account.id)).toBe('B');
  });
});
