/**
 * Reading uploaded CSV files: encoding (UTF-8 with or without BOM, else Windows-1252, which is
 * what German Excel writes), delimiter (`,`, `;` or tab, counted outside quotes in the header
 * line) and a streaming parse with csv-parse that yields one record at a time.
 */
import { type CsvError, parse } from 'csv-parse';
import { AppError } from '../errors.ts';

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Not valid UTF-8: every byte sequence is valid Windows-1252 (the superset of Latin-1 Excel uses).
    return { text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252' };
  }
}

export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

export interface CsvRecord {
  /** Line of the file where the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

/** A malformed file (open quote, stray quote…) → a BAD_REQUEST naming the line, in the user's language. */
function fileError(error: unknown): AppError {
  const e = error as Partial<CsvError> & { lines?: number };
  return new AppError('BAD_REQUEST', 'csv.malformed', { line: e.lines ?? 0, reason: e.code ?? 'CSV' });
}

/** Streams the records of `text`, header included as the first. */
export async function* readCsv(text: string, delimiter: CsvDelimiter): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    info: true,
  });
  const chunk = 256 * 1024;
  // Feed the text in chunks as a stream would; csv-parse keeps memory to one chunk plus a record.
  let offset = 0;
  const feed = () => {
    while (offset < text.length) {
      const more = parser.write(text.slice(offset, offset + chunk));
      offset += chunk;
      if (!more) {
        parser.once('drain', feed);
        return;
      }
    }
    parser.end();
  };
  feed();
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: item.info.lines, cells: item.record };
    }
  } catch (error) {
    throw fileError(error);
  }
}

/** The header row and up to `sample` data rows, for the mapping step. */
export async function previewCsv(text: string, delimiter: CsvDelimiter, sample = 5) {
  let headers: string[] | null = null;
  const rows: string[][] = [];
  let total = 0;
  for await (const record of readCsv(text, delimiter)) {
    if (!headers) headers = record.cells.map((c) => c.trim());
    else {
      total++;
      if (rows.length < sample) rows.push(record.cells);
    }
  }
  if (!headers || headers.every((h) => h === '')) throw new AppError('BAD_REQUEST', 'csv.empty');
  return { headers, rows, total };
}
