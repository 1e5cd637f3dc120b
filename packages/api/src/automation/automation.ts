/**
 * Sales automation on the job runner. Everything here is a job or runs inside a job's
 * completing transaction, so it survives restarts and sends nothing twice:
 *
 *  - offer follow-up: sending a quote schedules one job per stage (day 3, 10, 20 … after sending)
 *    and a closing job; each job sends its templated mail to the quote's contact unless the
 *    quote was answered (accepted/rejected/expired/re-versioned, or an inbound activity on the
 *    deal or from the contact since sending). The mail is written with `enqueueMail` in the
 *    transaction that completes the job, keyed by quote + send time + stage: once, ever. The
 *    closing job closes the deal as lost with reason `no_response`.
 *  - won → the deal's accepted quote (or its last sent one, accepted now) becomes the order,
 *    carrying the deal's history; lost → open quotes expire and the deal's documents are archived.
 *    Every path that closes a deal goes through `closeDealInTx` (opportunities/close-deal.ts); the
 *    sweep only catches deals closed before that (or by a hand-written SQL update).
 *  - a customer account without any deal gets one with the configured default estimates (sweep).
 *  - customer priority A/B/C, with a history row for every change: recomputed right after a
 *    change to what it reads (a deal, the strategic flag, the criteria; see priority.ts), and
 *    hourly over all accounts as the safety net.
 */
import {
  accountCadences,
  accountPriorities,
  accountPriorityHistory,
  accounts,
  activities,
  contacts,
  type Database,
  documents,
  opportunities,
  opportunityStageHistory,
  quoteFollowups,
  quotes,
  type Transaction,
  users,
} from '@konsort/db';
import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { notFound } from '../errors.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { enqueueMail } from '../mail/enqueue-mail.ts';
import {
  applyLost,
  applyWon,
  type ClosedDeal,
  closeDealInTx,
  publishClosed,
} from '../opportunities/close-deal.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';
import { QUOTE_FOLLOW_UP_JOB, QUOTE_NO_RESPONSE_JOB } from './schedule.ts';
import { readSetting } from './settings.ts';

export const AUTOMATION_SWEEP_JOB = 'automation.sweep';

/** The automation acts as the system in the audit log. */
export const systemPrincipal: Principal = { kind: 'anonymous', locale: 'de' };

const DAY = 86_400_000;

const followUpPayload = z.object({ quoteId: z.uuid(), sentAt: z.string(), stage: z.number().int().min(0) });
const noResponsePayload = z.object({ quoteId: z.uuid(), sentAt: z.string() });

/**
 * Is the quote still waiting for the customer? Not when it was decided or sent again since, nor
 * when an inbound activity (call, e-mail, visit, meeting) on its deal or with its contact was
 * logged after sending.
 */
async function stillUnanswered(db: Database | Transaction, quoteId: string, sentAt: string) {
  const [quote] = await db.select().from(quotes).where(eq(quotes.id, quoteId));
  if (quote?.status !== 'sent' || quote.sentAt?.toISOString() !== sentAt) return null;
  const [answer] = await db
    .select({ id: activities.id })
    .from(activities)
    .where(
      and(
        inArray(activities.type, ['call', 'email', 'visit', 'meeting']),
        gt(activities.createdAt, quote.sentAt),
        or(
          eq(activities.opportunityId, quote.opportunityId),
          quote.contactId ? eq(activities.contactId, quote.contactId) : sql`false`,
        ),
      ),
    )
    .limit(1);
  return answer ? null : quote;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

export function registerAutomation(
  runner: JobRunner,
  db: Database,
  options: { sweepMs?: number } = {},
): JobRunner {
  runner.register(QUOTE_FOLLOW_UP_JOB, {
    payload: followUpPayload,
    async run(payload, ctx) {
      const quote = await stillUnanswered(db, payload.quoteId, payload.sentAt);
      if (!quote) return;
      const settings = await readSetting(db, 'followUp');
      const stage = settings.stages[payload.stage];
      if (!settings.enabled || !stage) return;
      const [row] = await db
        .select({
          contactFirst: contacts.firstName,
          contactLast: contacts.lastName,
          contactSalutation: contacts.salutation,
          email: contacts.email,
          dealName: opportunities.name,
          ownerName: users.name,
          ownerLocale: users.locale,
        })
        .from(quotes)
        .innerJoin(opportunities, eq(opportunities.id, quotes.opportunityId))
        .innerJoin(users, eq(users.id, opportunities.ownerId))
        .leftJoin(contacts, eq(contacts.id, quotes.contactId))
        .where(eq(quotes.id, quote.id));
      // Without a contact address there is nobody to remind; the closing job still runs.
      if (!row?.email) return;
      const locale = row.ownerLocale;
      const values = {
        quoteNumber: quote.number,
        contactName:
          `${row.contactSalutation ? `${row.contactSalutation} ` : ''}${row.contactFirst ?? ''} ${row.contactLast ?? ''}`.trim(),
        dealName: row.dealName,
        senderName: row.ownerName,
        validUntil: quote.validUntil ?? '—',
      };
      await ctx.complete(async (tx) => {
        await tx
          .insert(quoteFollowups)
          .values({ quoteId: quote.id, stage: payload.stage, dayOffset: stage.day, recipient: row.email! })
          .onConflictDoNothing();
        await enqueueMail(tx, {
          to: row.email!,
          subject: fill(stage.subject[locale], values),
          text: fill(stage.body[locale], values),
          dedupeKey: `quote-followup:${quote.id}:${payload.sentAt}:${payload.stage}`,
          locale,
        });
        await writeAudit(tx, systemPrincipal, {
          action: 'followUp',
          entity: 'quote',
          entityId: quote.id,
          changes: { stage: [null, payload.stage], recipient: [null, row.email] },
        });
      });
    },
  });
  runner.register(QUOTE_NO_RESPONSE_JOB, {
    payload: noResponsePayload,
    async run(payload, ctx) {
      const quote = await stillUnanswered(db, payload.quoteId, payload.sentAt);
      if (!quote) return;
      let closed: ClosedDeal | null = null;
      await ctx.complete(async (tx) => {
        closed = await closeDealInTx(tx, systemPrincipal, quote.opportunityId, 'lost', 'no_response');
      });
      if (closed) publishClosed(closed);
    },
  });
  runner.register(AUTOMATION_SWEEP_JOB, {
    async run(_payload, ctx) {
      await sweep(db, ctx.now);
    },
  });
  runner.every(AUTOMATION_SWEEP_JOB, options.sweepMs ?? 60_000);
  return runner;
}

// ------------------------------------------------------------------ closing deals

export const closeDealInput = z.object({
  opportunityId: z.uuid(),
  outcome: z.enum(['won', 'lost']),
  lossReason: z.string().max(40).optional(),
});

/** Won or lost with every side effect, in one transaction; a loss needs a reason from the list. */
export async function closeDeal(db: Database, principal: Principal, input: z.output<typeof closeDealInput>) {
  const closed = await inTransaction(db, principal, async (tx) => {
    const [deal] = await tx
      .select({ ownerId: opportunities.ownerId })
      .from(opportunities)
      .where(eq(opportunities.id, input.opportunityId));
    if (!deal) throw notFound('entity.opportunity');
    assertCan(principal, 'changeStage', { type: 'opportunity', ownerId: deal.ownerId });
    return closeDealInTx(tx, principal, input.opportunityId, input.outcome, input.lossReason);
  });
  publishClosed(closed);
  return { opportunity: closed.opportunity, orderId: closed.orderId };
}

export { closeDealInTx };

// ------------------------------------------------------------------ the sweep

/** Side effects for deals closed elsewhere, default deals for new customers (priorities: priority.ts). */
export async function sweep(db: Database, now: Date): Promise<void> {
  // Lost deals that still have open quotes or live documents (closed through another path).
  const lostOpen = await db
    .select({ id: opportunities.id })
    .from(opportunities)
    .where(
      and(
        eq(opportunities.stage, 'lost'),
        or(
          sql`exists (select 1 from ${quotes} q where q.opportunity_id = ${opportunities.id} and q.status in ('draft', 'sent'))`,
          sql`exists (select 1 from ${documents} d where d.opportunity_id = ${opportunities.id} and d.archived_at is null)`,
        ),
      ),
    )
    .limit(200);
  for (const d of lostOpen) await db.transaction((tx) => applyLost(tx, systemPrincipal, d.id));
  // Won deals with a sent quote and no order yet.
  const wonOpen = await db
    .select({ id: opportunities.id })
    .from(opportunities)
    .where(
      and(
        eq(opportunities.stage, 'won'),
        sql`exists (select 1 from ${quotes} q where q.opportunity_id = ${opportunities.id} and q.status = 'sent')`,
        sql`not exists (select 1 from ${quotes} q where q.opportunity_id = ${opportunities.id} and q.status = 'accepted')`,
      ),
    )
    .limit(200);
  for (const d of wonOpen) await db.transaction((tx) => applyWon(tx, systemPrincipal, d.id));
  await createDefaultDeals(db, now);
}

/** A customer account without any deal gets one with the configured estimates (once: any deal, even archived, stops it). */
export async function createDefaultDeals(db: Database, now: Date): Promise<number> {
  const settings = await readSetting(db, 'defaultDeal');
  if (!settings.enabled) return 0;
  const candidates = await db
    .select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId, locale: users.locale })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(
      and(
        eq(accounts.type, 'customer'),
        isNull(accounts.archivedAt),
        sql`not exists (select 1 from ${opportunities} o where o.account_id = ${accounts.id})`,
      ),
    )
    .limit(200);
  let created = 0;
  for (const a of candidates) {
    await db.transaction(async (tx) => {
      // Locked and checked again: two sweeps never both create it.
      await tx.execute(sql`select 1 from ${accounts} where ${accounts.id} = ${a.id} for update`);
      const [existing] = await tx
        .select({ id: opportunities.id })
        .from(opportunities)
        .where(eq(opportunities.accountId, a.id))
        .limit(1);
      if (existing) return;
      const close = new Date(now.getTime() + settings.expectedCloseDays * DAY).toISOString().slice(0, 10);
      const [deal] = await tx
        .insert(opportunities)
        .values({
          accountId: a.id,
          ownerId: a.ownerId,
          name: fill(settings.nameTemplate[a.locale], { account: a.name }).slice(0, 200),
          amountMinor: settings.amountMinor,
          currency: settings.currency,
          probability: settings.probability,
          businessType: 'new',
          expectedCloseDate: close,
          source: 'automation',
        })
        .returning();
      await tx
        .insert(opportunityStageHistory)
        .values({ opportunityId: deal!.id, fromStage: null, toStage: deal!.stage });
      await writeAudit(tx, systemPrincipal, {
        action: 'create',
        entity: 'opportunity',
        entityId: deal!.id,
        changes: {
          name: [null, deal!.name],
          amountMinor: [null, deal!.amountMinor],
          source: [null, 'automation'],
        },
      });
      created++;
    });
  }
  return created;
}

// ------------------------------------------------------------------ customer priority

/**
 * A if any A criterion holds, else B if any B criterion holds, else C. Revenue: won deals closed
 * in the last 365 days; pipeline: open deals weighted by probability (amounts in minor units of
 * the deals' own currency; the criteria are meant for the house currency).
 */
export function classify(
  facts: { revenueMinor: number; pipelineMinor: number; strategic: boolean },
  criteria: Awaited<ReturnType<typeof readSetting<'priority'>>>,
): 'A' | 'B' | 'C' {
  const holds = (c: typeof criteria.a) =>
    (c.minRevenueMinor !== null && facts.revenueMinor >= c.minRevenueMinor) ||
    (c.minPipelineMinor !== null && facts.pipelineMinor >= c.minPipelineMinor) ||
    (c.strategic && facts.strategic);
  if (holds(criteria.a)) return 'A';
  if (holds(criteria.b)) return 'B';
  return 'C';
}

/** Recomputes one account's (or every account's) priority; writes history only on a change. */
export async function recomputePriorities(
  db: Database | Transaction,
  accountId: string | null,
): Promise<number> {
  const criteria = await readSetting(db, 'priority');
  const rows = await db
    .select({
      id: accounts.id,
      revenueMinor: sql<number>`coalesce((select sum(o.amount_minor) from ${opportunities} o where o.account_id = ${accounts.id} and o.stage = 'won' and o.archived_at is null and o.closed_at > now() - interval '365 days'), 0)::bigint`,
      pipelineMinor: sql<number>`coalesce((select sum(o.amount_minor * o.probability / 100) from ${opportunities} o where o.account_id = ${accounts.id} and o.stage in ('lead', 'qualified', 'proposal', 'negotiation') and o.archived_at is null), 0)::bigint`,
      strategic: sql<boolean>`coalesce(${accountPriorities.strategic}, false)`,
      current: accountPriorities.priority,
    })
    .from(accounts)
    .leftJoin(accountPriorities, eq(accountPriorities.accountId, accounts.id))
    .where(and(isNull(accounts.archivedAt), accountId ? eq(accounts.id, accountId) : undefined));
  let changed = 0;
  for (const r of rows) {
    const facts = {
      revenueMinor: Number(r.revenueMinor),
      pipelineMinor: Number(r.pipelineMinor),
      strategic: r.strategic,
    };
    const next = classify(facts, criteria);
    if (next === r.current) continue;
    const reasons = { ...facts, criteria };
    // Only where the class really changes: of two recomputes racing for the same change (the
    // on-change job and setStrategic), the second writes no second history row.
    const written = await db
      .insert(accountPriorities)
      .values({ accountId: r.id, priority: next, reasons, computedAt: new Date() })
      .onConflictDoUpdate({
        target: accountPriorities.accountId,
        set: { priority: next, reasons, computedAt: new Date(), updatedAt: new Date() },
        setWhere: sql`${accountPriorities.priority} is distinct from ${next}`,
      })
      .returning({ accountId: accountPriorities.accountId });
    if (written.length === 0) continue;
    await db
      .insert(accountPriorityHistory)
      .values({ accountId: r.id, fromPriority: r.current, toPriority: next, reasons });
    changed++;
  }
  return changed;
}

export const setStrategicInput = z.object({ accountId: z.uuid(), strategic: z.boolean() });

export async function setStrategic(
  db: Database,
  principal: Principal,
  input: z.output<typeof setStrategicInput>,
) {
  assertCan(principal, 'update', { type: 'automation' });
  return inTransaction(db, principal, async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) throw notFound('entity.account');
    const [before] = await tx
      .select({ strategic: accountPriorities.strategic })
      .from(accountPriorities)
      .where(eq(accountPriorities.accountId, input.accountId));
    await tx
      .insert(accountPriorities)
      .values({ accountId: input.accountId, strategic: input.strategic })
      .onConflictDoUpdate({
        target: accountPriorities.accountId,
        set: { strategic: input.strategic, updatedAt: new Date() },
      });
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'accountPriority',
      entityId: input.accountId,
      changes: { strategic: [before?.strategic ?? false, input.strategic] },
    });
    await recomputePriorities(tx, input.accountId);
    return priorityOf(tx, input.accountId);
  });
}

async function priorityOf(db: Database | Transaction, accountId: string) {
  const [current] = await db
    .select()
    .from(accountPriorities)
    .where(eq(accountPriorities.accountId, accountId));
  const history = await db
    .select()
    .from(accountPriorityHistory)
    .where(eq(accountPriorityHistory.accountId, accountId))
    .orderBy(desc(accountPriorityHistory.changedAt), desc(accountPriorityHistory.id));
  return { current: current ?? null, history };
}

export async function accountPriority(db: Database, principal: Principal, accountId: string) {
  assertCan(principal, 'read', { type: 'automation' });
  return priorityOf(db, accountId);
}

export const accountAutomationInput = z.object({ q: z.string().trim().max(100).default('') });

/** Accounts with their priority, strategic flag, cadence and the last priority changes (staff). */
export async function accountAutomationList(
  db: Database,
  principal: Principal,
  input: z.output<typeof accountAutomationInput>,
) {
  assertCan(principal, 'read', { type: 'automation' });
  const pattern = `%${input.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      type: accounts.type,
      priority: accountPriorities.priority,
      strategic: sql<boolean>`coalesce(${accountPriorities.strategic}, false)`,
      reasons: accountPriorities.reasons,
      visitEveryDays: accountCadences.visitEveryDays,
      callEveryDays: accountCadences.callEveryDays,
    })
    .from(accounts)
    .leftJoin(accountPriorities, eq(accountPriorities.accountId, accounts.id))
    .leftJoin(accountCadences, eq(accountCadences.accountId, accounts.id))
    .where(
      and(isNull(accounts.archivedAt), input.q ? sql`lower(${accounts.name}) like ${pattern}` : undefined),
    )
    .orderBy(sql`coalesce(${accountPriorities.priority}, 'Z')`, accounts.name)
    .limit(100);
  const ids = rows.map((r) => r.id);
  const history = ids.length
    ? await db
        .select()
        .from(accountPriorityHistory)
        .where(inArray(accountPriorityHistory.accountId, ids))
        .orderBy(desc(accountPriorityHistory.changedAt), desc(accountPriorityHistory.id))
    : [];
  return rows.map((r) => ({ ...r, history: history.filter((h) => h.accountId === r.id).slice(0, 5) }));
}
