/**
 * partner-list: the opportunity list as a partner user (policy scope + row-level security)
 * against the same list as an internal user, on a large deal table in PostgreSQL. Both go
 * through the same tRPC caller; the ratio is the cost of the partner wall.
 */
import { createAuthService, createCaller, principalFromUser } from '@konsort/api';
import { openDatabase, opportunityShares, partnerOrgs, users } from '@konsort/db';
import { seedBulkOpportunities } from '@konsort/db/seed';
import { withDatabase } from '@konsort/db/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { benchEnv } from './env.ts';
import { printTable, round, summarize, timeMs, writeResult } from './lib.ts';

const DB = 'konsort_bench_partner_list';

export async function partnerList() {
  const deals = benchEnv.KONSORT_BENCH_PARTNER_DEALS;
  const sharedWithPartner = benchEnv.KONSORT_BENCH_PARTNER_SHARES;
  const admin = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB}`);
  await admin.end();
  const handle = await openDatabase({
    url: withDatabase(benchEnv.KONSORT_BENCH_ADMIN_URL, DB),
    maxConnections: 4,
  });
  if (handle.raw.kind !== 'postgres') throw new Error('partner-list needs PostgreSQL');
  const { db } = handle;

  const owners = await db
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
  const orgs = await db
    .insert(partnerOrgs)
    .values(
      Array.from({ length: 50 }, (_, i) => ({
        name: `Partner ${i}`,
        kind: i % 2 ? ('dealer' as const) : ('supplier' as const),
      })),
    )
    .returning();
  const [partnerUser] = await db
    .insert(users)
    .values({
      email: 'partner@bench.example',
      name: 'Partner',
      role: 'partner_member',
      partnerOrgId: orgs[0]!.id,
      passwordHash: 'unused',
    })
    .returning();
  const seedStart = performance.now();
  await seedBulkOpportunities(db, {
    accounts: Math.max(1000, deals / 10),
    opportunities: deals,
    ownerIds: owners.map((o) => o.id),
  });
  // Our partner holds `sharedWithPartner` deals spread over the table; 49 others share more.
  await db.execute(sql`
    insert into ${opportunityShares} (opportunity_id, partner_org_id, access)
    select o.id, p.id, (case when hashtext(o.id::text || p.id::text) % 3 = 0 then 'edit' else 'view' end)::share_access
    from (select id, row_number() over (order by id) as n from opportunities) o
    join (select id, row_number() over (order by name) - 1 as k from partner_orgs) p
      on (o.n % ${Math.max(1, Math.floor(deals / sharedWithPartner))}) = 0 and p.k = 0
      or (o.n % 97) = p.k and p.k > 0`);
  // As autovacuum would leave a table this size: statistics and the visibility map (index-only scans).
  await handle.raw.client`vacuum analyze`;
  const seedSeconds = round((performance.now() - seedStart) / 1000, 1);
  const [{ n: partnerShares } = { n: 0 }] = (await handle.raw.client`
    select count(*)::int as n from opportunity_shares where partner_org_id = ${orgs[0]!.id}`) as unknown as {
    n: number;
  }[];

  const auth = createAuthService(db, { secureCookies: false });
  const callerAs = (principal: ReturnType<typeof principalFromUser>) =>
    createCaller({ db, auth, principal, locale: 'de', ip: null, cookieHeader: null, setCookie: () => {} });
  const internal = callerAs(principalFromUser(owners[0]!));
  const partner = callerAs(principalFromUser(partnerUser!));
  const partnerFirst = await partner.opportunity.list({ limit: 50 });
  const internalFirst = await internal.opportunity.list({ limit: 50 });

  const scenarios = [
    { name: 'first page, newest first', partner: { limit: 50 }, internal: { limit: 50 } },
    {
      name: 'next page (cursor)',
      partner: { limit: 50, cursor: partnerFirst.nextCursor ?? undefined },
      internal: { limit: 50, cursor: internalFirst.nextCursor ?? undefined },
    },
    {
      name: 'open stages only',
      partner: { limit: 50, stages: ['proposal', 'negotiation'] as ('proposal' | 'negotiation')[] },
      internal: { limit: 50, stages: ['proposal', 'negotiation'] as ('proposal' | 'negotiation')[] },
    },
  ];
  const rows = [];
  const ratios95: number[] = [];
  for (const s of scenarios) {
    for (let i = 0; i < 20; i++) {
      await internal.opportunity.list(s.internal);
      await partner.opportunity.list(s.partner);
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < benchEnv.KONSORT_BENCH_ITERATIONS; i++) {
      a.push(await timeMs(() => internal.opportunity.list(s.internal)));
      b.push(await timeMs(() => partner.opportunity.list(s.partner)));
    }
    const i95 = summarize(a);
    const p95 = summarize(b);
    ratios95.push(p95.p95 / i95.p95);
    rows.push({ scenario: s.name, side: 'internal (manager)', ...i95 });
    rows.push({
      scenario: s.name,
      side: 'partner (policy + RLS)',
      ...p95,
      ratio_p95: round(p95.p95 / i95.p95, 2),
    });
  }
  printTable(
    `partner-list: opportunity.list on ${deals.toLocaleString('en')} deals, partner holds ${partnerShares} shares (ms)`,
    rows,
  );
  await handle.close();
  return writeResult({
    name: 'partner-list',
    rows,
    ratios: {
      p95_partner_vs_internal: round(ratios95[0]!, 3),
      p95_partner_vs_internal_worst_scenario: round(Math.max(...ratios95), 3),
    },
    notes: [
      `${deals} deals, ${partnerShares} shared with the measured partner, 49 other partner organisations; seeded in ${seedSeconds}s`,
      'goal from the issue: p95_partner_vs_internal <= 1.2',
    ],
  });
}
