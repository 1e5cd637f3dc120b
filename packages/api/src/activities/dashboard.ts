import { accounts, activities, type Database, opportunities } from '@konsort/db';
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { forbidden } from '../errors.ts';
import { openStages } from '../opportunities/stages.ts';
import { visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { timestampParam } from '../tx.ts';

/** The start page: my open deals by expected close, my due tasks, my pipeline per stage. */
export async function dashboard(database: Database, principal: Principal, now = new Date()) {
  return withPrincipalDb(database, principal, async (db) => {
    if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
    const mine =
      principal.kind === 'internal'
        ? eq(opportunities.ownerId, principal.userId)
        : visible(principal).opportunities();
    const open = and(
      mine,
      isNull(opportunities.archivedAt),
      sql`${opportunities.stage} in ${sql.raw(`('${openStages.join("','")}')`)}`,
    );
    const weekAhead = new Date(now.getTime() + 7 * 86_400_000);
    const [openDeals, pipeline, dueTasks] = await Promise.all([
      db
        .select({
          id: opportunities.id,
          name: opportunities.name,
          stage: opportunities.stage,
          amountMinor: opportunities.amountMinor,
          currency: opportunities.currency,
          expectedCloseDate: opportunities.expectedCloseDate,
          accountName: accounts.name,
        })
        .from(opportunities)
        .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
        .where(open)
        .orderBy(sql`${opportunities.expectedCloseDate} asc nulls last`, asc(opportunities.id))
        .limit(10),
      db
        .select({
          stage: opportunities.stage,
          currency: opportunities.currency,
          count: sql<number>`count(*)::int`,
          amountMinor: sql<number>`coalesce(sum(${opportunities.amountMinor}), 0)::bigint`.mapWith(Number),
          weightedMinor:
            sql<number>`coalesce(sum(${opportunities.amountMinor} * ${opportunities.probability} / 100), 0)::bigint`.mapWith(
              Number,
            ),
        })
        .from(opportunities)
        .where(open)
        .groupBy(opportunities.stage, opportunities.currency),
      principal.kind === 'internal'
        ? db
            .select({
              id: activities.id,
              type: activities.type,
              subject: activities.subject,
              dueAt: activities.dueAt,
              opportunityId: activities.opportunityId,
              accountId: activities.accountId,
              overdue: sql<boolean>`${activities.dueAt} < ${timestampParam(now)}`,
            })
            .from(activities)
            .where(
              and(
                eq(activities.ownerId, principal.userId),
                isNull(activities.doneAt),
                lte(activities.dueAt, weekAhead),
              ),
            )
            .orderBy(asc(activities.dueAt))
            .limit(20)
        : Promise.resolve([]),
    ]);
    return { openDeals, pipeline, dueTasks };
  });
}
