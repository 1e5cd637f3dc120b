/**
 * Sales reports. Every figure is computed in SQL per currency: amounts in different currencies
 * are never added up (a row carries its currency). Months are calendar months in Europe/Berlin.
 *
 * Definitions (the hand-computed tests in reports.test.ts follow them):
 *  - pipeline: open deals (lead…negotiation, not archived); weighted = round(Σ amount × probability / 100);
 *    by partner, a deal shared with two partners counts for each, an unshared one under "direct" (null);
 *  - won / lost in a month: by the deal's `closed_at`;
 *  - win rate = won ÷ (won + lost) by count; average won deal = Σ won ÷ number won (per currency);
 *    cycle length = mean days from created to closed over won deals;
 *  - coverage = open pipeline closing in the range ÷ (target − won), per currency; null without a gap;
 *  - forecast per month = won in that month + weighted open deals expected to close in it.
 *
 * The open-pipeline and won figures by owner, stage and month are read from
 * `opportunity_pipeline_totals` (decision 019): running totals the database keeps in the same
 * transaction as every deal change, so they are exactly what a scan of the deals would give.
 * The partner grouping, the Gantt chart and the closed-deal KPIs still read the deals.
 */
import {
  accounts,
  type Database,
  dealRegistrations,
  opportunities,
  opportunityShares,
  partnerOrgs,
  salesTargets,
  opportunityPipelineTotals as totals,
  users,
} from '@konsort/db';
import { and, asc, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { forbidden } from '../errors.ts';
import { openStages } from '../opportunities/stages.ts';
import { reportOwnerScope } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import type { GanttInput, PipelineInput, RangeInput } from './schemas.ts';

const TZ = 'Europe/Berlin';
// Dates are formatted as `date::timestamp`: to_char on a bare date casts it to timestamptz, a
// time-zone conversion per row that tripled the month grouping's cost.

export interface Range {
  from: string;
  to: string;
  /** First day of `from`, first day after `to` (YYYY-MM-DD). */
  startDay: string;
  endDay: string;
  months: string[];
}

function monthAfter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The months of a range; without one, the current calendar year. */
export function resolveRange(
  input: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
) {
  const year = now.getUTCFullYear();
  const from = input.from ?? (input.to ? `${input.to.slice(0, 4)}-01` : `${year}-01`);
  const to = input.to ?? (input.from ? `${input.from.slice(0, 4)}-12` : `${year}-12`);
  const months: string[] = [];
  for (let m = from; m <= to && months.length < 240; m = monthAfter(m)) months.push(m);
  return { from, to, startDay: `${from}-01`, endDay: `${monthAfter(to)}-01`, months } satisfies Range;
}

/** Whose deals count: a rep's own, or for a leader everyone's or the rep asked for. */
function ownerOf(principal: Principal, requested: string | undefined): string | null {
  const scoped = reportOwnerScope(principal);
  if (scoped && requested && requested !== scoped) throw forbidden();
  return scoped ?? requested ?? null;
}

const money = (expr: SQL) => sql<number>`coalesce(${expr}, 0)::bigint`.mapWith(Number);
const count = (filter?: SQL) =>
  filter ? sql<number>`(count(*) filter (where ${filter}))::int` : sql<number>`count(*)::int`;
const isOpen = sql`${opportunities.stage} in ('lead', 'qualified', 'proposal', 'negotiation')`;
const weighted = money(sql`round(sum(${opportunities.amountMinor} * ${opportunities.probability}) / 100.0)`);

function closedWithin(range: Range): SQL {
  return sql`${opportunities.closedAt} >= (${range.startDay}::timestamp at time zone ${sql.raw(`'${TZ}'`)}) and ${opportunities.closedAt} < (${range.endDay}::timestamp at time zone ${sql.raw(`'${TZ}'`)})`;
}
/**
 * The totals queries are prepared once per database and shape (with or without an owner or a
 * range), their values bound as placeholders: the statements are a few milliseconds, so
 * building the SQL on every call would be a good part of a report's cost.
 */
const preparedQueries = new WeakMap<object, Map<string, unknown>>();
function prepared<T>(db: Database, key: string, build: () => T): T {
  let forDb = preparedQueries.get(db);
  if (!forDb) {
    forDb = new Map();
    preparedQueries.set(db, forDb);
  }
  let query = forDb.get(key) as T | undefined;
  if (!query) {
    query = build();
    forDb.set(key, query);
  }
  return query;
}
/** Placeholder values of a totals query: the owner and the range's first days (YYYY-MM-DD). */
function totalsParams(owner: string | null, range: Range | null) {
  return {
    owner: owner ?? undefined,
    start: range?.startDay,
    end: range?.endDay,
    fromMonth: range ? Number(range.from.replace('-', '')) : undefined,
    toMonth: range ? Number(range.to.replace('-', '')) : undefined,
  };
}
const shapeOf = (owner: string | null, range: Range | null) =>
  `${owner ? 'owner' : 'all'}.${range ? 'range' : 'open'}`;
/** Totals rows in the range: `month` is a first day, so month granularity is exact. */
const totalsWithin = sql`${totals.month} >= ${sql.placeholder('start')}::date and ${totals.month} < ${sql.placeholder('end')}::date`;
const totalsOpen = sql`${totals.stage} in ('lead', 'qualified', 'proposal', 'negotiation')`;
const totalsOwnedBy = (owner: string | null) =>
  owner ? eq(totals.ownerId, sql.placeholder('owner')) : undefined;
/** The totals hold deltas: a key whose deals all left it sums to zero deals and is no group. */
const totalsHaveDeals = sql`sum(${totals.deals}) > 0`;
const totalsMonth = sql<string | null>`to_char(${totals.month}::timestamp, 'YYYY-MM')`;
const totalsMeasures = () => ({
  currency: totals.currency,
  count: sql<number>`sum(${totals.deals})::int`.as('count'),
  amountMinor: money(sql`sum(${totals.amountMinor})`).as('amount_minor'),
  weightedMinor: money(sql`round(sum(${totals.weightedRaw}) / 100.0)`).as('weighted_minor'),
});

function closingWithin(range: Range): SQL {
  return sql`${opportunities.expectedCloseDate} >= ${range.startDay}::date and ${opportunities.expectedCloseDate} < ${range.endDay}::date`;
}
function targetWithin(range: Range): SQL {
  const [fy, fm] = range.from.split('-').map(Number) as [number, number];
  const [ty, tm] = range.to.split('-').map(Number) as [number, number];
  return sql`(${salesTargets.year} * 100 + ${salesTargets.month}) between ${fy * 100 + fm} and ${ty * 100 + tm}`;
}
const ownedBy = (owner: string | null) => (owner ? eq(opportunities.ownerId, owner) : undefined);

export interface PipelineRow {
  key: string | null;
  label: string | null;
  currency: string;
  count: number;
  amountMinor: number;
  weightedMinor: number;
}

/** Open pipeline grouped by owner, expected-close month, stage or partner; per currency. */
export async function pipelineReport(
  database: Database,
  principal: Principal,
  input: PipelineInput,
): Promise<{ groupBy: PipelineInput['groupBy']; rows: PipelineRow[] }> {
  const owner = ownerOf(principal, input.ownerId);
  const range = input.from || input.to ? resolveRange(input) : null;
  return withPrincipalDb(database, principal, async (db) => {
    const where = and(
      isNull(opportunities.archivedAt),
      isOpen,
      ownedBy(owner),
      range ? closingWithin(range) : undefined,
    );
    const totalsWhere = and(totalsOpen, totalsOwnedBy(owner), range ? totalsWithin : undefined);
    const params = totalsParams(owner, range);
    const shape = `${input.groupBy}.${shapeOf(owner, range)}`;
    // Aliased: the owner and partner groupings read them back from a subquery.
    const measures = {
      currency: opportunities.currency,
      count: count().as('count'),
      amountMinor: money(sql`sum(${opportunities.amountMinor})`).as('amount_minor'),
      weightedMinor: weighted.as('weighted_minor'),
    };
    let rows: PipelineRow[];
    switch (input.groupBy) {
      case 'stage': {
        const found = await prepared(db, `pipeline.${shape}`, () =>
          db
            .select({ key: totals.stage, ...totalsMeasures() })
            .from(totals)
            .where(totalsWhere)
            .groupBy(totals.stage, totals.currency)
            .having(totalsHaveDeals)
            .prepare(`report_pipeline_${shape}`),
        ).execute(params);
        const order = new Map<string, number>(openStages.map((s, i) => [s, i]));
        rows = found
          .map((r) => ({ ...r, label: r.key }))
          .sort((a, b) => order.get(a.key)! - order.get(b.key)! || a.currency.localeCompare(b.currency));
        break;
      }
      case 'month': {
        const found = await prepared(db, `pipeline.${shape}`, () =>
          db
            .select({ key: totalsMonth, ...totalsMeasures() })
            .from(totals)
            .where(totalsWhere)
            .groupBy(totals.month, totals.currency)
            .having(totalsHaveDeals)
            .orderBy(sql`1 asc nulls last`, totals.currency)
            .prepare(`report_pipeline_${shape}`),
        ).execute(params);
        rows = found.map((r) => ({ ...r, label: r.key }));
        break;
      }
      case 'owner': {
        // Aggregate first, then name the owners: the join runs per group, not per deal.
        rows = await prepared(db, `pipeline.${shape}`, () => {
          const agg = db
            .select({ ownerId: totals.ownerId, ...totalsMeasures() })
            .from(totals)
            .where(totalsWhere)
            .groupBy(totals.ownerId, totals.currency)
            .having(totalsHaveDeals)
            .as('agg');
          return db
            .select({
              key: agg.ownerId,
              label: users.name,
              currency: agg.currency,
              count: agg.count,
              amountMinor: agg.amountMinor,
              weightedMinor: agg.weightedMinor,
            })
            .from(agg)
            .innerJoin(users, eq(users.id, agg.ownerId))
            .orderBy(asc(users.name), asc(agg.currency))
            .prepare(`report_pipeline_${shape}`);
        }).execute(params);
        break;
      }
      case 'partner': {
        const agg = db
          .select({ partnerOrgId: opportunityShares.partnerOrgId, ...measures })
          .from(opportunities)
          .leftJoin(opportunityShares, eq(opportunityShares.opportunityId, opportunities.id))
          .where(where)
          .groupBy(opportunityShares.partnerOrgId, opportunities.currency)
          .as('agg');
        rows = await db
          .select({
            key: agg.partnerOrgId,
            label: partnerOrgs.name,
            currency: agg.currency,
            count: agg.count,
            amountMinor: agg.amountMinor,
            weightedMinor: agg.weightedMinor,
          })
          .from(agg)
          .leftJoin(partnerOrgs, eq(partnerOrgs.id, agg.partnerOrgId))
          .orderBy(sql`${partnerOrgs.name} asc nulls last`, asc(agg.currency));
        break;
      }
    }
    return { groupBy: input.groupBy, rows };
  });
}

/** Open deals as bars from creation to expected close, soonest close first. */
export async function ganttReport(database: Database, principal: Principal, input: GanttInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = input.from || input.to ? resolveRange(input) : null;
  return withPrincipalDb(database, principal, async (db) => {
    const shape = shapeOf(owner, range);
    const found = await prepared(db, `gantt.${shape}`, () =>
      db
        .select({
          id: opportunities.id,
          name: opportunities.name,
          stage: opportunities.stage,
          amountMinor: opportunities.amountMinor,
          currency: opportunities.currency,
          probability: opportunities.probability,
          start: sql<string>`to_char(${opportunities.createdAt} at time zone ${sql.raw(`'${TZ}'`)}, 'YYYY-MM-DD')`,
          end: sql<string>`to_char(${opportunities.expectedCloseDate}::timestamp, 'YYYY-MM-DD')`,
          accountName: accounts.name,
          ownerName: users.name,
        })
        .from(opportunities)
        .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
        .innerJoin(users, eq(users.id, opportunities.ownerId))
        .where(
          and(
            isNull(opportunities.archivedAt),
            isOpen,
            isNotNull(opportunities.expectedCloseDate),
            owner ? eq(opportunities.ownerId, sql.placeholder('owner')) : undefined,
            // A bar is in the window when it overlaps it.
            range ? sql`${opportunities.expectedCloseDate} >= ${sql.placeholder('start')}::date` : undefined,
            range
              ? sql`${opportunities.createdAt} < (${sql.placeholder('end')}::timestamp at time zone ${sql.raw(`'${TZ}'`)})`
              : undefined,
          ),
        )
        .orderBy(asc(opportunities.expectedCloseDate), asc(opportunities.id))
        .limit(sql.placeholder('limit'))
        .prepare(`report_gantt_${shape}`),
    ).execute({ ...totalsParams(owner, range), limit: input.limit + 1 });
    return { rows: found.slice(0, input.limit), truncated: found.length > input.limit };
  });
}

export interface KpiCurrency {
  currency: string;
  wonCount: number;
  wonMinor: number;
  averageWonMinor: number | null;
  openMinor: number;
  weightedOpenMinor: number;
  targetMinor: number;
  coverage: number | null;
}

export async function kpiReport(database: Database, principal: Principal, input: RangeInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = resolveRange(input);
  return withPrincipalDb(database, principal, async (db) => {
    const [closed, open, targets] = await Promise.all([
      db
        .select({
          currency: opportunities.currency,
          won: count(sql`${opportunities.stage} = 'won'`),
          lost: count(sql`${opportunities.stage} = 'lost'`),
          wonMinor: money(
            sql`sum(${opportunities.amountMinor}) filter (where ${opportunities.stage} = 'won')`,
          ),
          cycleDays:
            sql<number>`coalesce(sum(extract(epoch from ${opportunities.closedAt} - ${opportunities.createdAt}) / 86400.0) filter (where ${opportunities.stage} = 'won'), 0)::float8`.mapWith(
              Number,
            ),
        })
        .from(opportunities)
        .where(
          and(
            isNull(opportunities.archivedAt),
            isNotNull(opportunities.closedAt),
            closedWithin(range),
            ownedBy(owner),
          ),
        )
        .groupBy(opportunities.currency),
      prepared(db, `kpi.open.${shapeOf(owner, range)}`, () =>
        db
          .select({
            currency: totals.currency,
            openMinor: money(sql`sum(${totals.amountMinor})`),
            weightedOpenMinor: money(sql`round(sum(${totals.weightedRaw}) / 100.0)`),
          })
          .from(totals)
          .where(and(totalsOpen, totalsWithin, totalsOwnedBy(owner)))
          .groupBy(totals.currency)
          .having(totalsHaveDeals)
          .prepare(`report_kpi_open_${shapeOf(owner, range)}`),
      ).execute(totalsParams(owner, range)),
      db
        .select({
          currency: salesTargets.currency,
          targetMinor: money(sql`sum(${salesTargets.amountMinor})`),
        })
        .from(salesTargets)
        .where(and(targetWithin(range), owner ? eq(salesTargets.userId, owner) : undefined))
        .groupBy(salesTargets.currency),
    ]);
    const currencies = [...new Set([...closed, ...open, ...targets].map((r) => r.currency))].sort();
    const wonCount = closed.reduce((n, r) => n + r.won, 0);
    const lostCount = closed.reduce((n, r) => n + r.lost, 0);
    const cycleDays = closed.reduce((n, r) => n + r.cycleDays, 0);
    const perCurrency: KpiCurrency[] = currencies.map((currency) => {
      const c = closed.find((r) => r.currency === currency);
      const o = open.find((r) => r.currency === currency);
      const targetMinor = targets.find((r) => r.currency === currency)?.targetMinor ?? 0;
      const wonMinor = c?.wonMinor ?? 0;
      const gap = targetMinor - wonMinor;
      const openMinor = o?.openMinor ?? 0;
      return {
        currency,
        wonCount: c?.won ?? 0,
        wonMinor,
        averageWonMinor: c?.won ? Math.round(wonMinor / c.won) : null,
        openMinor,
        weightedOpenMinor: o?.weightedOpenMinor ?? 0,
        targetMinor,
        coverage: targetMinor > 0 && gap > 0 ? openMinor / gap : null,
      };
    });
    return {
      range: { from: range.from, to: range.to },
      wonCount,
      lostCount,
      winRate: wonCount + lostCount > 0 ? wonCount / (wonCount + lostCount) : null,
      averageCycleDays: wonCount > 0 ? cycleDays / wonCount : null,
      perCurrency,
    };
  });
}

export interface ForecastRow {
  month: string;
  currency: string;
  wonMinor: number;
  openMinor: number;
  weightedOpenMinor: number;
  forecastMinor: number;
  targetMinor: number;
}

/** Per month and currency: won + weighted open pipeline against the month's targets. */
export async function forecastReport(database: Database, principal: Principal, input: RangeInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = resolveRange(input);
  return withPrincipalDb(database, principal, async (db) => {
    const month = totalsMonth as SQL<string>;
    const targetMonth = sql<string>`${salesTargets.year}::text || '-' || lpad(${salesTargets.month}::text, 2, '0')`;
    const shape = shapeOf(owner, range);
    const params = totalsParams(owner, range);
    const [won, open, targets] = await Promise.all([
      // Won by closing month (Berlin), open by expected-close month: both from the totals.
      prepared(db, `forecast.won.${shape}`, () =>
        db
          .select({
            month,
            currency: totals.currency,
            amount: money(sql`sum(${totals.amountMinor})`),
          })
          .from(totals)
          .where(and(sql`${totals.stage} = 'won'`, totalsWithin, totalsOwnedBy(owner)))
          .groupBy(totals.month, totals.currency)
          .having(totalsHaveDeals)
          .prepare(`report_forecast_won_${shape}`),
      ).execute(params),
      prepared(db, `forecast.open.${shape}`, () =>
        db
          .select({
            month,
            currency: totals.currency,
            amount: money(sql`sum(${totals.amountMinor})`),
            weighted: money(sql`round(sum(${totals.weightedRaw}) / 100.0)`),
          })
          .from(totals)
          .where(and(totalsOpen, totalsWithin, totalsOwnedBy(owner)))
          .groupBy(totals.month, totals.currency)
          .having(totalsHaveDeals)
          .prepare(`report_forecast_open_${shape}`),
      ).execute(params),
      prepared(db, `forecast.targets.${shape}`, () =>
        db
          .select({
            month: targetMonth,
            currency: salesTargets.currency,
            amount: money(sql`sum(${salesTargets.amountMinor})`),
          })
          .from(salesTargets)
          .where(
            and(
              sql`(${salesTargets.year} * 100 + ${salesTargets.month}) between ${sql.placeholder('fromMonth')} and ${sql.placeholder('toMonth')}`,
              owner ? eq(salesTargets.userId, sql.placeholder('owner')) : undefined,
            ),
          )
          .groupBy(salesTargets.year, salesTargets.month, salesTargets.currency)
          .prepare(`report_forecast_targets_${shape}`),
      ).execute(params),
    ]);
    const currencies = [...new Set([...won, ...open, ...targets].map((r) => r.currency))].sort();
    const rows: ForecastRow[] = [];
    for (const currency of currencies)
      for (const month of range.months) {
        const at = <T extends { month: string; currency: string }>(list: T[]) =>
          list.find((r) => r.month === month && r.currency === currency);
        const wonMinor = at(won)?.amount ?? 0;
        const weightedOpenMinor = at(open)?.weighted ?? 0;
        rows.push({
          month,
          currency,
          wonMinor,
          openMinor: at(open)?.amount ?? 0,
          weightedOpenMinor,
          forecastMinor: wonMinor + weightedOpenMinor,
          targetMinor: at(targets)?.amount ?? 0,
        });
      }
    return { range: { from: range.from, to: range.to }, rows };
  });
}

export interface RevenueRow {
  userId: string;
  userName: string;
  currency: string;
  newActualMinor: number;
  newTargetMinor: number;
  existingActualMinor: number;
  existingTargetMinor: number;
}

/** Won revenue per rep against target, split into new and existing business; per currency. */
export async function revenueReport(database: Database, principal: Principal, input: RangeInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = resolveRange(input);
  return withPrincipalDb(database, principal, async (db) => {
    const [actual, targets] = await Promise.all([
      db
        .select({
          userId: opportunities.ownerId,
          userName: users.name,
          businessType: opportunities.businessType,
          currency: opportunities.currency,
          amount: money(sql`sum(${opportunities.amountMinor})`),
        })
        .from(opportunities)
        .innerJoin(users, eq(users.id, opportunities.ownerId))
        .where(
          and(
            isNull(opportunities.archivedAt),
            isNotNull(opportunities.closedAt),
            eq(opportunities.stage, 'won'),
            closedWithin(range),
            ownedBy(owner),
          ),
        )
        .groupBy(opportunities.ownerId, users.name, opportunities.businessType, opportunities.currency),
      db
        .select({
          userId: salesTargets.userId,
          userName: users.name,
          businessType: salesTargets.businessType,
          currency: salesTargets.currency,
          amount: money(sql`sum(${salesTargets.amountMinor})`),
        })
        .from(salesTargets)
        .innerJoin(users, eq(users.id, salesTargets.userId))
        .where(and(targetWithin(range), owner ? eq(salesTargets.userId, owner) : undefined))
        .groupBy(salesTargets.userId, users.name, salesTargets.businessType, salesTargets.currency),
    ]);
    const byKey = new Map<string, RevenueRow>();
    const row = (r: { userId: string; userName: string; currency: string }) => {
      const key = `${r.userId}|${r.currency}`;
      let found = byKey.get(key);
      if (!found) {
        found = {
          userId: r.userId,
          userName: r.userName,
          currency: r.currency,
          newActualMinor: 0,
          newTargetMinor: 0,
          existingActualMinor: 0,
          existingTargetMinor: 0,
        };
        byKey.set(key, found);
      }
      return found;
    };
    for (const a of actual)
      row(a)[a.businessType === 'new' ? 'newActualMinor' : 'existingActualMinor'] += a.amount;
    for (const t of targets)
      row(t)[t.businessType === 'new' ? 'newTargetMinor' : 'existingTargetMinor'] += t.amount;
    const rows = [...byKey.values()].sort(
      (a, b) => a.userName.localeCompare(b.userName) || a.currency.localeCompare(b.currency),
    );
    return { range: { from: range.from, to: range.to }, rows };
  });
}

/** Lost deals closed in the range by loss reason (blank reasons as null); per currency. */
export async function lossReasonReport(database: Database, principal: Principal, input: RangeInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = resolveRange(input);
  return withPrincipalDb(database, principal, async (db) => {
    const reason = sql<string | null>`nullif(btrim(${opportunities.lostReason}), '')`;
    const found = await db
      .select({
        reason,
        currency: opportunities.currency,
        count: count(),
        amountMinor: money(sql`sum(${opportunities.amountMinor})`),
      })
      .from(opportunities)
      .where(
        and(
          isNull(opportunities.archivedAt),
          eq(opportunities.stage, 'lost'),
          isNotNull(opportunities.closedAt),
          closedWithin(range),
          ownedBy(owner),
        ),
      )
      .groupBy(reason, opportunities.currency)
      .orderBy(sql`3 desc`, sql`1 asc nulls last`, opportunities.currency);
    const totalLost = found.reduce((n, r) => n + r.count, 0);
    return {
      range: { from: range.from, to: range.to },
      totalLost,
      rows: found.map((r) => ({ ...r, share: totalLost > 0 ? r.count / totalLost : 0 })),
    };
  });
}

export interface PartnerRow {
  partnerOrgId: string;
  name: string;
  kind: string;
  tier: string;
  submitted: number;
  approved: number;
  rejected: number;
  approvalRate: number | null;
  revenue: { currency: string; wonCount: number; wonMinor: number }[];
}

/**
 * Per partner organisation: deal registrations submitted in the range and how the reviewed ones
 * went (approval rate = approved ÷ (approved + rejected); approved includes registrations whose
 * deal was since won or lost), and won revenue of deals shared with it, closed in the range.
 */
export async function partnerReport(database: Database, principal: Principal, input: RangeInput) {
  const owner = ownerOf(principal, input.ownerId);
  const range = resolveRange(input);
  return withPrincipalDb(database, principal, async (db) => {
    const [orgs, registrations, revenue] = await Promise.all([
      db
        .select({
          id: partnerOrgs.id,
          name: partnerOrgs.name,
          kind: partnerOrgs.kind,
          tier: partnerOrgs.tier,
        })
        .from(partnerOrgs)
        .orderBy(asc(partnerOrgs.name)),
      db
        .select({
          partnerOrgId: dealRegistrations.partnerOrgId,
          submitted: count(),
          approved: count(sql`${dealRegistrations.status} in ('approved', 'won', 'lost')`),
          rejected: count(sql`${dealRegistrations.status} = 'rejected'`),
        })
        .from(dealRegistrations)
        .where(
          sql`${dealRegistrations.createdAt} >= (${range.startDay}::timestamp at time zone ${sql.raw(`'${TZ}'`)}) and ${dealRegistrations.createdAt} < (${range.endDay}::timestamp at time zone ${sql.raw(`'${TZ}'`)})`,
        )
        .groupBy(dealRegistrations.partnerOrgId),
      db
        .select({
          partnerOrgId: opportunityShares.partnerOrgId,
          currency: opportunities.currency,
          wonCount: count(),
          wonMinor: money(sql`sum(${opportunities.amountMinor})`),
        })
        .from(opportunities)
        .innerJoin(opportunityShares, eq(opportunityShares.opportunityId, opportunities.id))
        .where(
          and(
            isNull(opportunities.archivedAt),
            eq(opportunities.stage, 'won'),
            isNotNull(opportunities.closedAt),
            closedWithin(range),
            ownedBy(owner),
          ),
        )
        .groupBy(opportunityShares.partnerOrgId, opportunities.currency)
        .orderBy(opportunities.currency),
    ]);
    const rows: PartnerRow[] = orgs.map((o) => {
      const r = registrations.find((x) => x.partnerOrgId === o.id);
      const approved = r?.approved ?? 0;
      const rejected = r?.rejected ?? 0;
      return {
        partnerOrgId: o.id,
        name: o.name,
        kind: o.kind,
        tier: o.tier,
        submitted: r?.submitted ?? 0,
        approved,
        rejected,
        approvalRate: approved + rejected > 0 ? approved / (approved + rejected) : null,
        revenue: revenue
          .filter((x) => x.partnerOrgId === o.id)
          .map(({ currency, wonCount, wonMinor }) => ({ currency, wonCount, wonMinor })),
      };
    });
    const tiers = new Map<string, { tier: string; currency: string; partners: number; wonMinor: number }>();
    for (const p of rows)
      for (const r of p.revenue) {
        const key = `${p.tier}|${r.currency}`;
        const t = tiers.get(key) ?? { tier: p.tier, currency: r.currency, partners: 0, wonMinor: 0 };
        t.partners += 1;
        t.wonMinor += r.wonMinor;
        tiers.set(key, t);
      }
    return {
      range: { from: range.from, to: range.to },
      rows,
      tiers: [...tiers.values()].sort(
        (a, b) => a.tier.localeCompare(b.tier) || a.currency.localeCompare(b.currency),
      ),
    };
  });
}
