import { type Database, transactionWithSettings } from '@konsort/db';
import type { Principal } from './principal.ts';

/** The transactions opened here, with the identity they carry (weak: they end with the request). */
const scopedIdentity = new WeakMap<object, string>();

/**
 * Runs `fn` with the database as this principal may see it. Partner principals work inside a
 * transaction under the role `konsort_partner` with their organisation set, so Postgres
 * row-level security limits every statement to what is shared with them — even one that
 * skipped the policy module. Staff and integrations run as the owner role (no RLS).
 *
 * The user is set too (`konsort.user_id`): notifications are per person.
 * One statement sets all: `set_config('role', …)` is SET ROLE, and `is_local` ends both with
 * the transaction, so a pooled connection never keeps a partner's identity.
 *
 * `pipeline` (reads only: the tRPC queries) sends BEGIN, the identity and the first query in
 * one round trip on PostgreSQL; see `transactionWithSettings` for why that is safe.
 */
export async function withPrincipalDb<T>(
  db: Database,
  principal: Principal,
  fn: (db: Database) => Promise<T>,
  options: { pipeline?: boolean } = {},
): Promise<T> {
  if (principal.kind !== 'partner') return fn(db);
  const identity = `${principal.partnerOrgId}/${principal.userId}`;
  // Already inside this principal's transaction (the tRPC middleware opened it, the domain
  // function asks again): nesting would only add a savepoint and set the same identity twice.
  if (scopedIdentity.get(db) === identity) return fn(db);
  const settings = {
    'konsort.partner_org_id': principal.partnerOrgId,
    'konsort.user_id': principal.userId,
    role: 'konsort_partner',
    // Planned once per connection, not per call: row-level security makes planning cost more
    // than running the partner's share-bounded queries (decision 021).
    plan_cache_mode: 'force_generic_plan',
  };
  return transactionWithSettings(
    db,
    settings,
    { pipeline: options.pipeline ?? false, prepare: true },
    (tx) => {
      scopedIdentity.set(tx, identity);
      // A transaction is a database for the domain functions: their own transactions nest as savepoints.
      return fn(tx as unknown as Database);
    },
  );
}
