/**
 * Leads from a CSV file (a trade-fair list, a purchased list): every row is checked first; one
 * bad row and nothing is written, the report names each row and field. Otherwise all rows are
 * captured in one transaction, each with its audit entry, source `csv`.
 */
import { type Database, leads } from '@konsort/db';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError } from '../errors.ts';
import { translate } from '../i18n/messages.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { domainFromEmail } from '../registrations/normalize.ts';
import { inTransaction } from '../tx.ts';
import { issueKeys } from '../validation.ts';
import { captureLeadInput } from './leads.ts';

export const MAX_LEAD_CSV_ROWS = 5000;

/** Header names we understand, German and English, compared in lower case without spaces. */
const headerAliases: Record<string, keyof z.input<typeof captureLeadInput>> = {
  company: 'companyName',
  companyname: 'companyName',
  firma: 'companyName',
  unternehmen: 'companyName',
  contact: 'contactName',
  contactname: 'contactName',
  ansprechpartner: 'contactName',
  kontakt: 'contactName',
  name: 'contactName',
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  phone: 'phone',
  telefon: 'phone',
  tel: 'phone',
  domain: 'domain',
  website: 'domain',
  webseite: 'domain',
  notes: 'notes',
  notizen: 'notes',
  bemerkung: 'notes',
};

export interface LeadCsvProblem {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  field: string;
  message: string;
}

export type LeadCsvResult = { imported: number; ids: string[]; problems: LeadCsvProblem[] };

function delimiterOf(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export async function importLeadsCsv(
  db: Database,
  principal: Principal,
  text: string,
): Promise<LeadCsvResult> {
  assertCan(principal, 'create', { type: 'lead' });
  const locale = principal.locale;
  const problem = (
    line: number,
    field: string,
    key: string,
    params: Record<string, string | number> = {},
  ) => ({
    line,
    field,
    message: translate(locale, key, params),
  });
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: delimiterOf(text),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { imported: 0, ids: [], problems: [problem(line, '', 'validation.invalid')] };
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0)
    return { imported: 0, ids: [], problems: [problem(1, '', 'validation.required')] };
  if (rows.length > MAX_LEAD_CSV_ROWS)
    throw new AppError('BAD_REQUEST', 'validation.tooBig', { maximum: MAX_LEAD_CSV_ROWS });
  const columns = header.map((h) => headerAliases[h.toLowerCase().replace(/[\s_]/g, '')] ?? null);
  if (!columns.includes('companyName'))
    return { imported: 0, ids: [], problems: [problem(1, 'companyName', 'validation.required')] };

  const problems: LeadCsvProblem[] = [];
  const valid: z.output<typeof captureLeadInput>[] = [];
  rows.forEach((cells, i) => {
    const line = i + 2;
    const values: Record<string, string> = {};
    columns.forEach((field, c) => {
      if (field && cells[c] !== undefined && cells[c] !== '') values[field] = cells[c]!;
    });
    const parsed = captureLeadInput.safeParse({ ...values, source: 'csv' });
    if (parsed.success) valid.push(parsed.data);
    else
      for (const issue of issueKeys(parsed.error.issues))
        problems.push(problem(line, issue.path, issue.key, issue.params));
  });
  if (problems.length > 0) return { imported: 0, ids: [], problems };

  const staffId = principal.kind === 'internal' ? principal.userId : null;
  const ids = await inTransaction(db, principal, async (tx) => {
    const created = await tx
      .insert(leads)
      .values(
        valid.map((v) => ({
          companyName: v.companyName,
          contactName: v.contactName ?? null,
          email: v.email ?? null,
          phone: v.phone ?? null,
          domain: v.domain ?? (v.email ? (domainFromEmail(v.email) ?? null) : null),
          notes: v.notes ?? null,
          source: 'csv' as const,
          ownerId: staffId,
          createdBy: staffId,
          apiKeyId: principal.kind === 'integration' ? principal.apiKeyId : null,
        })),
      )
      .returning();
    for (const row of created) {
      await writeAudit(tx, principal, {
        action: 'create',
        entity: 'lead',
        entityId: row.id,
        changes: diff(null, row, [
          'companyName',
          'contactName',
          'email',
          'phone',
          'domain',
          'notes',
          'source',
          'ownerId',
        ]),
      });
    }
    return created.map((r) => r.id);
  });
  return { imported: ids.length, ids, problems: [] };
}
