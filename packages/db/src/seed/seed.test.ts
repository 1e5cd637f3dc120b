import { asc, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../index.ts';
import {
  accounts,
  activities,
  auditLog,
  contacts,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  opportunityStages,
  partnerOrgs,
  users,
} from '../schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import {
  buildDemoData,
  DEMO_COUNTS,
  type DemoLogin,
  demoLogins,
  formatDemoLogins,
  STAGE_PROBABILITY,
  STAGE_QUOTAS,
  seedBulkOpportunities,
  seedDemo,
} from './index.ts';
import { isValidVatId } from './vat.ts';

const NOW = new Date('2026-03-11T10:30:00Z');
const fakeHash = async (p: string) => `test$${p}`;

async function countOf(db: Database, table: PgTable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table);
  return row?.n ?? 0;
}

async function allCounts(db: Database) {
  return {
    partnerOrgs: await countOf(db, partnerOrgs),
    users: await countOf(db, users),
    accounts: await countOf(db, accounts),
    contacts: await countOf(db, contacts),
    opportunities: await countOf(db, opportunities),
    opportunityShares: await countOf(db, opportunityShares),
    activities: await countOf(db, activities),
    auditLog: await countOf(db, auditLog),
  };
}

describe('seedDemo', () => {
  let t: TestDatabase;
  let first: { logins: DemoLogin[]; created: boolean };
  let elapsedMs = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    const started = performance.now();
    first = await seedDemo(t.db, { hashPassword: fakeHash, now: NOW });
    elapsedMs = performance.now() - started;
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('creates what it promises, quickly', async () => {
    expect(first.created).toBe(true);
    expect(await allCounts(t.db)).toEqual(DEMO_COUNTS);
    expect(DEMO_COUNTS).toMatchObject({
      accounts: 40,
      contacts: 100,
      opportunities: 120,
      users: 9,
      partnerOrgs: 2,
    });
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('returns the documented logins, hashes the passwords and keeps them apart from the rows', async () => {
    expect(first.logins).toEqual(demoLogins());
    expect(first.logins.map((l) => l.role).sort()).toEqual(
      [
        'admin',
        'manager',
        'partner_admin',
        'partner_admin',
        'partner_member',
        'partner_member',
        'rep',
        'rep',
        'rep',
      ].sort(),
    );
    const rows = await t.db.select().from(users);
    for (const login of first.logins) {
      const row = rows.find((u) => u.email === login.email);
      expect(row?.passwordHash).toBe(`test$${login.password}`);
      expect(row?.role).toBe(login.role);
      expect(login.email).toMatch(/@[a-z-]+\.example$/);
    }
    expect(new Set(first.logins.map((l) => l.password)).size).toBe(first.logins.length);
    expect(rows.filter((u) => u.role === 'rep' && u.locale === 'en')).toHaveLength(1);
    expect(formatDemoLogins(first.logins)).toContain('admin@konsort.example');
  });

  it('gives every partner user a partner organisation on its own domain, and internal users none', async () => {
    const rows = await t.db
      .select({
        email: users.email,
        role: users.role,
        org: partnerOrgs.name,
        domain: partnerOrgs.domain,
        kind: partnerOrgs.kind,
      })
      .from(users)
      .leftJoin(partnerOrgs, eq(users.partnerOrgId, partnerOrgs.id));
    for (const row of rows) {
      if (row.role === 'partner_admin' || row.role === 'partner_member') {
        expect(row.org).toBeTruthy();
        expect(row.email.endsWith(`@${row.domain}`)).toBe(true);
      } else {
        expect(row.org).toBeNull();
        expect(row.email.endsWith('@konsort.example')).toBe(true);
      }
    }
    const kinds = await t.db.select({ kind: partnerOrgs.kind }).from(partnerOrgs);
    expect(kinds.map((k) => k.kind).sort()).toEqual(['dealer', 'supplier']);
    for (const kind of ['dealer', 'supplier'] as const) {
      const roles = rows
        .filter((r) => r.kind === kind)
        .map((r) => r.role)
        .sort();
      expect(roles).toEqual(['partner_admin', 'partner_member']);
    }
  });

  it('covers all six stages with the quotas and the matching probabilities', async () => {
    const rows = await t.db
      .select({ stage: opportunities.stage, probability: opportunities.probability, n: count() })
      .from(opportunities)
      .groupBy(opportunities.stage, opportunities.probability);
    expect(rows.map((r) => r.stage).sort()).toEqual([...opportunityStages].sort());
    for (const row of rows) {
      expect(row.probability).toBe(STAGE_PROBABILITY[row.stage]);
      expect(row.n).toBe(STAGE_QUOTAS[row.stage]);
    }
  });

  it('keeps each deal consistent: history, closing, business type, currency, owner', async () => {
    const opps = await t.db.select().from(opportunities);
    const accs = new Map((await t.db.select().from(accounts)).map((a) => [a.id, a]));
    const reps = new Set((await t.db.select().from(users).where(eq(users.role, 'rep'))).map((u) => u.id));
    const history = await t.db
      .select()
      .from(opportunityStageHistory)
      .orderBy(asc(opportunityStageHistory.changedAt), asc(opportunityStageHistory.id));
    const order = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
    const owners = new Set<string>();
    for (const op of opps) {
      const account = accs.get(op.accountId);
      expect(account).toBeDefined();
      owners.add(op.ownerId);
      expect(reps.has(op.ownerId)).toBe(true);
      expect(op.businessType).toBe(account?.type === 'customer' ? 'existing' : 'new');
      expect(op.currency).toBe(account?.country === 'CH' ? 'CHF' : account?.country === 'GB' ? 'GBP' : 'EUR');
      expect(op.amountMinor).toBeGreaterThanOrEqual(700_000);
      expect(op.amountMinor).toBeLessThanOrEqual(45_000_000);
      expect(op.amountMinor % 100).toBe(0);
      const closed = op.stage === 'won' || op.stage === 'lost';
      expect(op.closedAt !== null).toBe(closed);
      expect(op.lostReason !== null).toBe(op.stage === 'lost');
      if (op.stage === 'won') expect(account?.type).toBe('customer');
      expect(op.createdAt.getTime()).toBeGreaterThan(NOW.getTime() - 366 * 86_400_000);
      expect(op.createdAt.getTime()).toBeLessThanOrEqual(op.updatedAt.getTime());
      expect(op.updatedAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
      if (op.closedAt) expect(op.closedAt.getTime()).toBeLessThan(NOW.getTime());
      const close = new Date(`${op.expectedCloseDate}T12:00:00Z`).getTime();
      expect(close).toBeGreaterThan(NOW.getTime() - 366 * 86_400_000);
      expect(close).toBeLessThan(NOW.getTime() + 9 * 31 * 86_400_000);

      const walk = history.filter((h) => h.opportunityId === op.id);
      expect(walk.length).toBeGreaterThanOrEqual(1);
      expect(walk.length).toBeLessThanOrEqual(4);
      expect(walk[0]?.fromStage).toBeNull();
      expect(walk.at(-1)?.toStage).toBe(op.stage);
      expect(walk[0]?.changedAt.getTime()).toBe(op.createdAt.getTime());
      walk.forEach((h, i) => {
        if (i > 0) {
          expect(h.fromStage).toBe(walk[i - 1]?.toStage);
          expect(order.indexOf(h.toStage)).toBeGreaterThan(order.indexOf(h.fromStage as string));
        }
        expect(h.changedBy).toBe(op.ownerId);
      });
    }
    expect(owners.size).toBe(3);
    expect(opps.some((o) => o.currency === 'CHF')).toBe(true);
    expect(opps.some((o) => o.currency === 'GBP')).toBe(true);
    expect(opps.some((o) => o.marginMinor !== null)).toBe(true);
    expect(opps.some((o) => o.marginMinor === null)).toBe(true);
  });

  it('shares 8 deals with the dealer and 5 with the supplier, one with both', async () => {
    const rows = await t.db
      .select({
        opportunityId: opportunityShares.opportunityId,
        access: opportunityShares.access,
        kind: partnerOrgs.kind,
      })
      .from(opportunityShares)
      .innerJoin(partnerOrgs, eq(opportunityShares.partnerOrgId, partnerOrgs.id));
    const dealer = rows.filter((r) => r.kind === 'dealer');
    const supplier = rows.filter((r) => r.kind === 'supplier');
    expect(dealer).toHaveLength(8);
    expect(supplier).toHaveLength(5);
    const both = dealer.filter((d) => supplier.some((s) => s.opportunityId === d.opportunityId));
    expect(both).toHaveLength(1);
    expect(new Set(dealer.map((d) => d.access))).toEqual(new Set(['view', 'edit']));
    expect(new Set(supplier.map((d) => d.access))).toEqual(new Set(['view', 'edit']));
  });

  it("fills each rep's to-do list: overdue, due this week, done, and logged contact", async () => {
    const reps = await t.db.select().from(users).where(eq(users.role, 'rep'));
    const week = NOW.getTime() + 7 * 86_400_000;
    for (const rep of reps) {
      const mine = await t.db.select().from(activities).where(eq(activities.ownerId, rep.id));
      const tasks = mine.filter((a) => a.type === 'task');
      expect(tasks).toHaveLength(10);
      const open = tasks.filter((a) => !a.doneAt);
      expect(open.filter((a) => (a.dueAt as Date).getTime() < NOW.getTime()).length).toBeGreaterThan(0);
      expect(
        open.filter((a) => (a.dueAt as Date).getTime() >= NOW.getTime() && (a.dueAt as Date).getTime() < week)
          .length,
      ).toBeGreaterThan(0);
      expect(tasks.filter((a) => a.doneAt).length).toBeGreaterThan(0);
      for (const type of ['call', 'visit', 'email', 'meeting', 'note'] as const) {
        expect(mine.some((a) => a.type === type)).toBe(true);
      }
      expect(mine.every((a) => a.accountId)).toBe(true);
      expect(mine.some((a) => a.opportunityId && a.contactId)).toBe(true);
    }
    const english = reps.find((r) => r.locale === 'en');
    const englishTasks = await t.db
      .select()
      .from(activities)
      .where(eq(activities.ownerId, english?.id as string));
    expect(englishTasks.some((a) => /^(Call with|Site visit|Note|Quote)/.test(a.subject))).toBe(true);
  });

  it('writes one system audit entry', async () => {
    const rows = await t.db.select().from(auditLog);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorType: 'system',
      action: 'seed',
      entity: 'database',
      entityId: 'demo',
    });
  });

  it('does nothing the second time, and does not even hash', async () => {
    const before = await allCounts(t.db);
    const [latest] = await t.db
      .select({ max: sql<string>`max(${opportunities.updatedAt})::text` })
      .from(opportunities);
    let hashed = 0;
    const again = await seedDemo(t.db, {
      hashPassword: async (p) => {
        hashed++;
        return fakeHash(p);
      },
    });
    expect(again.created).toBe(false);
    expect(again.logins).toEqual(first.logins);
    expect(hashed).toBe(0);
    expect(await allCounts(t.db)).toEqual(before);
    const [after] = await t.db
      .select({ max: sql<string>`max(${opportunities.updatedAt})::text` })
      .from(opportunities);
    expect(after?.max).toBe(latest?.max);
  });

  it('seeds bulk accounts and opportunities inside the database', async () => {
    const reps = await t.db.select({ id: users.id }).from(users).where(eq(users.role, 'rep'));
    const before = await allCounts(t.db);
    await seedBulkOpportunities(t.db, {
      accounts: 1000,
      opportunities: 5000,
      ownerIds: reps.map((r) => r.id),
      batchSize: 2000,
      seed: 42,
      now: NOW,
    });
    const after = await allCounts(t.db);
    expect(after.accounts - before.accounts).toBe(1000);
    expect(after.opportunities - before.opportunities).toBe(5000);

    const stages = await t.db
      .select({ stage: opportunities.stage, probability: opportunities.probability, n: count() })
      .from(opportunities)
      .groupBy(opportunities.stage, opportunities.probability);
    expect(stages.map((s) => s.stage).sort()).toEqual([...opportunityStages].sort());
    for (const s of stages) expect(s.probability).toBe(STAGE_PROBABILITY[s.stage]);
    const [closedWithoutDate] = await t.db
      .select({ n: count() })
      .from(opportunities)
      .where(sql`(${opportunities.stage} in ('won', 'lost')) <> (${opportunities.closedAt} is not null)`);
    expect(closedWithoutDate?.n).toBe(0);
    const [wonAtProspect] = await t.db
      .select({ n: count() })
      .from(opportunities)
      .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
      .where(sql`${opportunities.stage} = 'won' and ${accounts.type} = 'prospect'`);
    expect(wonAtProspect?.n).toBe(0);
    const owners = await t.db
      .selectDistinct({ ownerId: opportunities.ownerId })
      .from(opportunities)
      .where(
        inArray(
          opportunities.ownerId,
          reps.map((r) => r.id),
        ),
      );
    expect(owners).toHaveLength(3);
    const [amounts] = await t.db
      .select({
        min: sql<number>`min(${opportunities.amountMinor})::float8`,
        max: sql<number>`max(${opportunities.amountMinor})::float8`,
      })
      .from(opportunities)
      .where(isNotNull(opportunities.source));
    expect(amounts?.min).toBeGreaterThanOrEqual(700_000);
    expect(amounts?.max).toBeLessThanOrEqual(45_000_000);
  });
});

describe('seedBulkOpportunities', () => {
  it('is deterministic: the same seed gives the same rows in another database', async () => {
    const fingerprints: string[] = [];
    for (let run = 0; run < 2; run++) {
      const t = await createTestDatabase();
      try {
        const [owner] = await t.db
          .insert(users)
          .values({
            id: '00000000-0000-4000-8000-000000000001',
            email: 'rep@konsort.example',
            name: 'Rep',
            role: 'rep',
            passwordHash: 'x',
          })
          .returning();
        await seedBulkOpportunities(t.db, {
          accounts: 200,
          opportunities: 700,
          ownerIds: [owner?.id as string],
          seed: 7,
          now: NOW,
        });
        const result = await t.db.execute(sql`select
          (select md5(string_agg(concat_ws('|', id, name, stage, amount_minor, currency, margin_minor, owner_id,
            expected_close_date, closed_at, created_at, updated_at, account_id), ',' order by id)) from opportunities)
          || (select md5(string_agg(concat_ws('|', id, name, type, vat_id, domain, phone, street, postal_code, city,
            country, created_at), ',' order by id)) from accounts) as fp`);
        // postgres.js returns the rows, PGlite an object holding them.
        const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
          fp: string;
        }[];
        fingerprints.push(rows[0]?.fp as string);
      } finally {
        await t.destroy();
      }
    }
    expect(fingerprints[0]).toBe(fingerprints[1]);
  });

  it('puts back exactly the indexes and foreign keys it takes off for a large load', async () => {
    const t = await createTestDatabase();
    try {
      const catalog = async () => {
        const result = await t.db.execute(sql`
          select string_agg(d, E'\n' order by d) as defs from (
            select pg_get_indexdef(indexrelid) as d from pg_index where indrelid in ('accounts'::regclass, 'opportunities'::regclass)
            union all
            select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
            where conrelid in ('accounts'::regclass, 'opportunities'::regclass)
          ) x`);
        const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
          defs: string;
        }[];
        return rows[0]?.defs as string;
      };
      const before = await catalog();
      expect(before).toContain('gin_trgm_ops');
      expect(before).toContain('FOREIGN KEY (account_id) REFERENCES accounts(id)');
      const [owner] = await t.db
        .insert(users)
        .values({ email: 'rep@konsort.example', name: 'Rep', role: 'rep', passwordHash: 'x' })
        .returning();
      await seedBulkOpportunities(t.db, {
        accounts: 300,
        opportunities: 900,
        ownerIds: [owner?.id as string],
        batchSize: 250,
        rebuildIndexes: true,
      });
      expect(await catalog()).toBe(before);
      expect(await countOf(t.db, opportunities)).toBe(900);
      // The foreign keys are enforced again.
      await expect(
        t.db.insert(opportunities).values({
          accountId: '00000000-0000-4000-8000-00000000dead',
          name: 'Orphan',
          ownerId: owner?.id as string,
        }),
      ).rejects.toThrow();
    } finally {
      await t.destroy();
    }
  });

  it('refuses bad options before touching the database', async () => {
    const db = {} as Database;
    await expect(seedBulkOpportunities(db, { accounts: -1, opportunities: 1, ownerIds: [] })).rejects.toThrow(
      /accounts/,
    );
    await expect(
      seedBulkOpportunities(db, { accounts: 1, opportunities: 1, ownerIds: ["x'); drop table users; --"] }),
    ).rejects.toThrow(/not a user id/);
    await expect(
      seedBulkOpportunities(db, {
        accounts: 0,
        opportunities: 5,
        ownerIds: ['00000000-0000-4000-8000-000000000001'],
      }),
    ).rejects.toThrow(/account/);
  });
});

describe('buildDemoData', () => {
  const hashes = demoLogins().map((l) => `test$${l.password}`);
  const data = buildDemoData(NOW, hashes);

  it('is reproducible for the same `now`', () => {
    expect(buildDemoData(NOW, hashes)).toEqual(data);
  });

  it('writes addresses, numbers and names the way the countries do', () => {
    const postcode: Record<string, RegExp> = {
      DE: /^\d{5}$/,
      AT: /^\d{4}$/,
      CH: /^\d{4}$/,
      NL: /^\d{4} [A-Z]{2}$/,
      GB: /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/,
    };
    const dialling: Record<string, string> = { DE: '+49 ', AT: '+43 ', CH: '+41 ', NL: '+31 ', GB: '+44 ' };
    const countries = new Set<string>();
    for (const a of data.accounts) {
      countries.add(a.country);
      expect(a.postalCode).toMatch(postcode[a.country] as RegExp);
      expect(a.street).toMatch(/\d/);
      expect(a.phone?.startsWith(dialling[a.country] as string)).toBe(true);
      expect(a.domain).toMatch(/^[a-z0-9-]+\.example$/);
      expect(isValidVatId(a.vatId as string)).toBe(true);
      expect(a.name).toMatch(/(GmbH|AG|KG|SE|eG|Ltd|B\.V\.)$/);
    }
    expect([...countries].sort()).toEqual(['AT', 'CH', 'DE', 'GB', 'NL']);
    for (const org of data.partnerOrgs) expect(isValidVatId(org.vatId as string)).toBe(true);
    const text = JSON.stringify([data.accounts, data.contacts]);
    for (const s of ['ä', 'ö', 'ü', 'ß', 'Köln', 'Düsseldorf', 'Gößweinstein', 'Straße', 'Müller'])
      expect(text).toContain(s);
  });

  it('gives every account 2–4 contacts with addresses on its domain', () => {
    for (const a of data.accounts) {
      const mine = data.contacts.filter((c) => c.accountId === a.id);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.length).toBeLessThanOrEqual(4);
      for (const c of mine) {
        expect(c.email).toMatch(
          new RegExp(`^[a-z0-9]+\\.[a-z0-9]+@${(a.domain as string).replace(/\./g, '\\.')}$`),
        );
        expect(['Herr', 'Frau', 'Mr', 'Ms']).toContain(c.salutation);
        expect(c.createdAt?.getTime()).toBeGreaterThanOrEqual(a.createdAt.getTime());
      }
      expect(new Set(mine.map((c) => c.email)).size).toBe(mine.length);
    }
    expect(data.contacts.some((c) => c.title === 'Dr.')).toBe(true);
  });

  it('puts accounts before their deals and deals on the account’s primary contacts', () => {
    const byId = new Map(data.accounts.map((a) => [a.id, a]));
    for (const op of data.opportunities) {
      expect(byId.get(op.accountId)?.createdAt.getTime()).toBeLessThan(op.createdAt.getTime());
      const contact = data.contacts.find((c) => c.id === op.primaryContactId);
      expect(contact?.accountId).toBe(op.accountId);
    }
  });
});
