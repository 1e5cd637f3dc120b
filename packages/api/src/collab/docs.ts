/** Document names and the access decision for one principal on one document. */
import { type Database, opportunities, type ShareAccess } from '@konsort/db';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { documentAccess } from '../documents/documents.ts';
import { isClosed } from '../opportunities/stages.ts';
import { can, shareAccessSql, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';

export type DocKind = 'opportunity' | 'document';
export interface DocRef {
  /** The canonical name, e.g. `opportunity:0b0e…` (uuid lower-cased). */
  name: string;
  kind: DocKind;
  id: string;
}

const docNamePattern =
  /^(opportunity|document):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function parseDocName(raw: string): DocRef | null {
  const m = docNamePattern.exec(raw);
  if (!m) return null;
  const kind = m[1]!.toLowerCase() as DocKind;
  const id = m[2]!.toLowerCase();
  return { name: `${kind}:${id}`, kind, id };
}

/** `/collab/<docName>?…` → the document, or null when the path is not a collab path. */
export function docRefFromUrl(url: string | undefined, prefix = '/collab/'): DocRef | null {
  if (!url?.startsWith(prefix)) return null;
  const path = url.slice(prefix.length).split('?')[0]!;
  try {
    return parseDocName(decodeURIComponent(path));
  } catch {
    return null;
  }
}

export type Access = 'read' | 'write';
/** `opportunityId`: the deal a `document:` doc belongs to (its access changes with the deal's shares). */
export type AccessDecision = { access: Access; opportunityId?: string } | { deny: 403 | 404 };

export type Authorizer = (db: Database, principal: Principal, doc: DocRef) => Promise<AccessDecision>;

/**
 * The default decision, from the policy module: the opportunity is read inside the principal's
 * `visible()` scope; `can(…, 'update', …)` grants write, `can(…, 'read', …)` read-only. An
 * archived deal is read-only for everyone. `document:` docs are decided by the policy's `document`
 * resource (`documentAccess`): partners need a share on the deal and the document marked shared.
 */
export const defaultAuthorize: Authorizer = async (db, principal, doc) => {
  if (principal.kind === 'anonymous') return { deny: 403 };
  if (doc.kind === 'document') return documentAccess(db, principal, doc.id);
  const share: SQL<string | null> =
    principal.kind === 'partner' ? shareAccessSql(principal.partnerOrgId) : sql<null>`null`;
  const [row] = await db
    .select({
      ownerId: opportunities.ownerId,
      stage: opportunities.stage,
      archivedAt: opportunities.archivedAt,
      share,
    })
    .from(opportunities)
    .where(and(eq(opportunities.id, doc.id), visible(principal).opportunities()));
  // Internal users see every deal: a miss is a missing deal. Others must not learn whether it exists.
  if (!row) return { deny: principal.kind === 'internal' ? 404 : 403 };
  const facts = {
    type: 'opportunity' as const,
    ownerId: row.ownerId,
    share: row.share === 'edit' || row.share === 'view' ? (row.share as ShareAccess) : null,
    closed: isClosed(row.stage),
  };
  if (!can(principal, 'read', facts)) return { deny: 403 };
  const write = can(principal, 'update', facts) && !row.archivedAt;
  return { access: write ? 'write' : 'read' };
};
