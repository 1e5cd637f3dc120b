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
  contacts,
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
  | 'manage';

export type Resource =
  | { type: 'opportunity'; ownerId?: string; share?: ShareAccess | null; closed?: boolean }
  | { type: 'account'; ownerId?: string; sharedWithPrincipal?: boolean }
  | { type: 'contact'; sharedWithPrincipal?: boolean }
  | { type: 'user'; id?: string }
  | { type: 'apiKey' }
  | { type: 'dashboard' }
  /** The EDI bridge's own calls: ingest files, reserve control numbers, record outbound files. */
  | { type: 'ediExchange' }
  /** Trading-partner profiles and the EDI message log (monitor, reprocess). */
  | { type: 'ediProfile' }
  /** A partner's deal registration; `manage` is the review (approve/reject). */
  | { type: 'registration'; partnerOrgId?: string };

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
    case 'ediExchange':
      return hasScope(p, 'edi');
    case 'ediProfile':
      if (action === 'read') return leader || hasScope(p, 'edi');
      return internal && p.role === 'admin' && (action === 'manage' || action === 'update');
    case 'registration':
      if (action === 'create') return p.kind === 'partner';
      if (action === 'read')
        return internal || (p.kind === 'partner' && resource.partnerOrgId === p.partnerOrgId);
      // Duplicate candidates name other partners' registrations: staff only.
      if (action === 'readInternalFields') return internal;
      return leader && action === 'manage';
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
    accounts(): SQL | undefined {
      if (seesAll) return undefined;
      if (partnerOrg)
        return exists(
          sql`(select 1 from ${opportunities} o join ${opportunityShares} s on s.opportunity_id = o.id where o.account_id = ${accounts.id} and s.partner_org_id = ${partnerOrg} and o.archived_at is null)`,
        );
      return none;
    },
    /** Orders: staff see all; a partner only its own organisation's (on deals it can see). */
    orders(): SQL | undefined {
      if (p.kind === 'internal') return undefined;
      if (partnerOrg) return sql`${orders.partnerOrgId} = ${partnerOrg}`;
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
