import {
  currencyDigits,
  forecastReport,
  formatMoney,
  ganttReport,
  kpiReport,
  listUsers,
  lossReasonReport,
  partnerReport,
  pipelineReport,
  readSetting,
  reportSchemas,
  revenueReport,
  type UserPrincipal,
} from '@konsort/api';
import type { Locale } from '@konsort/db';
import { orResponse, validate } from './errors.server.ts';

export type ReportTab = (typeof reportSchemas.reportNames)[number];

/** Minor units → major units as a number, for chart axes only (tables and CSV use exact text). */
const major = (minor: number, currency: string) => minor / 10 ** currencyDigits(currency);

/** The query string a report tab understands; the CSV link repeats it. */
export function reportParams(url: URL) {
  const get = (k: string) => url.searchParams.get(k) || undefined;
  const tab = (reportSchemas.reportNames as readonly string[]).includes(get('tab') ?? '')
    ? (get('tab') as ReportTab)
    : 'pipeline';
  return { tab, from: get('from'), to: get('to'), ownerId: get('ownerId'), groupBy: get('groupBy') };
}

/** Loads one report tab and shapes it for the page: exact money text for tables, numbers for charts. */
export async function loadReport(
  db: Parameters<typeof pipelineReport>[0],
  user: UserPrincipal,
  locale: Locale,
  params: ReturnType<typeof reportParams>,
) {
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const base = { from: params.from, to: params.to, ownerId: params.ownerId };
  const checked = validate(
    params.tab === 'pipeline'
      ? reportSchemas.pipelineInput
      : params.tab === 'gantt'
        ? reportSchemas.ganttInput
        : reportSchemas.rangeInput,
    params.tab === 'pipeline' ? { ...base, groupBy: params.groupBy } : base,
    locale,
  );
  if (!checked.ok) return { tab: params.tab, fieldErrors: checked.fieldErrors } as const;
  const input = checked.data as never;
  return orResponse(locale, async () => {
    switch (params.tab) {
      case 'pipeline': {
        const r = await pipelineReport(db, user, input);
        return {
          tab: 'pipeline' as const,
          groupBy: r.groupBy,
          rows: r.rows.map((x) => ({
            ...x,
            amount: money(x.amountMinor, x.currency),
            weighted: money(x.weightedMinor, x.currency),
            amountMajor: major(x.amountMinor, x.currency),
            weightedMajor: major(x.weightedMinor, x.currency),
          })),
        };
      }
      case 'gantt': {
        const r = await ganttReport(db, user, input);
        return {
          tab: 'gantt' as const,
          truncated: r.truncated,
          rows: r.rows.map((x) => ({ ...x, amount: money(x.amountMinor, x.currency) })),
        };
      }
      case 'kpis': {
        const r = await kpiReport(db, user, input);
        return {
          tab: 'kpis' as const,
          ...r,
          perCurrency: r.perCurrency.map((c) => ({
            ...c,
            won: money(c.wonMinor, c.currency),
            averageWon: c.averageWonMinor === null ? null : money(c.averageWonMinor, c.currency),
            open: money(c.openMinor, c.currency),
            target: money(c.targetMinor, c.currency),
            wonMajor: major(c.wonMinor, c.currency),
            openMajor: major(c.openMinor, c.currency),
            targetMajor: major(c.targetMinor, c.currency),
          })),
        };
      }
      case 'forecast': {
        const r = await forecastReport(db, user, input);
        return {
          tab: 'forecast' as const,
          range: r.range,
          rows: r.rows.map((x) => ({
            ...x,
            won: money(x.wonMinor, x.currency),
            weightedOpen: money(x.weightedOpenMinor, x.currency),
            forecast: money(x.forecastMinor, x.currency),
            target: money(x.targetMinor, x.currency),
            wonMajor: major(x.wonMinor, x.currency),
            weightedOpenMajor: major(x.weightedOpenMinor, x.currency),
            targetMajor: major(x.targetMinor, x.currency),
          })),
        };
      }
      case 'revenue': {
        const r = await revenueReport(db, user, input);
        return {
          tab: 'revenue' as const,
          range: r.range,
          rows: r.rows.map((x) => ({
            ...x,
            newActual: money(x.newActualMinor, x.currency),
            newTarget: money(x.newTargetMinor, x.currency),
            existingActual: money(x.existingActualMinor, x.currency),
            existingTarget: money(x.existingTargetMinor, x.currency),
            newActualMajor: major(x.newActualMinor, x.currency),
            newTargetMajor: major(x.newTargetMinor, x.currency),
            existingActualMajor: major(x.existingActualMinor, x.currency),
            existingTargetMajor: major(x.existingTargetMinor, x.currency),
          })),
        };
      }
      case 'lossReasons': {
        const r = await lossReasonReport(db, user, input);
        // Listed reasons are stored as keys: show their label (older free-text reasons as written).
        const labels = new Map((await readSetting(db, 'lossReasons')).map((x) => [x.key, x.label[locale]]));
        return {
          tab: 'lossReasons' as const,
          totalLost: r.totalLost,
          rows: r.rows.map((x) => ({
            ...x,
            reason: x.reason === null ? null : (labels.get(x.reason) ?? x.reason),
            amount: money(x.amountMinor, x.currency),
          })),
        };
      }
      case 'partners': {
        const r = await partnerReport(db, user, input);
        return {
          tab: 'partners' as const,
          rows: r.rows.map((p) => ({
            ...p,
            revenue: p.revenue.map((x) => ({
              ...x,
              won: money(x.wonMinor, x.currency),
              wonMajor: major(x.wonMinor, x.currency),
            })),
          })),
          tiers: r.tiers.map((x) => ({ ...x, won: money(x.wonMinor, x.currency) })),
        };
      }
    }
  });
}

/** Leaders may filter by rep; reps see their own figures and get no picker. */
export async function ownerOptions(db: Parameters<typeof listUsers>[0], user: UserPrincipal) {
  if (user.kind !== 'internal' || user.role === 'rep') return [];
  const all = await listUsers(db, user);
  return all
    .filter((u) => ['admin', 'manager', 'rep'].includes(u.role) && u.active)
    .map((u) => ({ id: u.id, name: u.name }));
}
