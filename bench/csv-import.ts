/**
 * csv-import: a 100k-row account CSV (German Excel dialect: `;`, Windows-1252-safe text,
 * owner e-mails, VAT IDs) through the whole import — upload (decode, parse), validation report,
 * and the job on the job runner (re-validation, staging in batches, one commit transaction with
 * audit entries, in savepoint chunks) —
 * on PostgreSQL, with 10k accounts already there and 1% of the rows duplicates merged as
 * updates. Reports rows/s per phase and the process's peak RSS.
 *
 * Baseline in the same run: the same 100k records, already typed, sent raw through postgres.js
 * as multi-row INSERTs in one transaction (no parsing, validation, duplicate detection or audit).
 * `ratios.time_import_vs_raw_insert` says how many times longer the import takes than that floor.
 *
 * Size: `pnpm bench csv-import --rows=20000` (or KONSORT_BENCH_CSV_ROWS) for a smaller run.
 */
import {
  getImport,
  principalFromUser,
  registerImportJobs,
  startImport,
  uploadImport,
  validateImport,
} from '@konsort/api';
import { JobRunner } from '@konsort/api/jobs';
import { accounts, openDatabase, users } from '@konsort/db';
import { withDatabase } from '@konsort/db/testing';
import postgres from 'postgres';
import { benchEnv } from './env.ts';
import { printTable, round, timeMs, writeResult } from './lib.ts';

const DB = 'konsort_bench_csv';

function flag(name: string, env: string | undefined, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(arg ? arg.slice(name.length + 3) : (env ?? fallback));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const cities = ['München', 'Köln', 'Düsseldorf', 'Nürnberg', 'Straßburg', 'Berlin', 'Hamburg', 'Würzburg'];
const streets = ['Hauptstraße', 'Bahnhofstraße', 'Schloßallee', 'Gartenweg', 'Mühlenstraße', 'Am Markt'];

/** DE + 9 digits, unique per index. */
const vatOf = (i: number) => `DE${String(100_000_000 + i).padStart(9, '0')}`;

function csvOf(rows: number, existing: number, ownerEmail: string): string {
  const lines = [
    'Name;Typ;Branche;USt-IdNr.;Website;Telefon;Straße;PLZ;Ort;Land;Verantwortlich (E-Mail);Notizen',
  ];
  const duplicates = Math.floor(rows / 100);
  for (let i = 0; i < rows; i++) {
    // The first 1% name existing accounts by VAT ID: the report lists them, the job updates them.
    const n = i < duplicates ? i % existing : existing + i;
    const city = cities[i % cities.length]!;
    lines.push(
      [
        `Müller & Söhne ${n} GmbH`,
        i % 3 === 0 ? 'Kunde' : 'Interessent',
        'Maschinenbau',
        vatOf(n),
        `https://www.firma-${n}.example`,
        `+49 89 ${100000 + (i % 900000)}`,
        `${streets[i % streets.length]} ${(i % 200) + 1}`,
        String(10000 + (i % 89999)).padStart(5, '0'),
        city,
        'DE',
        ownerEmail,
        i % 10 === 0 ? '"Notiz mit ""Anführungszeichen""; und Semikolon"' : '',
      ].join(';'),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function csvImport() {
  const rows = flag('rows', process.env.KONSORT_BENCH_CSV_ROWS, 100_000);
  const existing = 10_000;
  const admin = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB}`);
  await admin.end();
  const url = withDatabase(benchEnv.KONSORT_BENCH_ADMIN_URL, DB);
  const handle = await openDatabase({ url, maxConnections: 4 });
  if (handle.raw.kind !== 'postgres') throw new Error('csv-import needs PostgreSQL');
  const raw = handle.raw.client;
  try {
    const [manager] = await handle.db
      .insert(users)
      .values({
        email: 'leitung@bench.example',
        name: 'Leitung',
        role: 'manager',
        passwordHash: 'x',
        locale: 'de',
      })
      .returning();
    const principal = principalFromUser(manager!);
    const seed = Array.from({ length: existing }, (_, n) => ({
      name: `Müller & Söhne ${n} GmbH`,
      vatId: vatOf(n),
      street: 'Altweg 1',
      postalCode: '80331',
      city: 'München',
      country: 'DE',
      ownerId: manager!.id,
    }));
    for (let i = 0; i < seed.length; i += 2000)
      await handle.db.insert(accounts).values(seed.slice(i, i + 2000));

    const text = csvOf(rows, existing, manager!.email);
    const bytes = Buffer.from(text, 'utf8');

    // Peak RSS of this process (the portal's process in production) while the import runs.
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    let runId = '';
    let suggested: Record<string, number> = {};
    const uploadMs = await timeMs(async () => {
      const run = await uploadImport(handle.db, principal, {
        entity: 'account',
        fileName: 'bench.csv',
        contentBase64: bytes.toString('base64'),
      });
      runId = run.id;
      suggested = run.mapping ?? {};
    });
    let report: { errorCount: number; duplicateCount: number } | null = null;
    const validateMs = await timeMs(async () => {
      const validated = await validateImport(handle.db, principal, { id: runId, mapping: suggested });
      report = validated.report;
    });
    if (!report || (report as { errorCount: number }).errorCount > 0) {
      throw new Error(`the bench file has errors: ${JSON.stringify(report).slice(0, 500)}`);
    }
    let commitStarted = 0;
    let stagingMs = 0;
    const jobStart = performance.now();
    // As in the portal: start enqueues the job, a job runner claims and runs it.
    await startImport(handle.db, principal, { id: runId, decisions: { default: 'update', rows: {} } });
    const runner = new JobRunner({ db: handle.db, workerId: 'bench' });
    registerImportJobs(runner, handle.db, {
      run: {
        onCommit: () => {
          commitStarted = performance.now();
          stagingMs = commitStarted - jobStart;
        },
      },
    });
    if ((await runner.drain()) !== 1) throw new Error('the import job did not run');
    const done = await getImport(handle.db, principal, runId);
    const commitMs = performance.now() - commitStarted;
    const jobMs = performance.now() - jobStart;
    clearInterval(sampler);
    const peakRss = Math.max(peak, process.memoryUsage().rss);
    if (done.status !== 'completed') throw new Error(`import ended ${done.status}: ${done.error}`);

    // Baseline: the same records typed, raw multi-row INSERTs in one transaction.
    await raw.unsafe(`DELETE FROM accounts WHERE name LIKE 'Raw %'`);
    const typed = text
      .split('\r\n')
      .slice(1, -1)
      .map((line, i) => {
        const c = line.split(';');
        return {
          name: `Raw ${i} ${c[0]}`,
          type: c[1] === 'Kunde' ? 'customer' : 'prospect',
          industry: c[2]!,
          vat_id: `XX${i}`,
          website: c[4]!,
          phone: c[5]!,
          street: c[6]!,
          postal_code: c[7]!,
          city: c[8]!,
          country: 'DE',
          owner_id: manager!.id,
        };
      });
    const rawMs = await timeMs(() =>
      raw.begin(async (tx) => {
        for (let i = 0; i < typed.length; i += 4000)
          await tx`insert into accounts ${tx(typed.slice(i, i + 4000))}`;
      }),
    );

    const perSecond = (ms: number) => Math.round(rows / (ms / 1000));
    const totalMs = uploadMs + validateMs + jobMs;
    const table = [
      { phase: 'upload (decode, parse, store)', ms: round(uploadMs, 0), rowsPerS: perSecond(uploadMs) },
      { phase: 'validation report', ms: round(validateMs, 0), rowsPerS: perSecond(validateMs) },
      { phase: 'job: re-validate + stage', ms: round(stagingMs, 0), rowsPerS: perSecond(stagingMs) },
      { phase: 'job: commit (one transaction)', ms: round(commitMs, 0), rowsPerS: perSecond(commitMs) },
      { phase: 'import, end to end', ms: round(totalMs, 0), rowsPerS: perSecond(totalMs) },
      { phase: 'baseline: raw multi-row INSERT', ms: round(rawMs, 0), rowsPerS: perSecond(rawMs) },
    ];
    printTable(
      `csv-import — ${rows} rows (${(bytes.length / 2 ** 20).toFixed(1)} MiB), ${existing} accounts existing`,
      table,
    );
    const rssMiB = (b: number) => round(b / 2 ** 20, 1);
    printTable('memory', [
      { metric: 'rss before (MiB)', value: rssMiB(rssBefore) },
      { metric: 'peak rss (MiB)', value: rssMiB(peakRss) },
      { metric: 'peak − before (MiB)', value: rssMiB(peakRss - rssBefore) },
    ]);
    return writeResult({
      name: 'csv-import',
      rows: [
        ...table,
        {
          phase: 'counts',
          created: done.createdCount,
          updated: done.updatedCount,
          skipped: done.skippedCount,
        },
        {
          phase: 'memory',
          rssBeforeMiB: rssMiB(rssBefore),
          peakRssMiB: rssMiB(peakRss),
          fileMiB: rssMiB(bytes.length),
        },
      ],
      ratios: {
        rows_per_s_end_to_end: perSecond(totalMs),
        time_import_vs_raw_insert: round(totalMs / rawMs, 2),
        time_commit_vs_raw_insert: round(commitMs / rawMs, 2),
        peak_rss_mib: rssMiB(peakRss),
      },
      notes: [
        `${rows} rows, ${Math.floor(rows / 100)} of them duplicates (by VAT ID) of ${existing} existing accounts, merged as updates`,
        'the import job runs on a JobRunner in this process; peak RSS is this process sampled every 20 ms',
        'baseline: the same records typed, raw multi-row INSERTs (4000 rows each) in one transaction, no audit',
      ],
    });
  } finally {
    await handle.close();
    const drop = postgres(benchEnv.KONSORT_BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
    await drop.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await drop.end();
  }
}
