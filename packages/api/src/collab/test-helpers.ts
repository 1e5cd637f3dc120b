/** Real y-websocket clients (Node, `ws`) for the collab tests. Browsers cannot set headers; Node can. */
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export type Headers = Record<string, string>;

/** A `ws` WebSocket that sends fixed headers (cookie or test header) with the upgrade. */
export function webSocketWithHeaders(headers: Headers): typeof globalThis.WebSocket {
  class HeaderWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return HeaderWebSocket as unknown as typeof globalThis.WebSocket;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  closes: { code: number; reason: string }[];
  destroy(): void;
}

export function connectClient(baseUrl: string, docName: string, headers: Headers): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl, docName, doc, {
    WebSocketPolyfill: webSocketWithHeaders(headers),
    // Node has BroadcastChannel: without this, clients in one process would talk past the server.
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function synced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => client.provider.synced, timeoutMs, 'client synced');
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
) {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Opens a raw websocket; resolves with the HTTP status when the upgrade is refused. */
export function refusedStatus(url: string, headers: Headers): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.on('error', () => {});
  });
}

/** Opens a raw websocket and resolves once it is open. */
export function openRaw(url: string, headers: Headers): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

export function closeCodeOf(ws: WebSocket, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (ws.readyState === ws.CLOSED) return reject(new Error('already closed'));
    const t = setTimeout(() => reject(new Error('socket not closed in time')), timeoutMs);
    ws.on('close', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}
