/**
 * Changes made outside the editor — through tRPC here; Remix forms and the EDI bridge use the
 * same domain functions — reach every open editor through the domain event bus.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Principal } from '../principal.ts';
import { callerFor, makeAccount, makeOpportunity, makeUser } from '../testing/index.ts';
import { type CollabServer, createCollabServer } from './index.ts';
import { connectClient, synced, waitFor } from './test-helpers.ts';

let handle: TestDatabase;
let http: Server;
let collab: CollabServer;
let base: string;
const principals = new Map<string, Principal>();

beforeAll(async () => {
  handle = await createTestDatabase();
  collab = createCollabServer({
    db: handle.db,
    authenticate: async (req: IncomingMessage) =>
      principals.get(String(req.headers['x-test-user'])) ?? { kind: 'anonymous', locale: 'en' },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    limits: { unloadDelayMs: 0, revalidateIntervalMs: 0 },
  });
  http = createServer();
  http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  base = `ws://127.0.0.1:${(http.address() as { port: number }).port}/collab`;
});

afterAll(async () => {
  await collab?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await handle?.destroy();
});

it('applies a tRPC update to the open document, so every editor converges', async () => {
  const { user, principal } = await makeUser(handle.db, { role: 'rep' });
  principals.set(user.id, principal);
  const account = await makeAccount(handle.db, user.id);
  const deal = await makeOpportunity(handle.db, account.id, user.id, { amountMinor: 1_000_00 });
  const editor = connectClient(base, `opportunity:${deal.id}`, { 'x-test-user': user.id });
  try {
    await synced(editor);
    const fields = editor.doc.getMap('fields');
    await waitFor(() => fields.get('amountMinor') === 1_000_00, 10_000, 'seeded amount');
    await callerFor(handle.db, principal).caller.opportunity.update({
      id: deal.id,
      version: deal.version,
      data: { amountMinor: 2_345_00, description: 'Per Telefon bestätigt' },
    });
    await waitFor(() => fields.get('amountMinor') === 2_345_00, 10_000, 'amount from tRPC');
    expect(fields.get('description')).toBe('Per Telefon bestätigt');
  } finally {
    editor.destroy();
  }
});
