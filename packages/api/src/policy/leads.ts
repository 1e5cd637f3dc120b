import { leads } from '@konsort/db';
import { type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../principal.ts';

/** Lead lists and lookups: staff see every lead, a partner only those offered to its organisation. */
export function visibleLeads(p: Principal): SQL | undefined {
  if (p.kind === 'internal') return undefined;
  if (p.kind === 'partner') return sql`${leads.offeredPartnerOrgId} = ${p.partnerOrgId}`;
  return sql`false`;
}
