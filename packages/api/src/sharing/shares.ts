import { type Database, opportunities, opportunityShares, partnerOrgs, type ShareAccess } from '@konsort/db';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { publish } from '../events.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { inTransaction } from '../tx.ts';

export const setShareInput = z.object({
  opportunityId: z.uuid(),
  partnerOrgId: z.uuid(),
  access: z.enum(['view', 'edit']),
});
export const revokeShareInput = z.object({ opportunityId: z.uuid(), partnerOrgId: z.uuid() });

async function loadDeal(db: Database, id: string) {
  const [deal] = await db
    .select({ id: opportunities.id, ownerId: opportunities.ownerId, archivedAt: opportunities.archivedAt })
    .from(opportunities)
    .where(eq(opportunities.id, id));
  if (!deal) throw notFound('entity.opportunity');
  return deal;
}

/** The shares panel: which partner organisations hold which access. Staff only. */
export async function listShares(database: Database, principal: Principal, opportunityId: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const deal = await loadDeal(db, opportunityId);
    assertCan(principal, 'share', { type: 'opportunity', ownerId: deal.ownerId });
    return db
      .select({
        partnerOrgId: opportunityShares.partnerOrgId,
        partnerName: partnerOrgs.name,
        kind: partnerOrgs.kind,
        access: opportunityShares.access,
        sharedAt: opportunityShares.createdAt,
        updatedAt: opportunityShares.updatedAt,
      })
      .from(opportunityShares)
      .innerJoin(partnerOrgs, eq(partnerOrgs.id, opportunityShares.partnerOrgId))
      .where(eq(opportunityShares.opportunityId, opportunityId))
      .orderBy(asc(partnerOrgs.name));
  });
}

/** Grants or changes a partner organisation's access to a deal. */
export async function setShare(db: Database, principal: Principal, input: z.output<typeof setShareInput>) {
  const result = await inTransaction(db, principal, async (tx) => {
    const deal = await loadDeal(tx as unknown as Database, input.opportunityId);
    assertCan(principal, 'share', { type: 'opportunity', ownerId: deal.ownerId });
    const [org] = await tx
      .select({ id: partnerOrgs.id })
      .from(partnerOrgs)
      .where(eq(partnerOrgs.id, input.partnerOrgId));
    if (!org) throw notFound('entity.partnerOrg');
    const [before] = await tx
      .select({ access: opportunityShares.access })
      .from(opportunityShares)
      .where(
        and(
          eq(opportunityShares.opportunityId, input.opportunityId),
          eq(opportunityShares.partnerOrgId, input.partnerOrgId),
        ),
      )
      .for('update');
    if (before?.access === input.access) return { changed: false, access: input.access as ShareAccess };
    const now = new Date();
    await tx
      .insert(opportunityShares)
      .values({
        opportunityId: input.opportunityId,
        partnerOrgId: input.partnerOrgId,
        access: input.access,
        sharedBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .onConflictDoUpdate({
        target: [opportunityShares.opportunityId, opportunityShares.partnerOrgId],
        set: { access: input.access, updatedAt: now },
      });
    await writeAudit(tx, principal, {
      action: before ? 'share_change' : 'share',
      entity: 'opportunity',
      entityId: input.opportunityId,
      changes: { [`share:${input.partnerOrgId}`]: [before?.access ?? null, input.access] },
    });
    return { changed: true, access: input.access as ShareAccess };
  });
  // A downgrade to view takes effect at once on open editors.
  if (result.changed) publish({ type: 'access.changed', opportunityId: input.opportunityId });
  return result;
}

/** Revoking takes effect at once, also for open live connections. */
export async function revokeShare(
  db: Database,
  principal: Principal,
  input: z.output<typeof revokeShareInput>,
) {
  const revoked = await inTransaction(db, principal, async (tx) => {
    const deal = await loadDeal(tx as unknown as Database, input.opportunityId);
    assertCan(principal, 'share', { type: 'opportunity', ownerId: deal.ownerId });
    const [gone] = await tx
      .delete(opportunityShares)
      .where(
        and(
          eq(opportunityShares.opportunityId, input.opportunityId),
          eq(opportunityShares.partnerOrgId, input.partnerOrgId),
        ),
      )
      .returning({ access: opportunityShares.access });
    if (!gone) return false;
    await writeAudit(tx, principal, {
      action: 'unshare',
      entity: 'opportunity',
      entityId: input.opportunityId,
      changes: { [`share:${input.partnerOrgId}`]: [gone.access, null] },
    });
    return true;
  });
  if (revoked) publish({ type: 'access.changed', opportunityId: input.opportunityId });
  return { revoked };
}

/** The partner organisations a deal can be shared with: for those who may share it. */
export async function shareCandidates(database: Database, principal: Principal, opportunityId: string) {
  return withPrincipalDb(database, principal, async (db) => {
    const deal = await loadDeal(db, opportunityId);
    assertCan(principal, 'share', { type: 'opportunity', ownerId: deal.ownerId });
    return db
      .select({ id: partnerOrgs.id, name: partnerOrgs.name, kind: partnerOrgs.kind, tier: partnerOrgs.tier })
      .from(partnerOrgs)
      .orderBy(asc(partnerOrgs.name));
  });
}
