/**
 * `document:<id>` docs on the collab server with real y-websocket clients: convergence, the
 * policy's decisions (shared mark AND a share on the deal; view = read-only), access changes
 * taking effect at once through the domain events, schema validation, the text preview.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { collabUpdates, documents } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentFragment } from '../documents/content.ts';
import { createDocument, setDocumentShared } from '../documents/documents.ts';
import type { Principal } from '../principal.ts';
import { revokeShare, setShare } from '../sharing/shares.ts';
import { makeAccount, makeOpportunity, makePartnerOrg, makeUser, share } from '../testing/index.ts';
import { type CollabServer, createCollabServer } from './server.ts';
import { connectClient, refusedStatus, synced, type TestClient, waitFor } from './test-helpers.ts';

let handle: TestDatabase;
let http: Server;
let collab: CollabServer;
let base: string;
const principals = new Map<string, Principal>();
const clients: TestClient[] = [];
let owner: Principal & { kind: 'internal' };
let manager: Principal & { kind: 'internal' };
let partnerEdit: Principal & { kind: 'partner' };
let partnerView: Principal & { kind: 'partner' };
let accountId: string;

const idOf = (p: Principal) => (p as { userId: string }).userId;

function client(docName: string, p: Principal | null): TestClient {
  const c = connectClient(base, docName, p ? { 'x-test-user': idOf(p) } : {});
  clients.push(c);
  return c;
}

/** A deal of the owner shared with both partner organisations, and a document on it. */
async function newDocument(sharedWithPartners: boolean) {
  const deal = await makeOpportunity(handle.db, accountId, idOf(owner));
  await share(handle.db, deal.id, partnerEdit.partnerOrgId, 'edit');
  await share(handle.db, deal.id, partnerView.partnerOrgId, 'view');
  const doc = await createDocument(handle.db, owner, { opportunityId: deal.id, title: 'Angebot' });
  if (sharedWithPartners) await setDocumentShared(handle.db, owner, { id: doc.id, shared: true });
  return { dealId: deal.id, id: doc.id, name: `document:${doc.id}` };
}

/** Appends a paragraph with `text` the way the editor does (an element holding a text). */
function addParagraph(c: TestClient, text: string) {
  c.doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    const content = new Y.XmlText();
    paragraph.insert(0, [content]);
    const fragment = c.doc.getXmlFragment(documentFragment);
    fragment.insert(fragment.length, [paragraph]);
    content.insert(0, text);
  });
}

const textOf = (c: TestClient) =>
  c.doc
    .getXmlFragment(documentFragment)
    .toArray()
    .map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText | undefined)?.toString() ?? '')
    .sort();

const stored = (name: string) =>
  handle.db.select().from(collabUpdates).where(eq(collabUpdates.docName, name));

beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  const o = await makeUser(db, { role: 'rep' });
  const m = await makeUser(db, { role: 'manager' });
  const [editOrg, viewOrg] = [await makePartnerOrg(db), await makePartnerOrg(db)];
  const pe = await makeUser(db, { role: 'partner_member', partnerOrgId: editOrg.id });
  const pv = await makeUser(db, { role: 'partner_member', partnerOrgId: viewOrg.id });
  owner = o.principal as typeof owner;
  manager = m.principal as typeof manager;
  partnerEdit = pe.principal as typeof partnerEdit;
  partnerView = pv.principal as typeof partnerView;
  for (const p of [owner, manager, partnerEdit, partnerView]) principals.set(idOf(p), p);
  accountId = (await makeAccount(db, idOf(owner))).id;
  collab = createCollabServer({
    db,
    async authenticate(req: IncomingMessage): Promise<Principal> {
      const id = req.headers['x-test-user'];
      return (typeof id === 'string' && principals.get(id)) || { kind: 'anonymous', locale: 'en' };
    },
    // No periodic re-check: access changes must arrive through the domain events alone.
    limits: { unloadDelayMs: 0, revalidateIntervalMs: 0, textPreviewDelayMs: 50 },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  base = `ws://127.0.0.1:${(http.address() as { port: number }).port}/collab`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await collab?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await handle?.destroy();
});

describe('document docs on the collab server', () => {
  it('staff and an edit partner converge; the content is stored and the text preview follows', async () => {
    const { id, name } = await newDocument(true);
    const cs = [client(name, owner), client(name, manager), client(name, partnerEdit)];
    await Promise.all(cs.map((c) => synced(c)));
    cs.forEach((c, i) => {
      for (let n = 0; n < 5; n++) addParagraph(c, `client ${i} line ${n}`);
    });
    await waitFor(() => cs.every((c) => c.doc.getXmlFragment(documentFragment).length === 15));
    const reference = textOf(cs[0]!);
    expect(reference).toHaveLength(15);
    for (const c of cs) expect(textOf(c)).toEqual(reference);
    expect((await stored(name)).some((u) => u.userId === idOf(partnerEdit))).toBe(true);
    await waitFor(
      async () => {
        const [row] = await handle.db.select().from(documents).where(eq(documents.id, id));
        return reference.every((line) => row!.textPreview.includes(line));
      },
      5000,
      'text preview',
    );
    // A fresh client after unload gets everything from the store.
    for (const c of cs) c.destroy();
    await collab.whenUnloaded(name);
    const fresh = client(name, manager);
    await synced(fresh);
    expect(textOf(fresh)).toEqual(reference);
    fresh.destroy();
  });

  it('a view-share partner reads but cannot change the document', async () => {
    const { name } = await newDocument(true);
    const staff = client(name, owner);
    const viewer = client(name, partnerView);
    await Promise.all([synced(staff), synced(viewer)]);
    addParagraph(staff, 'from staff');
    await waitFor(() => textOf(viewer).includes('from staff'));
    // Presence works read-only; the caret's display name is the server's, not the client's.
    viewer.provider.awareness.setLocalStateField('user', { name: 'Spoofed Name', color: '#ff0000' });
    await waitFor(() =>
      [...staff.provider.awareness.getStates().values()].some((st) => st.user?.color === '#ff0000'),
    );
    const caret = [...staff.provider.awareness.getStates().values()].find(
      (st) => st.user?.color === '#ff0000',
    );
    expect(caret?.user).toEqual({ name: partnerView.name, color: '#ff0000' });
    addParagraph(viewer, 'from viewer');
    addParagraph(staff, 'staff again');
    await waitFor(() => textOf(viewer).includes('staff again'));
    await collab.settled(name);
    expect(textOf(staff)).toEqual(['from staff', 'staff again']);
    expect((await stored(name)).some((u) => u.userId === idOf(partnerView))).toBe(false);
    staff.destroy();
    viewer.destroy();
  });

  it('refuses anonymous, partners on unshared documents or without a share, unknown documents', async () => {
    const unshared = await newDocument(false);
    const url = `${base}/${unshared.name}`;
    expect(await refusedStatus(url, {})).toBe(401);
    expect(await refusedStatus(url, { 'x-test-user': idOf(partnerEdit) })).toBe(403);
    expect(await refusedStatus(url, { 'x-test-user': idOf(partnerView) })).toBe(403);
    const other = await makePartnerOrg(handle.db);
    const outsider = await makeUser(handle.db, { role: 'partner_admin', partnerOrgId: other.id });
    principals.set(outsider.user.id, outsider.principal);
    const shared = await newDocument(true);
    expect(await refusedStatus(`${base}/${shared.name}`, { 'x-test-user': outsider.user.id })).toBe(403);
    const unknown = `${base}/document:${crypto.randomUUID()}`;
    expect(await refusedStatus(unknown, { 'x-test-user': idOf(owner) })).toBe(404);
    expect(await refusedStatus(unknown, { 'x-test-user': idOf(partnerEdit) })).toBe(403);
    expect(collab.stats().perDoc.find((d) => d.name === unshared.name)).toBeUndefined();
  });

  it('a downgrade to view closes the partner editor (reconnects read-only); unmarking closes every partner', async () => {
    const { dealId, id, name } = await newDocument(true);
    const staff = client(name, owner);
    const editor = client(name, partnerEdit);
    const viewer = client(name, partnerView);
    await Promise.all([synced(staff), synced(editor), synced(viewer)]);
    addParagraph(editor, 'while edit');
    await waitFor(() => textOf(staff).includes('while edit'));

    // The deal's share goes down to view: the partner's open editor is closed (an editor would
    // otherwise keep typing into its own copy); connecting again gives a read-only connection.
    await setShare(handle.db, owner, {
      opportunityId: dealId,
      partnerOrgId: partnerEdit.partnerOrgId,
      access: 'view',
    });
    await waitFor(() => editor.closes.length > 0, 3000, 'downgraded editor closed');
    expect(editor.closes[0]!.code).toBe(4403);
    expect(viewer.closes).toEqual([]);
    const again = client(name, partnerEdit);
    await synced(again);
    expect(collab.stats().perDoc.find((d) => d.name === name)?.readOnly).toBe(2);
    addParagraph(again, 'after downgrade');
    addParagraph(staff, 'staff after');
    await waitFor(() => textOf(again).includes('staff after'));
    await collab.settled(name);
    expect(textOf(staff)).not.toContain('after downgrade');

    // Unmarking "shared": every partner connection is closed (4403, no reconnect); staff stay.
    await setDocumentShared(handle.db, owner, { id, shared: false });
    await waitFor(() => again.closes.length > 0 && viewer.closes.length > 0, 3000, 'partners closed');
    expect(again.closes[0]!.code).toBe(4403);
    expect(viewer.closes[0]!.code).toBe(4403);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.provider.shouldConnect).toBe(false);
    expect(staff.provider.wsconnected).toBe(true);
    expect(collab.stats().perDoc.find((d) => d.name === name)?.connections).toBe(1);
    for (const c of [staff, editor, viewer, again]) c.destroy();
  });
  it('revoking the deal share closes the partner on its documents', async () => {
    const { dealId, name } = await newDocument(true);
    const editor = client(name, partnerEdit);
    await synced(editor);
    await revokeShare(handle.db, owner, { opportunityId: dealId, partnerOrgId: partnerEdit.partnerOrgId });
    await waitFor(() => editor.closes.length > 0, 3000, 'partner closed');
    expect(editor.closes[0]!.code).toBe(4403);
    editor.destroy();
  });

  it('an update outside the editor schema is rejected (4422): not stored, not relayed', async () => {
    const { name } = await newDocument(true);
    const staff = client(name, owner);
    const hostile = client(name, manager);
    await Promise.all([synced(staff), synced(hostile)]);
    addParagraph(staff, 'kept');
    await waitFor(() => textOf(hostile).includes('kept'));
    const before = (await stored(name)).length;
    const frame = new Y.XmlElement('iframe');
    frame.setAttribute('src', 'https://evil.example');
    hostile.doc.getXmlFragment(documentFragment).insert(0, [frame]);
    await waitFor(() => hostile.closes.length > 0, 3000, 'hostile closed');
    expect(hostile.closes[0]!.code).toBe(4422);
    addParagraph(staff, 'still live');
    const check = client(name, owner);
    await synced(check);
    await waitFor(() => textOf(check).includes('still live'));
    expect(
      check.doc
        .getXmlFragment(documentFragment)
        .toArray()
        .map((e) => (e as Y.XmlElement).nodeName),
    ).toEqual(['paragraph', 'paragraph']);
    expect((await stored(name)).length).toBe(before + 1);
    for (const c of [staff, hostile, check]) c.destroy();
  });
});
