/**
 * reports: the pipeline report, forecast-vs-target and the Gantt query through the API (tRPC
 * caller → policy → drizzle → postgres.js) against the very same SQL statements sent raw through
 * postgres.js, on a bulk-seeded PostgreSQL database. The statements are captured from the API's
 * own calls (a report may send several; the raw side sends them the same way, in parallel), so
 * the difference is exactly the API's cost.
 *
 * Size: the issue asks for 1M deals on 100k accounts (the default). `pnpm bench reports
 * --deals=100000 --accounts=10000` (or KONSORT_BENCH_REPORT_DEALS / _ACCOUNTS) for a smaller run;
 * `--keep` leaves the database for EXPLAIN. The 100k-row CSV import the issue names with it is
 * `pnpm bench csv-import` (bench/results/csv-import.json); its last figures are quoted in the notes.
 */

import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createAuthService, createCaller, principalFromUser } from '@konsort/api';
import { openDatabase, salesTargets, schema, users } from '@konsort/db';
import { seedBulkOpportunities } from '@konsort/db/seed';
import { withDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { benchEnv } from './env.ts';
import { printTable, resultsDir, round, summarize, timeMs, writeResult } from './lib.ts';

const DB = 'konsort_bench_reports';
const cpuCount = () => cpus().length;

function flag(name: string, env: string | undefined, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(arg ? arg.slice(name.length + 3) : (env ?? fallback));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

export async function reports() {
  const deals = flag('deals', process.env.KONSORT_BENCH_REPORT_DEALS, 1_000_000);
  const accounts = flag(
    'accounts',
    process.env.KONSORT_BENCH_REPORT_ACCOUNTS,
    Math.max(1, Math.round(deals / 10)),
  );
  // 400: the statements take a few ms now, and a p95 of 100 samples is mostly the 5 slowest
  // scheduler stalls on a shared machine.
  const iterations = flag('iterations', process.env.KONSORT_BENCH_REPORT_ITERATIONS, 400);

  const admin = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB}`);
  await admin.end();
  const url = withDatabase(benchEnv.KONSORT_BENCH_ADMIN_URL, DB);
  const handle = await openDatabase({ url, maxConnections: 4 });
  if (handle.raw.kind !== 'postgres') throw new Error('reports needs PostgreSQL');
  const raw = handle.raw.client;

  const people = await handle.db
    .insert(users)
    .values(
      ['manager', ...Array(8).fill('rep')].map((role, i) => ({
        email: `bench${i}@konsort.example`,
        name: `Bench ${i}`,
        role: role as 'manager' | 'rep',
        passwordHash: 'unused',
      })),
    )
    .returning();
  const reps = people.slice(1);
  const seedStart = performance.now();
  await seedBulkOpportunities(handle.db, {
    accounts,
    opportunities: deals,
    ownerIds: reps.map((r) => r.id),
  });
  // A year of targets for every rep, new and existing business, in each currency the seed uses.
  const year = new Date().getUTCFullYear();
  await handle.db.insert(salesTargets).values(
    reps.flatMap((r) =>
      (['new', 'existing'] as const).flatMap((businessType) =>
        ['EUR', 'CHF', 'GBP'].flatMap((currency) =>
          Array.from({ length: 12 }, (_, m) => ({
            userId: r.id,
            year,
            month: m + 1,
            businessType,
            currency,
            amountMinor: 5_000_000 + m * 10_000,
          })),
        ),
      ),
    ),
  );
  await raw`vacuum analyze`;
  const seedSeconds = round((performance.now() - seedStart) / 1000, 1);

  // Capture every statement one API call sends, to replay them raw.
  let captured: { query: string; params: unknown[] }[] = [];
  const capturingDb = drizzle(raw, {
    schema,
    logger: {
      logQuery(query, params) {
        captured.push({ query, params });
      },
    },
  });
  const [manager] = await handle.db.select().from(users).where(eq(users.id, people[0]!.id));
  const principal = principalFromUser(manager!);
  const auth = createAuthService(handle.db, { secureCookies: false });
  const ctx = (db: typeof handle.db) => ({
    db,
    auth,
    principal,
    locale: 'de' as const,
    ip: null,
    cookieHeader: null,
    setCookie: () => {},
  });
  const api = createCaller(ctx(handle.db));
  const capturingApi = createCaller(ctx(capturingDb as unknown as typeof handle.db));
  const range = { from: `${year}-01`, to: `${year}-12` };

  const scenarios: { name: string; call: (a: typeof api) => Promise<unknown> }[] = [
    { name: 'pipeline by owner', call: (a) => a.report.pipeline({ groupBy: 'owner' }) },
    { name: 'pipeline by month', call: (a) => a.report.pipeline({ groupBy: 'month' }) },
    { name: 'forecast vs target', call: (a) => a.report.forecast(range) },
    { name: 'gantt (100 open deals)', call: (a) => a.report.gantt({ ...range, limit: 100 }) },
  ];

  const rows = [];
  const results: { name: string; api: ReturnType<typeof summarize>; raw: ReturnType<typeof summarize> }[] =
    [];
  for (const scenario of scenarios) {
    captured = [];
    await scenario.call(capturingApi);
    const sent = captured;
    if (sent.length === 0) throw new Error('no query captured');
    const rawOnce = () => Promise.all(sent.map((s) => raw.unsafe(s.query, s.params as never[])));
    for (let i = 0; i < 5; i++) {
      await scenario.call(api);
      await rawOnce();
    }
    const apiSamples: number[] = [];
    const rawSamples: number[] = [];
    // Interleaved, so drift on a shared machine hits both sides alike.
    for (let i = 0; i < iterations; i++) {
      apiSamples.push(await timeMs(() => scenario.call(api)));
      rawSamples.push(await timeMs(rawOnce));
    }
    const a = summarize(apiSamples);
    const r = summarize(rawSamples);
    results.push({ name: scenario.name, api: a, raw: r });
    rows.push({ scenario: scenario.name, side: 'api (tRPC caller)', statements: sent.length, ...a });
    rows.push({
      scenario: scenario.name,
      side: 'raw SQL (postgres.js)',
      statements: sent.length,
      ...r,
      ratio_p95: round(a.p95 / r.p95, 2),
    });
  }
  printTable(
    `reports on ${deals.toLocaleString('en')} deals, ${accounts.toLocaleString('en')} accounts (ms)`,
    rows,
  );
  await handle.close();
  // A million deals take a few GB: leave no database behind (unless `--keep`, to EXPLAIN it).
  if (!process.argv.includes('--keep')) {
    const cleanup = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await cleanup.end();
  }
  const ratios = results.map((x) => x.api.p95 / x.raw.p95);
  // The CSV import part of the issue is its own benchmark; quote its last result, if any.
  const csvFile = join(resultsDir, 'csv-import.json');
  let csvNote = 'the 100k-row CSV import (rows/s, peak memory): `pnpm bench csv-import`, not run yet here';
  if (existsSync(csvFile)) {
    const csv = JSON.parse(readFileSync(csvFile, 'utf8')) as {
      date?: string;
      ratios?: Record<string, number>;
    };
    csvNote = `the 100k-row CSV import is bench/results/csv-import.json (${csv.date ?? '?'}): ${Object.entries(
      csv.ratios ?? {},
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`;
  }
  const pick = (name: string) => results.find((x) => x.name === name)!;
  return writeResult({
    name: 'reports',
    rows,
    ratios: {
      // The three the issue names: pipeline (by owner), forecast-vs-target, Gantt; worst of them.
      p95_api_vs_raw_sql: round(
        Math.max(
          pick('pipeline by owner').api.p95 / pick('pipeline by owner').raw.p95,
          pick('forecast vs target').api.p95 / pick('forecast vs target').raw.p95,
          pick('gantt (100 open deals)').api.p95 / pick('gantt (100 open deals)').raw.p95,
        ),
        3,
      ),
      p95_api_vs_raw_sql_geomean: round(
        Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length),
        3,
      ),
      pipeline_report_p95_ms: pick('pipeline by owner').api.p95,
      forecast_p95_ms: pick('forecast vs target').api.p95,
      gantt_p95_ms: pick('gantt (100 open deals)').api.p95,
    },
    notes: [
      `${deals} deals, ${accounts} accounts, 8 reps with a year of targets; seeded in ${seedSeconds}s`,
      'the raw side replays the exact SQL texts and parameters the API sent, in parallel as the API does',
      `${iterations} interleaved iterations per scenario after 5 warm-up rounds; goal p95 ratio ≤ 1.3, pipeline < 200 ms`,
      // Absolute times depend on what else the machine runs; the ratios much less.
      'pipeline, forecast and the KPIs’ open part read opportunity_pipeline_totals (decision 019); Gantt reads the deals',
      csvNote,
      `load average (1/5/15 min) at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')} on ${cpuCount()} cores`,
    ],
  });
}
