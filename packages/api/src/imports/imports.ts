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
  type ImportEntity,
  type ImportRun,
  importRows,
  importRuns,
  type Locale,
} from '@konsort/db';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { csvColumns, importableFields, suggestMapping } from '../csv/columns.ts';
import { type CsvDelimiter, decodeCsv, detectDelimiter, previewCsv, readCsv } from '../csv/read.ts';
import { AppError, notFound } from '../errors.ts';
import { translate } from '../i18n/messages.ts';
import { assertCan } from '../policy/index.ts';
import type { InternalUser, Principal } from '../principal.ts';
import { applyStagedRows } from './commit.ts';
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
/** A running import whose job has not reported for this long was killed; it may be resumed. */
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

/** What a page shows of a run: never the file itself. */
export function publicRun(run: ImportRun, now = new Date()) {
  const { content: _content, ...rest } = run;
  const stale =
    run.status === 'running' &&
    (!run.heartbeatAt || now.getTime() - run.heartbeatAt.getTime() > staleAfterMs);
  return { ...rest, report: run.report as ImportReport | null, stale, fields: csvColumns[run.entity] };
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
  return { ...publicRun(run), sample, progress: progressOf(run) };
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

/**
 * Starts (or, after a crash, resumes) an import whose report has no errors. Returns at once;
 * the caller runs `runImportJob`. A run already running with a live job is a CONFLICT.
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
    if (run.status === 'running') {
      if (!publicRun(run, now).stale) throw new AppError('CONFLICT', 'csv.alreadyRunning');
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
    await writeAudit(tx, principal, {
      action: run.status === 'running' ? 'resume' : 'start',
      entity: 'import',
      entityId: run.id,
      changes: { decisions: [null, decisions] },
    });
    return publicRun(started!);
  });
}

export interface JobOptions {
  batchSize?: number;
  /** Called after each staged batch (tests and the benchmark watch progress through it). */
  onBatch?: (rowsDone: number) => void | Promise<void>;
  /** Called when the staging is done and the commit transaction begins. */
  onCommit?: () => void | Promise<void>;
  /** Called inside the commit transaction after the rows were applied (the crash test kills there). */
  afterApply?: () => void | Promise<void>;
}

/** Rows in the commit phase are not in the table until it ends: the page shows the phase instead. */
const committing = new Set<string>();

export function progressOf(run: ImportRun) {
  const phase =
    run.status === 'running' ? (committing.has(run.id) ? 'committing' : 'staging') : (run.status as string);
  return {
    phase,
    rowsDone: run.rowsDone,
    rowsTotal: run.rowsTotal,
    percent: run.rowsTotal > 0 ? Math.min(100, Math.floor((run.rowsDone / run.rowsTotal) * 100)) : 0,
  };
}

async function failRun(db: Database, id: string, key: string, report?: ImportReport) {
  await db.transaction(async (tx) => {
    await tx.delete(importRows).where(eq(importRows.runId, id));
    await tx
      .update(importRuns)
      .set({
        status: 'failed',
        error: key,
        ...(report ? { report: report as unknown as Record<string, unknown> } : {}),
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(importRuns.id, id), eq(importRuns.status, 'running')));
  });
}

/**
 * The job: re-validates every row against the database as it is now, stages the resolved rows
 * in batches (progress and heartbeat after each), then applies them in one transaction that
 * also marks the run completed. Safe to run again after a crash at any point: staged rows are
 * keyed by (run, row), and a completed run is never applied twice.
 */
export async function runImportJob(
  db: Database,
  principal: Principal,
  id: string,
  options: JobOptions = {},
): Promise<ImportRun> {
  const staff = requireStaff(principal);
  const batchSize = options.batchSize ?? 1000;
  const run = await loadRun(db, principal, id);
  if (run.status !== 'running') return run;
  const decisions = decisionsSchema.parse(run.decisions ?? {});
  const locale = (run.report as ImportReport | null)?.locale ?? principal.locale;
  const validator = rowValidator({
    entity: run.entity,
    headers: run.headers,
    mapping: run.mapping ?? {},
    principal: staff,
    locale,
    existing: await loadExistingIndex(db, run.entity),
  });
  const staged = new Set(
    (await db.select({ rowNo: importRows.rowNo }).from(importRows).where(eq(importRows.runId, id))).map(
      (r) => r.rowNo,
    ),
  );
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
  let batch: (typeof importRows.$inferInsert)[] = [];
  let done = 0;
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
    }
    batch = [];
    await db
      .update(importRuns)
      .set({ rowsDone: done, heartbeatAt: new Date(), updatedAt: new Date() })
      .where(and(eq(importRuns.id, id), eq(importRuns.status, 'running')));
    await options.onBatch?.(done);
  };
  try {
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
  } catch (error) {
    await failRun(db, id, error instanceof AppError ? error.key : 'errors.internal');
    throw error;
  }
  if (report.errorCount > 0) {
    // The data changed since the report (an owner deactivated, an account archived): write nothing.
    await failRun(db, id, 'csv.changedSinceReport', report);
    return loadRun(db, principal, id);
  }
  await flush();
  committing.add(id);
  try {
    await options.onCommit?.();
    await db.transaction(async (tx) => {
      const [current] = await tx.select().from(importRuns).where(eq(importRuns.id, id)).for('update');
      if (current?.status !== 'running') return;
      const counts = await applyStagedRows(tx, run.entity, id, staff.userId);
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
    });
  } catch (error) {
    await failRun(db, id, 'errors.internal');
    throw error;
  } finally {
    committing.delete(id);
  }
  return loadRun(db, principal, id);
}

/**
 * Runs the job in the background of this process: the request that started it returns at once
 * and the page polls the progress. A failure is recorded on the run (status failed).
 */
export function scheduleImportJob(
  db: Database,
  principal: Principal,
  id: string,
  options: JobOptions = {},
): void {
  void runImportJob(db, principal, id, options).catch((error: unknown) => {
    if (!(error instanceof AppError)) console.error('csv import failed', id, error);
  });
}

/** The number of rows the run has staged (tests look at it to prove a kill left no domain rows). */
export async function stagedRowCount(db: Database, id: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importRows)
    .where(eq(importRows.runId, id));
  return Number(row?.n ?? 0);
}
