import { type Database, partnerOrgs, users } from '@konsort/db';
import { asc, eq } from 'drizzle-orm';
import { forbidden } from '../errors.ts';
import { can } from '../policy/index.ts';
import type { Principal } from '../principal.ts';

/** Internal users see the team (for owner pickers); the admin sees everyone incl. partners. */
export async function listUsers(db: Database, principal: Principal) {
  if (principal.kind !== 'internal') throw forbidden();
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      partnerOrgName: partnerOrgs.name,
    })
    .from(users)
    .leftJoin(partnerOrgs, eq(partnerOrgs.id, users.partnerOrgId))
    .orderBy(asc(users.name));
  return can(principal, 'manage', { type: 'user' })
    ? rows
    : rows.filter((u) => u.partnerOrgName === null && u.active);
}

export async function listPartnerOrgs(db: Database, principal: Principal) {
  if (!can(principal, 'manage', { type: 'user' })) throw forbidden();
  return db
    .select({ id: partnerOrgs.id, name: partnerOrgs.name, kind: partnerOrgs.kind })
    .from(partnerOrgs)
    .orderBy(asc(partnerOrgs.name));
}
