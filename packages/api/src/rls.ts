import type { Database } from '@konsort/db';
import { sql } from 'drizzle-orm';
import type { Principal } from './principal.ts';

/**
 * Runs `fn` with the database as this principal may see it. Partner principals work inside a
 * transaction under the role `konsort_partner` with their organisation set, so Postgres
 * row-level security limits every statement to what is shared with them — even one that
 * skipped the policy module. Staff and integrations run as the owner role (no RLS).
 *
 * The user is set too (`konsort.user_id`): notifications are per person.
 * One statement sets all: `set_config('role', …)` is SET ROLE, and `is_local` ends both with
 * the transaction, so a pooled connection never keeps a partner's identity.
 */
export async function withPrincipalDb<T>(
  db: Database,
  principal: Principal,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  if (principal.kind !== 'partner') return fn(db);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('konsort.partner_org_id', ${principal.partnerOrgId}, true), set_config('konsort.user_id', ${principal.userId}, true), set_config('role', 'konsort_partner', true)`,
    );
    // A transaction is a database for the domain functions: their own transactions nest as savepoints.
    return fn(tx as unknown as Database);
  });
}
