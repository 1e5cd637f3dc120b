import { connect, createServer, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, partnerOrgs, transactionWithSettings } from './index.ts';
import { createTestDatabase, type TestDatabase, testDriver } from './testing.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

type Executor = { execute: (q: ReturnType<typeof sql>) => Promise<unknown> };

async function setting(db: Executor): Promise<string | null> {
  const r = (await db.execute(sql`select current_setting('konsort.test_who', true) as who`)) as unknown as
    | { rows: { who: string | null }[] }
    | { who: string | null }[];
  const rows = Array.isArray(r) ? r : r.rows;
  return rows[0]?.who || null;
}

const who = (name: string) => ({ 'konsort.test_who': name });

describe('transactionWithSettings', () => {
  for (const pipeline of [true, false]) {
    it(`sets them before the first query and ends them with the transaction (pipeline ${pipeline})`, async () => {
      expect(await transactionWithSettings(t.db, who('anna'), { pipeline }, (tx) => setting(tx))).toBe(
        'anna',
      );
      // Every pooled connection is back without them.
      const after = await Promise.all(Array.from({ length: 12 }, () => setting(t.db)));
      expect(after.every((v) => v === null)).toBe(true);
    });
  }

  it('refuses a name or value that could not be written as a literal', async () => {
    const refused: Record<string, string>[] = [
      { "konsort.x'": 'a' },
      { 'konsort.x': "a', true); drop table users; --" },
    ];
    for (const settings of refused) {
      await expect(
        transactionWithSettings(t.db, settings, { pipeline: true }, async () => 1),
      ).rejects.toThrow(/refused setting/);
    }
  });

  for (const pipeline of [true, false]) {
    it(`fails when the opening fails, discards the work and leaves every connection usable (pipeline ${pipeline})`, async () => {
      await expect(
        transactionWithSettings(t.db, { role: 'konsort_no_such_role' }, { pipeline }, async (tx) => {
          await tx.execute(sql`select 1`).catch(() => {});
          return 'leaked';
        }),
      ).rejects.toThrow();
      // Each pooled connection answers (none was returned inside an aborted transaction).
      const after = await Promise.all(Array.from({ length: 12 }, () => setting(t.db)));
      expect(after.every((v) => v === null)).toBe(true);
    });
  }

  it('commits writes, rolls a failed one back, and nests savepoints', async () => {
    await transactionWithSettings(t.db, who('dora'), { pipeline: false }, async (tx) => {
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
      transactionWithSettings(t.db, who('emil'), { pipeline: false }, async (tx) => {
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

  it('keeps each of many concurrent transactions to its own settings', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    const seen = await Promise.all(
      names.map((n, i) =>
        transactionWithSettings(t.db, who(n), { pipeline: i % 2 === 0 }, (tx) => setting(tx)),
      ),
    );
    expect(seen).toEqual(names);
  });

  /**
   * The round trips themselves, through a proxy that holds every answer from the server back
   * for DELAY ms: a pipelined read costs one, a write three (opening, query, COMMIT).
   */
  // PostgreSQL only (test:system): PGlite runs in-process, without round trips.
  it.skipIf(testDriver() !== 'postgres')(
    'a pipelined read takes one round trip, a write waits for each',
    async () => {
      const DELAY = 150;
      if (t.raw.kind !== 'postgres') throw new Error('expected PostgreSQL');
      const url = new URL(t.raw.url);
      const proxy = await delayingProxy(DELAY, url.hostname, Number(url.port || 5432));
      let slow: DatabaseHandle | undefined;
      try {
        url.host = `127.0.0.1:${proxy.port}`;
        slow = await openDatabase({ url: url.toString(), migrate: false, maxConnections: 1 });
        await slow.db.execute(sql`select 1`); // connect (several round trips) before timing
        const time = async (pipeline: boolean) => {
          const started = performance.now();
          const seen = await transactionWithSettings(slow!.db, who('fritz'), { pipeline }, (tx) =>
            setting(tx),
          );
          expect(seen).toBe('fritz');
          return (performance.now() - started) / DELAY;
        };
        const read = await time(true);
        const write = await time(false);
        expect(read).toBeGreaterThanOrEqual(0.9);
        expect(read).toBeLessThan(1.9);
        expect(write).toBeGreaterThanOrEqual(2.9);
      } finally {
        await slow?.close();
        await proxy.close();
      }
    },
  );
});

/** A TCP proxy to PostgreSQL that delays what the server sends by `delay` ms. */
async function delayingProxy(
  delay: number,
  host: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delay));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
