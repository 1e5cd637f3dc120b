/**
 * The commit of an import: set-based statements that move the staged rows of one run into the
 * domain table with their audit entries, inside the caller's transaction. Set-based because the
 * whole import is one transaction: 100k rows as a handful of statements, not 200k round trips.
 */
import type { ImportEntity, Transaction } from '@konsort/db';
import { type SQL, sql } from 'drizzle-orm';

interface EntitySql {
  table: string;
  /** Column (SQL name) → audit field name, as the domain services write them. */
  columns: Record<string, string>;
}

const entities: Record<ImportEntity, EntitySql> = {
  account: {
    table: 'accounts',
    columns: {
      name: 'name',
      type: 'type',
      industry: 'industry',
      vat_id: 'vatId',
      domain: 'domain',
      website: 'website',
      email: 'email',
      phone: 'phone',
      street: 'street',
      postal_code: 'postalCode',
      city: 'city',
      country: 'country',
      notes: 'notes',
      owner_id: 'ownerId',
    },
  },
  contact: {
    table: 'contacts',
    columns: {
      account_id: 'accountId',
      salutation: 'salutation',
      title: 'title',
      first_name: 'firstName',
      last_name: 'lastName',
      position: 'position',
      email: 'email',
      phone: 'phone',
      mobile: 'mobile',
    },
  },
  opportunity: {
    table: 'opportunities',
    columns: {
      account_id: 'accountId',
      name: 'name',
      stage: 'stage',
      amount_minor: 'amountMinor',
      currency: 'currency',
      probability: 'probability',
      margin_minor: 'marginMinor',
      business_type: 'businessType',
      expected_close_date: 'expectedCloseDate',
      owner_id: 'ownerId',
      source: 'source',
      description: 'description',
      closed_at: 'closedAt',
      lost_reason: 'lostReason',
      primary_contact_id: 'primaryContactId',
    },
  },
};

export interface CommitCounts {
  created: number;
  updated: number;
  skipped: number;
}

/** postgres.js returns the rows as an array, PGlite as `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** File lines `from`..`to` (inclusive): the commit applies a run chunk by chunk. */
export interface RowRange {
  from: number;
  to: number;
}

/** The table column (SQL name) a constraint names, e.g. `account_id` of `contacts_account_id_accounts_id_fk`. */
export function constraintColumn(entity: ImportEntity, constraint: string | undefined): string | null {
  if (!constraint) return null;
  const names = Object.keys(entities[entity].columns).sort((a, b) => b.length - a.length);
  return names.find((c) => constraint.includes(c)) ?? null;
}

/**
 * Applies the staged rows of `runId` (all, or those of `range`). `actorId` is the staff user the
 * audit entries name. Updates change only the staged columns and only rows where something differs.
 */
export async function applyStagedRows(
  tx: Transaction,
  entity: ImportEntity,
  runId: string,
  actorId: string,
  range?: RowRange,
): Promise<CommitCounts> {
  const { table, columns } = entities[entity];
  const names = Object.keys(columns);
  const t = sql.raw(`"${table}"`);
  const list = sql.raw(names.map((c) => `"${c}"`).join(', '));
  const fromPopulated = sql.raw(names.map((c) => `p."${c}"`).join(', '));
  const auditMap = sql.raw(
    `(values ${Object.entries(columns)
      .map(([c, f]) => `('${c}', '${f}')`)
      .join(', ')}) m(col, field)`,
  );
  const populate = sql`jsonb_populate_record(null::${t}, r.data) p`;
  const inRange = range ? sql` and r.row_no between ${range.from} and ${range.to}` : sql``;
  const staged = (action: 'create' | 'update'): SQL =>
    sql`r.run_id = ${runId} and r.action = ${action}${inRange}`;

  // Lock the rows an update targets before reading what differs.
  const differs = sql`exists (select 1 from ${auditMap} where r.data ? m.col and (to_jsonb(x) -> m.col) is distinct from (r.data -> m.col))`;
  await tx.execute(
    sql`select x.id from ${t} x join import_rows r on r.target_id = x.id where ${staged('update')} order by x.id for update of x`,
  );
  const [counts] = rowsOf<{ created: number; updated: number; total: number }>(
    await tx.execute(
      sql`select count(*) filter (where r.action = 'create')::int as created,
            count(*) filter (where r.action = 'update' and exists (select 1 from ${t} x where x.id = r.target_id and ${differs}))::int as updated,
            count(*)::int as total
          from import_rows r where r.run_id = ${runId}${inRange}`,
    ),
  );
  await tx.execute(
    sql`insert into ${t} (id, ${list}) select r.target_id, ${fromPopulated} from import_rows r cross join lateral ${populate} where ${staged('create')} order by r.row_no`,
  );
  await tx.execute(
    sql`insert into audit_log (actor_type, actor_id, action, entity, entity_id, changes)
        select 'user', ${actorId}, 'create', ${entity}, r.target_id::text,
          (select coalesce(jsonb_object_agg(m.field, jsonb_build_array(null, r.data -> m.col)), '{}'::jsonb)
             from ${auditMap} where r.data ? m.col and r.data -> m.col <> 'null'::jsonb)
        from import_rows r where ${staged('create')} order by r.row_no`,
  );
  if (entity === 'opportunity') {
    await tx.execute(
      sql`insert into opportunity_stage_history (opportunity_id, from_stage, to_stage, changed_by)
          select r.target_id, null, (r.data ->> 'stage')::opportunity_stage, ${actorId}
          from import_rows r where ${staged('create')} order by r.row_no`,
    );
  }

  // Updates: the audit of what differs, then exactly that change.
  await tx.execute(
    sql`insert into audit_log (actor_type, actor_id, action, entity, entity_id, changes)
        select 'user', ${actorId}, 'update', ${entity}, x.id::text,
          (select jsonb_object_agg(m.field, jsonb_build_array(to_jsonb(x) -> m.col, r.data -> m.col))
             from ${auditMap} where r.data ? m.col and (to_jsonb(x) -> m.col) is distinct from (r.data -> m.col))
        from import_rows r join ${t} x on x.id = r.target_id
        where ${staged('update')} and ${differs} order by r.row_no`,
  );
  const assignments = sql.raw(
    names.map((c) => `"${c}" = case when r.data ? '${c}' then p."${c}" else x."${c}" end`).join(', '),
  );
  await tx.execute(
    sql`update ${t} x set ${assignments}, updated_at = now()
        from import_rows r cross join lateral ${populate}
        where ${staged('update')} and x.id = r.target_id and ${differs}`,
  );
  const created = Number(counts?.created ?? 0);
  const updated = Number(counts?.updated ?? 0);
  return { created, updated, skipped: Number(counts?.total ?? 0) - created - updated };
}
