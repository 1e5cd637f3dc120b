/**
 * Demo data for a fresh installation (`seedDemo`) and bulk data for benchmarks
 * (`seedBulkOpportunities`).
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import type { Database, Executor } from '../index.ts';
import {
  accounts,
  activities,
  auditLog,
  contacts,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  partnerOrgs,
  type UserRole,
  users,
} from '../schema/index.ts';
import { DEMO_USERS, PARTNER_ORGS } from './data.ts';
import { buildDemoData } from './demo.ts';

export { type BulkSeedOptions, seedBulkOpportunities } from './bulk.ts';
export { DEMO_COMPANY } from './data.ts';
export { buildDemoData, DEMO_COUNTS, type DemoData, STAGE_PROBABILITY, STAGE_QUOTAS } from './demo.ts';

export interface SeedOptions {
  /** The application's password hash (scrypt/argon2); the seed never stores a clear password. */
  hashPassword: (password: string) => Promise<string>;
  /** Reference point for all dates ("overdue", "next quarter"); default: the current time. */
  now?: Date;
}

export interface DemoLogin {
  email: string;
  password: string;
  role: UserRole;
  name: string;
  /** Name of the partner organisation, for partner roles. */
  partnerOrg?: string;
}

/** The fixed demo logins, whether or not this run created them. */
export function demoLogins(): DemoLogin[] {
  return DEMO_USERS.map((u) => {
    const org = u.partner ? PARTNER_ORGS.find((p) => p.key === u.partner)?.name : undefined;
    return {
      email: u.email,
      password: u.password,
      role: u.role,
      name: u.name,
      ...(org ? { partnerOrg: org } : {}),
    };
  });
}

/** A plain-text table of the demo logins, for the portal to print at start-up. */
export function formatDemoLogins(logins: readonly DemoLogin[] = demoLogins()): string {
  const rows = logins.map((l) => [
    l.email,
    l.password,
    l.role,
    l.partnerOrg ? `${l.name} (${l.partnerOrg})` : l.name,
  ]);
  const header = ['E-Mail', 'Passwort / password', 'Rolle / role', 'Name'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Serialises concurrent seeders (two portal processes starting at once). */
const SEED_LOCK = 727276;

async function anyUserExists(db: Executor): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length > 0;
}

/** Stays well below the 65 535 bind parameters a statement may carry. */
const MAX_PARAMETERS = 20_000;

async function insertInBatches<TTable extends PgTable>(
  tx: Executor,
  table: TTable,
  rows: readonly PgInsertValue<TTable>[],
): Promise<void> {
  const perRow = Object.keys(getTableColumns(table)).length;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
  for (let i = 0; i < rows.length; i += size) await tx.insert(table).values(rows.slice(i, i + size));
}

/**
 * Fills an empty database with the Konsort demo world. Does nothing (created: false) when any
 * user exists, so it is safe to call on every start. All rows are written in one transaction.
 */
export async function seedDemo(
  db: Database,
  options: SeedOptions,
): Promise<{ logins: DemoLogin[]; created: boolean }> {
  const logins = demoLogins();
  if (await anyUserExists(db)) return { logins, created: false };

  // Hash before the transaction: a memory-hard KDF takes a while, the transaction should not.
  const hashes = await Promise.all(DEMO_USERS.map((u) => options.hashPassword(u.password)));
  const data = buildDemoData(options.now ?? new Date(), hashes);

  const created = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(SEED_LOCK))})`);
    if (await anyUserExists(tx)) return false;
    await insertInBatches(tx, partnerOrgs, data.partnerOrgs);
    await insertInBatches(tx, users, data.users);
    await insertInBatches(tx, accounts, data.accounts);
    await insertInBatches(tx, contacts, data.contacts);
    await insertInBatches(tx, opportunities, data.opportunities);
    await insertInBatches(tx, opportunityStageHistory, data.stageHistory);
    await insertInBatches(tx, opportunityShares, data.shares);
    await insertInBatches(tx, activities, data.activities);
    await insertInBatches(tx, auditLog, data.audit);
    return true;
  });
  return { logins, created };
}
