/**
 * One collaboration server for the `collab` benchmark, in its own process (the benchmark pins it
 * to a core and reads its CPU and RSS from /proc):
 *   tsx collab-server.ts ours        our createCollabServer, auth + PostgreSQL persistence on
 *                                    (COLLAB_BENCH_DB_URL; principal from the x-bench-user header)
 *   tsx collab-server.ts hocuspocus  @hocuspocus/server v4, no extensions
 *   tsx collab-server.ts relay       a minimal in-memory y-protocols relay (no auth, no persistence)
 * Prints `READY <port> <pid>` once listening; exits on SIGTERM.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Server as HocuspocusServer } from '@hocuspocus/server';
import { type Principal, principalFromUser } from '@konsort/api';
import { createCollabServer } from '@konsort/api/collab';
import { openDatabase, users } from '@konsort/db';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const kind = process.argv[2];

function ready(port: number) {
  process.stdout.write(`READY ${port} ${process.pid}\n`);
}

async function startOurs() {
  const url = process.env.COLLAB_BENCH_DB_URL;
  if (!url) throw new Error('COLLAB_BENCH_DB_URL is required');
  const handle = await openDatabase({ url, maxConnections: 8, migrate: false });
  // Header → principal, loaded once (the policy still runs per upgrade against the database).
  const principals = new Map<string, Principal>();
  for (const user of await handle.db.select().from(users)) principals.set(user.id, principalFromUser(user));
  const collab = createCollabServer({
    db: handle.db,
    authenticate: async (req: IncomingMessage) => {
      const id = req.headers['x-bench-user'];
      return (typeof id === 'string' && principals.get(id)) || { kind: 'anonymous', locale: 'en' };
    },
    limits: {
      maxPendingUpgrades: 2048,
      unloadDelayMs: Number(process.env.COLLAB_BENCH_UNLOAD_MS ?? 2000),
      revalidateIntervalMs: 0,
    },
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    ready(typeof address === 'object' && address ? address.port : 0);
  });
  return async () => {
    await collab.close();
    await handle.close();
  };
}

async function startHocuspocus() {
  const server = new HocuspocusServer({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
  await server.listen();
  ready(server.address.port);
  return () => server.destroy();
}

/** The smallest correct y-websocket server: one Y.Doc + Awareness per room, relayed in memory. */
function startRelay() {
  interface Room {
    doc: Y.Doc;
    awareness: awarenessProtocol.Awareness;
    conns: Map<WebSocket, Set<number>>;
  }
  const rooms = new Map<string, Room>();
  const send = (ws: WebSocket, message: Uint8Array) => {
    if (ws.readyState === ws.OPEN) ws.send(message);
  };
  const room = (name: string): Room => {
    const existing = rooms.get(name);
    if (existing) return existing;
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    const r: Room = { doc, awareness, conns: new Map() };
    doc.on('update', (update: Uint8Array) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      const message = encoding.toUint8Array(encoder);
      for (const ws of r.conns.keys()) send(ws, message);
    });
    awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        const changed = [...added, ...updated, ...removed];
        const owned = r.conns.get(origin as WebSocket);
        if (owned) {
          for (const id of added) owned.add(id);
          for (const id of removed) owned.delete(id);
        }
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, 1);
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
        const message = encoding.toUint8Array(encoder);
        for (const ws of r.conns.keys()) send(ws, message);
      },
    );
    rooms.set(name, r);
    return r;
  };
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const r = room(decodeURIComponent((req.url ?? '/').slice(1)));
      r.conns.set(ws, new Set());
      ws.binaryType = 'arraybuffer';
      ws.on('message', (data: RawData) => {
        try {
          const decoder = decoding.createDecoder(new Uint8Array(data as ArrayBuffer));
          const encoder = encoding.createEncoder();
          const type = decoding.readVarUint(decoder);
          if (type === 0) {
            encoding.writeVarUint(encoder, 0);
            syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
            if (encoding.length(encoder) > 1) send(ws, encoding.toUint8Array(encoder));
          } else if (type === 1) {
            awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws);
          } else if (type === 3) {
            encoding.writeVarUint(encoder, 1);
            const ids = [...r.awareness.getStates().keys()];
            encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(r.awareness, ids));
            send(ws, encoding.toUint8Array(encoder));
          }
        } catch {
          ws.close(1007);
        }
      });
      ws.on('close', () => {
        const owned = r.conns.get(ws);
        r.conns.delete(ws);
        if (owned) awarenessProtocol.removeAwarenessStates(r.awareness, [...owned], null);
      });
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, 0);
      syncProtocol.writeSyncStep1(step1, r.doc);
      send(ws, encoding.toUint8Array(step1));
      const states = [...r.awareness.getStates().keys()];
      if (states.length > 0) {
        const aw = encoding.createEncoder();
        encoding.writeVarUint(aw, 1);
        encoding.writeVarUint8Array(aw, awarenessProtocol.encodeAwarenessUpdate(r.awareness, states));
        send(ws, encoding.toUint8Array(aw));
      }
    });
  });
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    ready(typeof address === 'object' && address ? address.port : 0);
  });
  return async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
}

const stop =
  kind === 'ours'
    ? await startOurs()
    : kind === 'hocuspocus'
      ? await startHocuspocus()
      : kind === 'relay'
        ? startRelay()
        : (() => {
            throw new Error(`unknown server kind ${kind}`);
          })();
process.on('SIGTERM', () => {
  void Promise.resolve(stop()).finally(() => process.exit(0));
});
