import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, partnerOrgs, pgErrorOf, users } from './index.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe('schema and migrations', () => {
  it('has pg_trgm and the tables', async () => {
    const r = await t.db.execute(sql`select similarity('Müller GmbH', 'Mueller GmbH') > 0 as ok`);
    expect((r as unknown as { rows?: unknown[] }).rows ?? r).toBeTruthy();
    const n = await t.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n[0]?.n).toBe(0);
  });

  it('refuses UPDATE and DELETE on the audit log', async () => {
    await t.db.insert(auditLog).values({ actorType: 'system', action: 'test', entity: 'x', entityId: '1' });
    const refused = (e: unknown) =>
      pgErrorOf(e)?.code === '42501' && /append-only/.test(pgErrorOf(e)!.message);
    await expect(t.db.update(auditLog).set({ action: 'forged' })).rejects.toSatisfy(refused);
    await expect(t.db.delete(auditLog)).rejects.toSatisfy(refused);
  });

  it('keeps partner users and internal users apart', async () => {
    await expect(
      t.db
        .insert(users)
        .values({ email: 'x@example.com', name: 'X', role: 'partner_member', passwordHash: 'x' }),
    ).rejects.toThrow();
    const [org] = await t.db.insert(partnerOrgs).values({ name: 'P', kind: 'dealer' }).returning();
    await expect(
      t.db
        .insert(users)
        .values({ email: 'y@example.com', name: 'Y', role: 'rep', partnerOrgId: org!.id, passwordHash: 'x' }),
    ).rejects.toThrow();
  });

  it('rejects a second user with the same e-mail in another case', async () => {
    await t.db.insert(users).values({ email: 'Anna@Example.com', name: 'A', role: 'rep', passwordHash: 'x' });
    await expect(
      t.db.insert(users).values({ email: 'anna@example.com', name: 'B', role: 'rep', passwordHash: 'x' }),
    ).rejects.toSatisfy((e) => pgErrorOf(e)?.code === '23505');
  });
});
