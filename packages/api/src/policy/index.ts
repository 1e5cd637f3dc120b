/**
 * The authorization policy: the only place that decides who may see and do what. Routers,
 * Remix loaders and (later) the collaboration server ask it; none builds its own check.
 *
 *  - `can(principal, action, resource)` decides on facts about one record (pure, no I/O);
 *  - `visible(principal)` returns the SQL conditions that scope every list and lookup;
 *  - `project(principal)` removes the fields a principal must not read (internal margins…).
 */
import {
  accounts,
  comments,
  contacts,
  documents,
  type Opportunity,
  opportunities,
  opportunityShares,
  orders,
  type ShareAccess,
} from '@konsort/db';
import { and, exists, isNull, type SQL, sql } from 'drizzle-orm';
import { forbidden } from '../errors.ts';
import type { Principal } from '../principal.ts';

export type Action =
  | 'read'
  | 'create'
  | 'update'
  | 'archive'
  | 'changeStage'
  | 'changeOwner'
  | 'readInternalFields'
  | 'share'
  | 'manage'
  | 'delete';

export type Resource =
  | { type: 'opportunity'; ownerId?: string; share?: ShareAccess | null; closed?: boolean }
  | { type: 'account'; ownerId?: string; sharedWithPrincipal?: boolean }
  | { type: 'contact'; sharedWithPrincipal?: boolean }
  | { type: 'user'; id?: string }
  | { type: 'apiKey' }
  | { type: 'dashboard' }
  /** The product catalogue and its configuration rules: staff read, leaders maintain (`manage`). */
  | { type: 'product' }
  /**
   * A quote on a deal: staff data (our prices and discounts); partners see none. `update` edits
   * and versions it, `changeStage` sends/accepts/rejects: the deal's owner or a leader.
   */
  | { type: 'quote'; dealOwnerId?: string }
  /** Automation settings (default deal, follow-ups, loss reasons, priority criteria, cadences). */
  | { type: 'automation' }
  /** A calendar meeting: staff organise them; the organizer or a leader changes or cancels one. */
  | { type: 'meeting'; organizerId?: string }
  /** A logged call/visit/e-mail/meeting/note or a follow-up task: staff data, never a partner's. */
  | { type: 'activity'; ownerId?: string; createdBy?: string | null }
  /** A rep's monthly revenue target; `manage` sets or changes it. */
  | { type: 'salesTarget'; userId?: string }
  /** Reports and their CSV exports (staff; a rep's figures are limited to own deals, see reportOwnerScope). */
  | { type: 'report' }
  /** The EDI bridge's own calls: ingest files, reserve control numbers, record outbound files. */
  | { type: 'ediExchange' }
  /** Trading-partner profiles and the EDI message log (monitor, reprocess). */
  | { type: 'ediProfile' }
  /**
   * An order from or to a partner ERP. `read`: staff all, a partner its own organisation's (rows
   * scoped by `visible().orders()`); `update` = answer it (accept/change/reject → 855/ORDRSP): staff.
   */
  | { type: 'order' }
  /** A partner's deal registration; `manage` is the review (approve/reject). */
  | { type: 'registration'; partnerOrgId?: string }
  /** One's own notifications and notification settings. */
  | { type: 'notification' }
  /**
   * A comment on a deal. `share` is the principal's organisation's share on the deal: staff
   * read and write every comment; partners only shared comments of deals shared with them;
   * `update` (edit) and `archive` (delete) only by the comment's author.
   */
  | { type: 'comment'; visibility?: 'internal' | 'shared'; authorId?: string; share?: ShareAccess | null }
  /** A CSV import run: staff work; `createdBy` uploaded it, leaders may act on anyone's. */
  | { type: 'csvImport'; createdBy?: string }
  /**
   * Membership of a team: internal staff (`partnerOrgId` null) or one partner organisation's
   * users. `manage` = invite, (de)activate, change role.
   */
  | { type: 'teamMember'; partnerOrgId: string | null }
  /** GDPR: export and erasure of a contact's or a user's personal data. */
  | { type: 'personalData' }
  /**
   * A lead. Staff `manage` it (qualify, assign, convert) and `share` it (offer to a partner);
   * a partner reads one only while it is offered to its organisation, `update` = answer the
   * pending offer, `readInternalFields` = the contact details, once accepted.
   */
  | { type: 'lead'; offeredPartnerOrgId?: string | null; offerStatus?: string | null }
  /**
   * A rich-text document of a deal: the deal's facts plus whether the document is marked shared.
   * Partners reach it only through a share on the deal AND the mark; staff by their deal rights.
   * `manage` = rename/archive, `share` = mark shared/unshared, `update` = edit the content.
   */
  | {
      type: 'document';
      ownerId?: string;
      share?: ShareAccess | null;
      closed?: boolean;
      sharedWithPartners?: boolean;
      archived?: boolean;
    };

/** Fields a partner with an edit share may change on a deal; everything else is staff-only. */
export const partnerEditableOpportunityFields = ['amountMinor', 'expectedCloseDate', 'description'] as const;

function hasScope(p: Principal, scope: string): boolean {
  return p.kind === 'integration' && p.scopes.includes(scope);
}

export function can(p: Principal, action: Action, resource: Resource): boolean {
  if (p.kind === 'anonymous') return false;
  const internal = p.kind === 'internal';
  const leader = internal && (p.role === 'admin' || p.role === 'manager');
  switch (resource.type) {
    case 'dashboard':
      return p.kind === 'internal' || p.kind === 'partner';
    case 'apiKey':
      return internal && p.role === 'admin' && action === 'manage';
    case 'product':
      if (action === 'read') return internal;
      return leader && action === 'manage';
    case 'quote':
      if (action === 'read') return internal;
      if (action === 'create' || action === 'update' || action === 'changeStage')
        return leader || (internal && resource.dealOwnerId === p.userId);
      return false;
    case 'automation':
      // Everyone on staff reads the lists (loss reasons, overdue cadences); admins configure.
      if (action === 'read') return internal;
      if (action === 'update') return leader;
      return internal && p.role === 'admin' && action === 'manage';
    case 'meeting':
      if (action === 'read' || action === 'create') return internal;
      if (action === 'update' || action === 'archive')
        return leader || (internal && resource.organizerId === p.userId);
      return false;
    case 'activity':
      if (!internal) return false;
      if (action === 'read' || action === 'create') return true;
      // A rep changes what is theirs (owner or author); leaders keep the team's lists tidy.
      if (action === 'update' || action === 'delete' || action === 'changeOwner')
        return leader || resource.ownerId === p.userId || resource.createdBy === p.userId;
      return false;
    case 'salesTarget':
      if (action === 'read') return leader || (internal && resource.userId === p.userId);
      return leader && action === 'manage';
    case 'report':
      return internal && action === 'read';
    case 'ediExchange':
      return hasScope(p, 'edi');
    case 'order':
      if (action === 'read') return internal || p.kind === 'partner';
      return internal && action === 'update';
    case 'ediProfile':
      if (action === 'read') return leader || hasScope(p, 'edi');
      return internal && p.role === 'admin' && (action === 'manage' || action === 'update');
    case 'csvImport':
      if (p.kind !== 'internal') return false;
      if (action === 'create') return true;
      return (action === 'read' || action === 'update') && (leader || resource.createdBy === p.userId);
    case 'notification':
      return (p.kind === 'internal' || p.kind === 'partner') && (action === 'read' || action === 'update');
    case 'comment': {
      if (p.kind !== 'internal' && p.kind !== 'partner') return false;
      const reaches = p.kind === 'internal' || (!!resource.share && resource.visibility === 'shared');
      if (action === 'read' || action === 'create') return reaches;
      if (action === 'update' || action === 'archive') return reaches && resource.authorId === p.userId;
      return false;
    }
    case 'registration':
      if (action === 'create') return p.kind === 'partner';
      if (action === 'read')
        return internal || (p.kind === 'partner' && resource.partnerOrgId === p.partnerOrgId);
      // Duplicate candidates name other partners' registrations: staff only.
      if (action === 'readInternalFields') return internal;
      return leader && action === 'manage';
    case 'teamMember':
      if (internal && p.role === 'admin') return action === 'read' || action === 'manage';
      if (p.kind !== 'partner' || resource.partnerOrgId !== p.partnerOrgId) return false;
      return action === 'read' || (action === 'manage' && p.role === 'partner_admin');
    case 'personalData':
      return internal && p.role === 'admin' && action === 'manage';
    case 'lead': {
      const offeredToMe = p.kind === 'partner' && resource.offeredPartnerOrgId === p.partnerOrgId;
      switch (action) {
        case 'create':
          return internal || hasScope(p, 'leads');
        case 'read':
          return internal || offeredToMe;
        case 'readInternalFields':
          return internal || (offeredToMe && resource.offerStatus === 'accepted');
        case 'update':
          return offeredToMe && resource.offerStatus === 'pending';
        case 'manage':
        case 'share':
          return internal;
        default:
          return false;
      }
    }
    case 'user':
      if (action === 'read') return internal || (p.kind === 'partner' && resource.id === p.userId);
      if (action === 'update')
        return (p.kind === 'internal' || p.kind === 'partner') && resource.id === p.userId;
      return internal && p.role === 'admin';
    case 'account':
      switch (action) {
        case 'read':
          return (
            internal || hasScope(p, 'edi') || (p.kind === 'partner' && resource.sharedWithPrincipal === true)
          );
        case 'create':
        case 'update':
          return internal;
        case 'archive':
        case 'changeOwner':
          return leader || (internal && resource.ownerId === p.userId);
        case 'readInternalFields':
          return internal;
        default:
          return false;
      }
    case 'contact':
      switch (action) {
        case 'read':
          return internal || (p.kind === 'partner' && resource.sharedWithPrincipal === true);
        case 'create':
        case 'update':
        case 'archive':
          return internal;
        case 'readInternalFields':
          return internal;
        default:
          return false;
      }
    case 'document': {
      const own = internal && resource.ownerId === p.userId;
      const partnerSees = p.kind === 'partner' && !!resource.share && resource.sharedWithPartners === true;
      switch (action) {
        case 'read':
          return internal || partnerSees;
        case 'update':
          if (resource.archived) return false;
          return leader || own || (partnerSees && resource.share === 'edit' && !resource.closed);
        case 'create':
        case 'manage':
        case 'archive':
          return leader || own;
        case 'share':
          // Marking a document shared hands it to every partner on the deal: as for the deal's shares.
          return leader || own;
        default:
          return false;
      }
    }
    case 'opportunity': {
      const own = internal && resource.ownerId === p.userId;
      switch (action) {
        case 'read':
          return internal || hasScope(p, 'edi') || (p.kind === 'partner' && !!resource.share);
        case 'create':
          return internal;
        case 'update':
          return leader || own || (p.kind === 'partner' && resource.share === 'edit' && !resource.closed);
        case 'changeStage':
          // Partners co-edit the deal's content; moving it through the pipeline is staff work.
          return leader || own;
        case 'archive':
        case 'changeOwner':
          return leader || (action === 'archive' && own);
        case 'share':
          // Sharing hands customer data to another company: the deal's owner or a manager decides.
          return leader || own;
        case 'readInternalFields':
          return internal;
        default:
          return false;
      }
    }
  }
}

/**
 * May `author` @mention `candidate` in a comment of this visibility on a deal shared with the
 * organisations `sharedOrgIds`? Only people who can read the comment: staff always; partner
 * users only on shared comments of deals their organisation holds, and a partner author only
 * its own colleagues (it never learns which other organisations hold a share).
 */
export function mayMention(
  author: Principal,
  candidate: { partnerOrgId: string | null },
  visibility: 'internal' | 'shared',
  sharedOrgIds: readonly string[],
): boolean {
  if (author.kind !== 'internal' && author.kind !== 'partner') return false;
  if (!candidate.partnerOrgId) return true;
  if (visibility !== 'shared' || !sharedOrgIds.includes(candidate.partnerOrgId)) return false;
  return author.kind === 'internal' || candidate.partnerOrgId === author.partnerOrgId;
}

export function assertCan(p: Principal, action: Action, resource: Resource): void {
  if (!can(p, action, resource)) throw forbidden();
}

/**
 * Could this principal do `action` on *some* record of this type (its own, shared with edit)?
 * Write paths ask this before they lock a row: a principal that never may gets FORBIDDEN at
 * once instead of reaching for rows (or, under row-level security, privileges) it lacks.
 */
export function assertMayEver(
  p: Principal,
  action: Action,
  type: 'account' | 'contact' | 'opportunity',
): void {
  const ownerId = p.kind === 'internal' ? p.userId : undefined;
  const resource: Resource =
    type === 'opportunity'
      ? { type, ownerId, share: 'edit', closed: false }
      : type === 'account'
        ? { type, ownerId, sharedWithPrincipal: true }
        : { type, sharedWithPrincipal: true };
  assertCan(p, action, resource);
}

/** The share an organisation holds on a deal, as a correlated sub-select. */
export function shareAccessSql(partnerOrgId: string): SQL<ShareAccess | null> {
  return sql<ShareAccess | null>`(select ${opportunityShares.access} from ${opportunityShares} where ${opportunityShares.opportunityId} = ${opportunities.id} and ${opportunityShares.partnerOrgId} = ${partnerOrgId})`;
}

function sharedOpportunityOf(partnerOrgId: string) {
  return (opportunityId: SQL | typeof opportunities.id) =>
    sql`exists (select 1 from ${opportunityShares} where ${opportunityShares.opportunityId} = ${opportunityId} and ${opportunityShares.partnerOrgId} = ${partnerOrgId})`;
}

/**
 * SQL scopes. `undefined` means "no restriction"; a principal that may see nothing gets
 * `false`, never an empty condition that would match everything.
 */
export function visible(p: Principal) {
  const none = sql`false`;
  const partnerOrg = p.kind === 'partner' ? p.partnerOrgId : null;
  const seesAll = p.kind === 'internal' || (p.kind === 'integration' && p.scopes.includes('edi'));
  return {
    opportunities(): SQL | undefined {
      if (seesAll) return undefined;
      if (partnerOrg) return sharedOpportunityOf(partnerOrg)(opportunities.id);
      return none;
    },
    /** A partner's own share rows (the driving table of its deal list). */
    opportunityShares(): SQL | undefined {
      if (seesAll) return undefined;
      if (partnerOrg) return sql`${opportunityShares.partnerOrgId} = ${partnerOrg}`;
      return none;
    },
    accounts(): SQL | undefined {
      if (seesAll) return undefined;
      if (partnerOrg)
        return exists(
          sql`(select 1 from ${opportunities} o join ${opportunityShares} s on s.opportunity_id = o.id where o.account_id = ${accounts.id} and s.partner_org_id = ${partnerOrg} and o.archived_at is null)`,
        );
      return none;
    },
    /** Orders: staff see all; a partner only its own organisation's (on deals it can see). */
    /** Comments: staff all; a partner the shared ones on deals shared with its organisation. */
    comments(): SQL | undefined {
      if (p.kind === 'internal') return undefined;
      if (partnerOrg)
        return and(
          sql`${comments.visibility} = 'shared'`,
          sharedOpportunityOf(partnerOrg)(sql`${comments.opportunityId}`),
        );
      return none;
    },
    orders(): SQL | undefined {
      if (p.kind === 'internal') return undefined;
      if (partnerOrg) return sql`${orders.partnerOrgId} = ${partnerOrg}`;
      return none;
    },
    /** Deal documents: staff all; a partner only those marked shared, on deals shared with it. */
    documents(): SQL | undefined {
      if (p.kind === 'internal') return undefined;
      if (partnerOrg)
        return sql`${documents.sharedWithPartners} and exists (select 1 from ${opportunityShares} where ${opportunityShares.opportunityId} = ${documents.opportunityId} and ${opportunityShares.partnerOrgId} = ${partnerOrg})`;
      return none;
    },
    contacts(): SQL | undefined {
      if (p.kind === 'internal') return undefined;
      if (partnerOrg)
        // Only the deal's named contact, not the customer's whole address book.
        return exists(
          sql`(select 1 from ${opportunities} o join ${opportunityShares} s on s.opportunity_id = o.id where o.primary_contact_id = ${contacts.id} and s.partner_org_id = ${partnerOrg} and o.archived_at is null)`,
        );
      return none;
    },
  };
}

/** Hides archived rows unless asked, combined with the principal's scope. */
export function scoped(
  scope: SQL | undefined,
  archivedAt: typeof opportunities.archivedAt | typeof accounts.archivedAt,
  includeArchived = false,
) {
  return and(scope, includeArchived ? undefined : isNull(archivedAt));
}

type PartnerOpportunity = Omit<Opportunity, 'marginMinor' | 'source'> & { marginMinor: null; source: null };

/** Field projection: what leaves the API for this principal. */
export function project(p: Principal) {
  const internal = p.kind === 'internal';
  return {
    opportunity<T extends Partial<Opportunity>>(row: T): T {
      if (internal) return row;
      return { ...row, marginMinor: null, source: null } as T & Partial<PartnerOpportunity>;
    },
    account<T extends Record<string, unknown>>(row: T): T {
      if (internal || p.kind === 'integration') return row;
      // A partner sees the customer's public identity, not our notes, VAT data or owner.
      const { notes: _n, vatId: _v, ownerId: _o, email: _e, phone: _p, ...rest } = row;
      return { ...rest, notes: null, vatId: null, ownerId: null, email: null, phone: null } as unknown as T;
    },
    contact<T extends Record<string, unknown>>(row: T): T {
      if (internal) return row;
      const { mobile: _m, ...rest } = row;
      return { ...rest, mobile: null } as unknown as T;
    },
  };
}

/** Activities are staff data: internal users see all, everyone else none (decision 011). */
export function visibleActivities(p: Principal): SQL | undefined {
  return p.kind === 'internal' ? undefined : sql`false`;
}

/**
 * Whose deals and targets a report may count: a manager or admin the whole team's (`null`),
 * a rep only their own (their user id). Anyone else gets no report (FORBIDDEN).
 */
export function reportOwnerScope(p: Principal): string | null {
  assertCan(p, 'read', { type: 'report' });
  if (p.kind !== 'internal') throw forbidden();
  return p.role === 'rep' ? p.userId : null;
}
