import {
  accounts,
  contacts,
  type Database,
  type Executor,
  type Lead,
  leads,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  partnerOrgs,
  users,
} from '@konsort/db';
import { and, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { notify } from '../notifications/notify.ts';
import { defaultProbability } from '../opportunities/stages.ts';
import { assertCan, can } from '../policy/index.ts';
import { visibleLeads } from '../policy/leads.ts';
import { internalRoles, type Principal } from '../principal.ts';
import { domainFromEmail, normalizeDomain } from '../registrations/normalize.ts';
import { withPrincipalDb } from '../rls.ts';
import { countryCode, currencyCode, uuid } from '../schemas.ts';
import { inTransaction, likePattern } from '../tx.ts';
import { emptyToUndefined, trimmed } from '../validation.ts';

/** Days a partner has to answer an offer unless the offer says otherwise. */
export const LEAD_OFFER_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Trigram similarity above which an account is shown as a possible duplicate of a lead. */
export const LEAD_NAME_SIMILARITY = 0.4;

const text = (max: number) => z.preprocess(trimmed, z.string().min(1).max(max));
const optionalText = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().max(max).optional());
const optionalEmail = z.preprocess(emptyToUndefined, z.email().max(254).optional());
const optionalPhone = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()/.-]{5,30}$/, 'validation.phone')
    .optional(),
);

export const captureLeadInput = z.object({
  companyName: text(200),
  contactName: optionalText(200),
  email: optionalEmail,
  phone: optionalPhone,
  domain: z.preprocess(
    (v) => {
      const s = emptyToUndefined(v);
      return typeof s === 'string' ? (normalizeDomain(s) ?? s.trim()) : s;
    },
    z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'validation.url')
      .optional(),
  ),
  notes: optionalText(5000),
  /** Staff pick form (the web form), csv or manual; an API key's leads are always `api`. */
  source: z.enum(['form', 'csv', 'manual']).default('manual'),
  ownerId: z.preprocess(emptyToUndefined, uuid.optional()),
});
export type CaptureLeadInput = z.input<typeof captureLeadInput>;

export const listLeadsInput = z
  .object({
    status: z.enum(['new', 'qualified', 'disqualified', 'converted']).optional(),
    offerStatus: z.enum(['pending', 'accepted', 'declined', 'expired']).optional(),
    q: optionalText(200),
    mine: z.boolean().optional(),
  })
  .default({});

export const disqualifyLeadInput = z.object({ id: uuid, reason: text(1000) });
export const assignLeadInput = z.object({ id: uuid, ownerId: uuid });
export const offerLeadInput = z.object({
  id: uuid,
  partnerOrgId: uuid,
  days: z.coerce.number().int().min(1).max(60).default(LEAD_OFFER_DAYS),
});
export const respondLeadInput = z
  .object({ id: uuid, accept: z.boolean(), reason: optionalText(1000) })
  .superRefine((v, ctx) => {
    if (!v.accept && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'validation.required' });
  });
export const convertLeadInput = z
  .object({
    id: uuid,
    /** Link to this existing account (e.g. a duplicate candidate); else one is created. */
    accountId: z.preprocess(emptyToUndefined, uuid.optional()),
    street: optionalText(200),
    postalCode: optionalText(20),
    city: optionalText(100),
    country: z.preprocess(emptyToUndefined, countryCode.optional()),
    opportunityName: optionalText(200),
    amountMinor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    currency: currencyCode.default('EUR'),
  })
  .superRefine((v, ctx) => {
    if (v.accountId) return;
    for (const field of ['street', 'postalCode', 'city', 'country'] as const) {
      if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
    }
  });

const leadNotFound = () => notFound('entity.lead');

const auditedFields = [
  'companyName',
  'contactName',
  'email',
  'phone',
  'domain',
  'notes',
  'source',
  'status',
  'statusReason',
  'ownerId',
  'offeredPartnerOrgId',
  'offeredAt',
  'respondBy',
  'offerStatus',
  'offerReason',
  'accountId',
  'contactId',
  'opportunityId',
] as const;

/** What leaves the API: a partner sees the contact details only once it accepted the offer. */
function projectLead<T extends Partial<Lead>>(principal: Principal, row: T): T {
  if (principal.kind === 'internal') return row;
  const details = can(principal, 'readInternalFields', {
    type: 'lead',
    offeredPartnerOrgId: row.offeredPartnerOrgId ?? null,
    offerStatus: row.offerStatus ?? null,
  });
  const partnerView = {
    ...row,
    ownerId: null,
    createdBy: null,
    apiKeyId: null,
    offeredBy: null,
    statusReason: null,
    accountId: null,
    contactId: null,
  };
  return (details ? partnerView : { ...partnerView, contactName: null, email: null, phone: null }) as T;
}

async function loadLead(tx: Executor, principal: Principal, id: string, lock = false) {
  const query = tx
    .select()
    .from(leads)
    .where(and(eq(leads.id, id), visibleLeads(principal)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw leadNotFound();
  if (!can(principal, 'read', { type: 'lead', ...row })) throw leadNotFound();
  return row;
}

function assertOpen(lead: Lead) {
  if (lead.status === 'converted' || lead.status === 'disqualified')
    throw new AppError('CONFLICT', 'errors.leadClosed', { status: lead.status });
}

async function assertStaffUser(tx: Executor, id: string, path: string) {
  const [owner] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, id), eq(users.active, true), inArray(users.role, [...internalRoles])));
  if (!owner)
    throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [{ path, key: 'validation.staffUser' }]);
}

async function update(tx: Executor, principal: Principal, before: Lead, set: Partial<Lead>, action: string) {
  const [after] = await tx
    .update(leads)
    .set({ ...set, version: before.version + 1, updatedAt: new Date() })
    .where(eq(leads.id, before.id))
    .returning();
  await writeAudit(tx, principal, {
    action,
    entity: 'lead',
    entityId: before.id,
    changes: diff(before, after!, auditedFields),
  });
  return after!;
}

/** Captures a lead: staff by the web form or by hand, an integration with an API key of scope `leads`. */
export async function captureLead(
  db: Database,
  principal: Principal,
  input: z.output<typeof captureLeadInput>,
) {
  assertCan(principal, 'create', { type: 'lead' });
  const staff = principal.kind === 'internal' ? principal : null;
  return inTransaction(db, principal, async (tx) => {
    const ownerId = input.ownerId ?? staff?.userId ?? null;
    if (input.ownerId) await assertStaffUser(tx, input.ownerId, 'ownerId');
    const [created] = await tx
      .insert(leads)
      .values({
        companyName: input.companyName,
        contactName: input.contactName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        domain: input.domain ?? (input.email ? (domainFromEmail(input.email) ?? null) : null),
        notes: input.notes ?? null,
        source: principal.kind === 'integration' ? 'api' : input.source,
        ownerId,
        createdBy: staff?.userId ?? null,
        apiKeyId: principal.kind === 'integration' ? principal.apiKeyId : null,
      })
      .returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'lead',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    return created!;
  });
}

/** Staff: every lead (filters); a partner: its inbox, the leads offered to its organisation. */
export async function listLeads(
  database: Database,
  principal: Principal,
  input: z.output<typeof listLeadsInput> = {},
) {
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  return withPrincipalDb(database, principal, async (db) => {
    const conditions: (SQL | undefined)[] = [visibleLeads(principal)];
    if (input.status) conditions.push(eq(leads.status, input.status));
    if (input.offerStatus) conditions.push(eq(leads.offerStatus, input.offerStatus));
    if (input.mine && principal.kind === 'internal') conditions.push(eq(leads.ownerId, principal.userId));
    if (input.q) {
      const pattern = likePattern(input.q);
      conditions.push(
        or(
          sql`lower(${leads.companyName}) like ${pattern}`,
          principal.kind === 'internal'
            ? sql`lower(coalesce(${leads.contactName}, '')) like ${pattern}`
            : undefined,
        ),
      );
    }
    const rows = await db
      .select({
        lead: leads,
        ownerName: users.name,
        offeredPartnerName: partnerOrgs.name,
      })
      .from(leads)
      .leftJoin(users, eq(users.id, leads.ownerId))
      .leftJoin(partnerOrgs, eq(partnerOrgs.id, leads.offeredPartnerOrgId))
      .where(and(...conditions))
      .orderBy(desc(leads.createdAt), desc(leads.id))
      .limit(500);
    return rows.map((r) => ({
      ...projectLead(principal, r.lead),
      ownerName: principal.kind === 'internal' ? r.ownerName : null,
      offeredPartnerName: r.offeredPartnerName,
    }));
  });
}

/** Accounts that may be the lead's company: same domain, or a similar name. Staff only. */
async function duplicateCandidates(db: Executor, lead: Lead) {
  const similarity = sql<number>`similarity(lower(${accounts.name}), lower(${lead.companyName}))`;
  const sameDomain = lead.domain
    ? sql<boolean>`(${accounts.domain} is not null and regexp_replace(lower(${accounts.domain}), '^www[.]', '') = ${lead.domain})`
    : // Never true, but not a constant: ORDER BY refuses a bare `false`.
      sql<boolean>`(${accounts.id} is null)`;
  const rows = await db
    .select({ id: accounts.id, name: accounts.name, city: accounts.city, sameDomain, similarity })
    .from(accounts)
    .where(and(isNull(accounts.archivedAt), sql`(${sameDomain} or ${similarity} > ${LEAD_NAME_SIMILARITY})`))
    .orderBy(desc(sameDomain), desc(similarity))
    .limit(10);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    city: r.city,
    reason: r.sameDomain ? ('domain' as const) : ('name' as const),
    score: r.sameDomain ? 1 : Math.round(Number(r.similarity) * 100) / 100,
  }));
}

export async function getLead(database: Database, principal: Principal, id: string) {
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  return withPrincipalDb(database, principal, async (db) => {
    const lead = await loadLead(db, principal, id);
    const internal = principal.kind === 'internal';
    const [owner] =
      lead.ownerId && internal
        ? await db.select({ name: users.name }).from(users).where(eq(users.id, lead.ownerId))
        : [];
    const [partner] = lead.offeredPartnerOrgId
      ? await db
          .select({ name: partnerOrgs.name })
          .from(partnerOrgs)
          .where(eq(partnerOrgs.id, lead.offeredPartnerOrgId))
      : [];
    const open = lead.status === 'new' || lead.status === 'qualified';
    const offerOpen = lead.offerStatus === 'pending';
    return {
      ...projectLead(principal, lead),
      ownerName: owner?.name ?? null,
      offeredPartnerName: partner?.name ?? null,
      candidates: internal && open ? await duplicateCandidates(db, lead) : [],
      permissions: {
        manage: open && can(principal, 'manage', { type: 'lead' }),
        offer:
          open && !offerOpen && lead.offerStatus !== 'accepted' && can(principal, 'share', { type: 'lead' }),
        respond: can(principal, 'update', { type: 'lead', ...lead }),
        convert: open && !offerOpen && can(principal, 'manage', { type: 'lead' }),
      },
    };
  });
}

export async function qualifyLead(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'lead' });
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, id, true);
    assertOpen(lead);
    if (lead.status === 'qualified') return lead;
    return update(tx, principal, lead, { status: 'qualified', statusReason: null }, 'qualify');
  });
}

export async function disqualifyLead(
  db: Database,
  principal: Principal,
  input: z.output<typeof disqualifyLeadInput>,
) {
  assertCan(principal, 'manage', { type: 'lead' });
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, input.id, true);
    assertOpen(lead);
    if (lead.offerStatus === 'pending') throw new AppError('CONFLICT', 'errors.leadOfferOpen');
    return update(tx, principal, lead, { status: 'disqualified', statusReason: input.reason }, 'disqualify');
  });
}

export async function assignLead(
  db: Database,
  principal: Principal,
  input: z.output<typeof assignLeadInput>,
) {
  assertCan(principal, 'manage', { type: 'lead' });
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, input.id, true);
    assertOpen(lead);
    await assertStaffUser(tx, input.ownerId, 'ownerId');
    if (lead.ownerId === input.ownerId) return lead;
    return update(tx, principal, lead, { ownerId: input.ownerId }, 'assign');
  });
}

/**
 * Offers the lead to one partner organisation, which has `days` to accept or decline. Its
 * partner admins get an e-mail (in the same transaction: no offer without mail, no mail for an
 * offer that rolled back). A lead is offered to one organisation at a time.
 */
export async function offerLead(
  db: Database,
  principal: Principal,
  input: z.output<typeof offerLeadInput>,
  options: { now?: Date } = {},
) {
  assertCan(principal, 'share', { type: 'lead' });
  if (principal.kind !== 'internal') throw forbidden();
  const now = options.now ?? new Date();
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, input.id, true);
    assertOpen(lead);
    if (lead.offerStatus === 'pending' || lead.offerStatus === 'accepted')
      throw new AppError('CONFLICT', 'errors.leadOfferOpen');
    const [org] = await tx
      .select({ id: partnerOrgs.id, name: partnerOrgs.name })
      .from(partnerOrgs)
      .where(eq(partnerOrgs.id, input.partnerOrgId));
    if (!org) throw notFound('entity.partnerOrg');
    const respondBy = new Date(now.getTime() + input.days * DAY_MS);
    const after = await update(
      tx,
      principal,
      lead,
      {
        offeredPartnerOrgId: org.id,
        offeredBy: principal.userId,
        offeredAt: now,
        respondBy,
        offerStatus: 'pending',
        offerReason: null,
        respondedBy: null,
        respondedAt: null,
      },
      'offer',
    );
    // The organisation's people hear of it in the portal, live, and by e-mail as each prefers.
    const recipients = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.partnerOrgId, org.id), eq(users.active, true)));
    await notify(tx, {
      userIds: recipients.map((r) => r.id),
      kind: 'lead.offered',
      params: {
        leadId: lead.id,
        company: lead.companyName,
        partner: org.name,
        by: principal.name,
        respondBy: respondBy.toISOString(),
      },
      dedupeKey: `lead-offered:${lead.id}:${now.toISOString()}`,
    });
    return after;
  });
}

/**
 * The offered partner answers: accept (the lead becomes its lead; the deal made from it is
 * shared with it for editing) or decline with a reason. Only while the offer is pending and
 * before its deadline; row-level security lets the partner change nothing else.
 */
export async function respondToLeadOffer(
  db: Database,
  principal: Principal,
  input: z.output<typeof respondLeadInput>,
  options: { now?: Date } = {},
) {
  if (principal.kind !== 'partner') throw forbidden();
  const now = options.now ?? new Date();
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, input.id);
    if (!can(principal, 'update', { type: 'lead', ...lead }))
      throw new AppError('CONFLICT', 'errors.offerNotPending');
    if (lead.respondBy && lead.respondBy <= now) throw new AppError('CONFLICT', 'errors.offerExpired');
    const set = {
      offerStatus: input.accept ? ('accepted' as const) : ('declined' as const),
      offerReason: input.accept ? null : (input.reason ?? null),
      respondedBy: principal.userId,
      respondedAt: now,
      version: lead.version + 1,
      updatedAt: now,
    };
    // Fenced on the version read: a staff change or a second click in between loses, not overwrites.
    const changed = await tx
      .update(leads)
      .set(set)
      .where(and(eq(leads.id, lead.id), eq(leads.version, lead.version), eq(leads.offerStatus, 'pending')))
      .returning({ id: leads.id });
    if (changed.length === 0) throw new AppError('CONFLICT', 'errors.offerNotPending');
    await writeAudit(tx, principal, {
      action: input.accept ? 'accept_offer' : 'decline_offer',
      entity: 'lead',
      entityId: lead.id,
      changes: diff(lead, { ...lead, ...set }, ['offerStatus', 'offerReason']),
    });
    const [org] = await tx
      .select({ name: partnerOrgs.name })
      .from(partnerOrgs)
      .where(eq(partnerOrgs.id, principal.partnerOrgId));
    await notify(tx, {
      userIds: [lead.offeredBy, lead.ownerId].filter((id): id is string => !!id),
      kind: 'lead.answered',
      params: {
        leadId: lead.id,
        company: lead.companyName,
        partner: org?.name ?? '',
        accepted: input.accept ? 1 : 0,
        reason: input.reason ?? '',
      },
    });
    return projectLead(principal, { ...lead, ...set });
  });
}

const system: Principal = { kind: 'anonymous', locale: 'de' };

/** Pending offers past their deadline become expired (run by the job runner); returns their ids. */
export async function expireLeadOffers(db: Database, now: Date = new Date()): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: leads.id,
        version: leads.version,
        companyName: leads.companyName,
        offeredBy: leads.offeredBy,
        ownerId: leads.ownerId,
        partnerName: partnerOrgs.name,
      })
      .from(leads)
      .leftJoin(partnerOrgs, eq(partnerOrgs.id, leads.offeredPartnerOrgId))
      .where(and(eq(leads.offerStatus, 'pending'), lt(leads.respondBy, now)))
      .for('update', { of: leads });
    for (const found of due) {
      const row = { ...found, staff: [found.offeredBy, found.ownerId].filter((id): id is string => !!id) };
      await tx
        .update(leads)
        .set({ offerStatus: 'expired', version: row.version + 1, updatedAt: now })
        .where(eq(leads.id, row.id));
      if (row.staff.length > 0) {
        await notify(tx, {
          userIds: row.staff,
          kind: 'lead.offerExpired',
          params: { leadId: row.id, company: row.companyName, partner: row.partnerName ?? '' },
        });
      }
      await writeAudit(tx, system, {
        action: 'expire_offer',
        entity: 'lead',
        entityId: row.id,
        changes: { offerStatus: ['pending', 'expired'] },
      });
    }
    return due.map((r) => r.id);
  });
}

function splitName(name: string | null): { firstName: string; lastName: string } | null {
  if (!name) return null;
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { firstName: '', lastName: parts[0]! };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
}

/**
 * Converts the lead, in one transaction: the account (linked, e.g. a duplicate candidate, or
 * created), the contact from the lead's person, a qualified deal; when a partner accepted the
 * lead, the deal is shared with it for editing.
 */
export async function convertLead(
  db: Database,
  principal: Principal,
  input: z.output<typeof convertLeadInput>,
) {
  assertCan(principal, 'manage', { type: 'lead' });
  if (principal.kind !== 'internal') throw forbidden();
  const now = new Date();
  return inTransaction(db, principal, async (tx) => {
    const lead = await loadLead(tx, principal, input.id, true);
    assertOpen(lead);
    if (lead.offerStatus === 'pending') throw new AppError('CONFLICT', 'errors.leadOfferOpen');
    const ownerId = lead.ownerId ?? principal.userId;

    let accountId: string;
    if (input.accountId) {
      const [account] = await tx
        .select({ id: accounts.id, archivedAt: accounts.archivedAt })
        .from(accounts)
        .where(eq(accounts.id, input.accountId));
      if (!account) throw notFound('entity.account');
      if (account.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
      accountId = account.id;
    } else {
      const [account] = await tx
        .insert(accounts)
        .values({
          name: lead.companyName,
          domain: lead.domain,
          email: null,
          phone: null,
          street: input.street!,
          postalCode: input.postalCode!,
          city: input.city!,
          country: input.country!,
          ownerId,
        })
        .returning();
      accountId = account!.id;
      await writeAudit(tx, principal, {
        action: 'create',
        entity: 'account',
        entityId: accountId,
        changes: diff(null, account!, [
          'name',
          'domain',
          'street',
          'postalCode',
          'city',
          'country',
          'ownerId',
        ]),
      });
    }

    let contactId: string | null = null;
    const person = splitName(lead.contactName);
    if (person || lead.email) {
      const [contact] = await tx
        .insert(contacts)
        .values({
          accountId,
          firstName: person?.firstName ?? '',
          lastName: person?.lastName ?? lead.email!,
          email: lead.email,
          phone: lead.phone,
        })
        .returning();
      contactId = contact!.id;
      await writeAudit(tx, principal, {
        action: 'create',
        entity: 'contact',
        entityId: contactId,
        changes: diff(null, contact!, ['accountId', 'firstName', 'lastName', 'email', 'phone']),
      });
    }

    const [deal] = await tx
      .insert(opportunities)
      .values({
        accountId,
        primaryContactId: contactId,
        name: input.opportunityName ?? lead.companyName,
        stage: 'qualified',
        amountMinor: input.amountMinor,
        currency: input.currency,
        probability: defaultProbability.qualified,
        businessType: input.accountId ? 'existing' : 'new',
        ownerId,
        source: `lead:${lead.source}`,
        description: lead.notes,
      })
      .returning();
    await tx.insert(opportunityStageHistory).values({
      opportunityId: deal!.id,
      fromStage: null,
      toStage: 'qualified',
      changedBy: principal.userId,
    });
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'opportunity',
      entityId: deal!.id,
      changes: diff(null, deal!, [
        'accountId',
        'primaryContactId',
        'name',
        'stage',
        'amountMinor',
        'currency',
        'ownerId',
        'source',
      ]),
    });
    if (lead.offerStatus === 'accepted' && lead.offeredPartnerOrgId) {
      await tx.insert(opportunityShares).values({
        opportunityId: deal!.id,
        partnerOrgId: lead.offeredPartnerOrgId,
        access: 'edit',
        sharedBy: principal.userId,
      });
      await writeAudit(tx, principal, {
        action: 'share',
        entity: 'opportunity',
        entityId: deal!.id,
        changes: { [`share:${lead.offeredPartnerOrgId}`]: [null, 'edit'] },
      });
    }
    const after = await update(
      tx,
      principal,
      lead,
      { status: 'converted', accountId, contactId, opportunityId: deal!.id, convertedAt: now },
      'convert',
    );
    return { lead: after, accountId, contactId, opportunityId: deal!.id };
  });
}

/** Partner organisations a lead can be offered to (staff picker). */
export async function leadPartnerOptions(db: Database, principal: Principal) {
  assertCan(principal, 'share', { type: 'lead' });
  return db
    .select({ id: partnerOrgs.id, name: partnerOrgs.name, kind: partnerOrgs.kind, tier: partnerOrgs.tier })
    .from(partnerOrgs)
    .orderBy(partnerOrgs.name);
}
