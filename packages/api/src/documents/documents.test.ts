/**
 * The `document` router on a real database (PGlite by default, PostgreSQL in test:system):
 * who sees and changes which document, audit entries, exports through the partner's row-level
 * security, and the text preview.
 */
import { auditLog, documents } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendUpdate } from '../collab/persistence.ts';
import type { Principal } from '../principal.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import { documentFragment, documentSchema } from './content.ts';
import { writeTextPreview } from './documents.ts';

let t: TestDatabase;
let owner: Principal;
let otherRep: Principal;
let manager: Principal;
let partnerEdit: Principal;
let partnerView: Principal;
let partnerNone: Principal;
let dealId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  const o = await makeUser(db, { role: 'rep' });
  owner = o.principal;
  otherRep = (await makeUser(db, { role: 'rep' })).principal;
  manager = (await makeUser(db, { role: 'manager' })).principal;
  const [editOrg, viewOrg] = [await makePartnerOrg(db), await makePartnerOrg(db)];
  partnerEdit = (await makeUser(db, { role: 'partner_member', partnerOrgId: editOrg.id })).principal;
  partnerView = (await makeUser(db, { role: 'partner_member', partnerOrgId: viewOrg.id })).principal;
  partnerNone = (await makeUser(db, { role: 'partner_admin' })).principal;
  const account = await makeAccount(db, o.user.id);
  const deal = await makeOpportunity(db, account.id, o.user.id);
  dealId = deal.id;
  await share(db, deal.id, editOrg.id, 'edit');
  await share(db, deal.id, viewOrg.id, 'view');
});

afterAll(async () => {
  await t?.destroy();
});

const as = (p: Principal) => callerFor(t.db, p).caller.document;

async function storeContent(id: string, json: Record<string, unknown>) {
  const doc = prosemirrorJSONToYDoc(documentSchema(), json, documentFragment);
  await appendUpdate(t.db, `document:${id}`, Y.encodeStateAsUpdate(doc), null);
  return Y.encodeStateAsUpdate(doc);
}

const auditsOf = (id: string) =>
  t.db
    .select({ action: auditLog.action, changes: auditLog.changes, actorId: auditLog.actorId })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'document'), eq(auditLog.entityId, id)))
    .orderBy(auditLog.id);

describe('document router', () => {
  it('creates, lists, renames, shares and archives with an audit entry each', async () => {
    const created = await as(owner).create({ opportunityId: dealId, title: '  Angebot Q3  ' });
    expect(created.title).toBe('Angebot Q3');
    expect(created.sharedWithPartners).toBe(false);
    const list = await as(otherRep).list({ opportunityId: dealId });
    expect(list.documents.map((d) => d.id)).toContain(created.id);
    // Staff see every document; only the deal's owner and leaders create.
    expect(list.canCreate).toBe(false);
    expect((await as(owner).list({ opportunityId: dealId })).canCreate).toBe(true);

    await as(owner).rename({ id: created.id, title: 'Angebot Q4' });
    await as(manager).setShared({ id: created.id, shared: true });
    await as(owner).archive({ id: created.id });
    expect((await as(owner).list({ opportunityId: dealId })).documents.map((d) => d.id)).not.toContain(
      created.id,
    );
    const archived = (await as(owner).list({ opportunityId: dealId, includeArchived: true })).documents;
    expect(archived.find((d) => d.id === created.id)?.archivedAt).toBeInstanceOf(Date);
    // An archived document is read-only: no rename, no live write access.
    const renamed = await failure(as(owner).rename({ id: created.id, title: 'Zu spät' }));
    expect(renamed.code).toBe('CONFLICT');
    expect((await as(owner).byId({ id: created.id })).access).toBe('read');

    const audits = await auditsOf(created.id);
    expect(audits.map((a) => [a.action, a.changes])).toEqual([
      ['create', { title: [null, 'Angebot Q3'], opportunityId: [null, dealId] }],
      ['update', { title: ['Angebot Q3', 'Angebot Q4'] }],
      ['share', { sharedWithPartners: [false, true] }],
      ['archive', { archivedAt: [null, expect.any(String)] }],
    ]);
    expect(audits[2]!.actorId).toBe((manager as { userId: string }).userId);
  });

  it('partners see only shared documents of deals shared with them; view shares read only', async () => {
    const hidden = await as(owner).create({ opportunityId: dealId, title: 'Intern: Marge' });
    const open = await as(owner).create({ opportunityId: dealId, title: 'Leistungsbeschreibung' });
    await as(owner).setShared({ id: open.id, shared: true });

    for (const p of [partnerEdit, partnerView]) {
      const ids = (await as(p).list({ opportunityId: dealId })).documents.map((d) => d.id);
      expect(ids).toContain(open.id);
      expect(ids).not.toContain(hidden.id);
      expect((await failure(as(p).byId({ id: hidden.id }))).code).toBe('NOT_FOUND');
      expect((await failure(as(p).exportHtml({ id: hidden.id }))).code).toBe('NOT_FOUND');
      expect((await as(p).list({ opportunityId: dealId })).canCreate).toBe(false);
    }
    expect((await as(partnerEdit).byId({ id: open.id })).access).toBe('write');
    const view = await as(partnerView).byId({ id: open.id });
    expect(view.access).toBe('read');
    expect(view.permissions).toEqual({ update: false, manage: false, share: false, archive: false });
    expect((await failure(as(partnerNone).list({ opportunityId: dealId }))).code).toBe('NOT_FOUND');
    expect((await failure(as(partnerNone).byId({ id: open.id }))).code).toBe('NOT_FOUND');
    // Partners never rename, share or archive, even with an edit share.
    expect((await failure(as(partnerEdit).rename({ id: open.id, title: 'X' }))).code).toBe('FORBIDDEN');
    expect((await failure(as(partnerEdit).setShared({ id: open.id, shared: false }))).code).toBe('FORBIDDEN');
    // Unmarking hides it again at once.
    await as(owner).setShared({ id: open.id, shared: false });
    expect((await failure(as(partnerEdit).byId({ id: open.id }))).code).toBe('NOT_FOUND');
  });

  it('refuses bad input with a field error and writes nothing', async () => {
    const before = await t.db.select().from(documents).where(eq(documents.opportunityId, dealId));
    const e = await failure(as(owner).create({ opportunityId: dealId, title: '   ' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect((e.cause as unknown as { issues: { path: string[] }[] }).issues[0]?.path).toEqual(['title']);
    const long = await failure(as(owner).create({ opportunityId: dealId, title: 'x'.repeat(201) }));
    expect(long.code).toBe('BAD_REQUEST');
    const missing = await failure(
      as(owner).create({ opportunityId: '00000000-0000-4000-8000-000000000000', title: 'Neu' }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.cause).toMatchObject({ key: 'errors.notFound', params: { entity: 'entity.opportunity' } });
    const after = await t.db.select().from(documents).where(eq(documents.opportunityId, dealId));
    expect(after.length).toBe(before.length);
  });

  it('exports the stored content as sanitized HTML and as a PDF, for a partner through RLS', async () => {
    const doc = await as(owner).create({ opportunityId: dealId, title: 'Angebot <script>x</script>' });
    await as(owner).setShared({ id: doc.id, shared: true });
    const state = await storeContent(doc.id, {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Lieferumfang' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: '<img src=x onerror=alert(1)> ' },
            {
              type: 'text',
              text: 'Link',
              marks: [{ type: 'link', attrs: { href: 'javascript:alert(2)' } }],
            },
            { type: 'text', text: ' fett', marks: [{ type: 'bold' }] },
          ],
        },
      ],
    });
    const html = await as(partnerView).exportHtml({ id: doc.id });
    expect(html.fileName).toBe('Angebot-script-x-script.html');
    expect(html.html).toContain('<h1>Lieferumfang</h1>');
    expect(html.html).toContain('<strong> fett</strong>');
    expect(html.html).not.toMatch(/<script|<img|javascript:|<[^>]*\son[a-z]+=/i);
    const pdf = await as(partnerEdit).exportPdf({ id: doc.id });
    expect(pdf.fileName).toBe('Angebot-script-x-script.pdf');
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The preview follows the content (written by the collab server, throttled).
    await writeTextPreview(t.db, doc.id, state);
    const listed = (await as(partnerView).list({ opportunityId: dealId })).documents.find(
      (d) => d.id === doc.id,
    );
    expect(listed?.preview).toBe('Lieferumfang\n<img src=x onerror=alert(1)> Link fett');
    // Search by text finds it (also for partners), by other text not.
    const found = await as(partnerView).list({ opportunityId: dealId, q: 'lieferUMFANG' });
    expect(found.documents.map((d) => d.id)).toEqual([doc.id]);
    expect((await as(owner).list({ opportunityId: dealId, q: '100%_' })).documents).toEqual([]);
  });
});
