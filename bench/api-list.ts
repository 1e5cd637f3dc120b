/**
 * api-list: the opportunity list procedure (tRPC caller → policy → drizzle → postgres.js)
 * against the very same SQL text and parameters sent raw through postgres.js, on 100k deals.
 * The SQL is captured from the API's own query, so the difference is exactly the API's cost.
 */
import { createAuthService, createCaller, principalFromUser } from '@konsort/api';
import { openDatabase, schema, users } from '@konsort/db';
import { seedBulkOpportunities } from '@konsort/db/seed';
import { withDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { benchEnv } from './env.ts';
import { printTable, round, summarize, timeMs, writeResult } from './lib.ts';

const DB = 'konsort_bench_api_list';

export async function apiList() {
  const admin = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB}`);
  await admin.end();
  const url = withDatabase(benchEnv.KONSORT_BENCH_ADMIN_URL, DB);
  const handle = await openDatabase({ url, maxConnections: 4 });
  if (handle.raw.kind !== 'postgres') throw new Error('api-list needs PostgreSQL');
  const raw = handle.raw.client;

  const owners = await handle.db
    .insert(users)
    .values(
      ['manager', 'rep', 'rep', 'rep', 'rep'].map((role, i) => ({
        email: `bench${i}@konsort.example`,
        name: `Bench ${i}`,
        role: role as 'manager' | 'rep',
        passwordHash: 'unused',
      })),
    )
    .returning();
  const seedStart = performance.now();
  await seedBulkOpportunities(handle.db, {
    accounts: 10_000,
    opportunities: benchEnv.KONSORT_BENCH_DEALS,
    ownerIds: owners.map((o) => o.id),
  });
  await raw`analyze`;
  const seedSeconds = round((performance.now() - seedStart) / 1000, 1);

  // Capture the SQL the API sends, to replay it raw.
  let captured: { query: string; params: unknown[] } | null = null;
  const capturingDb = drizzle(raw, {
    schema,
    logger: {
      logQuery(query, params) {
        captured = { query, params };
      },
    },
  });
  const [manager] = await handle.db.select().from(users).where(eq(users.id, owners[0]!.id));
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

  const firstPage = await api.opportunity.list({ limit: 50 });
  const scenarios: { name: string; input: Parameters<typeof api.opportunity.list>[0] }[] = [
    { name: 'first page, newest first', input: { limit: 50 } },
    { name: 'next page (cursor)', input: { limit: 50, cursor: firstPage.nextCursor ?? undefined } },
    { name: 'open stages + search', input: { limit: 50, stages: ['proposal', 'negotiation'], q: 'pump' } },
    { name: 'by amount, one owner', input: { limit: 50, sort: 'amount', ownerId: owners[1]!.id } },
  ];

  const rows = [];
  const iterations = benchEnv.KONSORT_BENCH_ITERATIONS;
  const perScenario: { p95: number; p50: number }[] = [];
  for (const scenario of scenarios) {
    captured = null;
    await capturingApi.opportunity.list(scenario.input);
    const sent = captured as { query: string; params: unknown[] } | null;
    if (!sent) throw new Error('no query captured');
    const apiSamples: number[] = [];
    const rawSamples: number[] = [];
    const rawOnce = () => raw.unsafe(sent.query, sent.params as never[]);
    for (let i = 0; i < 30; i++) {
      await api.opportunity.list(scenario.input);
      await rawOnce();
    }
    // Interleave, so drift on a shared machine hits both sides alike.
    for (let i = 0; i < iterations; i++) {
      apiSamples.push(await timeMs(() => api.opportunity.list(scenario.input)));
      rawSamples.push(await timeMs(rawOnce));
    }
    const a = summarize(apiSamples);
    const r = summarize(rawSamples);
    perScenario.push({ p95: a.p95 / r.p95, p50: a.p50 / r.p50 });
    rows.push({ scenario: scenario.name, side: 'api (tRPC caller)', ...a });
    rows.push({
      scenario: scenario.name,
      side: 'raw SQL (postgres.js)',
      ...r,
      ratio_p95: round(a.p95 / r.p95, 2),
    });
  }
  printTable(
    `api-list: opportunity.list on ${benchEnv.KONSORT_BENCH_DEALS.toLocaleString('en')} deals (ms)`,
    rows,
  );
  await handle.close();
  const ratios95 = perScenario.map((x) => x.p95);
  return writeResult({
    name: 'api-list',
    rows,
    ratios: {
      // The canonical call: the first page of the list, newest first.
      p95_api_vs_raw_sql: round(perScenario[0]!.p95, 3),
      p50_api_vs_raw_sql: round(perScenario[0]!.p50, 3),
      p95_api_vs_raw_sql_worst_scenario: round(Math.max(...ratios95), 3),
      p95_api_vs_raw_sql_geomean: round(
        Math.exp(ratios95.reduce((a, b) => a + Math.log(b), 0) / ratios95.length),
        3,
      ),
    },
    notes: [
      `${benchEnv.KONSORT_BENCH_DEALS} deals, 10000 accounts, seeded in ${seedSeconds}s`,
      'the raw side replays the exact SQL text and parameters the API sent',
      `${iterations} interleaved iterations per scenario after 30 warm-up rounds`,
    ],
  });
}
