import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';

export const importEntity = pgEnum('import_entity', ['account', 'contact', 'opportunity']);
export const importStatus = pgEnum('import_status', [
  'uploaded',
  'validated',
  'running',
  'completed',
  'failed',
]);
export const importRowAction = pgEnum('import_row_action', ['create', 'update', 'skip']);

/**
 * One CSV import: the decoded file, the user's column mapping and merge choices, the validation
 * report and the progress of the job. Staff only: no partner grant, so no row-level security.
 */
export const importRuns = pgTable(
  'import_runs',
  {
    id: id(),
    entity: importEntity('entity').notNull(),
    status: importStatus('status').notNull().default('uploaded'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    fileName: text('file_name').notNull(),
    /** The file decoded to text (see `encoding`); kept so validation and the job re-read the same bytes. */
    content: text('content').notNull(),
    encoding: text('encoding').notNull(),
    delimiter: text('delimiter').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    /** target field → header index */
    mapping: jsonb('mapping').$type<Record<string, number>>(),
    /** merge choice per duplicate row: { default, rows: { [rowNo]: choice } } */
    decisions: jsonb('decisions').$type<{ default: string; rows: Record<string, string> }>(),
    report: jsonb('report').$type<Record<string, unknown>>(),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsDone: integer('rows_done').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    skippedCount: integer('skipped_count').notNull().default(0),
    /** Message key of the reason a run failed. */
    error: text('error'),
    /** Bumped by the job after every batch; a running import without a recent heartbeat was killed. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    index('import_runs_created_by_idx').on(t.createdBy, t.createdAt),
    check('import_runs_delimiter', sql`length(${t.delimiter}) = 1`),
  ],
);

/**
 * Staging: the job resolves each valid row (create/update/skip, target id, column values) here in
 * batches with durable progress; one transaction then applies all of them and marks the run
 * completed, so an import is all-or-nothing and a rerun after a crash neither duplicates nor skips.
 */
export const importRows = pgTable(
  'import_rows',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => importRuns.id, { onDelete: 'cascade' }),
    rowNo: integer('row_no').notNull(),
    action: importRowAction('action').notNull(),
    targetId: uuid('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.rowNo] })],
);

export type ImportRun = typeof importRuns.$inferSelect;
export type ImportEntity = (typeof importEntity.enumValues)[number];
export type ImportStatus = (typeof importStatus.enumValues)[number];
