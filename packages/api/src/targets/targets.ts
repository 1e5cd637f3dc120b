import { type Database, salesTargets, type Transaction, users } from '@konsort/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { AppError, forbidden } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { inTransaction } from '../tx.ts';
import type { listTargetsInput, setAnnualTargetInput, setMonthTargetInput } from './schemas.ts';
import { splitAnnual } from './split.ts';

async function assertStaffTarget(tx: Transaction, userId: string) {
  const [user] = await tx
    .select({ role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, userId));
  if (!user?.active || !['admin', 'manager', 'rep'].includes(user.role))
    throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
      { path: 'userId', key: 'validation.staffUser' },
    ]);
}

interface MonthValue {
  userId: string;
  year: number;
  month: number;
  businessType: 'new' | 'existing';
  currency: string;
  amountMinor: number;
}

/** Upserts month rows, one audit entry per month whose amount changed. */
async function writeMonths(tx: Transaction, principal: Principal, values: MonthValue[]) {
  const setBy = principal.kind === 'internal' ? principal.userId : null;
  const first = values[0]!;
  const before = await tx
    .select()
    .from(salesTargets)
    .where(
      and(
        eq(salesTargets.userId, first.userId),
        eq(salesTargets.year, first.year),
        eq(salesTargets.businessType, first.businessType),
        eq(salesTargets.currency, first.currency),
        inArray(
          salesTargets.month,
          values.map((v) => v.month),
        ),
      ),
    )
    .for('update');
  const now = new Date();
  const rows = await tx
    .insert(salesTargets)
    .values(values.map((v) => ({ ...v, setBy, createdAt: now, updatedAt: now })))
    .onConflictDoUpdate({
      target: [
        salesTargets.userId,
        salesTargets.year,
        salesTargets.month,
        salesTargets.businessType,
        salesTargets.currency,
      ],
      set: { amountMinor: sqlExcluded('amount_minor'), setBy, updatedAt: now },
    })
    .returning();
  for (const row of rows) {
    const old = before.find((b) => b.month === row.month);
    if (old && old.amountMinor === row.amountMinor) continue;
    await writeAudit(tx, principal, {
      action: old ? 'update' : 'create',
      entity: 'salesTarget',
      entityId: row.id,
      changes: {
        ...(old ? {} : { userId: [null, row.userId], year: [null, row.year], month: [null, row.month] }),
        ...(old ? {} : { businessType: [null, row.businessType], currency: [null, row.currency] }),
        amountMinor: [old?.amountMinor ?? null, row.amountMinor],
      },
    });
  }
  return rows.sort((a, b) => a.month - b.month);
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded.${column}`);
}

/** The manager enters a year's target; it is split into months evenly or by weights. */
export async function setAnnualTarget(
  db: Database,
  principal: Principal,
  input: z.output<typeof setAnnualTargetInput>,
) {
  assertCan(principal, 'manage', { type: 'salesTarget', userId: input.userId });
  const months = splitAnnual(input.annualMinor, input.weights);
  return inTransaction(db, principal, async (tx) => {
    await assertStaffTarget(tx, input.userId);
    return writeMonths(
      tx,
      principal,
      months.map((amountMinor, i) => ({
        userId: input.userId,
        year: input.year,
        month: i + 1,
        businessType: input.businessType,
        currency: input.currency,
        amountMinor,
      })),
    );
  });
}

/** Changes one month; the year's target is the sum of its months, so it follows. */
export async function setMonthTarget(
  db: Database,
  principal: Principal,
  input: z.output<typeof setMonthTargetInput>,
) {
  assertCan(principal, 'manage', { type: 'salesTarget', userId: input.userId });
  return inTransaction(db, principal, async (tx) => {
    await assertStaffTarget(tx, input.userId);
    const [row] = await writeMonths(tx, principal, [input]);
    return row!;
  });
}

export interface TargetLine {
  userId: string;
  userName: string;
  businessType: 'new' | 'existing';
  currency: string;
  months: number[];
  annualMinor: number;
}

/** A year's targets as one line per rep × business type × currency with twelve months. */
export async function listTargets(
  database: Database,
  principal: Principal,
  input: z.output<typeof listTargetsInput>,
): Promise<TargetLine[]> {
  if (principal.kind !== 'internal') throw forbidden();
  const userId = principal.role === 'rep' ? (input.userId ?? principal.userId) : input.userId;
  assertCan(principal, 'read', { type: 'salesTarget', userId: userId ?? '*' });
  return withPrincipalDb(database, principal, async (db) => {
    const rows = await db
      .select({
        userId: salesTargets.userId,
        userName: users.name,
        businessType: salesTargets.businessType,
        currency: salesTargets.currency,
        month: salesTargets.month,
        amountMinor: salesTargets.amountMinor,
      })
      .from(salesTargets)
      .innerJoin(users, eq(users.id, salesTargets.userId))
      .where(and(eq(salesTargets.year, input.year), userId ? eq(salesTargets.userId, userId) : undefined))
      .orderBy(asc(users.name), asc(salesTargets.businessType), asc(salesTargets.currency));
    const lines = new Map<string, TargetLine>();
    for (const r of rows) {
      const key = `${r.userId}|${r.businessType}|${r.currency}`;
      let line = lines.get(key);
      if (!line) {
        line = {
          userId: r.userId,
          userName: r.userName,
          businessType: r.businessType,
          currency: r.currency,
          months: Array(12).fill(0),
          annualMinor: 0,
        };
        lines.set(key, line);
      }
      line.months[r.month - 1] = r.amountMinor;
      line.annualMinor += r.amountMinor;
    }
    return [...lines.values()];
  });
}
