import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerOrgs, transactionWithPreamble } from './index.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

const identity = (who: string, extra = sql``) =>
  sql`select set_config('konsort.test_who', ${who}, true)${extra}`;

async function setting(db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }) {
  const r = (await db.execute(sql`select current_setting('konsort.test_who', true) as who`)) as unknown as
    | { rows: { who: string | null }[] }
    | { who: string | null }[];
  const rows = Array.isArray(r) ? r : r.rows;
  return rows[0]?.who ?? null;
}

describe('transactionWithPreamble', () => {
  for (const pipeline of [true, false]) {
    it(`runs the preamble before the first query and ends it with the transaction (pipeline ${pipeline})`, async () => {
      const seen = await transactionWithPreamble(t.db, identity('anna'), { pipeline }, (tx) => setting(tx));
      expect(seen).toBe('anna');
      // The connection went back to the pool without the identity.
      for (let i = 0; i < 12; i++) expect(await setting(t.db)).toBeOneOf([null, '']);
    });
  }

  it('sends a read ahead of a slow preamble only on PostgreSQL, and the read still sees it', async () => {
    const started = performance.now();
    let calledAfter = -1;
    const seen = await transactionWithPreamble(
      t.db,
      identity('bruno', sql`, pg_sleep(0.3)`),
      { pipeline: true },
      (tx) => {
        calledAfter = performance.now() - started;
        return setting(tx);
      },
    );
    expect(seen).toBe('bruno');
    if (t.driver === 'postgres') expect(calledAfter).toBeLessThan(250);
    else expect(calledAfter).toBeGreaterThanOrEqual(290);
  });

  it('waits for the preamble before a write', async () => {
    const started = performance.now();
    let calledAfter = -1;
    await transactionWithPreamble(
      t.db,
      identity('carla', sql`, pg_sleep(0.3)`),
      { pipeline: false },
      async () => {
        calledAfter = performance.now() - started;
      },
    );
    expect(calledAfter).toBeGreaterThanOrEqual(290);
  });

  it('throws away a pipelined read whose preamble failed', async () => {
    await expect(
      transactionWithPreamble(t.db, sql`select 1/0`, { pipeline: true }, async (tx) => {
        await tx.execute(sql`select 1`).catch(() => {});
        return 'leaked';
      }),
    ).rejects.toThrow();
    expect(await setting(t.db)).toBeOneOf([null, '']);
  });

  it('commits writes, rolls back a failed one, and nests savepoints', async () => {
    await transactionWithPreamble(t.db, identity('dora'), { pipeline: false }, async (tx) => {
      await tx.insert(partnerOrgs).values({ name: 'Pipelined Kept', kind: 'dealer' });
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(partnerOrgs).values({ name: 'Pipelined Inner Undone', kind: 'dealer' });
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.transaction(async (inner) => {
        await inner.insert(partnerOrgs).values({ name: 'Pipelined Inner Kept', kind: 'dealer' });
        await inner.transaction(async (deeper) => {
          await deeper.insert(partnerOrgs).values({ name: 'Pipelined Deeper Kept', kind: 'dealer' });
        });
      });
      expect(await setting(tx)).toBe('dora');
    });
    await expect(
      transactionWithPreamble(t.db, identity('emil'), { pipeline: false }, async (tx) => {
        await tx.insert(partnerOrgs).values({ name: 'Pipelined Rolled Back', kind: 'dealer' });
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    const names = (await t.db.select({ name: partnerOrgs.name }).from(partnerOrgs))
      .map((r) => r.name)
      .filter((n) => n.startsWith('Pipelined'))
      .sort();
    expect(names).toEqual(['Pipelined Deeper Kept', 'Pipelined Inner Kept', 'Pipelined Kept']);
  });

  it('keeps the pool usable under many concurrent pipelined reads', async () => {
    const who = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    const seen = await Promise.all(
      who.map((w) => transactionWithPreamble(t.db, identity(w), { pipeline: true }, (tx) => setting(tx))),
    );
    expect(seen).toEqual(who);
  });
});
