/**
 * Report figures against values computed by hand from a small seed built here. Every expected
 * number below was worked out on paper from the rows in `beforeAll` (see the comments), not
 * by running the report's SQL, so a wrong GROUP BY, a currency mix-up or a time-zone slip fails.
 */
import { type Database, dealRegistrations, type Opportunity } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../i18n/messages.ts';
import type { Principal } from '../principal.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import { issueKeys } from '../validation.ts';

let t: TestDatabase;
let manager: Principal;
let anna: Principal;
let bernd: Principal;
let partner: Principal;
let annaId: string;
let berndId: string;
let alphaId: string;
let betaId: string;
const deals: Record<string, Opportunity> = {};

const at = (iso: string) => new Date(iso);

async function deal(
  db: Database,
  key: string,
  accountId: string,
  ownerId: string,
  o: Partial<Opportunity> & { amountMinor: number },
) {
  deals[key] = await makeOpportunity(db, accountId, ownerId, { name: key, ...o });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  manager = (await makeUser(db, { role: 'manager', name: 'Maria Leitung' })).principal;
  const a = await makeUser(db, { role: 'rep', name: 'Anna Vertrieb' });
  const b = await makeUser(db, { role: 'rep', name: 'Bernd Vertrieb' });
  anna = a.principal;
  bernd = b.principal;
  annaId = a.user.id;
  berndId = b.user.id;
  const alpha = await makePartnerOrg(db, { name: 'Alpha Handel', tier: 'gold', kind: 'dealer' });
  const beta = await makePartnerOrg(db, { name: 'Beta Supply', tier: 'silver', kind: 'supplier' });
  alphaId = alpha.id;
  betaId = beta.id;
  const p = await makeUser(db, { role: 'partner_admin', partnerOrgId: alpha.id });
  partner = p.principal;
  const accA = await makeAccount(db, annaId);
  const accB = await makeAccount(db, berndId);

  // Open deals.
  await deal(db, 'O1', accA.id, annaId, {
    stage: 'lead',
    amountMinor: 100_000,
    probability: 10,
    expectedCloseDate: '2026-03-15',
    createdAt: at('2026-01-10T12:00:00Z'),
  });
  await deal(db, 'O2', accA.id, annaId, {
    stage: 'proposal',
    amountMinor: 200_000,
    probability: 50,
    expectedCloseDate: '2026-03-20',
    createdAt: at('2026-02-01T12:00:00Z'),
  });
  await deal(db, 'O3', accB.id, berndId, {
    stage: 'negotiation',
    amountMinor: 300_000,
    probability: 75,
    expectedCloseDate: '2026-04-10',
    createdAt: at('2026-01-05T12:00:00Z'),
  });
  await deal(db, 'O4', accB.id, berndId, {
    stage: 'qualified',
    amountMinor: 400_000,
    currency: 'CHF',
    probability: 25,
    expectedCloseDate: '2026-04-30',
    createdAt: at('2026-02-15T12:00:00Z'),
  });
  await deal(db, 'O5', accA.id, annaId, {
    stage: 'proposal',
    amountMinor: 50_000,
    probability: 50,
    expectedCloseDate: null,
    createdAt: at('2026-02-20T12:00:00Z'),
  });
  // Archived: counted nowhere.
  await deal(db, 'O6', accA.id, annaId, {
    stage: 'lead',
    amountMinor: 999_999,
    expectedCloseDate: '2026-03-01',
    archivedAt: at('2026-02-01T00:00:00Z'),
  });
  // Won.
  await deal(db, 'W1', accA.id, annaId, {
    stage: 'won',
    probability: 100,
    amountMinor: 500_000,
    businessType: 'new',
    createdAt: at('2026-01-01T12:00:00Z'),
    closedAt: at('2026-01-31T12:00:00Z'), // 30 days, January
  });
  await deal(db, 'W2', accA.id, annaId, {
    stage: 'won',
    probability: 100,
    amountMinor: 250_000,
    businessType: 'existing',
    createdAt: at('2026-01-10T23:30:00Z'),
    closedAt: at('2026-01-31T23:30:00Z'), // 21 days; 1 February 00:30 in Berlin → February
  });
  await deal(db, 'W3', accB.id, berndId, {
    stage: 'won',
    probability: 100,
    amountMinor: 800_000,
    currency: 'CHF',
    businessType: 'new',
    createdAt: at('2026-02-01T12:00:00Z'),
    closedAt: at('2026-03-03T12:00:00Z'), // 30 days, March
  });
  await deal(db, 'W4', accB.id, berndId, {
    stage: 'won',
    probability: 100,
    amountMinor: 150_000,
    businessType: 'existing',
    createdAt: at('2025-12-01T12:00:00Z'),
    closedAt: at('2025-12-20T12:00:00Z'), // before 2026
  });
  // Lost.
  await deal(db, 'L1', accA.id, annaId, {
    stage: 'lost',
    probability: 0,
    amountMinor: 120_000,
    lostReason: 'Preis',
    closedAt: at('2026-02-10T12:00:00Z'),
  });
  await deal(db, 'L2', accB.id, berndId, {
    stage: 'lost',
    probability: 0,
    amountMinor: 80_000,
    lostReason: 'Preis',
    closedAt: at('2026-03-05T12:00:00Z'),
  });
  await deal(db, 'L3', accB.id, berndId, {
    stage: 'lost',
    probability: 0,
    amountMinor: 60_000,
    currency: 'CHF',
    lostReason: '  ',
    closedAt: at('2026-03-06T12:00:00Z'),
  });
  await deal(db, 'L4', accA.id, annaId, {
    stage: 'lost',
    probability: 0,
    amountMinor: 70_000,
    lostReason: 'Wettbewerb',
    closedAt: at('2026-02-11T12:00:00Z'),
  });
  await share(db, deals.O1!.id, alpha.id, 'view');
  await share(db, deals.O3!.id, alpha.id, 'edit');
  await share(db, deals.O3!.id, beta.id, 'view');
  await share(db, deals.O4!.id, beta.id, 'view');
  await share(db, deals.W1!.id, alpha.id, 'view');
  await share(db, deals.W3!.id, beta.id, 'view');

  // Registrations: Alpha 4 in 2026 (pending, approved, won, rejected); Beta 1 rejected in 2026, 1 approved in 2025.
  const registration = (partnerOrgId: string, status: string, createdAt: string) => ({
    partnerOrgId,
    submittedBy: p.user.id,
    companyName: `Kunde ${status}`,
    normalizedName: `kunde ${status}`,
    contactName: 'Max Muster',
    contactEmail: 'max@kunde.example',
    estimatedAmountMinor: 1000,
    products: 'Fräse',
    status: status as 'submitted',
    expiresAt: at('2026-12-31T00:00:00Z'),
    createdAt: at(createdAt),
  });
  await db
    .insert(dealRegistrations)
    .values([
      registration(alpha.id, 'submitted', '2026-01-15T12:00:00Z'),
      registration(alpha.id, 'approved', '2026-02-15T12:00:00Z'),
      registration(alpha.id, 'won', '2026-03-15T12:00:00Z'),
      registration(alpha.id, 'rejected', '2026-04-15T12:00:00Z'),
      registration(beta.id, 'rejected', '2026-05-15T12:00:00Z'),
      registration(beta.id, 'approved', '2025-12-15T12:00:00Z'),
    ]);

  // Targets through the API, as a manager enters them.
  const m = callerFor(db, manager).caller;
  // Anna: new 12 000,00 EUR a year evenly (1 000,00 a month), existing 6 000,00 (500,00 a month).
  await m.target.setAnnual({
    userId: annaId,
    year: 2026,
    businessType: 'new',
    currency: 'EUR',
    annualMinor: 1_200_000,
  });
  await m.target.setAnnual({
    userId: annaId,
    year: 2026,
    businessType: 'existing',
    currency: 'EUR',
    annualMinor: 600_000,
  });
  // Bernd: new 12 000,00 CHF by weights summing to 16 → 75 000 per weight; then March edited to 200 000.
  await m.target.setAnnual({
    userId: berndId,
    year: 2026,
    businessType: 'new',
    currency: 'CHF',
    annualMinor: 1_200_000,
    weights: [1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1],
  });
  await m.target.setMonth({
    userId: berndId,
    year: 2026,
    month: 3,
    businessType: 'new',
    currency: 'CHF',
    amountMinor: 200_000,
  });
});

afterAll(async () => {
  await t?.destroy();
});

const year = { from: '2026-01', to: '2026-12' };

describe('targets as entered', () => {
  it('split the annual targets into months and keep the edited month', async () => {
    const lines = await callerFor(t.db, manager).caller.target.list({ year: 2026 });
    const bern = lines.find((l) => l.userId === berndId)!;
    expect(bern.months).toEqual([
      75_000, 75_000, 200_000, 150_000, 150_000, 150_000, 75_000, 75_000, 75_000, 75_000, 75_000, 75_000,
    ]);
    expect(bern.annualMinor).toBe(1_250_000);
    const annaNew = lines.find((l) => l.userId === annaId && l.businessType === 'new')!;
    expect(annaNew.months).toEqual(Array(12).fill(100_000));
  });
});

describe('pipeline', () => {
  it('by stage: open, not archived, per currency, weighted = Σ amount × probability / 100', async () => {
    const r = await callerFor(t.db, manager).caller.report.pipeline({ groupBy: 'stage' });
    expect(
      r.rows.map(({ key, currency, count, amountMinor, weightedMinor }) => [
        key,
        currency,
        count,
        amountMinor,
        weightedMinor,
      ]),
    ).toEqual([
      ['lead', 'EUR', 1, 100_000, 10_000],
      ['qualified', 'CHF', 1, 400_000, 100_000],
      ['proposal', 'EUR', 2, 250_000, 125_000],
      ['negotiation', 'EUR', 1, 300_000, 225_000],
    ]);
  });

  it('by owner, with names', async () => {
    const r = await callerFor(t.db, manager).caller.report.pipeline({ groupBy: 'owner' });
    expect(r.rows.map((x) => [x.label, x.currency, x.count, x.amountMinor, x.weightedMinor])).toEqual([
      ['Anna Vertrieb', 'EUR', 3, 350_000, 135_000],
      ['Bernd Vertrieb', 'CHF', 1, 400_000, 100_000],
      ['Bernd Vertrieb', 'EUR', 1, 300_000, 225_000],
    ]);
  });

  it('by expected-close month, deals without a date last', async () => {
    const r = await callerFor(t.db, manager).caller.report.pipeline({ groupBy: 'month' });
    expect(r.rows.map((x) => [x.key, x.currency, x.count, x.amountMinor, x.weightedMinor])).toEqual([
      ['2026-03', 'EUR', 2, 300_000, 110_000],
      ['2026-04', 'CHF', 1, 400_000, 100_000],
      ['2026-04', 'EUR', 1, 300_000, 225_000],
      [null, 'EUR', 1, 50_000, 25_000],
    ]);
  });

  it('by partner: a deal shared twice counts for both, unshared deals as direct', async () => {
    const r = await callerFor(t.db, manager).caller.report.pipeline({ groupBy: 'partner' });
    expect(r.rows.map((x) => [x.label, x.currency, x.count, x.amountMinor, x.weightedMinor])).toEqual([
      ['Alpha Handel', 'EUR', 2, 400_000, 235_000],
      ['Beta Supply', 'CHF', 1, 400_000, 100_000],
      ['Beta Supply', 'EUR', 1, 300_000, 225_000],
      [null, 'EUR', 2, 250_000, 125_000],
    ]);
  });

  it('a rep sees only their own deals and cannot ask for a colleague', async () => {
    const { caller } = callerFor(t.db, anna);
    const r = await caller.report.pipeline({ groupBy: 'stage' });
    expect(r.rows.map((x) => [x.key, x.amountMinor])).toEqual([
      ['lead', 100_000],
      ['proposal', 250_000],
    ]);
    expect((await failure(caller.report.pipeline({ groupBy: 'stage', ownerId: berndId }))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('partners get no reports', async () => {
    const { caller } = callerFor(t.db, partner);
    expect((await failure(caller.report.pipeline({ groupBy: 'partner' }))).code).toBe('FORBIDDEN');
    expect((await failure(caller.report.csv({ report: 'kpis', params: {} }))).code).toBe('FORBIDDEN');
  });
});

describe('gantt', () => {
  it('open deals with a close date, soonest close first, created → expected close', async () => {
    const r = await callerFor(t.db, manager).caller.report.gantt({});
    expect(r.rows.map((x) => [x.name, x.start, x.end])).toEqual([
      ['O1', '2026-01-10', '2026-03-15'],
      ['O2', '2026-02-01', '2026-03-20'],
      ['O3', '2026-01-05', '2026-04-10'],
      ['O4', '2026-02-15', '2026-04-30'],
    ]);
    expect(r.truncated).toBe(false);
  });

  it('a window keeps the bars that overlap it; the limit says when it cut', async () => {
    const { caller } = callerFor(t.db, manager);
    const april = await caller.report.gantt({ from: '2026-04', to: '2026-04' });
    expect(april.rows.map((x) => x.name)).toEqual(['O3', 'O4']);
    const one = await caller.report.gantt({ from: '2026-04', to: '2026-04', limit: 1 });
    expect(one.rows.map((x) => x.name)).toEqual(['O3']);
    expect(one.truncated).toBe(true);
  });
});

describe('KPIs', () => {
  it('for 2026: win rate 3/7, cycle 27 days, average won deal and coverage per currency', async () => {
    const r = await callerFor(t.db, manager).caller.report.kpis(year);
    expect(r.wonCount).toBe(3);
    expect(r.lostCount).toBe(4);
    expect(r.winRate).toBeCloseTo(3 / 7, 10);
    expect(r.averageCycleDays).toBeCloseTo((30 + 21 + 30) / 3, 6);
    expect(r.perCurrency).toEqual([
      {
        currency: 'CHF',
        wonCount: 1,
        wonMinor: 800_000,
        averageWonMinor: 800_000,
        openMinor: 400_000,
        weightedOpenMinor: 100_000,
        targetMinor: 1_250_000,
        coverage: expect.closeTo(400_000 / 450_000, 10),
      },
      {
        currency: 'EUR',
        wonCount: 2,
        wonMinor: 750_000,
        averageWonMinor: 375_000,
        openMinor: 600_000,
        weightedOpenMinor: 335_000,
        targetMinor: 1_800_000,
        coverage: expect.closeTo(600_000 / 1_050_000, 10),
      },
    ]);
  });

  it('months are Berlin months: a deal won at 00:30 on 1 February (23:30 UTC) is not January', async () => {
    const r = await callerFor(t.db, manager).caller.report.kpis({ from: '2026-01', to: '2026-01' });
    expect(r.wonCount).toBe(1);
    expect(r.lostCount).toBe(0);
    expect(r.winRate).toBe(1);
    expect(r.perCurrency.find((c) => c.currency === 'EUR')?.wonMinor).toBe(500_000);
  });

  it('rejects a range that ends before it starts, in the user’s language', async () => {
    const e = await failure(callerFor(t.db, manager).caller.report.kpis({ from: '2026-05', to: '2026-01' }));
    expect(e.code).toBe('BAD_REQUEST');
    const keyed = issueKeys((e.cause as unknown as { issues: Parameters<typeof issueKeys>[0] }).issues);
    expect(keyed).toEqual([{ path: 'to', key: 'validation.rangeOrder', params: {} }]);
    expect(translate('de', keyed[0]!.key)).toBe('Das Ende darf nicht vor dem Beginn liegen.');
  });
});

describe('forecast vs target', () => {
  it('per month and currency: won + weighted open, against the month’s targets', async () => {
    const r = await callerFor(t.db, manager).caller.report.forecast({ from: '2026-01', to: '2026-04' });
    expect(
      r.rows.map((x) => [
        x.currency,
        x.month,
        x.wonMinor,
        x.weightedOpenMinor,
        x.forecastMinor,
        x.targetMinor,
      ]),
    ).toEqual([
      ['CHF', '2026-01', 0, 0, 0, 75_000],
      ['CHF', '2026-02', 0, 0, 0, 75_000],
      ['CHF', '2026-03', 800_000, 0, 800_000, 200_000],
      ['CHF', '2026-04', 0, 100_000, 100_000, 150_000],
      ['EUR', '2026-01', 500_000, 0, 500_000, 150_000],
      ['EUR', '2026-02', 250_000, 0, 250_000, 150_000],
      ['EUR', '2026-03', 0, 110_000, 110_000, 150_000],
      ['EUR', '2026-04', 0, 225_000, 225_000, 150_000],
    ]);
  });

  it('a rep’s forecast counts their own deals and targets only', async () => {
    const r = await callerFor(t.db, bernd).caller.report.forecast({ from: '2026-03', to: '2026-03' });
    expect(r.rows.map((x) => [x.currency, x.wonMinor, x.targetMinor])).toEqual([
      // Bernd's only EUR deals in March is the lost L2: no EUR line at all.
      ['CHF', 800_000, 200_000],
    ]);
  });
});

describe('revenue per rep vs target', () => {
  it('won revenue split into new and existing business against the year’s targets', async () => {
    const r = await callerFor(t.db, manager).caller.report.revenue(year);
    expect(r.rows).toEqual([
      {
        userId: annaId,
        userName: 'Anna Vertrieb',
        currency: 'EUR',
        newActualMinor: 500_000,
        newTargetMinor: 1_200_000,
        existingActualMinor: 250_000,
        existingTargetMinor: 600_000,
      },
      {
        userId: berndId,
        userName: 'Bernd Vertrieb',
        currency: 'CHF',
        newActualMinor: 800_000,
        newTargetMinor: 1_250_000,
        existingActualMinor: 0,
        existingTargetMinor: 0,
      },
    ]);
  });
});

describe('loss reasons', () => {
  it('lost deals of 2026 by reason, blank reasons as none, per currency', async () => {
    const r = await callerFor(t.db, manager).caller.report.lossReasons(year);
    expect(r.totalLost).toBe(4);
    expect(r.rows.map((x) => [x.reason, x.currency, x.count, x.amountMinor, x.share])).toEqual([
      ['Preis', 'EUR', 2, 200_000, 0.5],
      ['Wettbewerb', 'EUR', 1, 70_000, 0.25],
      [null, 'CHF', 1, 60_000, 0.25],
    ]);
  });
});

describe('partner analytics', () => {
  it('registrations, approval rate and won revenue per partner and tier', async () => {
    const r = await callerFor(t.db, manager).caller.report.partners(year);
    expect(
      r.rows.map((x) => [x.name, x.tier, x.submitted, x.approved, x.rejected, x.approvalRate, x.revenue]),
    ).toEqual([
      ['Alpha Handel', 'gold', 4, 2, 1, 2 / 3, [{ currency: 'EUR', wonCount: 1, wonMinor: 500_000 }]],
      ['Beta Supply', 'silver', 1, 0, 1, 0, [{ currency: 'CHF', wonCount: 1, wonMinor: 800_000 }]],
    ]);
    expect(r.tiers).toEqual([
      { tier: 'gold', currency: 'EUR', partners: 1, wonMinor: 500_000 },
      { tier: 'silver', currency: 'CHF', partners: 1, wonMinor: 800_000 },
    ]);
    expect(r.rows.map((x) => x.partnerOrgId)).toEqual([alphaId, betaId]);
  });
});

describe('CSV export', () => {
  it('writes the report’s rows with decimal amounts and localized headings', async () => {
    const { caller } = callerFor(t.db, manager, { locale: 'de' });
    const { csv, fileName } = await caller.report.csv({ report: 'pipeline', params: { groupBy: 'owner' } });
    expect(fileName).toMatch(/^konsort-pipeline-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(
      csv
        .replace(/^\ufeff/, '')
        .trim()
        .split('\n'),
    ).toEqual([
      'Schlüssel,Gruppe,Währung,Deals,Betrag,Gewichtet',
      `${annaId},Anna Vertrieb,EUR,3,3500.00,1350.00`,
      `${berndId},Bernd Vertrieb,CHF,1,4000.00,1000.00`,
      `${berndId},Bernd Vertrieb,EUR,1,3000.00,2250.00`,
    ]);
  });

  it('rejects bad report parameters with field errors', async () => {
    const e = await failure(
      callerFor(t.db, manager).caller.report.csv({ report: 'forecast', params: { from: '2026-13' } }),
    );
    expect(e.code).toBe('BAD_REQUEST');
  });
});
