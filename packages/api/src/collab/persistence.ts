/**
 * Durable storage of Yjs documents: an append-only update log (`collab_updates`) plus a compacted
 * snapshot (`collab_docs`). Every update is appended before the server applies or broadcasts it;
 * loading is snapshot + the updates after it, merged once.
 */
import { collabDocs, collabUpdates, type Database } from '@konsort/db';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import * as Y from 'yjs';

export interface StoredDoc {
  /** Snapshot and tail merged into one update (null: nothing stored yet). */
  state: Uint8Array | null;
  /** Highest update id contained in `state` (0 when none). */
  lastUpdateId: number;
  /** Number of updates after the snapshot. */
  tail: number;
  /** Updates that could not be merged/applied (logged, skipped): never silently replaced. */
  skipped: number[];
}

const copy = (b: Uint8Array) => new Uint8Array(b);
const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export async function loadDoc(db: Database, name: string): Promise<StoredDoc> {
  // One snapshot of the database: a compaction committing between the two reads cannot hide updates.
  return db.transaction(
    async (tx) => {
      const [head] = await tx
        .select({ snapshot: collabDocs.snapshot, snapshotUpdateId: collabDocs.snapshotUpdateId })
        .from(collabDocs)
        .where(eq(collabDocs.name, name));
      const after = head?.snapshotUpdateId ?? 0;
      const rows = await tx
        .select({ id: collabUpdates.id, update: collabUpdates.update })
        .from(collabUpdates)
        .where(and(eq(collabUpdates.docName, name), gt(collabUpdates.id, after)))
        .orderBy(asc(collabUpdates.id));
      const lastUpdateId = rows.length ? rows[rows.length - 1]!.id : after;
      if (!head?.snapshot && rows.length === 0) return { state: null, lastUpdateId, tail: 0, skipped: [] };
      // Applied one by one inside a single transaction: linear in the number of updates, unlike
      // Y.mergeUpdates, which grows quadratically (20k updates ≈ 17 s, 100k ≈ minutes). A poisoned
      // update must not take the whole document down: it is skipped (and reported), never dropped
      // from the log.
      const doc = new Y.Doc({ gc: true });
      const skipped: number[] = [];
      doc.transact(() => {
        if (head?.snapshot) Y.applyUpdate(doc, copy(head.snapshot));
        for (const r of rows) {
          try {
            Y.applyUpdate(doc, copy(r.update));
          } catch {
            skipped.push(r.id);
          }
        }
      });
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      return { state, lastUpdateId, tail: rows.length, skipped };
    },
    { isolationLevel: 'repeatable read' },
  );
}

export async function appendUpdate(
  db: Database,
  name: string,
  update: Uint8Array,
  userId: string | null,
): Promise<number> {
  const [row] = await db
    .insert(collabUpdates)
    .values({ docName: name, update: asBuffer(update), userId })
    .returning({ id: collabUpdates.id });
  return row!.id;
}

export interface UpdateLogOptions {
  /** Multi-row INSERTs in flight at once (each on its own pooled connection). Default 4. */
  maxInFlight?: number;
  /** Rows per INSERT at most. Default 256. */
  maxBatchRows?: number;
  /** Update bytes per INSERT at most (one bigger update still goes alone). Default 8 MiB. */
  maxBatchBytes?: number;
}

export interface UpdateLog {
  /**
   * Resolves once the update is committed, with the highest id this document received in the
   * same INSERT (≥ the update's own id: what compaction needs). Rejects when it was not stored.
   */
  append(name: string, update: Uint8Array, userId: string | null): Promise<number>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
}

interface Pending {
  name: string;
  update: Uint8Array;
  userId: string | null;
  resolve: (id: number) => void;
  reject: (e: unknown) => void;
}

interface InsertedRow {
  id: number | string | bigint;
  doc_name?: string;
  docName?: string;
}

/** postgres.js's pool (the `$client` of drizzle's postgres-js driver); PGlite has no `unsafe`. */
interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<InsertedRow[]>;
}

/**
 * The append path of the collaboration server: every update committed (synchronous commit, as
 * any INSERT) before its promise resolves, in multi-row INSERTs written by a bounded pool of
 * concurrent writers across all documents (decision 009). An idle log sends an update at once; under load the
 * updates that arrive while all writers are busy go together in the next INSERT, so one round
 * trip, one statement and one WAL flush serve many updates without making any of them wait for
 * a timer. Within one INSERT rows keep their arrival order; INSERTs in flight may commit in any
 * order, which is safe: one connection's updates never overlap (the server handles its messages
 * one at a time), and updates of different connections that are in flight together are
 * concurrent for Yjs and commute.
 */
export function createUpdateLog(db: Database, options: UpdateLogOptions = {}): UpdateLog {
  const maxInFlight = options.maxInFlight ?? 4;
  const maxBatchRows = options.maxBatchRows ?? 256;
  const maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
  const client = (db as unknown as { $client?: Partial<PostgresJsClient> }).$client;
  // postgres.js: one hand-written statement per batch size (prepared once, reused). drizzle's
  // insert builder costs ~0.6 ms of CPU per call here, the raw statement ~0.08 ms.
  const raw = typeof client?.unsafe === 'function' ? (client as PostgresJsClient) : null;
  const statements = new Map<number, string>();
  const queue: Pending[] = [];
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  function statement(rows: number): string {
    let text = statements.get(rows);
    if (!text) {
      const values = Array.from({ length: rows }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
      text = `insert into collab_updates (doc_name, update, user_id) values ${values.join(', ')} returning id, doc_name`;
      statements.set(rows, text);
    }
    return text;
  }

  async function insert(batch: Pending[]): Promise<InsertedRow[]> {
    if (raw) {
      const params: unknown[] = [];
      for (const p of batch) params.push(p.name, asBuffer(p.update), p.userId);
      return raw.unsafe(statement(batch.length), params, { prepare: true });
    }
    return db
      .insert(collabUpdates)
      .values(batch.map((p) => ({ docName: p.name, update: asBuffer(p.update), userId: p.userId })))
      .returning({ id: collabUpdates.id, docName: collabUpdates.docName });
  }

  function settle(batch: Pending[], rows: InsertedRow[]) {
    const highest = new Map<string, number>();
    for (const r of rows) {
      const name = (r.doc_name ?? r.docName)!;
      const id = Number(r.id);
      if (id > (highest.get(name) ?? 0)) highest.set(name, id);
    }
    for (const p of batch) {
      const id = highest.get(p.name);
      if (id === undefined) p.reject(new Error('update not stored'));
      else p.resolve(id);
    }
  }

  async function write(batch: Pending[]) {
    try {
      settle(batch, await insert(batch));
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
      // One bad row (say, a user deleted meanwhile) must not fail the others: each alone.
      await Promise.all(
        batch.map(async (p) => {
          try {
            settle([p], await insert([p]));
          } catch (err) {
            p.reject(err);
          }
        }),
      );
    }
  }

  function pump() {
    while (inFlight < maxInFlight && queue.length > 0) {
      let rows = 0;
      let bytes = 0;
      while (rows < queue.length && rows < maxBatchRows) {
        const size = queue[rows]!.update.byteLength;
        if (rows > 0 && bytes + size > maxBatchBytes) break;
        bytes += size;
        rows++;
      }
      const batch = queue.splice(0, rows);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
        if (inFlight === 0 && queue.length === 0) {
          for (const r of idleWaiters) r();
          idleWaiters = [];
        }
      });
    }
  }

  return {
    append(name, update, userId) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ name, update, userId, resolve, reject });
        pump();
      });
    },
    idle() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((r) => idleWaiters.push(r));
    },
  };
}

/**
 * Stores `snapshot` as the document state up to update `upToId` and deletes the folded updates,
 * in one transaction under the document's advisory lock. A concurrent or older compaction never
 * moves the snapshot backwards.
 */
export async function writeSnapshot(
  db: Database,
  name: string,
  snapshot: Uint8Array,
  upToId: number,
): Promise<{ written: boolean; deleted: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`);
    const [head] = await tx
      .select({ snapshotUpdateId: collabDocs.snapshotUpdateId })
      .from(collabDocs)
      .where(eq(collabDocs.name, name));
    if (head && head.snapshotUpdateId > upToId) return { written: false, deleted: 0 };
    const value = asBuffer(snapshot);
    await tx
      .insert(collabDocs)
      .values({ name, snapshot: value, snapshotUpdateId: upToId })
      .onConflictDoUpdate({
        target: collabDocs.name,
        set: { snapshot: value, snapshotUpdateId: upToId, updatedAt: new Date() },
      });
    const deleted = await tx
      .delete(collabUpdates)
      .where(and(eq(collabUpdates.docName, name), lte(collabUpdates.id, upToId)))
      .returning({ id: collabUpdates.id });
    return { written: true, deleted: deleted.length };
  });
}
