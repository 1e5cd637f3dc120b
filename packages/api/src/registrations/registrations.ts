import {
  accounts,
  type Database,
  dealRegistrations,
  type Executor,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  partnerOrgs,
  type RegistrationStatus,
  users,
} from '@konsort/db';
import { and, asc, desc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { notifyRegistrationSubmitted } from '../notifications/registration-submitted.ts';
import { defaultProbability, openStages } from '../opportunities/stages.ts';
import { assertCan, can } from '../policy/index.ts';
import { internalRoles, type Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { countryCode, currencyCode, isValidVatId, uuid } from '../schemas.ts';
import { inTransaction } from '../tx.ts';
import { emptyToUndefined, trimmed } from '../validation.ts';
import { domainFromEmail, normalizeCompanyName, normalizeDomain, normalizeVatId } from './normalize.ts';

/** How long a registration waits for review, and how long an approved one protects the partner. */
export const REGISTRATION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Trigram similarity above which two normalised names are reported as the same company. */
export const NAME_SIMILARITY = 0.4;

const text = (max: number) => z.preprocess(trimmed, z.string().min(1).max(max));
const optionalText = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().max(max).optional());

export const submitRegistrationInput = z.object({
  companyName: text(200),
  vatId: z.preprocess((v) => {
    const s = emptyToUndefined(v);
    return typeof s === 'string' ? normalizeVatId(s) : s;
  }, z.string().refine(isValidVatId, 'validation.vatId').optional()),
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
  contactName: text(200),
  contactEmail: z.preprocess(trimmed, z.email().max(254)),
  estimatedAmountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: currencyCode.default('EUR'),
  products: text(2000),
  expectedCloseDate: z.preprocess(emptyToUndefined, z.iso.date().optional()),
  notes: optionalText(5000),
});
export type SubmitRegistrationInput = z.input<typeof submitRegistrationInput>;

export const approveRegistrationInput = z
  .object({
    id: uuid,
    /** Link to this existing account; without it a new account is created from the address. */
    accountId: z.preprocess(emptyToUndefined, uuid.optional()),
    /** The deal's owner; the approver when not given. */
    ownerId: z.preprocess(emptyToUndefined, uuid.optional()),
    street: optionalText(200),
    postalCode: optionalText(20),
    city: optionalText(100),
    country: z.preprocess(emptyToUndefined, countryCode.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.accountId) return;
    for (const field of ['street', 'postalCode', 'city', 'country'] as const) {
      if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
    }
  });
export type ApproveRegistrationInput = z.input<typeof approveRegistrationInput>;

export const rejectRegistrationInput = z.object({ id: uuid, reason: text(1000) });

const registrationNotFound = () => notFound('entity.registration');

function partnerOf(principal: Principal) {
  if (principal.kind !== 'partner') throw forbidden();
  return principal;
}

const registrationColumns = {
  id: dealRegistrations.id,
  partnerOrgId: dealRegistrations.partnerOrgId,
  submittedBy: dealRegistrations.submittedBy,
  companyName: dealRegistrations.companyName,
  normalizedName: dealRegistrations.normalizedName,
  vatId: dealRegistrations.vatId,
  domain: dealRegistrations.domain,
  contactName: dealRegistrations.contactName,
  contactEmail: dealRegistrations.contactEmail,
  estimatedAmountMinor: dealRegistrations.estimatedAmountMinor,
  currency: dealRegistrations.currency,
  products: dealRegistrations.products,
  expectedCloseDate: dealRegistrations.expectedCloseDate,
  notes: dealRegistrations.notes,
  status: dealRegistrations.status,
  reviewedAt: dealRegistrations.reviewedAt,
  rejectionReason: dealRegistrations.rejectionReason,
  opportunityId: dealRegistrations.opportunityId,
  protectedUntil: dealRegistrations.protectedUntil,
  expiresAt: dealRegistrations.expiresAt,
  createdAt: dealRegistrations.createdAt,
  updatedAt: dealRegistrations.updatedAt,
};

const auditedFields = [
  'companyName',
  'vatId',
  'domain',
  'contactName',
  'contactEmail',
  'estimatedAmountMinor',
  'currency',
  'products',
  'expectedCloseDate',
  'notes',
  'status',
  'expiresAt',
] as const;

/** A partner user registers a deal for its organisation. */
export async function submitRegistration(
  db: Database,
  principal: Principal,
  input: z.output<typeof submitRegistrationInput>,
) {
  assertCan(principal, 'create', { type: 'registration' });
  const partner = partnerOf(principal);
  const now = new Date();
  return inTransaction(db, principal, async (tx) => {
    const [created] = await tx
      .insert(dealRegistrations)
      .values({
        partnerOrgId: partner.partnerOrgId,
        submittedBy: partner.userId,
        companyName: input.companyName,
        normalizedName: normalizeCompanyName(input.companyName),
        vatId: input.vatId ?? null,
        domain: input.domain ?? domainFromEmail(input.contactEmail) ?? null,
        contactName: input.contactName,
        contactEmail: input.contactEmail,
        estimatedAmountMinor: input.estimatedAmountMinor,
        currency: input.currency,
        products: input.products,
        expectedCloseDate: input.expectedCloseDate ?? null,
        notes: input.notes ?? null,
        status: 'submitted',
        expiresAt: new Date(now.getTime() + REGISTRATION_DAYS * DAY_MS),
      })
      .returning(registrationColumns);
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'deal_registration',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    // The reviewers hear of it in the same transaction (in-app at once, e-mail by the job runner).
    await notifyRegistrationSubmitted(tx, created!);
    return created!;
  });
}

/** The partner's own organisation's registrations, newest first. */
export async function myRegistrations(database: Database, principal: Principal) {
  const partner = partnerOf(principal);
  assertCan(principal, 'read', { type: 'registration', partnerOrgId: partner.partnerOrgId });
  return withPrincipalDb(database, principal, (db) =>
    db
      .select(registrationColumns)
      .from(dealRegistrations)
      .where(eq(dealRegistrations.partnerOrgId, partner.partnerOrgId))
      .orderBy(desc(dealRegistrations.createdAt), desc(dealRegistrations.id))
      .limit(500),
  );
}

/** One registration: staff see every one, a partner only its organisation's (else NOT_FOUND). */
export async function getRegistration(database: Database, principal: Principal, id: string) {
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  return withPrincipalDb(database, principal, async (db) => {
    const [row] = await db
      .select({
        ...registrationColumns,
        partnerName: partnerOrgs.name,
        accountId: dealRegistrations.accountId,
      })
      .from(dealRegistrations)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, dealRegistrations.partnerOrgId))
      .where(
        and(
          eq(dealRegistrations.id, id),
          principal.kind === 'partner'
            ? eq(dealRegistrations.partnerOrgId, principal.partnerOrgId)
            : undefined,
        ),
      );
    if (!row || !can(principal, 'read', { type: 'registration', partnerOrgId: row.partnerOrgId }))
      throw registrationNotFound();
    return {
      ...row,
      permissions: {
        review: row.status === 'submitted' && can(principal, 'manage', { type: 'registration' }),
        candidates: principal.kind === 'internal',
      },
    };
  });
}

const legalFormPattern =
  ' (gmbh|mbh|ag|kg|kgaa|ohg|gbr|ug|haftungsbeschraenkt|ek|se|co|&|und|ltd|limited|plc|llc|inc|corp|bv|nv|sa|sarl|sas|spa|srl)( (gmbh|mbh|ag|kg|kgaa|ohg|gbr|ug|haftungsbeschraenkt|ek|se|co|&|und|ltd|limited|plc|llc|inc|corp|bv|nv|sa|sarl|sas|spa|srl))*$';

/**
 * An account name normalised in SQL like `normalizeCompanyName` does in TypeScript (accounts
 * keep no normalised column): lower case, umlauts folded, punctuation gone, legal form stripped.
 */
const normalizedAccountName = sql<string>`regexp_replace(trim(regexp_replace(replace(replace(replace(replace(replace(lower(${accounts.name}), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), '.', ''), '[^a-z0-9&]+', ' ', 'g')), ${legalFormPattern}, '')`;

export type CandidateReason = 'vat' | 'domain' | 'name';
interface Match {
  reason: CandidateReason;
  score: number;
  /** "vat", "domain" or "name ~0.87" */
  label: string;
}
export type RegistrationCandidate =
  | ({ kind: 'account'; id: string; name: string } & Match)
  | ({
      kind: 'opportunity';
      id: string;
      name: string;
      accountId: string;
      accountName: string;
      stage: string;
      ownerName: string;
    } & Match)
  | ({
      kind: 'registration';
      id: string;
      name: string;
      partnerOrgId: string;
      partnerName: string;
      status: RegistrationStatus;
      createdAt: Date;
    } & Match);

function bestMatch(vat: boolean, domain: boolean, similarity: number): Match {
  if (vat) return { reason: 'vat', score: 1, label: 'vat' };
  if (domain) return { reason: 'domain', score: 0.95, label: 'domain' };
  const score = Math.round(similarity * 100) / 100;
  return { reason: 'name', score, label: `name ~${score.toFixed(2)}` };
}

interface CandidateKeys {
  id: string;
  partnerOrgId: string;
  normalizedName: string;
  vatId: string | null;
  domain: string | null;
}

async function findCandidates(db: Executor, reg: CandidateKeys): Promise<RegistrationCandidate[]> {
  const vat = reg.vatId ?? '';
  const domain = reg.domain ?? '';
  const accountSimilarity = sql<number>`similarity(${normalizedAccountName}, ${reg.normalizedName})`;
  const accountVat = sql<boolean>`(${accounts.vatId} is not null and ${accounts.vatId} = ${vat})`;
  const accountDomain = sql<boolean>`(${accounts.domain} is not null and regexp_replace(${accounts.domain}, '^www[.]', '') = ${domain})`;
  const accountRows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      vat: accountVat,
      domain: accountDomain,
      similarity: accountSimilarity,
    })
    .from(accounts)
    .where(
      and(
        isNull(accounts.archivedAt),
        sql`(${accountVat} or ${accountDomain} or ${accountSimilarity} > ${NAME_SIMILARITY})`,
      ),
    )
    .limit(50);
  const accountMatches = accountRows.map((a) => ({
    kind: 'account' as const,
    id: a.id,
    name: a.name,
    ...bestMatch(a.vat, a.domain, Number(a.similarity)),
  }));
  const byAccount = new Map(accountMatches.map((a) => [a.id, a]));

  const dealRows = byAccount.size
    ? await db
        .select({
          id: opportunities.id,
          name: opportunities.name,
          accountId: opportunities.accountId,
          stage: opportunities.stage,
          ownerName: users.name,
        })
        .from(opportunities)
        .innerJoin(users, eq(users.id, opportunities.ownerId))
        .where(
          and(
            inArray(opportunities.accountId, [...byAccount.keys()]),
            inArray(opportunities.stage, [...openStages]),
            isNull(opportunities.archivedAt),
          ),
        )
        .limit(100)
    : [];
  const dealMatches = dealRows.map((d) => {
    const account = byAccount.get(d.accountId)!;
    return {
      kind: 'opportunity' as const,
      ...d,
      accountName: account.name,
      reason: account.reason,
      score: account.score,
      label: account.label,
    };
  });

  const regSimilarity = sql<number>`similarity(${dealRegistrations.normalizedName}, ${reg.normalizedName})`;
  const regVat = sql<boolean>`(${dealRegistrations.vatId} is not null and ${dealRegistrations.vatId} = ${vat})`;
  const regDomain = sql<boolean>`(${dealRegistrations.domain} is not null and ${dealRegistrations.domain} = ${domain})`;
  const registrationRows = await db
    .select({
      id: dealRegistrations.id,
      name: dealRegistrations.companyName,
      partnerOrgId: dealRegistrations.partnerOrgId,
      partnerName: partnerOrgs.name,
      status: dealRegistrations.status,
      createdAt: dealRegistrations.createdAt,
      vat: regVat,
      domain: regDomain,
      similarity: regSimilarity,
    })
    .from(dealRegistrations)
    .innerJoin(partnerOrgs, eq(partnerOrgs.id, dealRegistrations.partnerOrgId))
    .where(
      and(
        ne(dealRegistrations.id, reg.id),
        ne(dealRegistrations.partnerOrgId, reg.partnerOrgId),
        inArray(dealRegistrations.status, ['submitted', 'approved']),
        sql`(${regVat} or ${regDomain} or ${regSimilarity} > ${NAME_SIMILARITY})`,
      ),
    )
    .limit(50);
  const registrationMatches = registrationRows.map(({ vat: v, domain: d, similarity, ...r }) => ({
    kind: 'registration' as const,
    ...r,
    ...bestMatch(v, d, Number(similarity)),
  }));

  const kindOrder = { account: 0, opportunity: 1, registration: 2 } as const;
  const reasonOrder = { vat: 0, domain: 1, name: 2 } as const;
  return [...accountMatches, ...dealMatches, ...registrationMatches].sort(
    (a, b) =>
      b.score - a.score ||
      reasonOrder[a.reason] - reasonOrder[b.reason] ||
      kindOrder[a.kind] - kindOrder[b.kind] ||
      a.name.localeCompare(b.name),
  );
}

async function loadRegistration(db: Executor, id: string, lock = false) {
  const query = db.select().from(dealRegistrations).where(eq(dealRegistrations.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw registrationNotFound();
  return row;
}

/**
 * Possible duplicates and conflicts of a registration: accounts (same VAT ID, same domain or a
 * similar name), their open deals, and other partners' live registrations, best first. Staff
 * only: a partner must never learn what another partner registered.
 */
export async function registrationCandidates(database: Database, principal: Principal, id: string) {
  assertCan(principal, 'readInternalFields', { type: 'registration' });
  return withPrincipalDb(database, principal, async (db) =>
    findCandidates(db, await loadRegistration(db, id)),
  );
}

/** The review queue: submitted registrations, oldest first, with their number of candidates. */
export async function registrationQueue(database: Database, principal: Principal) {
  assertCan(principal, 'readInternalFields', { type: 'registration' });
  return withPrincipalDb(database, principal, async (db) => {
    const rows = await db
      .select({
        ...registrationColumns,
        partnerName: partnerOrgs.name,
        submittedByName: users.name,
      })
      .from(dealRegistrations)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, dealRegistrations.partnerOrgId))
      .innerJoin(users, eq(users.id, dealRegistrations.submittedBy))
      .where(eq(dealRegistrations.status, 'submitted'))
      .orderBy(asc(dealRegistrations.createdAt), asc(dealRegistrations.id))
      .limit(200);
    const out = [];
    for (const row of rows) {
      const candidates = await findCandidates(db, row);
      out.push({ ...row, candidateCount: candidates.length });
    }
    return out;
  });
}

function assertSubmitted(status: RegistrationStatus) {
  if (status !== 'submitted') throw new AppError('CONFLICT', 'errors.registrationNotSubmitted', { status });
}

/**
 * Approval, in one transaction: the account is linked (or created), a qualified deal is
 * created for it, shared with the partner organisation as `edit`, and the partner is protected
 * for the protection period.
 */
export async function approveRegistration(
  db: Database,
  principal: Principal,
  input: z.output<typeof approveRegistrationInput>,
) {
  assertCan(principal, 'manage', { type: 'registration' });
  if (principal.kind !== 'internal') throw forbidden();
  const now = new Date();
  const protectedUntil = new Date(now.getTime() + REGISTRATION_DAYS * DAY_MS);
  return inTransaction(db, principal, async (tx) => {
    const reg = await loadRegistration(tx, input.id, true);
    assertSubmitted(reg.status);
    const ownerId = input.ownerId ?? principal.userId;
    if (ownerId !== principal.userId) {
      const [owner] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, ownerId), eq(users.active, true), inArray(users.role, [...internalRoles])));
      if (!owner)
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: 'ownerId', key: 'validation.uuid' },
        ]);
    }

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
          name: reg.companyName,
          vatId: reg.vatId,
          domain: reg.domain,
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
          'vatId',
          'domain',
          'street',
          'postalCode',
          'city',
          'country',
          'ownerId',
        ]),
      });
    }

    const [deal] = await tx
      .insert(opportunities)
      .values({
        accountId,
        name: `${reg.companyName}: ${reg.products}`.slice(0, 200),
        stage: 'qualified',
        amountMinor: reg.estimatedAmountMinor,
        currency: reg.currency,
        probability: defaultProbability.qualified,
        businessType: input.accountId ? 'existing' : 'new',
        expectedCloseDate: reg.expectedCloseDate,
        ownerId,
        source: 'deal registration',
        description: [reg.products, reg.notes].filter(Boolean).join('\n\n'),
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
        'name',
        'stage',
        'amountMinor',
        'currency',
        'expectedCloseDate',
        'ownerId',
        'source',
      ]),
    });
    // The share as setShare writes it, inside this transaction (setShare opens its own).
    await tx.insert(opportunityShares).values({
      opportunityId: deal!.id,
      partnerOrgId: reg.partnerOrgId,
      access: 'edit',
      sharedBy: principal.userId,
    });
    await writeAudit(tx, principal, {
      action: 'share',
      entity: 'opportunity',
      entityId: deal!.id,
      changes: { [`share:${reg.partnerOrgId}`]: [null, 'edit'] },
    });

    const [after] = await tx
      .update(dealRegistrations)
      .set({
        status: 'approved',
        reviewedBy: principal.userId,
        reviewedAt: now,
        accountId,
        opportunityId: deal!.id,
        protectedUntil,
        expiresAt: protectedUntil,
        updatedAt: now,
      })
      .where(eq(dealRegistrations.id, reg.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'approve',
      entity: 'deal_registration',
      entityId: reg.id,
      changes: diff(reg, after!, ['status', 'accountId', 'opportunityId', 'protectedUntil', 'expiresAt']),
    });
    return { registration: after!, accountId, opportunityId: deal!.id };
  });
}

/** Rejection always names its reason: the partner reads it. */
export async function rejectRegistration(
  db: Database,
  principal: Principal,
  input: z.output<typeof rejectRegistrationInput>,
) {
  assertCan(principal, 'manage', { type: 'registration' });
  if (principal.kind !== 'internal') throw forbidden();
  const now = new Date();
  return inTransaction(db, principal, async (tx) => {
    const reg = await loadRegistration(tx, input.id, true);
    assertSubmitted(reg.status);
    const [after] = await tx
      .update(dealRegistrations)
      .set({
        status: 'rejected',
        reviewedBy: principal.userId,
        reviewedAt: now,
        rejectionReason: input.reason,
        updatedAt: now,
      })
      .where(eq(dealRegistrations.id, reg.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'reject',
      entity: 'deal_registration',
      entityId: reg.id,
      changes: diff(reg, after!, ['status', 'rejectionReason']),
    });
    return after!;
  });
}

const system: Principal = { kind: 'anonymous', locale: 'de' };

/**
 * Submitted and approved registrations past `expires_at` become expired (a job runner will call
 * this); each change is audited as the system. Returns the expired ids.
 */
export async function expireRegistrations(db: Database, now: Date = new Date()): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: dealRegistrations.id, status: dealRegistrations.status })
      .from(dealRegistrations)
      .where(
        and(
          inArray(dealRegistrations.status, ['submitted', 'approved']),
          lt(dealRegistrations.expiresAt, now),
        ),
      )
      .for('update');
    if (due.length === 0) return [];
    await tx
      .update(dealRegistrations)
      .set({ status: 'expired', updatedAt: now })
      .where(
        inArray(
          dealRegistrations.id,
          due.map((r) => r.id),
        ),
      );
    for (const row of due) {
      await writeAudit(tx, system, {
        action: 'expire',
        entity: 'deal_registration',
        entityId: row.id,
        changes: { status: [row.status, 'expired'] },
      });
    }
    return due.map((r) => r.id);
  });
}
