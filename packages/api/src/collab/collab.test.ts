import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect } from 'node:net';
import { auditLog, collabDocs, collabUpdates, opportunities, opportunityShares } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createAuthService } from '../auth/service.ts';
import { updateOpportunity } from '../opportunities/opportunities.ts';
import type { Principal } from '../principal.ts';
import {
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
  TEST_PASSWORD,
} from '../testing/index.ts';
import {
  type CollabLimits,
  type CollabServer,
  type CollabServerOptions,
  createCollabServer,
} from './server.ts';
import {
  closeCodeOf,
  connectClient,
  openRaw,
  refusedStatus,
  synced,
  type TestClient,
  waitFor,
} from './test-helpers.ts';

let handle: TestDatabase;
let http: Server;
let collab: CollabServer;
let base: string;
const principals = new Map<string, Principal>();
let owner: { id: string; cookie: string };
let manager: string;
let partnerEdit: string;
let partnerView: string;
let partnerNone: string;
let partnerEditOrgId: string;
let account: { id: string };
const clients: TestClient[] = [];

async function newDeal(overrides: Partial<typeof opportunities.$inferInsert> = {}) {
  const opp = await makeOpportunity(handle.db, account.id, owner.id, overrides);
  return { opp, name: `opportunity:${opp.id}` };
}

function client(docName: string, user: string | null, extra: Record<string, string> = {}): TestClient {
  const c = connectClient(base, docName, { ...(user ? { 'x-test-user': user } : {}), ...extra });
  clients.push(c);
  return c;
}

const updatesOf = async (docName: string) =>
  handle.db.select().from(collabUpdates).where(eq(collabUpdates.docName, docName));

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const byHeader = async (req: IncomingMessage): Promise<Principal> =>
  principals.get(String(req.headers['x-test-user'])) ?? { kind: 'anonymous', locale: 'en' };

/** A second server on the same database, with its own options. */
async function startServer(options: Partial<CollabServerOptions> & { limits?: Partial<CollabLimits> } = {}) {
  const server = createCollabServer({
    db: handle.db,
    authenticate: byHeader,
    logger: quiet,
    ...options,
    limits: { unloadDelayMs: 0, revalidateIntervalMs: 0, ...options.limits },
  });
  const srv = createServer();
  srv.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  return {
    collab: server,
    base: `ws://127.0.0.1:${port}/collab`,
    async close() {
      await server.close();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  const o = await makeUser(db, { role: 'rep' });
  const auth = createAuthService(db, { secureCookies: false });
  const login = await auth.login({ email: o.user.email, password: TEST_PASSWORD });
  owner = { id: o.user.id, cookie: login.cookie.split(';')[0]! };
  const m = await makeUser(db, { role: 'manager' });
  manager = m.user.id;
  principals.set(manager, m.principal);
  principals.set(owner.id, o.principal);
  const editOrg = await makePartnerOrg(db);
  partnerEditOrgId = editOrg.id;
  const viewOrg = await makePartnerOrg(db);
  const pe = await makeUser(db, { role: 'partner_member', partnerOrgId: editOrg.id });
  const pv = await makeUser(db, { role: 'partner_member', partnerOrgId: viewOrg.id });
  const pn = await makeUser(db, { role: 'partner_admin' });
  for (const u of [pe, pv, pn]) principals.set(u.user.id, u.principal);
  partnerEdit = pe.user.id;
  partnerView = pv.user.id;
  partnerNone = pn.user.id;
  account = await makeAccount(db, owner.id);
  // The real cookie path, plus a test header for the other users.
  const authenticate = async (req: IncomingMessage): Promise<Principal> => {
    if (req.headers.cookie) {
      const { principal } = await auth.fromCookieHeader(req.headers.cookie);
      return principal ?? { kind: 'anonymous', locale: 'en' };
    }
    const id = req.headers['x-test-user'];
    if (req.headers['x-slow-auth']) await new Promise((r) => setTimeout(r, 300));
    return (typeof id === 'string' && principals.get(id)) || { kind: 'anonymous', locale: 'en' };
  };
  collab = createCollabServer({
    db,
    authenticate,
    limits: { unloadDelayMs: 0, revalidateIntervalMs: 0, compactAfterUpdates: 50 },
    logger: quiet,
  });
  http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/collab/')) collab.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `ws://127.0.0.1:${address.port}/collab`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await collab?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await handle?.destroy();
});

describe('collab server', () => {
  it('5 clients converge after concurrent edits (one via the real session cookie)', async () => {
    const { name } = await newDeal();
    const cs = [
      client(name, null, { cookie: owner.cookie }),
      client(name, owner.id),
      client(name, manager),
      client(name, manager),
      client(name, owner.id),
    ];
    await Promise.all(cs.map((c) => synced(c)));
    // The document was seeded from the SQL row before the first sync answer.
    for (const c of cs) expect(c.doc.getMap('fields').get('amountMinor')).toBe(1_250_000);
    cs.forEach((c, i) => {
      for (let n = 0; n < 20; n++) {
        c.doc.getArray<string>('items').push([`${i}:${n}`]);
        c.doc.getText('notes').insert(0, `${i}`);
      }
    });
    await waitFor(() => cs.every((c) => c.doc.getArray('items').length === 100), 10_000, 'convergence');
    // All items may be in while the last text inserts are still on their way: compare fresh states
    // each time (a reference taken once could be one of those incomplete states).
    await waitFor(() => {
      const reference = JSON.stringify(cs[0]!.doc.toJSON());
      return (
        cs[0]!.doc.getText('notes').length === 100 &&
        cs.every((c) => JSON.stringify(c.doc.toJSON()) === reference)
      );
    });
    expect(cs[0]!.doc.getText('notes').length).toBe(100);
    for (const c of cs) c.destroy();
  });

  it('refuses anonymous (401), a partner without share (403) and unknown doc names (404)', async () => {
    const { name } = await newDeal();
    expect(await refusedStatus(`${base}/${name}`, {})).toBe(401);
    expect(await refusedStatus(`${base}/${name}`, { cookie: 'konsort_session=forged' })).toBe(401);
    expect(await refusedStatus(`${base}/${name}`, { 'x-test-user': partnerNone })).toBe(403);
    expect(await refusedStatus(`${base}/${name}`, { 'x-test-user': partnerView })).toBe(403);
    expect(await refusedStatus(`${base}/nonsense`, { 'x-test-user': owner.id })).toBe(404);
    expect(await refusedStatus(`${base}/document:${crypto.randomUUID()}`, { 'x-test-user': owner.id })).toBe(
      404,
    );
    expect(
      await refusedStatus(`${base}/opportunity:${crypto.randomUUID()}`, { 'x-test-user': owner.id }),
    ).toBe(404);
    // The refused upgrades loaded nothing.
    expect(collab.stats().perDoc.find((d) => d.name === name)).toBeUndefined();
  });

  it('a view-only partner cannot change the document; its presence is relayed with its identity', async () => {
    const { opp, name } = await newDeal();
    const viewOrg = principals.get(partnerView) as Extract<Principal, { kind: 'partner' }>;
    await share(handle.db, opp.id, viewOrg.partnerOrgId, 'view');
    const staff = client(name, owner.id);
    const viewer = client(name, partnerView);
    await Promise.all([synced(staff), synced(viewer)]);
    viewer.provider.awareness.setLocalState({ cursor: 'amountMinor', principal: { name: 'spoofed' } });
    viewer.doc.getArray('items').push(['from-viewer']);
    viewer.doc.getMap('fields').set('description', 'hacked');
    // The staff client's edit afterwards reaches the viewer: the viewer's edit had its chance.
    staff.doc.getArray('items').push(['from-staff']);
    await waitFor(() => viewer.doc.getArray('items').toArray().includes('from-staff'));
    await waitFor(() =>
      [...staff.provider.awareness.getStates().values()].some((s) => s.cursor === 'amountMinor'),
    );
    const presence = [...staff.provider.awareness.getStates().values()].find(
      (s) => s.cursor === 'amountMinor',
    );
    expect(presence?.principal).toMatchObject({ kind: 'partner', userId: partnerView });
    await collab.settled(name);
    expect(staff.doc.getArray('items').toArray()).toEqual(['from-staff']);
    expect(staff.doc.getMap('fields').get('description')).toBe(opp.description);
    const stored = await updatesOf(name);
    expect(stored.some((u) => u.userId === partnerView)).toBe(false);
    const [row] = await handle.db.select().from(opportunities).where(eq(opportunities.id, opp.id));
    expect(row!.description).toBe(opp.description);
    // A fresh client sees no trace of the viewer's edit either.
    const fresh = client(name, manager);
    await synced(fresh);
    expect(fresh.doc.getArray('items').toArray()).toEqual(['from-staff']);
    // Presence disappears when the viewer leaves.
    viewer.destroy();
    await waitFor(
      () => ![...staff.provider.awareness.getStates().values()].some((s) => s.cursor === 'amountMinor'),
    );
    staff.destroy();
    fresh.destroy();
  });

  it('downgrade and revocation take effect on revalidate (4403, no reconnect)', async () => {
    const { opp, name } = await newDeal();
    await share(handle.db, opp.id, partnerEditOrgId, 'edit');
    const staff = client(name, owner.id);
    const partner = client(name, partnerEdit);
    await Promise.all([synced(staff), synced(partner)]);
    partner.doc.getArray('items').push(['while-edit']);
    await waitFor(() => staff.doc.getArray('items').length === 1);
    await handle.db
      .update(opportunityShares)
      .set({ access: 'view' })
      .where(
        and(
          eq(opportunityShares.opportunityId, opp.id),
          eq(opportunityShares.partnerOrgId, partnerEditOrgId),
        ),
      );
    await collab.revalidate(name);
    partner.doc.getArray('items').push(['after-downgrade']);
    staff.doc.getArray('items').push(['staff']);
    await waitFor(() => partner.doc.getArray('items').toArray().includes('staff'));
    expect(staff.doc.getArray('items').toArray()).toEqual(['while-edit', 'staff']);
    await handle.db.delete(opportunityShares).where(eq(opportunityShares.opportunityId, opp.id));
    await collab.revalidate(name);
    await waitFor(() => partner.closes.length > 0);
    expect(partner.closes[0]!.code).toBe(4403);
    await new Promise((r) => setTimeout(r, 400));
    expect(partner.provider.wsconnected).toBe(false);
    expect(partner.provider.shouldConnect).toBe(false);
    expect(collab.stats().perDoc.find((d) => d.name === name)?.connections).toBe(1);
    partner.destroy();
    staff.destroy();
  });

  it('persists: content survives unload; compaction folds the tail into the snapshot', async () => {
    const { name } = await newDeal();
    const a = client(name, owner.id);
    await synced(a);
    for (let n = 0; n < 60; n++) {
      a.doc.getArray('items').push([n]);
      await new Promise((r) => setTimeout(r, 2));
    }
    const b = client(name, manager);
    await synced(b);
    await waitFor(() => b.doc.getArray('items').length === 60);
    // More than 50 updates: a compaction ran while the doc was open.
    await waitFor(async () => {
      const [head] = await handle.db.select().from(collabDocs).where(eq(collabDocs.name, name));
      return !!head && head.snapshotUpdateId > 0;
    });
    expect((await updatesOf(name)).length).toBeLessThan(60);
    a.destroy();
    b.destroy();
    await waitFor(() => collab.stats().perDoc.every((d) => d.name !== name));
    await collab.whenUnloaded(name);
    // Unload compacted everything: the snapshot holds the whole document.
    expect((await updatesOf(name)).length).toBe(0);
    const [head] = await handle.db.select().from(collabDocs).where(eq(collabDocs.name, name));
    const restored = new Y.Doc();
    Y.applyUpdate(restored, new Uint8Array(head!.snapshot!));
    expect(restored.getArray('items').length).toBe(60);
    const c = client(name, owner.id);
    await synced(c);
    expect(c.doc.getArray('items').toArray()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // Not re-seeded on load: the fields exist exactly once.
    expect(c.doc.getMap('fields').size).toBe(5);
    c.destroy();
  });

  it('projects a valid field change into SQL with an audit entry; reverts an invalid one everywhere', async () => {
    const { opp, name } = await newDeal();
    await share(handle.db, opp.id, partnerEditOrgId, 'edit');
    const a = client(name, owner.id);
    const b = client(name, manager);
    const p = client(name, partnerEdit);
    await Promise.all([synced(a), synced(b), synced(p)]);
    a.doc.getMap('fields').set('amountMinor', 99_900);
    const rowOf = async () =>
      (await handle.db.select().from(opportunities).where(eq(opportunities.id, opp.id)))[0]!;
    await waitFor(async () => (await rowOf()).amountMinor === 99_900);
    const audits = await handle.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.entity, 'opportunity'), eq(auditLog.entityId, opp.id), eq(auditLog.action, 'update')),
      );
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBe(owner.id);
    expect(audits[0]!.changes).toEqual({ amountMinor: [1_250_000, 99_900] });
    const version = (await rowOf()).version;

    // Invalid values: negative, then a string. Both are reverted in every client's doc.
    for (const bad of [-5, 'abc'] as const) {
      a.doc.getMap('fields').set('amountMinor', bad);
      await collab.settled(name);
      await waitFor(() => [a, b, p].every((c) => c.doc.getMap('fields').get('amountMinor') === 99_900));
    }
    // Every server change (seed, reverts) is written under the one server client id of the doc.
    const serverIds = new Set(Y.decodeStateVector(Y.encodeStateVector(a.doc)).keys());
    for (const c of [a, b, p]) serverIds.delete(c.doc.clientID);
    expect(serverIds.size).toBe(1);
    const error = a.doc.getMap('errors').get(String(a.doc.clientID)) as { field: string; reason: string };
    expect(error).toMatchObject({ field: 'amountMinor', reason: 'validation.invalid' });
    expect(b.doc.getMap('errors').get(String(a.doc.clientID))).toBeDefined();
    expect((await rowOf()).amountMinor).toBe(99_900);
    expect((await rowOf()).version).toBe(version);

    // A partner may change the description, not the name (policy's partner-editable fields).
    p.doc.getMap('fields').set('description', 'Lieferung KW 12');
    await waitFor(async () => (await rowOf()).description === 'Lieferung KW 12');
    p.doc.getMap('fields').set('name', 'renamed by partner');
    await collab.settled(name);
    await waitFor(() => [a, b, p].every((c) => c.doc.getMap('fields').get('name') === opp.name));
    expect(p.doc.getMap('errors').get(String(p.doc.clientID))).toMatchObject({
      field: 'name',
      reason: 'errors.forbidden',
    });
    expect((await rowOf()).name).toBe(opp.name);
    const partnerAudit = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, opp.id), eq(auditLog.actorId, partnerEdit)));
    expect(partnerAudit.map((x) => x.changes)).toEqual([{ description: [null, 'Lieferung KW 12'] }]);

    // A change made elsewhere (tRPC/EDI path) reaches every open editor through the domain
    // event the write publishes; applying the same values again changes nothing.
    const current = await rowOf();
    await updateOpportunity(handle.db, principals.get(owner.id)!, {
      id: opp.id,
      version: current.version,
      data: { probability: 55 },
    });
    await waitFor(() => [a, b, p].every((c) => c.doc.getMap('fields').get('probability') === 55));
    expect(await collab.applyExternalChange(name, { probability: 55 })).toBe(false);
    for (const c of [a, b, p]) c.destroy();
  });

  it('a stage change through co-editing (e.g. to lost, without a reason) is reverted and the editor told why', async () => {
    const { opp, name } = await newDeal({ stage: 'proposal' });
    const a = client(name, owner.id);
    await synced(a);
    // Stage is not a co-editable field: closing a deal needs the close form (reason, side effects).
    a.doc.getMap('fields').set('stage', 'lost');
    await collab.settled(name);
    await waitFor(() => a.doc.getMap('fields').get('stage') === undefined);
    expect(a.doc.getMap('errors').get(String(a.doc.clientID))).toMatchObject({
      field: 'stage',
      reason: 'validation.unknownField',
      rejected: 'lost',
    });
    const [row] = await handle.db.select().from(opportunities).where(eq(opportunities.id, opp.id));
    expect(row).toMatchObject({ stage: 'proposal', lostReason: null, closedAt: null, version: opp.version });
    a.destroy();
  });

  it('malformed, unknown, oversized and flooding clients are closed; the server keeps serving', async () => {
    const { name } = await newDeal();
    const url = `${base}/${name}`;
    const headers = { 'x-test-user': owner.id };
    const good = client(name, manager);
    await synced(good);

    const cases: { bytes: Uint8Array | string; code: number }[] = [
      {
        bytes: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
        code: 1007,
      },
      { bytes: new Uint8Array([7]), code: 1003 }, // unknown type
      { bytes: new Uint8Array([2, 0]), code: 1003 }, // auth: server → client only
      { bytes: new Uint8Array([0, 9, 0]), code: 1003 }, // unknown sync step
      { bytes: new Uint8Array([0, 2, 5, 1, 2, 3, 4, 5]), code: 1007 }, // not a Yjs update
      { bytes: new Uint8Array([0, 2, 200]), code: 1007 }, // truncated
      { bytes: new Uint8Array([1, 3, 1, 1, 1]), code: 1007 }, // broken awareness
      { bytes: 'hello', code: 1003 }, // text frame
      { bytes: new Uint8Array(1024 * 1024 + 10), code: 1009 }, // > maxPayload
    ];
    for (const c of cases) {
      const ws = await openRaw(url, headers);
      const closed = closeCodeOf(ws);
      ws.send(c.bytes);
      expect(await closed).toBe(c.code);
    }

    // A flood after load: back-pressure (the socket is paused), everything handled, still open.
    const query = new Uint8Array([3]);
    const busy = await openRaw(url, headers);
    for (let i = 0; i < 5000; i++) busy.send(query);
    busy.send(new Uint8Array([0, 0, 1, 0])); // sync step 1 last: its answer proves all were handled
    await new Promise<void>((r) =>
      busy.on('message', (m: Buffer) => {
        if (m[0] === 0 && m[1] === 1) r();
      }),
    );
    expect(busy.readyState).toBe(busy.OPEN);
    busy.close();

    // A flood before the document is loaded: bounded queue, then closed (1008).
    let release!: () => void;
    const loading = new Promise<void>((r) => {
      release = r;
    });
    const slow = await startServer({ beforeLoad: () => loading });
    const { name: fresh } = await newDeal();
    const flood = await openRaw(`${slow.base}/${fresh}`, headers);
    const floodClosed = closeCodeOf(flood);
    for (let i = 0; i < 5000; i++) flood.send(query);
    expect(await floodClosed).toBe(1008);
    release();
    await slow.close();

    // Garbage on the raw socket while authentication is still running.
    const raw = netConnect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((r) => raw.once('connect', () => r()));
    raw.on('error', () => {});
    raw.write(
      `GET /collab/${name} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nx-test-user: ${owner.id}\r\nx-slow-auth: 1\r\n\r\n`,
    );
    const junk = Buffer.alloc(64 * 1024, 0xab);
    for (let i = 0; i < 64; i++) raw.write(junk);
    // The server answers (101 after the slow authentication), then closes on the junk frames.
    let answer = '';
    raw.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    await new Promise<void>((r) => raw.once('end', () => r()));
    expect(answer).toMatch(/^HTTP\/1\.1 101/);
    raw.destroy();

    // Nobody crashed: the well-behaved client still edits and a new client still joins.
    good.doc.getArray('items').push(['still alive']);
    const late = client(name, owner.id);
    await synced(late);
    await waitFor(() => late.doc.getArray('items').toArray().includes('still alive'));
    await waitFor(() => collab.stats().perDoc.find((d) => d.name === name)?.connections === 2);
    expect(collab.stats().queuedMessages).toBe(0);
    good.destroy();
    late.destroy();
  });

  it('a slow consumer is disconnected (1013) instead of being buffered without bound', async () => {
    const { name } = await newDeal();
    // Presence sent at once (not batched): each change is another 60 KiB to the slow reader.
    const server = await startServer({ limits: { maxBufferedBytes: 256 * 1024, presenceBatchMs: 0 } });
    const url = `${server.base}/${name}`;
    const slow = await openRaw(url, { 'x-test-user': manager });
    const slowClosed = closeCodeOf(slow, 20_000);
    (slow as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading
    const writer = await openRaw(url, { 'x-test-user': owner.id });
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    const big = 'x'.repeat(60 * 1024);
    const slowGone = () => server.collab.stats().connections < 2;
    // Presence traffic is not stored, so it can be pushed fast; the server fans it out.
    for (let i = 0; i < 400 && !slowGone(); i++) {
      awareness.setLocalState({ big, i });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint8Array(
        encoder,
        awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
      );
      writer.send(encoding.toUint8Array(encoder));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(slowGone()).toBe(true);
    // Reading again, the client finds the close frame behind what was already buffered.
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slowClosed).toBe(1013);
    expect(writer.readyState).toBe(writer.OPEN);
    writer.close();
    awareness.destroy();
    await server.close();
  });

  it('presence changes inside the batch window reach each peer as one message with the latest state', async () => {
    const { name } = await newDeal();
    const server = await startServer({ limits: { presenceBatchMs: 200 } });
    const url = `${server.base}/${name}`;
    const observer = await openRaw(url, { 'x-test-user': manager });
    const presence: Map<number, { i?: number } | null>[] = [];
    observer.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== 1) return; // presence only
      const peer = new awarenessProtocol.Awareness(new Y.Doc());
      awarenessProtocol.applyAwarenessUpdate(peer, decoding.readVarUint8Array(decoder), 'test');
      presence.push(new Map(peer.getStates()));
      peer.destroy();
    });
    const writer = await openRaw(url, { 'x-test-user': owner.id });
    await new Promise((r) => setTimeout(r, 400)); // the join's own presence messages are past
    const before = presence.length;
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    for (let i = 0; i < 20; i++) {
      awareness.setLocalState({ i });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint8Array(
        encoder,
        awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
      );
      writer.send(encoding.toUint8Array(encoder));
    }
    await waitFor(async () => presence.at(-1)?.get(awareness.clientID)?.i === 19);
    // Twenty changes sent back to back: one or two messages (a window may close mid-burst), not twenty.
    expect(presence.length - before).toBeLessThanOrEqual(2);
    writer.close();
    observer.close();
    awareness.destroy();
    await server.close();
  });

  it('close() flushes every document into its snapshot', async () => {
    const { name } = await newDeal();
    const local = await startServer({ limits: { unloadDelayMs: 60_000 } });
    const c = connectClient(local.base, name, { 'x-test-user': owner.id });
    await synced(c);
    for (let i = 0; i < 5; i++) c.doc.getArray('items').push([i]);
    await waitFor(async () => (await updatesOf(name)).length >= 6); // seed + 5
    c.destroy();
    expect(local.collab.stats().docs).toBe(1);
    await local.close();
    expect(local.collab.stats().docs).toBe(0);
    expect((await updatesOf(name)).length).toBe(0);
    const [{ count }] = (await handle.db
      .select({ count: sql<number>`count(*)::int` })
      .from(collabDocs)
      .where(eq(collabDocs.name, name))) as [{ count: number }];
    expect(count).toBe(1);
  });
});
