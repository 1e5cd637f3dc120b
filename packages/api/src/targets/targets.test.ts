import { auditLog, salesTargets } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../principal.ts';
import { callerFor, failure, makeUser } from '../testing/index.ts';
import { splitAnnual } from './split.ts';

describe('splitAnnual', () => {
  it('splits evenly, giving the leftover minor units to the earliest months', () => {
    expect(splitAnnual(1_200_000)).toEqual(Array(12).fill(100_000));
    // 100 005 / 12 = 8 333.75: 12 × 8 333 = 99 996, the 9 units left go to January…September.
    expect(splitAnnual(100_005)).toEqual([...Array(9).fill(8_334), ...Array(3).fill(8_333)]);
  });

  it('splits by weights: December three times a normal month', () => {
    // Weights 1×11 + 3 = 14: 1 401 / 14 = 100.07 a unit; floors 100×11 + 300 = 1 400, the last unit
    // goes to December (fraction .21 beats .07).
    expect(splitAnnual(1_401, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3])).toEqual([...Array(11).fill(100), 301]);
    expect(splitAnnual(1_000, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toEqual([...Array(11).fill(0), 1_000]);
  });

  it('always adds up to the annual amount exactly, in whole units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 12, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (annual, weights) => {
          const months = splitAnnual(annual, weights);
          expect(months.reduce((a, b) => a + b, 0)).toBe(annual);
          expect(months.every((m) => Number.isInteger(m) && m >= 0)).toBe(true);
          weights.forEach((w, i) => {
            if (w === 0) expect(months[i]).toBe(0);
          });
        },
      ),
    );
  });

  it('refuses weights that are not twelve non-negative numbers with a positive sum', () => {
    expect(() => splitAnnual(100, [1, 2])).toThrow(RangeError);
    expect(() => splitAnnual(100, Array(12).fill(0))).toThrow(RangeError);
    expect(() => splitAnnual(-1)).toThrow(RangeError);
  });
});

let t: TestDatabase;
let manager: Principal;
let rep: Principal;
let other: Principal;
let partner: Principal;
let repId: string;
let otherId: string;
let partnerUserId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  manager = (await makeUser(t.db, { role: 'manager' })).principal;
  const r = await makeUser(t.db, { role: 'rep' });
  const o = await makeUser(t.db, { role: 'rep' });
  const p = await makeUser(t.db, { role: 'partner_member' });
  rep = r.principal;
  repId = r.user.id;
  other = o.principal;
  otherId = o.user.id;
  partner = p.principal;
  partnerUserId = p.user.id;
});
afterAll(async () => {
  await t?.destroy();
});

describe('targets through the API', () => {
  it('a manager sets the year, edits a month; the year follows; each change is audited', async () => {
    const { caller } = callerFor(t.db, manager);
    const months = await caller.target.setAnnual({
      userId: repId,
      year: 2027,
      businessType: 'new',
      currency: 'EUR',
      annualMinor: 2_400_000,
    });
    expect(months.map((m) => m.amountMinor)).toEqual(Array(12).fill(200_000));
    await caller.target.setMonth({
      userId: repId,
      year: 2027,
      month: 12,
      businessType: 'new',
      currency: 'EUR',
      amountMinor: 0,
    });
    const [line] = await caller.target.list({ year: 2027, userId: repId });
    expect(line!.months.at(-1)).toBe(0);
    expect(line!.annualMinor).toBe(2_200_000);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entity, 'salesTarget'));
    expect(entries.filter((e) => e.action === 'create')).toHaveLength(12);
    expect(entries.filter((e) => e.action === 'update').map((e) => e.changes)).toEqual([
      { amountMinor: [200_000, 0] },
    ]);
    // Setting the same year again with the same split changes only what differs.
    await caller.target.setAnnual({ userId: repId, year: 2027, businessType: 'new', annualMinor: 2_400_000 });
    const again = await t.db.select().from(auditLog).where(eq(auditLog.entity, 'salesTarget'));
    expect(again.length - entries.length).toBe(1);
  });

  it('reps read their own targets only and set none; partners nothing', async () => {
    const mine = await callerFor(t.db, rep).caller.target.list({ year: 2027 });
    expect(mine.every((l) => l.userId === repId)).toBe(true);
    expect(mine.length).toBeGreaterThan(0);
    expect(
      (await failure(callerFor(t.db, other).caller.target.list({ year: 2027, userId: repId }))).code,
    ).toBe('FORBIDDEN');
    expect(await callerFor(t.db, other).caller.target.list({ year: 2027 })).toEqual([]);
    expect(
      (
        await failure(
          callerFor(t.db, rep).caller.target.setAnnual({
            userId: repId,
            year: 2027,
            businessType: 'new',
            annualMinor: 1,
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(callerFor(t.db, partner).caller.target.list({ year: 2027 }))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('bad input is refused with field errors and writes nothing', async () => {
    const { caller } = callerFor(t.db, manager);
    const count = async () => (await t.db.select().from(salesTargets)).length;
    const before = await count();
    const weights = await failure(
      caller.target.setAnnual({
        userId: otherId,
        year: 2027,
        businessType: 'existing',
        annualMinor: 1_000,
        weights: Array(12).fill(0),
      }),
    );
    expect(weights.code).toBe('BAD_REQUEST');
    const partnerTarget = await failure(
      caller.target.setAnnual({ userId: partnerUserId, year: 2027, businessType: 'new', annualMinor: 1_000 }),
    );
    expect((partnerTarget.cause as { fields?: { key: string }[] }).fields?.[0]?.key).toBe(
      'validation.staffUser',
    );
    const month = await failure(
      caller.target.setMonth({ userId: otherId, year: 2027, month: 13, businessType: 'new', amountMinor: 1 }),
    );
    expect(month.code).toBe('BAD_REQUEST');
    const negative = await failure(
      caller.target.setAnnual({ userId: otherId, year: 2027, businessType: 'new', annualMinor: -5 }),
    );
    expect(negative.code).toBe('BAD_REQUEST');
    expect(await count()).toBe(before);
  });
});
