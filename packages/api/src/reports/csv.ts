import type { Database, Locale } from '@konsort/db';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { minorToDecimal } from '../money.ts';
import type { Principal } from '../principal.ts';
import { issueKeys } from '../validation.ts';
import {
  forecastReport,
  ganttReport,
  kpiReport,
  lossReasonReport,
  partnerReport,
  pipelineReport,
  revenueReport,
} from './reports.ts';
import { ganttInput, pipelineInput, type ReportName, rangeInput, reportNames } from './schemas.ts';

/** Column headings of the CSV files, in the user's language. */
const headings: Record<Locale, Record<string, string>> = {
  en: {
    key: 'Key',
    label: 'Group',
    currency: 'Currency',
    count: 'Deals',
    amount: 'Amount',
    weighted: 'Weighted',
    id: 'Deal ID',
    name: 'Deal',
    account: 'Account',
    owner: 'Owner',
    stage: 'Stage',
    probability: 'Probability %',
    start: 'Created',
    end: 'Expected close',
    metric: 'Metric',
    value: 'Value',
    month: 'Month',
    won: 'Won',
    open: 'Open',
    weightedOpen: 'Weighted open',
    forecast: 'Forecast',
    target: 'Target',
    rep: 'Rep',
    newActual: 'New business actual',
    newTarget: 'New business target',
    existingActual: 'Existing business actual',
    existingTarget: 'Existing business target',
    reason: 'Loss reason',
    share: 'Share of lost deals',
    partner: 'Partner',
    kind: 'Kind',
    tier: 'Tier',
    submitted: 'Registrations',
    approved: 'Approved',
    rejected: 'Rejected',
    approvalRate: 'Approval rate',
    wonCount: 'Won deals',
  },
  de: {
    key: 'Schlüssel',
    label: 'Gruppe',
    currency: 'Währung',
    count: 'Deals',
    amount: 'Betrag',
    weighted: 'Gewichtet',
    id: 'Deal-ID',
    name: 'Deal',
    account: 'Firma',
    owner: 'Verantwortlich',
    stage: 'Phase',
    probability: 'Wahrscheinlichkeit %',
    start: 'Angelegt',
    end: 'Erwarteter Abschluss',
    metric: 'Kennzahl',
    value: 'Wert',
    month: 'Monat',
    won: 'Gewonnen',
    open: 'Offen',
    weightedOpen: 'Offen gewichtet',
    forecast: 'Prognose',
    target: 'Ziel',
    rep: 'Vertrieb',
    newActual: 'Neugeschäft Ist',
    newTarget: 'Neugeschäft Ziel',
    existingActual: 'Bestandsgeschäft Ist',
    existingTarget: 'Bestandsgeschäft Ziel',
    reason: 'Verlustgrund',
    share: 'Anteil verlorener Deals',
    partner: 'Partner',
    kind: 'Art',
    tier: 'Stufe',
    submitted: 'Registrierungen',
    approved: 'Genehmigt',
    rejected: 'Abgelehnt',
    approvalRate: 'Genehmigungsquote',
    wonCount: 'Gewonnene Deals',
  },
};

type Cell = string | number | null;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new AppError(
      'BAD_REQUEST',
      'errors.invalidInput',
      {},
      issueKeys(result.error.issues).map((i) => ({ path: i.path, key: i.key, params: i.params })),
    );
  return result.data;
}

const ratio = (x: number | null) => (x === null ? '' : x.toFixed(4));

/**
 * One report as CSV text (RFC 4180, comma-separated, UTF-8 with a BOM so spreadsheet programs
 * read umlauts). Amounts are plain decimals in the row's currency, never mixed across currencies.
 */
export async function reportCsv(
  db: Database,
  principal: Principal,
  name: string,
  input: unknown,
  locale: Locale,
): Promise<{ fileName: string; csv: string }> {
  if (!(reportNames as readonly string[]).includes(name))
    throw new AppError('NOT_FOUND', 'errors.notFound', { entity: 'entity.page' });
  const h = headings[locale];
  const head = (keys: string[]) => keys.map((k) => h[k] ?? k);
  const dec = (minor: number, currency: string) => minorToDecimal(minor, currency);
  let header: string[];
  let rows: Cell[][];
  switch (name as ReportName) {
    case 'pipeline': {
      const r = await pipelineReport(db, principal, parse(pipelineInput, input));
      header = head(['key', 'label', 'currency', 'count', 'amount', 'weighted']);
      rows = r.rows.map((x) => [
        x.key,
        x.label,
        x.currency,
        x.count,
        dec(x.amountMinor, x.currency),
        dec(x.weightedMinor, x.currency),
      ]);
      break;
    }
    case 'gantt': {
      const r = await ganttReport(db, principal, parse(ganttInput, input));
      header = head([
        'id',
        'name',
        'account',
        'owner',
        'stage',
        'currency',
        'amount',
        'probability',
        'start',
        'end',
      ]);
      rows = r.rows.map((x) => [
        x.id,
        x.name,
        x.accountName,
        x.ownerName,
        x.stage,
        x.currency,
        dec(x.amountMinor, x.currency),
        x.probability,
        x.start,
        x.end,
      ]);
      break;
    }
    case 'kpis': {
      const r = await kpiReport(db, principal, parse(rangeInput, input));
      header = head(['metric', 'currency', 'value']);
      rows = [
        ['winRate', '', ratio(r.winRate)],
        ['wonCount', '', r.wonCount],
        ['lostCount', '', r.lostCount],
        ['averageCycleDays', '', r.averageCycleDays === null ? '' : r.averageCycleDays.toFixed(1)],
        ...r.perCurrency.flatMap((c): Cell[][] => [
          ['wonAmount', c.currency, dec(c.wonMinor, c.currency)],
          [
            'averageWonDeal',
            c.currency,
            c.averageWonMinor === null ? '' : dec(c.averageWonMinor, c.currency),
          ],
          ['openPipeline', c.currency, dec(c.openMinor, c.currency)],
          ['target', c.currency, dec(c.targetMinor, c.currency)],
          ['coverage', c.currency, ratio(c.coverage)],
        ]),
      ];
      break;
    }
    case 'forecast': {
      const r = await forecastReport(db, principal, parse(rangeInput, input));
      header = head(['month', 'currency', 'won', 'open', 'weightedOpen', 'forecast', 'target']);
      rows = r.rows.map((x) => [
        x.month,
        x.currency,
        dec(x.wonMinor, x.currency),
        dec(x.openMinor, x.currency),
        dec(x.weightedOpenMinor, x.currency),
        dec(x.forecastMinor, x.currency),
        dec(x.targetMinor, x.currency),
      ]);
      break;
    }
    case 'revenue': {
      const r = await revenueReport(db, principal, parse(rangeInput, input));
      header = head(['rep', 'currency', 'newActual', 'newTarget', 'existingActual', 'existingTarget']);
      rows = r.rows.map((x) => [
        x.userName,
        x.currency,
        dec(x.newActualMinor, x.currency),
        dec(x.newTargetMinor, x.currency),
        dec(x.existingActualMinor, x.currency),
        dec(x.existingTargetMinor, x.currency),
      ]);
      break;
    }
    case 'lossReasons': {
      const r = await lossReasonReport(db, principal, parse(rangeInput, input));
      header = head(['reason', 'currency', 'count', 'amount', 'share']);
      rows = r.rows.map((x) => [
        x.reason,
        x.currency,
        x.count,
        dec(x.amountMinor, x.currency),
        ratio(x.share),
      ]);
      break;
    }
    case 'partners': {
      const r = await partnerReport(db, principal, parse(rangeInput, input));
      header = head([
        'partner',
        'kind',
        'tier',
        'submitted',
        'approved',
        'rejected',
        'approvalRate',
        'currency',
        'wonCount',
        'won',
      ]);
      rows = r.rows.flatMap((p) => {
        const base: Cell[] = [
          p.name,
          p.kind,
          p.tier,
          p.submitted,
          p.approved,
          p.rejected,
          ratio(p.approvalRate),
        ];
        if (p.revenue.length === 0) return [[...base, '', 0, '']];
        return p.revenue.map((x) => [...base, x.currency, x.wonCount, dec(x.wonMinor, x.currency)]);
      });
      break;
    }
  }
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    fileName: `konsort-${name}-${stamp}.csv`,
    csv: `\ufeff${stringify([header, ...rows.map((r) => r.map((c) => (c === null ? '' : c)))])}`,
  };
}
