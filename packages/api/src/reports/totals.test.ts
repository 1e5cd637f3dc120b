/**
 * The reports read `opportunity_pipeline_totals` (decision 019), which statement triggers keep
 * in the same transaction as every deal change. These tests change deals the ways the app does
 * (move, re-own, rename, archive, win, delete, a partner's co-edit, a repeatable-read writer,
 * a bulk insert that crosses the fold threshold) and check the report figures against values
 * worked out by hand, then against a scan of the deals after each fold and a full rebuild.
 */
import { type Database, opportunities, opportunityPipelineTotals } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import {
  callerFor,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';

let t: TestDatabase;
let db: Database;
let manager: Principal;
let partner: Principal;
let annaId: string;
let berndId: string;
let accountId: string;
let partnerOrgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  manager = (await makeUser(db, { role: 'manager', name: 'Maria Leitung' })).principal;
  annaId = (await makeUser(db, { role: 'rep', name: 'Anna Vertrieb' })).user.id;
  berndId = (await makeUser(db, { role: 'rep', name: 'Bernd Vertrieb' })).user.id;
  accountId = (await makeAccount(db, annaId)).id;
  const org = await makePartnerOrg(db, { name: 'Alpha Handel' });
  partnerOrgId = org.id;
  partner = (await makeUser(db, { role: 'partner_admin', partnerOrgId: org.id })).principal;
});

afterAll(async () => {
  await t?.destroy();
});

const report = () => callerFor(db, manager).caller.report;
const byOwner = async () =>
  (await report().pipeline({ groupBy: 'owner' })).rows.map((r) => [
    r.label,
    r.currency,
    r.count,
    r.amountMinor,
    r.weightedMinor,
  ]);
const byMonth = async () =>
  (await report().pipeline({ groupBy: 'month' })).rows.map((r) => [
    r.key,
    r.currency,
    r.count,
    r.amountMinor,
    r.weightedMinor,
  ]);
const deltaRows = async () => (await db.select().from(opportunityPipelineTotals)).length;
const set = (id: string, values: Partial<typeof opportunities.$inferInsert>) =>
  db.update(opportunities).set(values).where(eq(opportunities.id, id));

/** The pipeline per owner, stage, month and currency straight from the deals, as the reports define it. */
async function scan() {
  const result = await db.execute(sql`
    select owner_id, stage::text as stage, currency,
      to_char(case when stage = 'won' then closed_at at time zone 'Europe/Berlin' else expected_close_date::timestamp end, 'YYYY-MM') as month,
      count(*)::int as deals, sum(amount_minor)::text as amount, round(sum(amount_minor * probability) / 100.0)::text as weighted
    from opportunities
    where archived_at is null and stage in ('lead', 'qualified', 'proposal', 'negotiation', 'won')
    group by 1, 2, 3, 4 order by 1, 2, 3, 4 nulls last`);
  return rowsOf(result);
}
async function fromTotals() {
  const result = await db.execute(sql`
    select owner_id, stage::text as stage, currency, to_char(month::timestamp, 'YYYY-MM') as month,
      sum(deals)::int as deals, sum(amount_minor)::text as amount, round(sum(weighted_raw) / 100.0)::text as weighted
    from opportunity_pipeline_totals
    group by 1, 2, 3, 4 having sum(deals) > 0 order by 1, 2, 3, 4 nulls last`);
  return rowsOf(result);
}
function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows).map((r) => ({
    ...r,
  }));
}

describe('pipeline totals follow every change in the same transaction', () => {
  let d1: string;
  let d2: string;

  it('new deals count at once', async () => {
    d1 = (
      await makeOpportunity(db, accountId, annaId, {
        stage: 'lead',
        amountMinor: 100_000,
        probability: 10,
        expectedCloseDate: '2026-03-15',
      })
    ).id;
    d2 = (
      await makeOpportunity(db, accountId, annaId, {
        stage: 'proposal',
        amountMinor: 200_000,
        probability: 50,
        expectedCloseDate: '2026-03-20',
      })
    ).id;
    // 100 000 × 10 % + 200 000 × 50 % = 10 000 + 100 000.
    expect(await byOwner()).toEqual([['Anna Vertrieb', 'EUR', 2, 300_000, 110_000]]);
  });

  it('a deal moved to another owner and month leaves its old group', async () => {
    await set(d2, { ownerId: berndId, expectedCloseDate: '2026-04-02' });
    expect(await byOwner()).toEqual([
      ['Anna Vertrieb', 'EUR', 1, 100_000, 10_000],
      ['Bernd Vertrieb', 'EUR', 1, 200_000, 100_000],
    ]);
    expect(await byMonth()).toEqual([
      ['2026-03', 'EUR', 1, 100_000, 10_000],
      ['2026-04', 'EUR', 1, 200_000, 100_000],
    ]);
    const april = await report().pipeline({ groupBy: 'owner', from: '2026-04', to: '2026-04' });
    expect(april.rows.map((r) => [r.label, r.count, r.amountMinor])).toEqual([
      ['Bernd Vertrieb', 1, 200_000],
    ]);
  });

  it('a change that moves no figure writes no delta', async () => {
    const before = await deltaRows();
    await set(d1, { name: 'Umbenannt', description: 'nur Text' });
    expect(await deltaRows()).toBe(before);
  });

  it('archived deals drop out, and come back when restored', async () => {
    await set(d1, { archivedAt: new Date() });
    expect(await byOwner()).toEqual([['Bernd Vertrieb', 'EUR', 1, 200_000, 100_000]]);
    await set(d1, { archivedAt: null });
    expect(await byOwner()).toEqual([
      ['Anna Vertrieb', 'EUR', 1, 100_000, 10_000],
      ['Bernd Vertrieb', 'EUR', 1, 200_000, 100_000],
    ]);
  });

  it('a won deal leaves the pipeline and counts as won in its Berlin closing month', async () => {
    // 30 April 22:30 UTC is 1 May 00:30 in Berlin: May.
    await set(d2, { stage: 'won', probability: 100, closedAt: new Date('2026-04-30T22:30:00Z') });
    expect(await byOwner()).toEqual([['Anna Vertrieb', 'EUR', 1, 100_000, 10_000]]);
    const f = await report().forecast({ from: '2026-03', to: '2026-05' });
    expect(f.rows.map((r) => [r.month, r.currency, r.wonMinor, r.weightedOpenMinor])).toEqual([
      ['2026-03', 'EUR', 0, 10_000],
      ['2026-04', 'EUR', 0, 0],
      ['2026-05', 'EUR', 200_000, 0],
    ]);
  });

  it('a partner co-editing a shared deal moves the totals (their role cannot read them)', async () => {
    await share(db, d1, partnerOrgId, 'edit');
    await withPrincipalDb(db, partner, async (pdb) => {
      await pdb.update(opportunities).set({ amountMinor: 150_000 }).where(eq(opportunities.id, d1));
    });
    // Its own transaction: the refused read aborts the one it runs in.
    await expect(
      withPrincipalDb(db, partner, (pdb) => pdb.select().from(opportunityPipelineTotals)),
    ).rejects.toThrow();
    expect(await byOwner()).toEqual([['Anna Vertrieb', 'EUR', 1, 150_000, 15_000]]);
  });

  it('a writer in a repeatable-read transaction is counted too', async () => {
    await db.transaction(
      async (tx) => {
        await tx.update(opportunities).set({ probability: 20 }).where(eq(opportunities.id, d1));
      },
      { isolationLevel: 'repeatable read' },
    );
    expect(await byOwner()).toEqual([['Anna Vertrieb', 'EUR', 1, 150_000, 30_000]]);
  });

  it('a rolled-back change leaves no trace', async () => {
    await db
      .transaction(async (tx) => {
        await tx.update(opportunities).set({ amountMinor: 9_999_999 }).where(eq(opportunities.id, d1));
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await byOwner()).toEqual([['Anna Vertrieb', 'EUR', 1, 150_000, 30_000]]);
  });

  it('deleted deals are gone; a group with no deals left is no row', async () => {
    await db.delete(opportunities).where(eq(opportunities.id, d1));
    expect(await byOwner()).toEqual([]);
    expect(await byMonth()).toEqual([]);
  });

  it('a bulk insert and many single changes fold together and still match a scan of the deals', async () => {
    // 1 500 deals in one statement, spread over owners, stages, currencies and months.
    const stages = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
    await db.insert(opportunities).values(
      Array.from({ length: 1500 }, (_, i) => ({
        accountId,
        ownerId: i % 3 === 0 ? berndId : annaId,
        name: `Bulk ${i}`,
        stage: stages[i % 6]!,
        amountMinor: 10_000 + ((i * 7919) % 100_000),
        probability: (i * 13) % 101,
        currency: ['EUR', 'CHF', 'GBP'][i % 3]!,
        expectedCloseDate:
          i % 17 === 0
            ? null
            : `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        closedAt:
          stages[i % 6] === 'won' || stages[i % 6] === 'lost'
            ? new Date(Date.UTC(2026, i % 12, 1, 12))
            : null,
      })),
    );
    expect(await fromTotals()).toEqual(await scan());
    // 1 200 statements of one change each: crosses the fold threshold (every ~1 000 delta rows).
    const ids = (await db.select({ id: opportunities.id }).from(opportunities)).map((r) => r.id);
    for (let i = 0; i < 1200; i++) {
      const id = ids[(i * 37) % ids.length]!;
      await set(
        id,
        i % 4 === 0
          ? { expectedCloseDate: `2027-${String(1 + (i % 12)).padStart(2, '0')}-01` }
          : i % 4 === 1
            ? { amountMinor: 5_000 + i }
            : i % 4 === 2
              ? { stage: 'negotiation', probability: 75, closedAt: null }
              : { archivedAt: i % 8 === 3 ? new Date() : null },
      );
    }
    const folded = await deltaRows();
    const scanned = await scan();
    expect(await fromTotals()).toEqual(scanned);
    // Folded at least once: far fewer rows than the ~1 200 deltas written.
    expect(folded).toBeLessThan(scanned.length + 1000);
    await db.execute(sql`select konsort_pipeline_totals_compact()`);
    expect(await deltaRows()).toBe(scanned.length);
    expect(await fromTotals()).toEqual(scanned);
    await db.execute(sql`select konsort_pipeline_totals_rebuild()`);
    expect(await fromTotals()).toEqual(scanned);
    // And the report agrees with the scan, per owner and currency.
    const owners = await report().pipeline({ groupBy: 'owner' });
    const open = scanned.filter((r) => r.stage !== 'won');
    for (const row of owners.rows) {
      const mine = open.filter((r) => r.owner_id === row.key && r.currency === row.currency);
      expect(row.count).toBe(mine.reduce((n, r) => n + Number(r.deals), 0));
      expect(row.amountMinor).toBe(mine.reduce((n, r) => n + Number(r.amount), 0));
    }
  });
});
