import {
  accounts,
  contacts,
  type Database,
  type Opportunity,
  type OpportunityStage,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  opportunityStages,
  type ShareAccess,
  type Transaction,
  users,
} from '@konsort/db';
import { and, asc, desc, eq, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import {
  assertCan,
  can,
  partnerEditableOpportunityFields,
  project,
  shareAccessSql,
  visible,
} from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import type {
  changeStageInput,
  listOpportunitiesInput,
  OpportunityInput,
  updateOpportunityInput,
} from '../schemas.ts';
import { encodeCursor, inTransaction, likePattern, readCursor } from '../tx.ts';
import { closeDealInTx, publishClosed } from './close-deal.ts';
import { defaultProbability, isClosed } from './stages.ts';

const auditedFields = [
  'name',
  'accountId',
  'primaryContactId',
  'stage',
  'amountMinor',
  'currency',
  'probability',
  'marginMinor',
  'businessType',
  'expectedCloseDate',
  'ownerId',
  'source',
  'description',
  'lostReason',
  'closedAt',
  'archivedAt',
] as const satisfies readonly (keyof Opportunity)[];

/** Keyset columns per sort. The cursor carries the sort value as Postgres printed it (µs intact). */
const sortColumns: Record<z.output<typeof listOpportunitiesInput>['sort'], { expr: SQL; cast: string }> = {
  updatedAt: { expr: sql`${opportunities.updatedAt}`, cast: 'timestamptz' },
  createdAt: { expr: sql`${opportunities.createdAt}`, cast: 'timestamptz' },
  name: { expr: sql`${opportunities.name}`, cast: 'text' },
  amount: { expr: sql`${opportunities.amountMinor}`, cast: 'bigint' },
  expectedCloseDate: {
    expr: sql`coalesce(${opportunities.expectedCloseDate}, '9999-12-31'::date)`,
    cast: 'date',
  },
};

/**
 * The same sort keys, copied onto each share row by triggers (migration 0008): a partner's page
 * is read from its shares in key order, so it costs the page, not the number of shared deals.
 */
const shareSortColumns: Record<z.output<typeof listOpportunitiesInput>['sort'], SQL> = {
  updatedAt: sql`${opportunityShares.dealUpdatedAt}`,
  createdAt: sql`${opportunityShares.dealCreatedAt}`,
  name: sql`${opportunityShares.dealName}`,
  amount: sql`${opportunityShares.dealAmountMinor}`,
  expectedCloseDate: sql`${opportunityShares.dealCloseDate}`,
};

function shareColumn(principal: Principal) {
  return principal.kind === 'partner'
    ? shareAccessSql(principal.partnerOrgId)
    : sql<ShareAccess | null>`null`;
}

export async function listOpportunities(
  database: Database,
  principal: Principal,
  input: z.output<typeof listOpportunitiesInput>,
) {
  return withPrincipalDb(database, principal, async (db) => {
    const cursor = readCursor(input.cursor, 2);
    const { cast } = sortColumns[input.sort];
    // A partner's candidates are its share rows (sorted by the copied keys); staff scan the deals.
    const viaShares = principal.kind === 'partner';
    const expr = viaShares ? shareSortColumns[input.sort] : sortColumns[input.sort].expr;
    const idColumn = viaShares ? opportunityShares.opportunityId : opportunities.id;
    const after =
      cursor &&
      (input.direction === 'desc'
        ? sql`(${expr}, ${idColumn}) < (${cursor[0]}::${sql.raw(cast)}, ${cursor[1]}::uuid)`
        : sql`(${expr}, ${idColumn}) > (${cursor[0]}::${sql.raw(cast)}, ${cursor[1]}::uuid)`);
    const ownerId = input.mine && principal.kind === 'internal' ? principal.userId : input.ownerId;
    const where = and(
      viaShares ? visible(principal).opportunityShares() : visible(principal).opportunities(),
      input.includeArchived ? undefined : sql`${opportunities.archivedAt} is null`,
      input.stages?.length ? inArray(opportunities.stage, input.stages) : undefined,
      ownerId ? eq(opportunities.ownerId, ownerId) : undefined,
      input.accountId ? eq(opportunities.accountId, input.accountId) : undefined,
      input.closeFrom ? gte(opportunities.expectedCloseDate, input.closeFrom) : undefined,
      input.closeTo ? lte(opportunities.expectedCloseDate, input.closeTo) : undefined,
      input.q
        ? or(
            sql`lower(${opportunities.name}) like ${likePattern(input.q)}`,
            sql`lower(${accounts.name}) like ${likePattern(input.q)}`,
          )
        : undefined,
      after ?? undefined,
    );
    const order = input.direction === 'desc' ? desc : asc;
    // Page the deals first, then name their accounts and owners: joins (and, for partners,
    // the account row-level check) run for the rows on the page, not for every candidate.
    // A search by account name needs the account of every candidate: only then is it joined.
    const candidates = db
      .select({
        id: opportunities.id,
        name: opportunities.name,
        stage: opportunities.stage,
        amountMinor: opportunities.amountMinor,
        currency: opportunities.currency,
        probability: opportunities.probability,
        expectedCloseDate: opportunities.expectedCloseDate,
        ownerId: opportunities.ownerId,
        accountId: opportunities.accountId,
        updatedAt: opportunities.updatedAt,
        archivedAt: opportunities.archivedAt,
        version: opportunities.version,
        share: (viaShares ? sql<ShareAccess | null>`${opportunityShares.access}` : shareColumn(principal)).as(
          'share',
        ),
        sortKey: sql`${expr}`.as('sort_key'),
        sortValue: sql<string>`(${expr})::text`.as('sort_value'),
      })
      .from(viaShares ? opportunityShares : opportunities)
      .$dynamic();
    const deals = viaShares
      ? candidates.innerJoin(opportunities, eq(opportunities.id, opportunityShares.opportunityId))
      : candidates;
    const page = (input.q ? deals.innerJoin(accounts, eq(accounts.id, opportunities.accountId)) : deals)
      .where(where)
      .orderBy(order(expr), order(idColumn))
      .limit(input.limit + 1)
      .as('page');
    const rows = await db
      .select({
        id: page.id,
        name: page.name,
        stage: page.stage,
        amountMinor: page.amountMinor,
        currency: page.currency,
        probability: page.probability,
        expectedCloseDate: page.expectedCloseDate,
        ownerId: page.ownerId,
        ownerName: users.name,
        accountId: page.accountId,
        accountName: accounts.name,
        updatedAt: page.updatedAt,
        archivedAt: page.archivedAt,
        version: page.version,
        share: page.share,
        sortValue: page.sortValue,
      })
      .from(page)
      .innerJoin(accounts, eq(accounts.id, page.accountId))
      .innerJoin(users, eq(users.id, page.ownerId))
      .orderBy(order(page.sortKey), order(page.id));
    const items = rows.slice(0, input.limit).map(({ sortValue: _s, ...r }) => r);
    const last = rows[input.limit - 1];
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.sortValue, last.id]) : null,
    };
  });
}

/** The kanban: per stage the newest cards, with count and sum of all cards in that stage. */
export async function opportunityBoard(
  database: Database,
  principal: Principal,
  input: { mine?: boolean | undefined; perStage?: number | undefined },
) {
  return withPrincipalDb(database, principal, async (db) => {
    const perStage = Math.min(Math.max(input.perStage ?? 50, 1), 200);
    const ownerFilter =
      input.mine && principal.kind === 'internal' ? eq(opportunities.ownerId, principal.userId) : undefined;
    const where = and(
      visible(principal).opportunities(),
      sql`${opportunities.archivedAt} is null`,
      ownerFilter,
    );
    const ranked = db
      .select({
        id: opportunities.id,
        name: opportunities.name,
        stage: opportunities.stage,
        amountMinor: opportunities.amountMinor,
        currency: opportunities.currency,
        expectedCloseDate: opportunities.expectedCloseDate,
        accountName: sql<string>`${accounts.name}`.as('account_name'),
        ownerName: sql<string>`${users.name}`.as('owner_name'),
        version: opportunities.version,
        share: shareColumn(principal).as('share'),
        rank: sql<number>`row_number() over (partition by ${opportunities.stage} order by ${opportunities.updatedAt} desc, ${opportunities.id})`.as(
          'rank',
        ),
      })
      .from(opportunities)
      .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
      .innerJoin(users, eq(users.id, opportunities.ownerId))
      .where(where)
      .as('ranked');
    const [cards, totals] = await Promise.all([
      db.select().from(ranked).where(lte(ranked.rank, perStage)).orderBy(asc(ranked.rank)),
      db
        .select({
          stage: opportunities.stage,
          count: sql<number>`count(*)::int`,
          currency: opportunities.currency,
          amountMinor: sql<number>`coalesce(sum(${opportunities.amountMinor}), 0)::bigint`.mapWith(Number),
        })
        .from(opportunities)
        .where(where)
        .groupBy(opportunities.stage, opportunities.currency),
    ]);
    return opportunityStages.map((stage) => ({
      stage,
      cards: cards.filter((c) => c.stage === stage).map(({ rank: _r, ...c }) => c),
      count: totals.filter((t) => t.stage === stage).reduce((n, t) => n + t.count, 0),
      totals: totals
        .filter((t) => t.stage === stage)
        .map((t) => ({ currency: t.currency, amountMinor: t.amountMinor })),
    }));
  });
}

async function loadForPrincipal(db: Database | Transaction, principal: Principal, id: string, lock = false) {
  const query = db
    .select({ opportunity: opportunities, share: shareColumn(principal) })
    .from(opportunities)
    .where(and(eq(opportunities.id, id), visible(principal).opportunities()));
  const [row] = lock ? await query.for('update', { of: opportunities }) : await query;
  if (row) return row;
  // Under row-level security a partner cannot lock a deal it may only view: tell that apart
  // from a deal it cannot see at all.
  if (lock && principal.kind === 'partner' && (await loadForPrincipal(db, principal, id, false)))
    throw forbidden();
  throw notFound('entity.opportunity');
}

export async function getOpportunity(database: Database, principal: Principal, id: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const { opportunity, share } = await loadForPrincipal(db, principal, id);
    const [account] = await db
      .select({ id: accounts.id, name: accounts.name, city: accounts.city, country: accounts.country })
      .from(accounts)
      .where(eq(accounts.id, opportunity.accountId));
    const [owner] = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(eq(users.id, opportunity.ownerId));
    const contact = opportunity.primaryContactId
      ? (
          await db
            .select({
              id: contacts.id,
              firstName: contacts.firstName,
              lastName: contacts.lastName,
              position: contacts.position,
              email: contacts.email,
              phone: contacts.phone,
            })
            .from(contacts)
            .where(and(eq(contacts.id, opportunity.primaryContactId), visible(principal).contacts()))
        )[0]
      : undefined;
    const history = await db
      .select({
        fromStage: opportunityStageHistory.fromStage,
        toStage: opportunityStageHistory.toStage,
        changedAt: opportunityStageHistory.changedAt,
        changedByName: users.name,
      })
      .from(opportunityStageHistory)
      .leftJoin(users, eq(users.id, opportunityStageHistory.changedBy))
      .where(eq(opportunityStageHistory.opportunityId, id))
      .orderBy(desc(opportunityStageHistory.changedAt), desc(opportunityStageHistory.id));
    const facts = {
      type: 'opportunity' as const,
      ownerId: opportunity.ownerId,
      share,
      closed: isClosed(opportunity.stage),
    };
    return {
      opportunity: project(principal).opportunity(opportunity),
      account: account ?? null,
      owner: owner ?? null,
      contact: contact ?? null,
      history: principal.kind === 'partner' ? history.map((h) => ({ ...h, changedByName: null })) : history,
      share,
      permissions: {
        update: can(principal, 'update', facts),
        changeStage: can(principal, 'changeStage', facts),
        archive: can(principal, 'archive', facts),
        changeOwner: can(principal, 'changeOwner', facts),
        share: can(principal, 'share', facts),
        readInternalFields: can(principal, 'readInternalFields', facts),
        editableFields:
          principal.kind === 'partner'
            ? [...partnerEditableOpportunityFields]
            : can(principal, 'update', facts)
              ? 'all'
              : [],
      },
    };
  });
}

async function assertContactOfAccount(
  tx: Transaction,
  contactId: string | null | undefined,
  accountId: string,
) {
  if (!contactId) return;
  const [c] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.accountId, accountId)));
  if (!c) {
    throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
      { path: 'primaryContactId', key: 'validation.uuid' },
    ]);
  }
}

export async function createOpportunity(db: Database, principal: Principal, input: OpportunityInput) {
  assertCan(principal, 'create', { type: 'opportunity' });
  if (principal.kind !== 'internal') throw forbidden();
  const ownerId = input.ownerId ?? principal.userId;
  if (ownerId !== principal.userId) assertCan(principal, 'changeOwner', { type: 'opportunity', ownerId });
  return inTransaction(db, principal, async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, archivedAt: accounts.archivedAt })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) throw notFound('entity.account');
    if (account.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    await assertContactOfAccount(tx, input.primaryContactId, input.accountId);
    const [created] = await tx
      .insert(opportunities)
      .values({
        accountId: input.accountId,
        primaryContactId: input.primaryContactId ?? null,
        name: input.name,
        stage: 'lead',
        amountMinor: input.amountMinor,
        currency: input.currency,
        probability: input.probability ?? defaultProbability.lead,
        marginMinor: input.marginMinor ?? null,
        businessType: input.businessType,
        expectedCloseDate: input.expectedCloseDate ?? null,
        ownerId,
        source: input.source ?? null,
        description: input.description ?? null,
      })
      .returning();
    await tx
      .insert(opportunityStageHistory)
      .values({ opportunityId: created!.id, fromStage: null, toStage: 'lead', changedBy: principal.userId });
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'opportunity',
      entityId: created!.id,
      changes: diff(null, created!, auditedFields),
    });
    return created!;
  });
}

export async function updateOpportunity(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateOpportunityInput>,
) {
  const after = await inTransaction(db, principal, async (tx) => {
    const { opportunity: before, share } = await loadForPrincipal(tx, principal, input.id, true);
    const facts = {
      type: 'opportunity' as const,
      ownerId: before.ownerId,
      share,
      closed: isClosed(before.stage),
    };
    assertCan(principal, 'update', facts);
    if (before.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    if (before.version !== input.version) throw new AppError('CONFLICT', 'errors.versionConflict');
    const patch = Object.fromEntries(
      Object.entries(input.data).filter(([, v]) => v !== undefined),
    ) as Partial<Omit<OpportunityInput, 'accountId'>>;
    if (principal.kind !== 'internal') {
      const allowed = new Set<string>(partnerEditableOpportunityFields);
      if (Object.keys(patch).some((k) => !allowed.has(k))) throw forbidden();
    }
    if (patch.ownerId && patch.ownerId !== before.ownerId) assertCan(principal, 'changeOwner', facts);
    if ('primaryContactId' in patch)
      await assertContactOfAccount(tx, patch.primaryContactId, before.accountId);
    const changes = diff(before, patch as Partial<Opportunity>, auditedFields);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(opportunities)
      .set({ ...patch, version: sql`${opportunities.version} + 1`, updatedAt: new Date() })
      .where(eq(opportunities.id, input.id))
      .returning();
    await writeAudit(tx, principal, { action: 'update', entity: 'opportunity', entityId: input.id, changes });
    return after!;
  });
  publish({ type: 'opportunity.changed', opportunity: after });
  return after;
}

/**
 * Moves a deal through the pipeline. Won and lost go through `closeDealInTx` (the reason rule and
 * the side effects of every close); open stages and a manager's reopening are handled here.
 */
export async function changeOpportunityStage(
  db: Database,
  principal: Principal,
  input: z.output<typeof changeStageInput>,
) {
  const result = await inTransaction(db, principal, async (tx) => {
    const { opportunity: before, share } = await loadForPrincipal(tx, principal, input.id, true);
    const facts = {
      type: 'opportunity' as const,
      ownerId: before.ownerId,
      share,
      closed: isClosed(before.stage),
    };
    assertCan(principal, 'changeStage', facts);
    if (before.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
    if (before.stage === input.stage) return { closed: null, opportunity: before };
    if (input.stage === 'won' || input.stage === 'lost') {
      const closed = await closeDealInTx(tx, principal, input.id, input.stage, input.lostReason, {
        reasonField: 'lostReason',
      });
      return { closed, opportunity: closed.opportunity };
    }
    // Reopening a closed deal rewrites the forecast: only a manager (or admin) may do it.
    const reopening = isClosed(before.stage);
    if (reopening && !(principal.kind === 'internal' && principal.role !== 'rep')) {
      throw new AppError('CONFLICT', 'errors.invalidStageChange', { stage: input.stage });
    }
    const now = new Date();
    const next: Partial<Opportunity> = {
      stage: input.stage as OpportunityStage,
      probability: defaultProbability[input.stage],
      closedAt: null,
      lostReason: null,
    };
    const changes = diff(before, next, auditedFields);
    const [after] = await tx
      .update(opportunities)
      .set({ ...next, version: sql`${opportunities.version} + 1`, updatedAt: now })
      .where(eq(opportunities.id, input.id))
      .returning();
    await tx.insert(opportunityStageHistory).values({
      opportunityId: input.id,
      fromStage: before.stage,
      toStage: input.stage,
      changedBy: principal.kind === 'internal' || principal.kind === 'partner' ? principal.userId : null,
      changedAt: now,
    });
    await writeAudit(tx, principal, {
      action: 'change_stage',
      entity: 'opportunity',
      entityId: input.id,
      changes,
    });
    return { closed: null, opportunity: after! };
  });
  if (result.closed) publishClosed(result.closed);
  else publish({ type: 'opportunity.changed', opportunity: result.opportunity });
  return result.opportunity;
}

export async function archiveOpportunity(db: Database, principal: Principal, id: string) {
  const after = await inTransaction(db, principal, async (tx) => {
    const { opportunity: before, share } = await loadForPrincipal(tx, principal, id, true);
    assertCan(principal, 'archive', { type: 'opportunity', ownerId: before.ownerId, share });
    if (before.archivedAt) return before;
    const archivedAt = new Date();
    const [after] = await tx
      .update(opportunities)
      .set({ archivedAt, updatedAt: archivedAt, version: sql`${opportunities.version} + 1` })
      .where(eq(opportunities.id, id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'archive',
      entity: 'opportunity',
      entityId: id,
      changes: diff(before, { archivedAt }, auditedFields),
    });
    return after!;
  });
  publish({ type: 'opportunity.changed', opportunity: after });
  publish({ type: 'access.changed', opportunityId: after.id });
  return after;
}
