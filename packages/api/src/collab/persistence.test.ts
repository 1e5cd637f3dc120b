import { collabUpdates } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendUpdate, createUpdateLog, loadDoc } from './persistence.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.destroy();
});

function typedUpdates(n: number, clientId: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('t').insert(i, String.fromCharCode(97 + (i % 26)));
  return updates;
}

describe('loadDoc', () => {
  it('loads a long update log in linear time and skips (reports) a poisoned update', async () => {
    const name = 'opportunity:persistence-test';
    const updates = [...typedUpdates(20_000, 7), ...typedUpdates(50, 8)];
    for (let i = 0; i < updates.length; i += 2000) {
      await handle.db
        .insert(collabUpdates)
        .values(updates.slice(i, i + 2000).map((update) => ({ docName: name, update, userId: null })));
    }
    const poisoned = await appendUpdate(handle.db, name, new Uint8Array([0xff, 0xff, 0xff, 0x01]), null);
    const start = performance.now();
    const stored = await loadDoc(handle.db, name);
    // Y.mergeUpdates needed ~17 s for 20k updates here; applying them in one transaction well under 5 s.
    expect(performance.now() - start).toBeLessThan(5000);
    expect(stored.skipped).toEqual([poisoned]);
    expect(stored.tail).toBe(updates.length + 1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.state!);
    expect(doc.getText('t').length).toBe(20_050);
  });
});

describe('createUpdateLog', () => {
  it('writes concurrent appends of many documents in fewer INSERTs; each resolves after its commit', async () => {
    const log = createUpdateLog(handle.db, { maxInFlight: 2 });
    const docs = Array.from({ length: 30 }, (_, i) => `opportunity:log-test-${i}`);
    const perDoc = docs.map((_, i) => typedUpdates(10, 100 + i));
    const appends = perDoc.flatMap((updates, d) =>
      updates.map(async (update) => {
        const id = await log.append(docs[d]!, update, null);
        // Resolved only once the row is committed: visible on another connection now.
        const rows = await handle.db
          .select({ id: collabUpdates.id })
          .from(collabUpdates)
          .where(sql`${collabUpdates.docName} = ${docs[d]!} and ${collabUpdates.id} = ${id}`);
        expect(rows).toHaveLength(1);
        return { doc: docs[d]!, id };
      }),
    );
    const results = await Promise.all(appends);
    await log.idle();
    const stored = await handle.db
      .select({ id: collabUpdates.id, docName: collabUpdates.docName, tx: sql<string>`xmin::text` })
      .from(collabUpdates)
      .where(like(collabUpdates.docName, 'opportunity:log-test-%'));
    expect(stored).toHaveLength(300);
    // Rows of one INSERT share a transaction id: far fewer transactions than updates.
    const transactions = new Set(stored.map((r) => r.tx)).size;
    expect(transactions).toBeLessThan(100);
    // Each append resolves with its document's highest id of the INSERT it went in, so an
    // append's id is never below the id of its own row: compaction up to it folds the row.
    for (const doc of docs) {
      const ids = stored.filter((r) => r.docName === doc).map((r) => r.id);
      const resolved = results.filter((r) => r.doc === doc).map((r) => r.id);
      expect(Math.max(...resolved)).toBe(Math.max(...ids));
      expect(resolved.every((id) => ids.includes(id))).toBe(true);
    }
    // Everything loads back.
    const loaded = await loadDoc(handle.db, docs[7]!);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, loaded.state!);
    expect(doc.getText('t').toString()).toBe('abcdefghij');
  });

  it('a row that cannot be stored fails alone; the others in its INSERT are stored', async () => {
    const log = createUpdateLog(handle.db, { maxInFlight: 1 });
    const name = 'opportunity:log-test-bad';
    const updates = typedUpdates(20, 300);
    // The first append goes at once; the rest queue behind it and go as one INSERT.
    const appends = updates.map((u, i) =>
      log.append(name, u, i === 10 ? '00000000-0000-4000-8000-000000000000' : null),
    );
    const settled = await Promise.allSettled(appends);
    expect(settled.map((s) => s.status)).toEqual(
      updates.map((_, i) => (i === 10 ? 'rejected' : 'fulfilled')),
    );
    const stored = await handle.db
      .select({ id: collabUpdates.id })
      .from(collabUpdates)
      .where(sql`${collabUpdates.docName} = ${name}`);
    expect(stored).toHaveLength(19);
  });
});
