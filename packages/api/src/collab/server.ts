/**
 * The collaboration server: y-websocket wire protocol (sync + awareness) over `ws`, authorized by
 * the policy module, durable in Postgres (append before apply/broadcast), with the deal fields of
 * `opportunity:<id>` documents projected into the SQL row through the audited domain path.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Database, opportunities } from '@konsort/db';
import { eq } from 'drizzle-orm';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { checkDocumentUpdate } from '../documents/content.ts';
import { writeTextPreview } from '../documents/documents.ts';
import { AppError, isAppError } from '../errors.ts';
import { subscribe } from '../events.ts';
import { updateOpportunity } from '../opportunities/opportunities.ts';
import { partnerEditableOpportunityFields } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { type Access, type Authorizer, type DocRef, defaultAuthorize, docRefFromUrl } from './docs.ts';
import {
  type CoEditableField,
  type CoFields,
  coFieldSchemas,
  fieldsOfRow,
  isCoEditableField,
  sameValue,
} from './fields.ts';
import { createUpdateLog, loadDoc, writeSnapshot } from './persistence.ts';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

/** Close codes: RFC 6455 ones plus the 44xx range y-websocket treats as "do not reconnect". */
export const closeCodes = {
  goingAway: 1001,
  unsupported: 1003,
  invalidPayload: 1007,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  tryAgainLater: 1013,
  unauthenticated: 4401,
  forbidden: 4403,
  /** A `document:` update that does not fit the editor schema (no reconnect: it would resend it). */
  schemaMismatch: 4422,
} as const;

export interface CollabLimits {
  /** Largest websocket message (bytes); `ws` closes bigger ones with 1009. Default 1 MiB. */
  maxPayload: number;
  /** Loaded documents; a connection that would load one more gets 503. Default 1000. */
  maxDocs: number;
  /** Open connections in total (503 beyond). Default 10,000. */
  maxConnections: number;
  /** Upgrades waiting for authentication/authorization (503 beyond). Default 256. */
  maxPendingUpgrades: number;
  /** Authentication + authorization must finish within this (ms), else 503. Default 10 s. */
  authTimeoutMs: number;
  /** Messages a connection may queue while its document loads; more closes it (1008). Default 1000. */
  maxQueuedMessages: number;
  /** Bytes a connection may queue while its document loads (1008 beyond). Default 8 MiB. */
  maxQueuedBytes: number;
  /** Unsent bytes per connection before it counts as a slow consumer (closed 1013). Default 4 MiB. */
  maxBufferedBytes: number;
  /** Largest awareness message (bytes). Default 64 KiB. */
  maxAwarenessBytes: number;
  /** Awareness client ids one connection may own. Default 8. */
  maxAwarenessClientsPerConnection: number;
  /**
   * Multi-row INSERTs of updates in flight at once, across all documents (each holds a pooled
   * database connection while it runs). Default 4.
   */
  appendWriters: number;
  /** Compact when a document's tail exceeds this many updates. Default 500. */
  compactAfterUpdates: number;
  /** Keep a document this long after its last connection left (ms). Default 2000. */
  unloadDelayMs: number;
  /** Re-run authorization for every connection this often (ms; 0 = never). Default 30 s. */
  revalidateIntervalMs: number;
  /** A `document:` doc's plain-text preview is written at most this often (ms). Default 2000. */
  textPreviewDelayMs: number;
  /**
   * Presence changes of a document are sent together at most this often (ms; 0 = each at once).
   * With N people on a document every change goes to N connections: a thousand observers renewing
   * their presence every 15 s would otherwise cost ~67,000 sends a second. Default 50.
   */
  presenceBatchMs: number;
}

export const defaultLimits: CollabLimits = {
  maxPayload: 1024 * 1024,
  maxDocs: 1000,
  maxConnections: 10_000,
  maxPendingUpgrades: 256,
  authTimeoutMs: 10_000,
  maxQueuedMessages: 1000,
  maxQueuedBytes: 8 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxAwarenessBytes: 64 * 1024,
  maxAwarenessClientsPerConnection: 8,
  appendWriters: 4,
  compactAfterUpdates: 500,
  unloadDelayMs: 2000,
  revalidateIntervalMs: 30_000,
  textPreviewDelayMs: 2000,
  presenceBatchMs: 50,
};

/** pino-compatible (`logger.warn(obj, msg)`). */
export interface CollabLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const consoleLogger: CollabLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(`[collab] ${msg}`, obj),
  error: (obj, msg) => console.error(`[collab] ${msg}`, obj),
};

export interface CollabServerOptions {
  db: Database;
  /** The principal of an upgrade request (cookie session, API key…); anonymous → 401. */
  authenticate: (req: IncomingMessage) => Promise<Principal>;
  /** Replaces the policy-based default decision (tests, future doc kinds). */
  authorize?: Authorizer;
  limits?: Partial<CollabLimits>;
  logger?: CollabLogger;
  /** URL prefix in front of the document name. Default `/collab/`. */
  pathPrefix?: string;
  /** When set, an upgrade whose Origin header is present and not listed is refused (403). */
  allowedOrigins?: readonly string[];
  /** Instrumentation: awaited before a document is read from the database (tests delay loads). */
  beforeLoad?: (docName: string) => Promise<void>;
}

/** Written into Y.Map `errors` (keyed by the editor's Yjs clientID) when a field edit is reverted. */
export interface FieldError {
  field: string;
  /** A key of the message catalogue, e.g. `validation.invalid`, `errors.forbidden`. */
  reason: string;
  message: string;
  /** The value the server refused. */
  rejected: unknown;
  at: string;
}

export interface CollabStats {
  docs: number;
  connections: number;
  pendingUpgrades: number;
  queuedMessages: number;
  perDoc: { name: string; connections: number; readOnly: number; tail: number; state: DocState }[];
}

type DocState = 'loading' | 'ready' | 'unloading' | 'failed';

interface Conn {
  id: number;
  ws: WebSocket;
  req: IncomingMessage;
  principal: Principal;
  access: Access;
  entry: DocEntry;
  queue: Uint8Array[];
  queuedBytes: number;
  processing: boolean;
  closed: boolean;
  /** Awareness client ids this connection introduced (removed when it closes). */
  awarenessIds: Set<number>;
  /** The Yjs client ids seen in this connection's updates (most recent last). */
  lastClientId: number | null;
}

interface DocEntry {
  ref: DocRef;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  awarenessOwners: Map<number, Conn>;
  conns: Set<Conn>;
  state: DocState;
  ready: Promise<void>;
  unloaded: Promise<void> | null;
  unloadTimer: NodeJS.Timeout | null;
  /** Updates stored after the snapshot. */
  tail: number;
  /** Highest update id applied to `doc`. */
  maxAppliedId: number;
  /** Appends started but not yet applied. */
  inflight: number;
  inflightDrained: (() => void)[];
  /** Appends wait for this while a compaction captures the state. */
  gate: Promise<void> | null;
  /** Serialises server-originated changes (they share one client id). */
  serverChain: Promise<unknown>;
  /** Serialises projections into SQL. */
  projectionChain: Promise<unknown>;
  compacting: Promise<void> | null;
  serverClientId: number;
  /** `document:` docs: the deal they belong to (its share changes re-check their connections). */
  opportunityId: string | null;
  /** `document:` docs: a text preview write is scheduled / running. */
  previewTimer: NodeJS.Timeout | null;
  previewWrite: Promise<void> | null;
  /** Presence client ids changed since the last presence message, and its timer. */
  presencePending: Set<number>;
  presenceTimer: NodeJS.Timeout | null;
}

class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Origin of transactions made by the server itself (seed, revert, external change). */
const SERVER = Symbol('collab-server');

const statusText: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function reject(socket: Duplex, status: number, reason = statusText[status] ?? 'Error') {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function userIdOf(p: Principal): string | null {
  return p.kind === 'internal' || p.kind === 'partner' ? p.userId : null;
}

/** What other clients see of this connection's user in presence, asserted by the server. */
function presenceOf(p: Principal): Record<string, string> {
  switch (p.kind) {
    case 'internal':
    case 'partner':
      return { kind: p.kind, role: p.role, name: p.name, userId: p.userId };
    case 'integration':
      return { kind: 'integration' };
    default:
      return { kind: 'anonymous' };
  }
}

/**
 * A client's awareness state with the server's word on who it is: `principal`, and the display
 * name in `user` (what editors' carets show, e.g. Tiptap's CollaborationCaret) — not spoofable.
 */
function asserted(state: object, p: Principal): Record<string, unknown> {
  const principal = presenceOf(p);
  const out: Record<string, unknown> = { ...state, principal };
  const user = (state as { user?: unknown }).user;
  if (user && typeof user === 'object' && !Array.isArray(user) && principal.name) {
    out.user = { ...(user as object), name: principal.name };
  }
  return out;
}

export function createCollabServer(options: CollabServerOptions) {
  const { db, authenticate } = options;
  const authorize = options.authorize ?? defaultAuthorize;
  const limits: CollabLimits = { ...defaultLimits, ...options.limits };
  const log = options.logger ?? consoleLogger;
  const prefix = options.pathPrefix ?? '/collab/';
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayload,
    perMessageDeflate: false,
  });
  const docs = new Map<string, DocEntry>();
  const conns = new Set<Conn>();
  const updateLog = createUpdateLog(db, { maxInFlight: limits.appendWriters });
  let pendingUpgrades = 0;
  let connSeq = 0;
  let closing = false;

  const revalidateTimer =
    limits.revalidateIntervalMs > 0
      ? setInterval(() => {
          revalidateAll().catch((e) => log.error({ err: e }, 'periodic revalidation failed'));
        }, limits.revalidateIntervalMs)
      : null;
  revalidateTimer?.unref();

  // Changes made elsewhere (tRPC, forms, EDI) converge into open documents; access changes
  // are re-checked at once instead of at the next periodic revalidation.
  const unsubscribe = subscribe(async (event) => {
    if (closing) return;
    if (event.type === 'opportunity.changed') {
      const o = event.opportunity;
      await applyExternalChange(`opportunity:${o.id}`, {
        name: o.name,
        amountMinor: o.amountMinor,
        expectedCloseDate: o.expectedCloseDate,
        description: o.description,
        probability: o.probability,
      });
    } else if (event.opportunityId) {
      const dealId = event.opportunityId;
      // The deal's own doc and every open document of that deal (shares, shared mark, archive).
      const names = [...docs.values()]
        .filter((e) => e.ref.name === `opportunity:${dealId}` || e.opportunityId === dealId)
        .map((e) => e.ref.name);
      await Promise.all(names.map((name) => revalidate(name)));
    } else {
      await revalidateAll();
    }
  });

  // ---------------------------------------------------------------- sending

  function send(conn: Conn, message: Uint8Array) {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount + message.byteLength > limits.maxBufferedBytes) {
      // A slow consumer is cut off rather than buffered without bound; it resyncs on reconnect.
      closeConn(conn, closeCodes.tryAgainLater, 'slow consumer');
      return;
    }
    conn.ws.send(message, { binary: true }, (err) => {
      if (err) closeConn(conn, closeCodes.internal, 'send failed');
    });
  }

  function syncUpdateMessage(update: Uint8Array) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeUpdate(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  /** One message with the current presence of `clients` (a removed one as gone), to everyone. */
  function broadcastPresence(entry: DocEntry, clients: number[]) {
    if (clients.length === 0 || entry.conns.size === 0) return;
    const message = awarenessMessage(entry, clients);
    for (const c of entry.conns) send(c, message);
  }

  function awarenessMessage(entry: DocEntry, clients: number[]) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageAwareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(entry.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  function closeConn(conn: Conn, code: number, reason: string) {
    if (conn.closed) return;
    conn.closed = true;
    conn.queue = [];
    conn.queuedBytes = 0;
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
    // A peer that never answers the close handshake is dropped.
    setTimeout(() => conn.ws.terminate(), 2000).unref();
    detach(conn);
  }

  /** Forgets a connection: presence removed, document unloaded when it was the last. */
  function detach(conn: Conn) {
    if (!conns.delete(conn)) return;
    const entry = conn.entry;
    entry.conns.delete(conn);
    const ids = [...conn.awarenessIds].filter((id) => entry.awarenessOwners.get(id) === conn);
    for (const id of ids) entry.awarenessOwners.delete(id);
    if (ids.length > 0 && entry.state === 'ready') {
      awarenessProtocol.removeAwarenessStates(entry.awareness, ids, 'disconnect');
    }
    if (entry.conns.size === 0) scheduleUnload(entry);
  }

  // ---------------------------------------------------------------- documents

  function newEntry(ref: DocRef): DocEntry {
    const doc = new Y.Doc({ gc: true });
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    const entry: DocEntry = {
      ref,
      doc,
      awareness,
      awarenessOwners: new Map(),
      conns: new Set(),
      state: 'loading',
      ready: Promise.resolve(),
      unloaded: null,
      unloadTimer: null,
      tail: 0,
      maxAppliedId: 0,
      inflight: 0,
      inflightDrained: [],
      gate: null,
      serverChain: Promise.resolve(),
      projectionChain: Promise.resolve(),
      compacting: null,
      serverClientId: new Y.Doc().clientID,
      opportunityId: null,
      previewTimer: null,
      previewWrite: null,
      presencePending: new Set(),
      presenceTimer: null,
    };
    entry.ready = load(entry);
    // Nobody may be left waiting on a rejected promise unobserved.
    entry.ready.catch(() => {});
    return entry;
  }

  async function load(entry: DocEntry) {
    const { doc, awareness, ref } = entry;
    try {
      await options.beforeLoad?.(ref.name);
      const stored = await loadDoc(db, ref.name);
      if (stored.skipped.length > 0) {
        log.error({ doc: ref.name, skipped: stored.skipped }, 'skipped undecodable stored updates');
      }
      if (stored.state) Y.applyUpdate(doc, stored.state, 'load');
      entry.tail = stored.tail;
      entry.maxAppliedId = stored.lastUpdateId;
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        const message = syncUpdateMessage(update);
        for (const c of entry.conns) if (c !== origin) send(c, message);
      });
      awareness.on(
        'update',
        ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
          const changed = [...added, ...updated, ...removed];
          if (changed.length === 0) return;
          if (limits.presenceBatchMs <= 0) {
            broadcastPresence(entry, changed);
            return;
          }
          for (const id of changed) entry.presencePending.add(id);
          if (entry.presenceTimer) return;
          entry.presenceTimer = setTimeout(() => {
            entry.presenceTimer = null;
            const ids = [...entry.presencePending];
            entry.presencePending.clear();
            broadcastPresence(entry, ids);
          }, limits.presenceBatchMs);
          entry.presenceTimer.unref();
        },
      );
      if (ref.kind === 'opportunity') {
        doc.getMap('fields').observe((event, transaction) => onFieldsChanged(entry, event, transaction));
        await reconcileFields(entry);
      }
      entry.state = 'ready';
    } catch (e) {
      entry.state = 'failed';
      log.error({ err: e, doc: ref.name }, 'document failed to load');
      // Nothing is written on a failed load: the stored state stays as it was.
      if (docs.get(ref.name) === entry) docs.delete(ref.name);
      awareness.destroy();
      doc.destroy();
      throw e;
    }
  }

  /**
   * SQL is the source of truth for the deal fields while nobody edits: a new document is seeded
   * from the row, a stored one gets the changes made elsewhere while it was unloaded.
   */
  async function reconcileFields(entry: DocEntry) {
    const [row] = await db.select().from(opportunities).where(eq(opportunities.id, entry.ref.id));
    if (!row) return;
    const want = fieldsOfRow(row);
    await serverChange(entry, (doc) => {
      const fields = doc.getMap('fields');
      for (const [k, v] of Object.entries(want)) {
        if (!fields.has(k) || !sameValue(fields.get(k), v)) fields.set(k, v);
      }
    });
  }

  async function acquireDoc(ref: DocRef): Promise<DocEntry | 'full'> {
    for (;;) {
      const existing = docs.get(ref.name);
      if (!existing) break;
      if (existing.state === 'unloading' || existing.unloaded) {
        await existing.unloaded;
        continue;
      }
      if (existing.unloadTimer) {
        clearTimeout(existing.unloadTimer);
        existing.unloadTimer = null;
      }
      return existing;
    }
    if (docs.size >= limits.maxDocs) return 'full';
    const entry = newEntry(ref);
    docs.set(ref.name, entry);
    return entry;
  }

  function scheduleUnload(entry: DocEntry) {
    if (entry.unloadTimer || entry.unloaded || entry.state === 'failed') return;
    entry.unloadTimer = setTimeout(() => {
      entry.unloadTimer = null;
      if (entry.conns.size === 0) void unload(entry);
    }, limits.unloadDelayMs);
    entry.unloadTimer.unref();
  }

  function unload(entry: DocEntry): Promise<void> {
    if (entry.unloaded) return entry.unloaded;
    entry.unloaded = (async () => {
      try {
        await entry.ready.catch(() => {});
        if (entry.state !== 'ready') return;
        entry.state = 'unloading';
        await entry.projectionChain.catch(() => {});
        await entry.serverChain.catch(() => {});
        await flushPreview(entry);
        await compact(entry).catch((e) =>
          // The updates are already stored: a failed compaction loses nothing, the doc still unloads.
          log.error({ err: e, doc: entry.ref.name }, 'compaction on unload failed'),
        );
      } finally {
        if (entry.presenceTimer) clearTimeout(entry.presenceTimer);
        entry.presenceTimer = null;
        entry.awareness.destroy();
        entry.doc.destroy();
        if (docs.get(entry.ref.name) === entry) docs.delete(entry.ref.name);
      }
    })();
    return entry.unloaded;
  }

  /** Folds the stored tail into a new snapshot (no-op when the tail is empty). */
  function compact(entry: DocEntry): Promise<void> {
    if (entry.compacting) return entry.compacting;
    entry.compacting = (async () => {
      let open!: () => void;
      entry.gate = new Promise<void>((r) => {
        open = r;
      });
      let snapshot: Uint8Array;
      let upTo: number;
      let folded: number;
      try {
        // Wait until every started append has been applied: then the state holds all ids ≤ upTo.
        while (entry.inflight > 0) await new Promise<void>((r) => entry.inflightDrained.push(r));
        snapshot = Y.encodeStateAsUpdate(entry.doc);
        upTo = entry.maxAppliedId;
        folded = entry.tail;
      } finally {
        entry.gate = null;
        open();
      }
      if (folded === 0) return;
      await writeSnapshot(db, entry.ref.name, snapshot, upTo);
      entry.tail = Math.max(0, entry.tail - folded);
    })().finally(() => {
      entry.compacting = null;
    });
    return entry.compacting;
  }

  /** Append → apply (→ broadcast by the update listener). The only way state enters a doc. */
  async function commitUpdate(
    entry: DocEntry,
    update: Uint8Array,
    origin: Conn | typeof SERVER,
    userId: string | null,
  ) {
    while (entry.gate) await entry.gate;
    entry.inflight++;
    try {
      const id = await updateLog.append(entry.ref.name, update, userId);
      entry.maxAppliedId = Math.max(entry.maxAppliedId, id);
      entry.tail++;
      Y.applyUpdate(entry.doc, update, origin);
    } finally {
      entry.inflight--;
      if (entry.inflight === 0) for (const r of entry.inflightDrained.splice(0)) r();
    }
    if (entry.tail >= limits.compactAfterUpdates && !entry.compacting && entry.state === 'ready') {
      compact(entry).catch((e) => log.error({ err: e, doc: entry.ref.name }, 'compaction failed'));
    }
    if (entry.ref.kind === 'document') schedulePreview(entry);
  }

  // ---------------------------------------------------------------- document previews

  /** Throttled: at most one preview write per `textPreviewDelayMs` per document. */
  function schedulePreview(entry: DocEntry) {
    if (entry.previewTimer || entry.state !== 'ready') return;
    entry.previewTimer = setTimeout(() => {
      entry.previewTimer = null;
      void writePreview(entry);
    }, limits.textPreviewDelayMs);
    entry.previewTimer.unref();
  }

  function writePreview(entry: DocEntry): Promise<void> {
    if (entry.doc.isDestroyed) return Promise.resolve();
    const state = Y.encodeStateAsUpdate(entry.doc);
    const previous = entry.previewWrite ?? Promise.resolve();
    const run = previous
      .then(() => writeTextPreview(db, entry.ref.id, state))
      .catch((e) => log.error({ err: e, doc: entry.ref.name }, 'text preview failed'));
    entry.previewWrite = run;
    return run;
  }

  /** Writes a pending preview now (unload, shutdown). */
  async function flushPreview(entry: DocEntry) {
    if (entry.previewTimer) {
      clearTimeout(entry.previewTimer);
      entry.previewTimer = null;
      await writePreview(entry);
    }
    await entry.previewWrite;
  }

  /**
   * A change made by the server: computed on a scratch copy, stored, then applied and broadcast
   * like any client update, so nothing a client sees is missing from the database.
   */
  function serverChange(entry: DocEntry, change: (doc: Y.Doc) => void): Promise<boolean> {
    const run = async () => {
      if (entry.state === 'failed' || entry.doc.isDestroyed) return false;
      const scratch = new Y.Doc({ gc: true });
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(entry.doc));
      // Only now take the server's client id: a doc that receives (non-local) updates carrying its
      // own client id assumes a clash and switches to a random one ("[yjs] Changed the client-id").
      scratch.clientID = entry.serverClientId;
      const updates: Uint8Array[] = [];
      scratch.on('update', (u: Uint8Array) => updates.push(u));
      scratch.transact(() => change(scratch), SERVER);
      scratch.destroy();
      if (updates.length === 0) return false;
      const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      await commitUpdate(entry, update, SERVER, null);
      return true;
    };
    const result = entry.serverChain.then(run, run);
    entry.serverChain = result.catch(() => {});
    return result;
  }

  // ---------------------------------------------------------------- projection

  function onFieldsChanged(entry: DocEntry, event: Y.YMapEvent<unknown>, transaction: Y.Transaction) {
    const origin = transaction.origin;
    if (!(origin && typeof origin === 'object' && 'principal' in origin)) return;
    const conn = origin as Conn;
    const keys = [...event.keysChanged];
    if (keys.length === 0) return;
    const clientId = conn.lastClientId;
    const principal = conn.principal;
    entry.projectionChain = entry.projectionChain
      .then(() => project(entry, principal, keys, clientId))
      .catch((e) => log.error({ err: e, doc: entry.ref.name }, 'projection failed'));
  }

  async function project(entry: DocEntry, principal: Principal, keys: string[], clientId: number | null) {
    if (entry.doc.isDestroyed) return;
    const fields = entry.doc.getMap('fields');
    const patch: Partial<CoFields> = {};
    const refused: { key: string; value: unknown; reason: string; message: string }[] = [];
    for (const key of keys) {
      const value = fields.get(key);
      if (!isCoEditableField(key)) {
        refused.push({ key, value, reason: 'validation.unknownField', message: `unknown field ${key}` });
        continue;
      }
      const parsed = coFieldSchemas[key].safeParse(value);
      if (!parsed.success) {
        refused.push({
          key,
          value,
          reason: 'validation.invalid',
          message: parsed.error.issues[0]?.message ?? '',
        });
        continue;
      }
      if (
        principal.kind === 'partner' &&
        !(partnerEditableOpportunityFields as readonly string[]).includes(key)
      ) {
        refused.push({
          key,
          value,
          reason: 'errors.forbidden',
          message: `${key} is not editable by partners`,
        });
        continue;
      }
      (patch as Record<string, unknown>)[key] = parsed.data;
    }
    const patchKeys = Object.keys(patch) as CoEditableField[];
    if (patchKeys.length > 0) {
      try {
        await updateWithRetry(entry.ref.id, principal, patch);
      } catch (e) {
        const reason = isAppError(e) ? e.key : 'errors.internal';
        if (!isAppError(e)) log.error({ err: e, doc: entry.ref.name }, 'projection into SQL failed');
        for (const key of patchKeys) refused.push({ key, value: fields.get(key), reason, message: reason });
      }
    }
    if (refused.length > 0) await revert(entry, refused, clientId);
  }

  async function updateWithRetry(id: string, principal: Principal, data: Partial<CoFields>) {
    for (let attempt = 0; ; attempt++) {
      const [row] = await db
        .select({ version: opportunities.version })
        .from(opportunities)
        .where(eq(opportunities.id, id));
      if (!row) throw new AppError('NOT_FOUND', 'errors.notFound', { entity: 'entity.opportunity' });
      try {
        return await updateOpportunity(db, principal, { id, version: row.version, data });
      } catch (e) {
        // A write elsewhere between our read and our update: read the version again.
        if (attempt < 3 && isAppError(e) && e.key === 'errors.versionConflict') continue;
        throw e;
      }
    }
  }

  /** Sets refused fields back to the row's values (only if still holding the refused value). */
  async function revert(
    entry: DocEntry,
    refused: { key: string; value: unknown; reason: string; message: string }[],
    clientId: number | null,
  ) {
    const [row] = await db.select().from(opportunities).where(eq(opportunities.id, entry.ref.id));
    const good: Record<string, unknown> = row ? fieldsOfRow(row) : {};
    const at = new Date().toISOString();
    await serverChange(entry, (doc) => {
      const fields = doc.getMap('fields');
      const errors = doc.getMap('errors');
      for (const r of refused) {
        if (!sameValue(fields.get(r.key), r.value)) continue; // changed again meanwhile
        if (r.key in good) fields.set(r.key, good[r.key]);
        else fields.delete(r.key);
        if (clientId !== null) {
          const error: FieldError = {
            field: r.key,
            reason: r.reason,
            message: r.message,
            rejected: r.value ?? null,
            at,
          };
          errors.set(String(clientId), error);
        }
      }
    });
  }

  // ---------------------------------------------------------------- messages

  function onMessage(conn: Conn, data: RawData, isBinary: boolean) {
    if (conn.closed) return;
    if (!isBinary) {
      closeConn(conn, closeCodes.unsupported, 'binary messages only');
      return;
    }
    const bytes = toBytes(data);
    conn.queue.push(bytes);
    conn.queuedBytes += bytes.byteLength;
    const over = conn.queue.length > limits.maxQueuedMessages || conn.queuedBytes > limits.maxQueuedBytes;
    if (over) {
      if (conn.entry.state !== 'ready') {
        // Hocuspocus GHSA-xwhh-v746-pj9m: nothing unbounded before the document is there.
        closeConn(conn, closeCodes.policy, 'too many messages before the document was loaded');
        return;
      }
      conn.ws.pause(); // back-pressure: TCP pushes back on the client until the queue drains
    }
    if (!conn.processing) void drain(conn);
  }

  async function drain(conn: Conn) {
    conn.processing = true;
    try {
      while (conn.queue.length > 0 && !conn.closed) {
        const message = conn.queue.shift()!;
        conn.queuedBytes -= message.byteLength;
        if (conn.ws.isPaused && conn.queue.length < limits.maxQueuedMessages / 2) conn.ws.resume();
        await handleMessage(conn, message);
      }
    } catch (e) {
      if (e instanceof ProtocolError) {
        closeConn(conn, e.code, e.message);
      } else {
        log.error({ err: e, doc: conn.entry.ref.name }, 'message handling failed');
        closeConn(conn, closeCodes.internal, 'internal error');
      }
    } finally {
      conn.processing = false;
    }
  }

  async function handleMessage(conn: Conn, message: Uint8Array) {
    const entry = conn.entry;
    const decoder = decoding.createDecoder(message);
    let type: number;
    try {
      type = decoding.readVarUint(decoder);
    } catch {
      throw new ProtocolError(closeCodes.invalidPayload, 'malformed message');
    }
    switch (type) {
      case messageSync:
        return handleSync(conn, entry, decoder);
      case messageAwareness:
        return handleAwareness(conn, entry, decoder);
      case messageQueryAwareness: {
        if (decoding.hasContent(decoder))
          throw new ProtocolError(closeCodes.invalidPayload, 'malformed message');
        const clients = [...entry.awareness.getStates().keys()];
        if (clients.length > 0) send(conn, awarenessMessage(entry, clients));
        return;
      }
      default:
        // Only what a client may send; anything else (auth, server-internal, unknown) ends it.
        throw new ProtocolError(closeCodes.unsupported, `message type ${type} not accepted`);
    }
  }

  async function handleSync(conn: Conn, entry: DocEntry, decoder: decoding.Decoder) {
    let subtype: number;
    let payload: Uint8Array;
    try {
      subtype = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new ProtocolError(closeCodes.invalidPayload, 'malformed sync message');
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError(closeCodes.invalidPayload, 'trailing bytes');
    if (subtype === syncProtocol.messageYjsSyncStep1) {
      let reply: Uint8Array;
      try {
        reply = Y.encodeStateAsUpdate(entry.doc, payload);
      } catch {
        throw new ProtocolError(closeCodes.invalidPayload, 'malformed state vector');
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, reply);
      send(conn, encoding.toUint8Array(encoder));
      return;
    }
    if (subtype !== syncProtocol.messageYjsSyncStep2 && subtype !== syncProtocol.messageYjsUpdate) {
      throw new ProtocolError(closeCodes.unsupported, `sync message ${subtype} not accepted`);
    }
    // Validate before anything is stored: it must decode as a Yjs update (every struct, its
    // content and the delete set are parsed). No trial apply on a fresh Y.Doc: creating one costs
    // ~0.4 ms here, more than the rest of the path, and an empty doc would leave most structs
    // pending anyway (an update that still fails to apply is skipped on load, see loadDoc).
    let lastClient: number | undefined;
    try {
      const decoded = Y.decodeUpdate(payload);
      if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return; // empty: nothing to do
      lastClient = decoded.structs[decoded.structs.length - 1]?.id.client;
    } catch {
      throw new ProtocolError(closeCodes.invalidPayload, 'invalid Yjs update');
    }
    // A read-only connection's document changes are dropped: never stored, never relayed.
    if (conn.access !== 'write') return;
    if (lastClient !== undefined) conn.lastClientId = lastClient;
    // A resync (step 2) that brings nothing new is not stored again.
    if (
      subtype === syncProtocol.messageYjsSyncStep2 &&
      Y.snapshotContainsUpdate(Y.snapshot(entry.doc), payload)
    ) {
      return;
    }
    if (entry.ref.kind === 'document') {
      // Rejected, not repaired: see checkDocumentUpdate and the collab README.
      const violation = checkDocumentUpdate(entry.doc, payload);
      if (violation) {
        log.warn({ doc: entry.ref.name, violation }, 'document update rejected');
        throw new ProtocolError(closeCodes.schemaMismatch, 'update does not fit the document schema');
      }
    }
    await commitUpdate(entry, payload, conn, userIdOf(conn.principal));
  }

  function handleAwareness(conn: Conn, entry: DocEntry, decoder: decoding.Decoder) {
    let payload: Uint8Array;
    try {
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new ProtocolError(closeCodes.invalidPayload, 'malformed awareness message');
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError(closeCodes.invalidPayload, 'trailing bytes');
    if (payload.byteLength > limits.maxAwarenessBytes) {
      throw new ProtocolError(closeCodes.tooBig, 'awareness state too large');
    }
    const accepted: { clientId: number; clock: number; state: Record<string, unknown> | null }[] = [];
    try {
      const d = decoding.createDecoder(payload);
      const count = decoding.readVarUint(d);
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(d);
        const clock = decoding.readVarUint(d);
        const state: unknown = JSON.parse(decoding.readVarString(d));
        const owner = entry.awarenessOwners.get(clientId);
        // Clients echo others' states: those are ignored, nobody may speak for another connection.
        if (owner && owner !== conn) continue;
        if (state !== null && (typeof state !== 'object' || Array.isArray(state))) continue;
        if (!owner) {
          if (state === null) continue;
          if (conn.awarenessIds.size >= limits.maxAwarenessClientsPerConnection) continue;
        }
        accepted.push({ clientId, clock, state: state === null ? null : asserted(state, conn.principal) });
      }
    } catch {
      throw new ProtocolError(closeCodes.invalidPayload, 'malformed awareness update');
    }
    if (accepted.length === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, accepted.length);
    for (const a of accepted) {
      encoding.writeVarUint(encoder, a.clientId);
      encoding.writeVarUint(encoder, a.clock);
      encoding.writeVarString(encoder, JSON.stringify(a.state));
      if (a.state === null) {
        conn.awarenessIds.delete(a.clientId);
        entry.awarenessOwners.delete(a.clientId);
      } else {
        conn.awarenessIds.add(a.clientId);
        entry.awarenessOwners.set(a.clientId, conn);
      }
    }
    awarenessProtocol.applyAwarenessUpdate(entry.awareness, encoding.toUint8Array(encoder), conn);
  }

  // ---------------------------------------------------------------- connections

  async function onConnection(
    ws: WebSocket,
    req: IncomingMessage,
    principal: Principal,
    access: Access,
    entry: DocEntry,
  ) {
    const conn: Conn = {
      id: ++connSeq,
      ws,
      req,
      principal,
      access,
      entry,
      queue: [],
      queuedBytes: 0,
      processing: true, // nothing is handled before the document is loaded
      closed: false,
      awarenessIds: new Set(),
      lastClientId: null,
    };
    conns.add(conn);
    entry.conns.add(conn);
    ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
    ws.on('error', (err) => {
      log.warn({ err, doc: entry.ref.name }, 'websocket error');
      closeConn(conn, closeCodes.invalidPayload, 'protocol error');
    });
    ws.on('close', () => {
      conn.closed = true;
      conn.queue = [];
      detach(conn);
    });
    try {
      await entry.ready;
    } catch {
      closeConn(conn, closeCodes.tryAgainLater, 'document unavailable');
      return;
    }
    if (conn.closed) return;
    // Load first, then sync: our step 1 asks for what the client has that we lack.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep1(encoder, entry.doc);
    send(conn, encoding.toUint8Array(encoder));
    const states = [...entry.awareness.getStates().keys()];
    if (states.length > 0) send(conn, awarenessMessage(entry, states));
    conn.processing = false;
    if (conn.queue.length > 0) void drain(conn);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (closing) {
      reject(socket, 503);
      return;
    }
    const ref = docRefFromUrl(req.url, prefix);
    if (!ref) {
      reject(socket, 404);
      return;
    }
    const origin = req.headers.origin;
    if (options.allowedOrigins && origin && !options.allowedOrigins.includes(origin)) {
      reject(socket, 403, 'origin not allowed');
      return;
    }
    if (pendingUpgrades >= limits.maxPendingUpgrades || conns.size >= limits.maxConnections) {
      reject(socket, 503);
      return;
    }
    pendingUpgrades++;
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      pendingUpgrades--;
      reject(socket, 503, 'authentication timed out');
    }, limits.authTimeoutMs);
    timer.unref();
    const finish = () => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      pendingUpgrades--;
      return true;
    };
    (async () => {
      const principal = await authenticate(req);
      if (principal.kind === 'anonymous') return finish() && reject(socket, 401);
      const decision = await authorize(db, principal, ref);
      if ('deny' in decision) return finish() && reject(socket, decision.deny);
      if (!finish()) return;
      if (socket.destroyed) return;
      if (closing) return reject(socket, 503);
      const entry = await acquireDoc(ref);
      if (entry === 'full') return reject(socket, 503, 'too many open documents');
      if (decision.opportunityId) entry.opportunityId = decision.opportunityId;
      if (socket.destroyed) {
        if (entry.conns.size === 0) scheduleUnload(entry);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        void onConnection(ws, req, principal, decision.access, entry);
      });
      // A handshake that failed inside `ws` must not pin the document in memory.
      setImmediate(() => {
        if (entry.conns.size === 0) scheduleUnload(entry);
      });
    })().catch((e) => {
      log.error({ err: e, url: req.url }, 'upgrade failed');
      if (finish() || !socket.destroyed) reject(socket, 500);
    });
  }

  // ---------------------------------------------------------------- re-authorization

  async function revalidateConn(conn: Conn) {
    if (conn.closed) return;
    let principal: Principal;
    try {
      principal = await authenticate(conn.req);
    } catch (e) {
      log.warn({ err: e }, 'revalidation: authentication failed, connection kept');
      return;
    }
    if (principal.kind === 'anonymous') {
      closeConn(conn, closeCodes.unauthenticated, 'session ended');
      return;
    }
    const decision = await authorize(db, principal, conn.entry.ref);
    if ('deny' in decision) {
      closeConn(conn, closeCodes.forbidden, 'access revoked');
      return;
    }
    if (conn.entry.ref.kind === 'document' && conn.access === 'write' && decision.access === 'read') {
      // A rich-text editor cannot be switched to read-only from here: it would go on typing into
      // its own copy, dropped by us without a word. Closed instead; the page reloads read-only.
      closeConn(conn, closeCodes.forbidden, 'access reduced to read-only');
      return;
    }
    conn.principal = principal;
    conn.access = decision.access;
  }

  /** Re-runs authentication and authorization for every connection of a document. */
  async function revalidate(docName: string) {
    const entry = docs.get(docName);
    if (!entry) return;
    await Promise.all([...entry.conns].map((c) => revalidateConn(c)));
  }

  async function revalidateAll() {
    await Promise.all([...conns].map((c) => revalidateConn(c)));
  }

  // ---------------------------------------------------------------- public API

  /**
   * Applies changes made elsewhere (tRPC, EDI) to a loaded `opportunity:` document as a server
   * transaction, so every open editor converges. A document that is not loaded is reconciled
   * from the SQL row when it next loads. Resolves true when the document changed.
   */
  async function applyExternalChange(docName: string, values: Partial<CoFields>): Promise<boolean> {
    const entry = docs.get(docName);
    if (!entry || entry.state === 'failed' || entry.unloaded) return false;
    await entry.ready;
    return serverChange(entry, (doc) => {
      const fields = doc.getMap('fields');
      for (const [k, v] of Object.entries(values)) {
        if (v !== undefined && isCoEditableField(k) && !sameValue(fields.get(k), v)) fields.set(k, v);
      }
    });
  }

  /** Folds a loaded document's tail into its snapshot now. */
  async function compactDoc(docName: string) {
    const entry = docs.get(docName);
    if (entry?.state !== 'ready') return;
    await entry.projectionChain.catch(() => {});
    await entry.serverChain.catch(() => {});
    await compact(entry);
  }

  /** Resolves when a document is no longer in memory. */
  async function whenUnloaded(docName: string) {
    for (;;) {
      const entry = docs.get(docName);
      if (!entry) return;
      if (entry.unloaded) await entry.unloaded;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the projections and server changes queued for a document have run. */
  async function settled(docName: string) {
    const entry = docs.get(docName);
    if (!entry) return;
    await entry.projectionChain.catch(() => {});
    await entry.serverChain.catch(() => {});
  }

  function stats(): CollabStats {
    let queued = 0;
    for (const c of conns) queued += c.queue.length;
    return {
      docs: docs.size,
      connections: conns.size,
      pendingUpgrades,
      queuedMessages: queued,
      perDoc: [...docs.values()].map((e) => ({
        name: e.ref.name,
        connections: e.conns.size,
        readOnly: [...e.conns].filter((c) => c.access !== 'write').length,
        tail: e.tail,
        state: e.state,
      })),
    };
  }

  /** Stops accepting, closes every connection (1001), flushes and unloads every document. */
  async function close() {
    closing = true;
    unsubscribe();
    if (revalidateTimer) clearInterval(revalidateTimer);
    for (const c of [...conns]) closeConn(c, closeCodes.goingAway, 'server shutting down');
    for (const entry of docs.values()) {
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
      entry.unloadTimer = null;
    }
    await Promise.all([...docs.values()].map((e) => unload(e)));
    await new Promise<void>((r) => wss.close(() => r()));
  }

  return {
    handleUpgrade,
    wss,
    close,
    stats,
    revalidate,
    revalidateAll,
    applyExternalChange,
    compact: compactDoc,
    whenUnloaded,
    settled,
  };
}

export type CollabServer = ReturnType<typeof createCollabServer>;
