/**
 * Shared documents of a deal: rich text co-edited live as Yjs doc `document:<id>`. Rows hold the
 * metadata (title, shared mark, archive, a plain-text preview); the content lives in the collab
 * store (`collab_updates` / `collab_docs`). Who may do what is the policy's `document` resource.
 */
import { type Database, documents, opportunities, type ShareAccess, users } from '@konsort/db';
import { and, asc, desc, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { loadDoc } from '../collab/persistence.ts';
import { AppError, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import { isClosed } from '../opportunities/stages.ts';
import { assertCan, can, type Resource, shareAccessSql, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { inTransaction, likePattern } from '../tx.ts';
import { htmlDocumentOf, pdfOf, plainTextOf, proseMirrorOf } from './content.ts';

const title = z.string().trim().min(1).max(200);
export const listDocumentsInput = z.object({
  opportunityId: z.uuid(),
  includeArchived: z.boolean().optional(),
  /** Finds documents by title or text (the plain-text preview the collab server keeps). */
  q: z.string().trim().max(200).optional(),
});
export const createDocumentInput = z.object({ opportunityId: z.uuid(), title });
export const renameDocumentInput = z.object({ id: z.uuid(), title });
export const setDocumentSharedInput = z.object({ id: z.uuid(), shared: z.boolean() });
export const documentIdInput = z.object({ id: z.uuid() });

export const documentDocName = (id: string) => `document:${id}`;

type DocumentFacts = Extract<Resource, { type: 'document' }>;

/** The deal's facts in the principal's scope (partners: only shared deals, with their share). */
async function dealFacts(db: Database, principal: Principal, opportunityId: string) {
  const share: SQL<string | null> =
    principal.kind === 'partner' ? shareAccessSql(principal.partnerOrgId) : sql<null>`null`;
  const [deal] = await db
    .select({
      id: opportunities.id,
      ownerId: opportunities.ownerId,
      stage: opportunities.stage,
      archivedAt: opportunities.archivedAt,
      share,
    })
    .from(opportunities)
    .where(and(eq(opportunities.id, opportunityId), visible(principal).opportunities()));
  if (!deal) return null;
  const access = deal.share === 'edit' || deal.share === 'view' ? (deal.share as ShareAccess) : null;
  return { ...deal, share: access, closed: isClosed(deal.stage) };
}

/** One document with the facts the policy decides on, or null when the principal cannot see it. */
async function loadDocument(db: Database, principal: Principal, id: string) {
  const [row] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.id, id), visible(principal).documents()));
  if (!row) return null;
  const deal = await dealFacts(db, principal, row.opportunityId);
  if (!deal) return null;
  const facts: DocumentFacts = {
    type: 'document',
    ownerId: deal.ownerId,
    share: deal.share,
    closed: deal.closed,
    sharedWithPartners: row.sharedWithPartners,
    archived: !!row.archivedAt || !!deal.archivedAt,
  };
  if (!can(principal, 'read', facts)) return null;
  return { row, deal, facts };
}

async function requireDocument(db: Database, principal: Principal, id: string) {
  const found = await loadDocument(db, principal, id);
  if (!found) throw notFound('entity.document');
  return found;
}

function permissionsOf(principal: Principal, facts: DocumentFacts) {
  return {
    update: can(principal, 'update', facts),
    manage: can(principal, 'manage', facts) && !facts.archived,
    share: can(principal, 'share', facts) && !facts.archived,
    archive: can(principal, 'archive', facts) && !facts.archived,
  };
}

/** The documents of a deal the principal may see, newest change first. */
export async function listDocuments(
  database: Database,
  principal: Principal,
  input: z.output<typeof listDocumentsInput>,
) {
  return withPrincipalDb(database, principal, async (db) => {
    const deal = await dealFacts(db, principal, input.opportunityId);
    if (!deal) throw notFound('entity.opportunity');
    const items = await db
      .select({
        id: documents.id,
        title: documents.title,
        sharedWithPartners: documents.sharedWithPartners,
        preview: sql<string>`left(${documents.textPreview}, 200)`,
        archivedAt: documents.archivedAt,
        createdAt: documents.createdAt,
        updatedAt: documents.updatedAt,
        createdByName: users.name,
      })
      .from(documents)
      .leftJoin(users, eq(users.id, documents.createdBy))
      .where(
        and(
          eq(documents.opportunityId, input.opportunityId),
          visible(principal).documents(),
          input.includeArchived ? undefined : isNull(documents.archivedAt),
          input.q
            ? or(
                ilike(documents.title, likePattern(input.q)),
                ilike(documents.textPreview, likePattern(input.q)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(documents.updatedAt), asc(documents.id));
    const facts: DocumentFacts = {
      type: 'document',
      ownerId: deal.ownerId,
      share: deal.share,
      closed: deal.closed,
      archived: !!deal.archivedAt,
    };
    return {
      documents: items,
      canCreate: can(principal, 'create', facts) && !deal.archivedAt,
    };
  });
}

/** One document for its page: metadata, the deal it belongs to and what this principal may do. */
export async function getDocument(database: Database, principal: Principal, id: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const { row, deal, facts } = await requireDocument(db, principal, id);
    const [dealRow] = await db
      .select({ name: opportunities.name })
      .from(opportunities)
      .where(eq(opportunities.id, deal.id));
    const permissions = permissionsOf(principal, facts);
    return {
      document: {
        id: row.id,
        opportunityId: row.opportunityId,
        title: row.title,
        sharedWithPartners: row.sharedWithPartners,
        archivedAt: row.archivedAt,
        updatedAt: row.updatedAt,
        textPreview: row.textPreview,
      },
      opportunity: { id: deal.id, name: dealRow?.name ?? '' },
      access: permissions.update ? ('write' as const) : ('read' as const),
      permissions,
    };
  });
}

/**
 * The live connection's decision (collab server): internal users learn that a document is
 * missing (404); everyone else gets 403 whether it exists or not.
 */
export async function documentAccess(
  db: Database,
  principal: Principal,
  id: string,
): Promise<{ access: 'read' | 'write'; opportunityId: string } | { deny: 403 | 404 }> {
  if (principal.kind === 'anonymous') return { deny: 403 };
  const found = await withPrincipalDb(db, principal, (scoped) => loadDocument(scoped, principal, id));
  if (!found) return { deny: principal.kind === 'internal' ? 404 : 403 };
  return {
    access: can(principal, 'update', found.facts) ? 'write' : 'read',
    opportunityId: found.row.opportunityId,
  };
}

export async function createDocument(
  db: Database,
  principal: Principal,
  input: z.output<typeof createDocumentInput>,
) {
  return inTransaction(db, principal, async (tx) => {
    const deal = await dealFacts(tx as unknown as Database, principal, input.opportunityId);
    if (!deal) throw notFound('entity.opportunity');
    assertCan(principal, 'create', {
      type: 'document',
      ownerId: deal.ownerId,
      share: deal.share,
      closed: deal.closed,
    });
    if (deal.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    const [row] = await tx
      .insert(documents)
      .values({
        opportunityId: input.opportunityId,
        title: input.title,
        createdBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'document',
      entityId: row!.id,
      changes: { title: [null, row!.title], opportunityId: [null, row!.opportunityId] },
    });
    return row!;
  });
}

/** Loads, checks `action`, refuses archived documents, runs `change`, audits; in one transaction. */
async function changeDocument<T>(
  db: Database,
  principal: Principal,
  id: string,
  action: 'manage' | 'share' | 'archive',
  change: (
    tx: Parameters<Parameters<typeof inTransaction>[2]>[0],
    row: typeof documents.$inferSelect,
  ) => Promise<T>,
) {
  return inTransaction(db, principal, async (tx) => {
    const { row, facts } = await requireDocument(tx as unknown as Database, principal, id);
    assertCan(principal, action, facts);
    if (row.archivedAt) throw new AppError('CONFLICT', 'errors.documentArchived');
    // Serialise concurrent changes of the same document.
    await tx.select({ id: documents.id }).from(documents).where(eq(documents.id, id)).for('update');
    return change(tx, row);
  });
}

export async function renameDocument(
  db: Database,
  principal: Principal,
  input: z.output<typeof renameDocumentInput>,
) {
  return changeDocument(db, principal, input.id, 'manage', async (tx, before) => {
    if (before.title === input.title) return { changed: false };
    await tx
      .update(documents)
      .set({ title: input.title, updatedAt: new Date() })
      .where(eq(documents.id, input.id));
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'document',
      entityId: input.id,
      changes: { title: [before.title, input.title] },
    });
    return { changed: true };
  });
}

/** Marks a document shared with the deal's partners, or takes it back (open editors at once). */
export async function setDocumentShared(
  db: Database,
  principal: Principal,
  input: z.output<typeof setDocumentSharedInput>,
) {
  const result = await changeDocument(db, principal, input.id, 'share', async (tx, before) => {
    if (before.sharedWithPartners === input.shared) return { changed: false, opportunityId: '' };
    await tx
      .update(documents)
      .set({ sharedWithPartners: input.shared, updatedAt: new Date() })
      .where(eq(documents.id, input.id));
    await writeAudit(tx, principal, {
      action: input.shared ? 'share' : 'unshare',
      entity: 'document',
      entityId: input.id,
      changes: { sharedWithPartners: [before.sharedWithPartners, input.shared] },
    });
    return { changed: true, opportunityId: before.opportunityId };
  });
  if (result.changed) publish({ type: 'access.changed', opportunityId: result.opportunityId });
  return { changed: result.changed, shared: input.shared };
}

export async function archiveDocument(
  db: Database,
  principal: Principal,
  input: z.output<typeof documentIdInput>,
) {
  const result = await changeDocument(db, principal, input.id, 'archive', async (tx, before) => {
    const now = new Date();
    await tx.update(documents).set({ archivedAt: now, updatedAt: now }).where(eq(documents.id, input.id));
    await writeAudit(tx, principal, {
      action: 'archive',
      entity: 'document',
      entityId: input.id,
      changes: { archivedAt: [null, now.toISOString()] },
    });
    return { opportunityId: before.opportunityId };
  });
  // Open editors become read-only at once.
  publish({ type: 'access.changed', opportunityId: result.opportunityId });
  return { archived: true };
}

/** A file name from a title: letters, digits, dashes; never empty. */
export function fileNameOf(title: string, extension: 'html' | 'pdf'): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'document'}.${extension}`;
}

/**
 * The document's content as ProseMirror, read from the collab store. Authorised first inside the
 * principal's scope; the content itself is read with the server's connection (the store has no
 * partner grants: the live server is its only other reader).
 */
async function readForExport(db: Database, principal: Principal, id: string) {
  const found = await withPrincipalDb(db, principal, (scoped) => loadDocument(scoped, principal, id));
  if (!found) throw notFound('entity.document');
  const stored = await loadDoc(db, documentDocName(id));
  return { row: found.row, node: proseMirrorOf(stored.state) };
}

export async function exportDocumentHtml(db: Database, principal: Principal, id: string) {
  const { row, node } = await readForExport(db, principal, id);
  return {
    fileName: fileNameOf(row.title, 'html'),
    contentType: 'text/html; charset=utf-8',
    html: htmlDocumentOf(row.title, node, principal.locale),
  };
}

export async function exportDocumentPdf(db: Database, principal: Principal, id: string) {
  const { row, node } = await readForExport(db, principal, id);
  return {
    fileName: fileNameOf(row.title, 'pdf'),
    contentType: 'application/pdf',
    pdf: await pdfOf(row.title, node),
  };
}

/**
 * Writes the plain-text preview from the document's current state (collab server, throttled).
 * `updated_at` moves too, so lists show recently edited documents first.
 */
export async function writeTextPreview(db: Database, id: string, state: Uint8Array): Promise<void> {
  const text = plainTextOf(proseMirrorOf(state));
  await db
    .update(documents)
    .set({ textPreview: text, updatedAt: new Date() })
    .where(and(eq(documents.id, id), sql`${documents.textPreview} is distinct from ${text}`));
}
