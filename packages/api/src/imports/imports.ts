/**
 * CSV import of accounts, contacts and deals: upload → column mapping → validation report →
 * merge choices for duplicates → a job that stages the rows in batches with durable progress
 * and applies them in ONE transaction (see docs/decisions/015-csv-import-staging.md).
 *
 * Nothing reaches the accounts, contacts or opportunities tables before that transaction: a
 * malformed file is refused at upload (no run is even stored), a file with invalid rows cannot
 * be started, and a job killed at any moment leaves either nothing or the complete import.
 */
import { randomUUID } from 'node:crypto';
import {
  type Database,
  type Executor,
  type ImportEntity,
  type ImportRun,
  importRows,
  importRuns,
  jobs,
  type Locale,
  pgErrorOf,
  type Transaction,
} from '@konsort/db';
import { and, between, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { csvColumns, importableFields, suggestMapping } from '../csv/columns.ts';
import { type CsvDelimiter, decodeCsv, detectDelimiter, previewCsv, readCsv } from '../csv/read.ts';
import { AppError, notFound } from '../errors.ts';
import { translate } from '../i18n/messages.ts';
import { enqueue } from '../jobs/runner.ts';
import { notify } from '../notifications/notify.ts';
import { assertCan } from '../policy/index.ts';
import type { InternalUser, Principal } from '../principal.ts';
import { applyStagedRows, type CommitCounts, constraintColumn } from './commit.ts';
import {
  type Duplicate,
  loadExistingIndex,
  type MergeChoice,
  mergeChoices,
  type RowError,
  rowValidator,
} from './rows.ts';

export const importEntities = [
  'account',
  'contact',
  'opportunity',
] as const satisfies readonly ImportEntity[];
export const maxImportBytes = 50 * 1024 * 1024;
export const maxImportRows = 200_000;
/** Entries of each list the report keeps; the counts are always complete. */
const reportLimit = 500;
/** A running import whose job has not reported for this long is waiting for a worker to take it over. */
export const staleAfterMs = 60_000;

export const uploadImportInput = z.object({
  entity: z.enum(importEntities),
  fileName: z.string().trim().min(1).max(255),
  /** The file, base64-encoded (tRPC carries JSON). */
  contentBase64: z
    .string()
    .min(1)
    .max(Math.ceil((maxImportBytes * 4) / 3) + 4),
});
export const mappingInput = z.object({
  id: z.uuid(),
  /** field key → column index of the file */
  mapping: z.record(z.string().max(50), z.number().int().min(0).max(500)),
});
export const decisionsSchema = z.object({
  default: z.enum(mergeChoices).default('skip'),
  rows: z.record(z.string().regex(/^\d+$/), z.enum(mergeChoices)).default({}),
});
export const startImportInput = z.object({ id: z.uuid(), decisions: decisionsSchema.optional() });

export interface ImportReport {
  rows: number;
  valid: number;
  errorCount: number;
  errors: RowError[];
  duplicateCount: number;
  duplicates: Duplicate[];
  /** The mapping's problems (a required field without a column…). */
  mappingErrors: { field: string; message: string }[];
  /** The language the messages were written in. */
  locale: Locale;
}

function requireStaff(principal: Principal): InternalUser {
  assertCan(principal, 'create', { type: 'csvImport' });
  return principal as InternalUser;
}

async function loadRun(db: Database, principal: Principal, id: string, lock = false): Promise<ImportRun> {
  const query = db.select().from(importRuns).where(eq(importRuns.id, id));
  const [run] = lock ? await query.for('update') : await query;
  if (!run) throw notFound('entity.import');
  assertCan(principal, 'read', { type: 'csvImport', createdBy: run.createdBy });
  return run;
}

/**
 * What a page shows of a run: never the file itself. `waiting`: running, but no worker has
 * reported for a while (the one that had it stopped; another takes over when its lease runs
 * out). `stale`: running, and its job gave up — only then does the page offer "Resume".
 */
export function publicRun(run: ImportRun, now = new Date(), job: ImportJobState | null = null) {
  const { content: _content, ...rest } = run;
  const running = run.status === 'running';
  const silent = !run.heartbeatAt || now.getTime() - run.heartbeatAt.getTime() > staleAfterMs;
  const stale = running && job?.status !== 'pending';
  const waiting = running && !stale && silent && !job?.claimed;
  return {
    ...rest,
    report: run.report as ImportReport | null,
    stale,
    waiting,
    job,
    fields: csvColumns[run.entity],
  };
}

export async function uploadImport(
  db: Database,
  principal: Principal,
  input: z.output<typeof uploadImportInput>,
) {
  const staff = requireStaff(principal);
  const bytes = Buffer.from(input.contentBase64, 'base64');
  if (bytes.length > maxImportBytes) throw new AppError('BAD_REQUEST', 'csv.tooLarge', { mb: 50 });
  const { text, encoding } = decodeCsv(bytes);
  const delimiter = detectDelimiter(text);
  // Parses the whole file: a malformed one is refused here, before anything is stored.
  const preview = await previewCsv(text, delimiter);
  if (preview.total === 0) throw new AppError('BAD_REQUEST', 'csv.noRows');
  if (preview.total > maxImportRows)
    throw new AppError('BAD_REQUEST', 'csv.tooManyRows', { max: maxImportRows });
  const mapping = suggestMapping(input.entity, preview.headers);
  return db.transaction(async (tx) => {
    const [run] = await tx
      .insert(importRuns)
      .values({
        entity: input.entity,
        createdBy: staff.userId,
        fileName: input.fileName,
        content: text,
        encoding,
        delimiter,
        headers: preview.headers,
        mapping,
        rowsTotal: preview.total,
      })
      .returning();
    await writeAudit(tx, principal, {
      action: 'upload',
      entity: 'import',
      entityId: run!.id,
      changes: {
        fileName: [null, input.fileName],
        entity: [null, input.entity],
        rows: [null, preview.total],
      },
    });
    return { ...publicRun(run!), sample: preview.rows };
  });
}

export async function getImport(db: Database, principal: Principal, id: string) {
  requireStaff(principal);
  const run = await loadRun(db, principal, id);
  const sample: string[][] = [];
  for await (const record of readCsv(run.content, run.delimiter as CsvDelimiter)) {
    if (record.line === 1) continue;
    sample.push(record.cells);
    if (sample.length >= 5) break;
  }
  const now = new Date();
  return { ...publicRun(run, now, await importJobOf(db, run.id, now)), sample, progress: progressOf(run) };
}

export async function listImports(db: Database, principal: Principal) {
  const staff = requireStaff(principal);
  const leader = staff.role === 'admin' || staff.role === 'manager';
  const rows = await db
    .select({
      id: importRuns.id,
      entity: importRuns.entity,
      status: importRuns.status,
      fileName: importRuns.fileName,
      rowsTotal: importRuns.rowsTotal,
      createdCount: importRuns.createdCount,
      updatedCount: importRuns.updatedCount,
      skippedCount: importRuns.skippedCount,
      createdAt: importRuns.createdAt,
    })
    .from(importRuns)
    .where(leader ? undefined : eq(importRuns.createdBy, staff.userId))
    .orderBy(desc(importRuns.createdAt))
    .limit(50);
  return rows;
}

function checkMapping(run: ImportRun, mapping: Record<string, number>, locale: Locale) {
  const fields = importableFields(run.entity);
  const problems: { field: string; message: string }[] = [];
  const used = new Map<number, string>();
  for (const [key, index] of Object.entries(mapping)) {
    const field = fields.find((f) => f.key === key);
    if (!field || index >= run.headers.length) {
      problems.push({ field: key, message: translate(locale, 'csv.mappingInvalid') });
      continue;
    }
    const other = used.get(index);
    if (other)
      problems.push({
        field: key,
        message: translate(locale, 'csv.columnTwice', { column: run.headers[index]! }),
      });
    used.set(index, key);
  }
  for (const field of fields.filter((f) => f.required)) {
    if (mapping[field.key] === undefined)
      problems.push({
        field: field.key,
        message: translate(locale, 'csv.requiredUnmapped', { field: field.label[locale] }),
      });
  }
  return problems;
}

/**
 * The validation report: every row checked (zod, money, dates, owners, accounts, duplicates),
 * nothing written but the report itself. Can be run again after the mapping changed.
 */
export async function validateImport(
  db: Database,
  principal: Principal,
  input: z.output<typeof mappingInput>,
  locale: Locale = principal.locale,
) {
  const staff = requireStaff(principal);
  const run = await loadRun(db, principal, input.id);
  assertCan(principal, 'update', { type: 'csvImport', createdBy: run.createdBy });
  if (run.status !== 'uploaded' && run.status !== 'validated')
    throw new AppError('CONFLICT', 'csv.alreadyStarted');
  const report: ImportReport = {
    rows: 0,
    valid: 0,
    errorCount: 0,
    errors: [],
    duplicateCount: 0,
    duplicates: [],
    mappingErrors: checkMapping(run, input.mapping, locale),
    locale,
  };
  if (report.mappingErrors.length === 0) {
    const validator = rowValidator({
      entity: run.entity,
      headers: run.headers,
      mapping: input.mapping,
      principal: staff,
      locale,
      existing: await loadExistingIndex(db, run.entity),
    });
    for await (const record of readCsv(run.content, run.delimiter as CsvDelimiter)) {
      if (record.line === 1) continue;
      report.rows++;
      const outcome = validator.validate(record.line, record.cells);
      if (!outcome.ok) {
        report.errorCount += outcome.errors.length;
        for (const e of outcome.errors) if (report.errors.length < reportLimit) report.errors.push(e);
        continue;
      }
      report.valid++;
      if (outcome.duplicate) {
        report.duplicateCount++;
        if (report.duplicates.length < reportLimit) report.duplicates.push(outcome.duplicate);
      }
    }
  }
  const [updated] = await db
    .update(importRuns)
    .set({
      mapping: input.mapping,
      report: report as unknown as Record<string, unknown>,
      status: 'validated',
      rowsTotal: report.rows || run.rowsTotal,
      updatedAt: new Date(),
    })
    .where(eq(importRuns.id, run.id))
    .returning();
  return publicRun(updated!);
}

/** The job kind that runs an import (staging, then the commit) on the Postgres job runner. */
export const IMPORT_JOB = 'csv.import';
/** One job row per run, found by this key: the runner resumes it after a crash by itself. */
export const importJobKey = (runId: string) => `${IMPORT_JOB}:${runId}`;

/** The run's job as a page shows it (null for a run that never started). */
export interface ImportJobState {
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  /** A worker holds it right now (its lease has not run out). */
  claimed: boolean;
  lastError: string | null;
}

async function importJobOf(db: Executor, runId: string, now = new Date()): Promise<ImportJobState | null> {
  const [job] = await db
    .select({
      status: jobs.status,
      attempts: jobs.attempts,
      lockedUntil: jobs.lockedUntil,
      lastError: jobs.lastError,
    })
    .from(jobs)
    .where(eq(jobs.dedupeKey, importJobKey(runId)));
  if (!job) return null;
  return {
    status: job.status,
    attempts: job.attempts,
    claimed: job.status === 'pending' && !!job.lockedUntil && job.lockedUntil > now,
    lastError: job.lastError,
  };
}

/**
 * Starts an import whose report has no errors: marks the run running and enqueues its job in
 * the same transaction, so the job exists exactly when the start committed. Returns at once; a
 * worker of the job runner picks the job up, and another one does after a crash (lease expiry).
 * A running run whose job is still pending is a CONFLICT; one whose job gave up (attempts
 * exhausted) is re-armed — the rerun stages only what is missing and commits once.
 */
export async function startImport(
  db: Database,
  principal: Principal,
  input: z.output<typeof startImportInput>,
  now = new Date(),
) {
  requireStaff(principal);
  return db.transaction(async (tx) => {
    const run = await loadRun(tx as unknown as Database, principal, input.id, true);
    assertCan(principal, 'update', { type: 'csvImport', createdBy: run.createdBy });
    const report = run.report as ImportReport | null;
    const job = await importJobOf(tx, run.id, now);
    if (run.status === 'running') {
      if (job?.status === 'pending') throw new AppError('CONFLICT', 'csv.alreadyRunning');
    } else if (run.status !== 'validated' || !report) throw new AppError('CONFLICT', 'csv.notValidated');
    if (!report || report.errorCount > 0 || report.mappingErrors.length > 0)
      throw new AppError('CONFLICT', 'csv.hasErrors', { count: report?.errorCount ?? 0 });
    const decisions =
      run.status === 'running' ? run.decisions : (input.decisions ?? { default: 'skip', rows: {} });
    const [started] = await tx
      .update(importRuns)
      .set({
        status: 'running',
        decisions,
        heartbeatAt: now,
        startedAt: run.startedAt ?? now,
        updatedAt: now,
      })
      .where(eq(importRuns.id, run.id))
      .returning();
    if (job) {
      await tx
        .update(jobs)
        .set({
          status: 'pending',
          attempts: 0,
          runAt: now,
          lockedUntil: null,
          leaseToken: null,
          lastError: null,
          completedAt: null,
          updatedAt: now,
        })
        .where(eq(jobs.dedupeKey, importJobKey(run.id)));
    } else {
      await enqueue(tx, {
        kind: IMPORT_JOB,
        payload: { runId: run.id },
        dedupeKey: importJobKey(run.id),
        maxAttempts: importJobMaxAttempts,
      });
    }
    await writeAudit(tx, principal, {
      action: run.status === 'running' ? 'resume' : 'start',
      entity: 'import',
      entityId: run.id,
      changes: { decisions: [null, decisions] },
    });
    return publicRun(started!, now, await importJobOf(tx, run.id, now));
  });
}

/** Claims of one import job before it gives up (a worker killed that often, a database away that long). */
export const importJobMaxAttempts = 8;
/** Rows applied per savepoint in the commit: a rejected chunk is then checked row by row. */
export const commitChunkRows = 1000;
/** Rows a rejected commit names at most (the report lists them). */
const rejectedLimit = 50;

export interface JobOptions {
  batchSize?: number;
  /** Called after each staged batch with the rows checked so far and the rows this call wrote to the staging table. */
  onBatch?: (rowsDone: number, stagedNow: number) => void | Promise<void>;
  /** Called when the staging is done and the commit transaction begins. */
  onCommit?: () => void | Promise<void>;
  /** Called inside the commit transaction after the rows were applied (the crash test kills there). */
  afterApply?: () => void | Promise<void>;
  /**
   * Runs the transactions that end the run (commit, or recording its failure). The job runner
   * passes its fenced `complete`, so a worker that lost its lease never commits; default
   * `db.transaction`.
   */
  transaction?: (fn: (tx: Transaction) => Promise<void>) => Promise<void>;
  /**
   * What an unexpected error (database gone, a bug) does: `fail` marks the run failed (a
   * direct call), `throw` leaves it running for the job runner's retry. Row problems and
   * `AppError`s always fail the run.
   */
  onError?: 'fail' | 'throw';
}

export function progressOf(run: ImportRun) {
  // Everything staged and still running: the commit transaction is under way.
  const phase =
    run.status === 'running'
      ? run.rowsTotal > 0 && run.rowsDone >= run.rowsTotal
        ? 'committing'
        : 'staging'
      : (run.status as string);
  return {
    phase,
    rowsDone: run.rowsDone,
    rowsTotal: run.rowsTotal,
    percent: run.rowsTotal > 0 ? Math.min(100, Math.floor((run.rowsDone / run.rowsTotal) * 100)) : 0,
  };
}

/** The commit refused some rows (a constraint of the database): which ones and why. */
class CommitRejected extends Error {
  constructor(readonly errors: RowError[]) {
    super(`commit rejected ${errors.length} rows`);
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the row's fault, not the server's. */
function rowFault(error: unknown) {
  const pg = pgErrorOf(error);
  return pg && /^2[23]/.test(pg.code) ? pg : null;
}

function commitRowError(
  run: ImportRun,
  line: number,
  fault: NonNullable<ReturnType<typeof rowFault>>,
  locale: Locale,
  lastLine?: number,
): RowError {
  const column = constraintColumn(run.entity, fault.constraint);
  // The CSV field of that column (account_id ← "account", owner_id ← "ownerEmail") and its header.
  const fieldKey =
    column === 'account_id'
      ? 'account'
      : column === 'owner_id'
        ? 'ownerEmail'
        : column === 'primary_contact_id'
          ? 'primaryContact'
          : column?.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const index = fieldKey ? run.mapping?.[fieldKey] : undefined;
  const key =
    fault.code === '23503'
      ? 'csv.commitReference'
      : fault.code === '23505'
        ? 'csv.commitUnique'
        : fault.code === '23502'
          ? 'csv.commitRequired'
          : 'csv.commitInvalid';
  const params = { constraint: fault.constraint ?? fault.code };
  const message = translate(locale, key, params);
  return {
    line,
    column: index === undefined ? null : (run.headers[index] ?? null),
    key,
    message:
      lastLine && lastLine !== line
        ? translate(locale, 'csv.commitLines', { from: line, to: lastLine, message })
        : message,
  };
}

/**
 * Applies the staged rows chunk by chunk, each in a savepoint of the caller's one transaction.
 * A chunk the database refuses is applied again row by row to name the rows at fault; then the
 * whole transaction is rolled back by CommitRejected, so the import stays all-or-nothing.
 */
async function applyInChunks(
  tx: Transaction,
  run: ImportRun,
  actorId: string,
  locale: Locale,
): Promise<CommitCounts> {
  const total: CommitCounts = { created: 0, updated: 0, skipped: 0 };
  const rejected: RowError[] = [];
  const [bounds] = await tx
    .select({
      min: sql<number | null>`min(${importRows.rowNo})`,
      max: sql<number | null>`max(${importRows.rowNo})`,
    })
    .from(importRows)
    .where(eq(importRows.runId, run.id));
  if (bounds?.min == null || bounds.max == null) return total;
  const first = Number(bounds.min);
  const last = Number(bounds.max);
  for (let from = first; from <= last && rejected.length < rejectedLimit; from += commitChunkRows) {
    const range = { from, to: from + commitChunkRows - 1 };
    try {
      const counts = await tx.transaction((sp) => applyStagedRows(sp, run.entity, run.id, actorId, range));
      total.created += counts.created;
      total.updated += counts.updated;
      total.skipped += counts.skipped;
    } catch (error) {
      const fault = rowFault(error);
      if (!fault) throw error;
      const before = rejected.length;
      const lines = await tx
        .select({ rowNo: importRows.rowNo })
        .from(importRows)
        .where(and(eq(importRows.runId, run.id), between(importRows.rowNo, range.from, range.to)))
        .orderBy(importRows.rowNo);
      for (const { rowNo } of lines) {
        try {
          await tx.transaction((sp) =>
            applyStagedRows(sp, run.entity, run.id, actorId, { from: rowNo, to: rowNo }),
          );
        } catch (rowError) {
          const rowProblem = rowFault(rowError);
          if (!rowProblem) throw rowError;
          rejected.push(commitRowError(run, rowNo, rowProblem, locale));
          if (rejected.length >= rejectedLimit) break;
        }
      }
      // Each row alone is fine: they conflict with each other (two new rows, one unique value).
      if (rejected.length === before)
        rejected.push(
          commitRowError(run, lines[0]?.rowNo ?? range.from, fault, locale, lines.at(-1)?.rowNo ?? range.to),
        );
    }
  }
  if (rejected.length > 0) throw new CommitRejected(rejected);
  return total;
}

async function failRunIn(
  tx: Transaction,
  run: ImportRun,
  key: string,
  locale: Locale,
  report?: ImportReport,
) {
  await tx.delete(importRows).where(eq(importRows.runId, run.id));
  const failed = await tx
    .update(importRuns)
    .set({
      status: 'failed',
      error: key,
      ...(report ? { report: report as unknown as Record<string, unknown> } : {}),
      finishedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(importRuns.id, run.id), eq(importRuns.status, 'running')))
    .returning({ id: importRuns.id });
  if (failed.length > 0) {
    await notify(tx, {
      userIds: [run.createdBy],
      kind: 'import.failed',
      params: { importId: run.id, fileName: run.fileName, reason: translate(locale, key) },
      dedupeKey: `import-finished:${run.id}`,
    });
  }
}

/**
 * The job: re-validates every row against the database as it is now, stages the resolved rows
 * in batches (progress and heartbeat after each), then applies them in one transaction that
 * also marks the run completed and notifies the user. Safe to run again after a crash at any
 * point: staged rows are keyed by (run, row) and skipped when already there, and a completed
 * run is never applied twice (the commit locks the run and checks its status).
 */
export async function runImportJob(
  db: Database,
  principal: Principal,
  id: string,
  options: JobOptions = {},
): Promise<ImportRun> {
  const staff = requireStaff(principal);
  const batchSize = options.batchSize ?? 1000;
  const transaction = options.transaction ?? ((fn) => db.transaction(fn));
  const run = await loadRun(db, principal, id);
  if (run.status !== 'running') return run;
  const locale = (run.report as ImportReport | null)?.locale ?? principal.locale;
  const fail = (key: string, report?: ImportReport) =>
    transaction((tx) => failRunIn(tx, run, key, locale, report));
  const report: ImportReport = {
    rows: 0,
    valid: 0,
    errorCount: 0,
    errors: [],
    duplicateCount: 0,
    duplicates: [],
    mappingErrors: [],
    locale,
  };
  try {
    const decisions = decisionsSchema.parse(run.decisions ?? {});
    const validator = rowValidator({
      entity: run.entity,
      headers: run.headers,
      mapping: run.mapping ?? {},
      principal: staff,
      locale,
      existing: await loadExistingIndex(db, run.entity),
    });
    // What an earlier, interrupted attempt staged already is not written again.
    const staged = new Set(
      (await db.select({ rowNo: importRows.rowNo }).from(importRows).where(eq(importRows.runId, id))).map(
        (r) => r.rowNo,
      ),
    );
    let batch: (typeof importRows.$inferInsert)[] = [];
    let done = 0;
    let stagedNow = 0;
    const flush = async () => {
      // One JSON parameter per batch instead of five per row: the statement stays small and
      // postgres.js / PGlite parse one value (staging 100k rows: 50 s → 22 s, `pnpm bench csv-import`).
      if (batch.length > 0) {
        const rows = batch.map((r) => ({
          row_no: r.rowNo,
          action: r.action,
          target_id: r.targetId,
          data: r.data,
        }));
        await db.execute(
          sql`insert into import_rows (run_id, row_no, action, target_id, data)
              select ${id}::uuid, r.row_no, r.action::import_row_action, r.target_id, r.data
              from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(row_no int, action text, target_id uuid, data jsonb)
              on conflict do nothing`,
        );
        stagedNow += batch.length;
      }
      batch = [];
      await db
        .update(importRuns)
        .set({ rowsDone: done, heartbeatAt: new Date(), updatedAt: new Date() })
        .where(and(eq(importRuns.id, id), eq(importRuns.status, 'running')));
      await options.onBatch?.(done, stagedNow);
    };
    for await (const record of readCsv(run.content, run.delimiter as CsvDelimiter)) {
      if (record.line === 1) continue;
      report.rows++;
      const outcome = validator.validate(record.line, record.cells);
      if (!outcome.ok) {
        report.errorCount += outcome.errors.length;
        for (const e of outcome.errors) if (report.errors.length < reportLimit) report.errors.push(e);
      } else if (report.errorCount === 0 && !staged.has(record.line)) {
        const choice: MergeChoice = outcome.duplicate
          ? (decisions.rows[String(record.line)] ?? decisions.default)
          : 'create';
        batch.push({
          runId: id,
          rowNo: record.line,
          action: choice,
          targetId:
            choice === 'update' ? outcome.duplicate!.existingId : choice === 'create' ? randomUUID() : null,
          data: choice === 'update' ? outcome.updatable : outcome.data,
        });
      }
      done++;
      if (done % batchSize === 0 && report.errorCount === 0) await flush();
    }
    if (report.errorCount > 0) {
      // The data changed since the report (an owner deactivated, an account archived): write nothing.
      await fail('csv.changedSinceReport', report);
      return loadRun(db, principal, id);
    }
    await flush();
    await options.onCommit?.();
    await transaction(async (tx) => {
      const [current] = await tx.select().from(importRuns).where(eq(importRuns.id, id)).for('update');
      if (current?.status !== 'running') return;
      const counts = await applyInChunks(tx, run, staff.userId, locale);
      await options.afterApply?.();
      await tx.delete(importRows).where(eq(importRows.runId, id));
      const finishedAt = new Date();
      await tx
        .update(importRuns)
        .set({
          status: 'completed',
          rowsDone: run.rowsTotal,
          createdCount: counts.created,
          updatedCount: counts.updated,
          skippedCount: counts.skipped,
          finishedAt,
          heartbeatAt: finishedAt,
          updatedAt: finishedAt,
        })
        .where(eq(importRuns.id, id));
      await writeAudit(tx, principal, {
        action: 'complete',
        entity: 'import',
        entityId: id,
        changes: {
          created: [null, counts.created],
          updated: [null, counts.updated],
          skipped: [null, counts.skipped],
        },
      });
      await notify(tx, {
        userIds: [run.createdBy],
        kind: 'import.completed',
        params: {
          importId: id,
          fileName: run.fileName,
          created: counts.created,
          updated: counts.updated,
          skipped: counts.skipped,
        },
        dedupeKey: `import-finished:${id}`,
      });
    });
  } catch (error) {
    if (error instanceof CommitRejected) {
      // Rolled back: nothing of the file is in the tables. The report names the rows and why.
      await fail('csv.commitRejected', {
        ...report,
        errorCount: error.errors.length,
        errors: error.errors,
      });
      return loadRun(db, principal, id);
    }
    if (error instanceof AppError || options.onError !== 'throw') {
      await fail(error instanceof AppError ? error.key : 'errors.internal');
    }
    throw error;
  }
  return loadRun(db, principal, id);
}

/** The number of rows the run has staged (tests look at it to prove a kill left no domain rows). */
export async function stagedRowCount(db: Database, id: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importRows)
    .where(eq(importRows.runId, id));
  return Number(row?.n ?? 0);
}
