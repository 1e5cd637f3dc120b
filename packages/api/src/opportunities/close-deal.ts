/**
 * Closing a deal as won or lost: the ONE implementation behind every path that closes a deal
 * (the stage form, the kanban board, `opportunity.changeStage`, `automation.closeDeal`, the
 * no-response job). See docs/decisions/020-one-way-to-close-a-deal.md.
 *
 *  - lost needs a reason key from the configured list (`lossReasons` setting); open quotes
 *    expire and the deal's documents are archived;
 *  - won: the accepted quote's order stands, else the last sent quote is accepted and becomes
 *    the order;
 *  - both: stage, probability, closedAt, lostReason, stage history and one audit entry, in the
 *    caller's transaction, so a refused reason or a failing side effect writes nothing.
 */
import {
  documents,
  type Executor,
  type Opportunity,
  opportunities,
  opportunityStageHistory,
  quotes,
  type Transaction,
} from '@konsort/db';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { diff, writeAudit } from '../audit.ts';
import { readSetting } from '../automation/settings.ts';
import { AppError, notFound } from '../errors.ts';
import { publish } from '../events.ts';
import type { Principal } from '../principal.ts';
import { acceptQuoteInTx, expireQuoteInTx } from '../quotes/quotes.ts';
import { defaultProbability } from './stages.ts';

export type DealOutcome = 'won' | 'lost';

/** The configured loss reasons (key + German/English label). */
export async function lossReasons(db: Executor) {
  return readSetting(db, 'lossReasons');
}

/**
 * The reason key, if it is one of the configured list; else a BAD_REQUEST naming `field` (the
 * form's or the procedure's name for it), translated where it surfaces.
 */
export async function requireLossReason(
  db: Executor,
  reason: string | null | undefined,
  field: string,
): Promise<string> {
  const key = reason?.trim();
  const reasons = await lossReasons(db);
  if (!key || !reasons.some((r) => r.key === key))
    throw new AppError('BAD_REQUEST', 'errors.lossReasonRequired', {}, [
      { path: field, key: 'errors.lossReasonRequired' },
    ]);
  return key;
}

export interface ClosedDeal {
  opportunity: Opportunity;
  orderId: string | null;
  /** False when the deal already had this outcome (nothing written). */
  changed: boolean;
}

/**
 * Won or lost with every side effect, inside the caller's transaction. The caller has checked
 * the principal's right to change the stage. A closed deal moves to the other outcome only after
 * a manager reopened it.
 */
export async function closeDealInTx(
  tx: Transaction,
  principal: Principal,
  opportunityId: string,
  outcome: DealOutcome,
  lossReason: string | null | undefined,
  options: { reasonField?: string } = {},
): Promise<ClosedDeal> {
  const [before] = await tx
    .select()
    .from(opportunities)
    .where(eq(opportunities.id, opportunityId))
    .for('update');
  if (!before) throw notFound('entity.opportunity');
  if (before.archivedAt) throw new AppError('CONFLICT', 'errors.archived');
  if (before.stage === 'won' || before.stage === 'lost') {
    if (before.stage !== outcome)
      throw new AppError('CONFLICT', 'errors.invalidStageChange', { stage: outcome });
    return { opportunity: before, orderId: null, changed: false };
  }
  const reason =
    outcome === 'lost' ? await requireLossReason(tx, lossReason, options.reasonField ?? 'lossReason') : null;
  const now = new Date();
  const next = {
    stage: outcome,
    probability: defaultProbability[outcome],
    closedAt: now,
    lostReason: reason,
  } satisfies Partial<Opportunity>;
  const [after] = await tx
    .update(opportunities)
    .set({ ...next, version: sql`${opportunities.version} + 1`, updatedAt: now })
    .where(eq(opportunities.id, opportunityId))
    .returning();
  await tx.insert(opportunityStageHistory).values({
    opportunityId,
    fromStage: before.stage,
    toStage: outcome,
    changedBy: principal.kind === 'internal' ? principal.userId : null,
    changedAt: now,
  });
  await writeAudit(tx, principal, {
    action: 'change_stage',
    entity: 'opportunity',
    entityId: opportunityId,
    changes: diff(before, next, ['stage', 'probability', 'closedAt', 'lostReason']),
  });
  const orderId = outcome === 'won' ? await applyWon(tx, principal, opportunityId) : null;
  if (outcome === 'lost') await applyLost(tx, principal, opportunityId);
  return { opportunity: after!, orderId, changed: true };
}

/** After the commit: open editors converge, and a lost deal's archived documents turn read-only. */
export function publishClosed(closed: ClosedDeal): void {
  if (!closed.changed) return;
  publish({ type: 'opportunity.changed', opportunity: closed.opportunity });
  if (closed.opportunity.stage === 'lost')
    publish({ type: 'access.changed', opportunityId: closed.opportunity.id });
}

/** Won: the accepted quote's order exists already; else the last sent quote is accepted now. */
export async function applyWon(
  tx: Transaction,
  principal: Principal,
  opportunityId: string,
): Promise<string | null> {
  const candidates = await tx
    .select()
    .from(quotes)
    .where(and(eq(quotes.opportunityId, opportunityId), inArray(quotes.status, ['accepted', 'sent'])))
    .orderBy(desc(quotes.sentAt));
  const accepted = candidates.find((q) => q.status === 'accepted' && q.orderId);
  if (accepted) return accepted.orderId;
  const sent = candidates.find((q) => q.status === 'sent');
  if (!sent) return null;
  try {
    const done = await tx.transaction((sp) => acceptQuoteInTx(sp, principal, sent));
    return done.orderId;
  } catch (e) {
    // No supplier chosen: the deal is won all the same; the quote stays for a person to accept.
    if (e instanceof AppError && e.key === 'errors.quoteNoSupplier') return null;
    throw e;
  }
}

/** Lost: open quotes expire, the deal's documents are archived. */
export async function applyLost(tx: Transaction, principal: Principal, opportunityId: string) {
  const open = await tx
    .select({ id: quotes.id })
    .from(quotes)
    .where(and(eq(quotes.opportunityId, opportunityId), inArray(quotes.status, ['draft', 'sent'])));
  for (const q of open) await expireQuoteInTx(tx, principal, q.id);
  const archived = await tx
    .update(documents)
    .set({ archivedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(documents.opportunityId, opportunityId), isNull(documents.archivedAt)))
    .returning({ id: documents.id });
  for (const d of archived)
    await writeAudit(tx, principal, {
      action: 'archive',
      entity: 'document',
      entityId: d.id,
      changes: { archivedAt: [null, new Date().toISOString()], reason: [null, 'deal lost'] },
    });
}
