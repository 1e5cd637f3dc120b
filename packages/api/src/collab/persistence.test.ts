import { collabUpdates } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendUpdate, loadDoc } from './persistence.ts';

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
