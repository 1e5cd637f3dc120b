/**
 * File → interchanges. Decodes bytes, finds each interchange (several per file, each with its own
 * delimiters), and tokenizes its segments lazily. Never throws for bad input.
 */
import { decodeInput } from './charset.ts';
import { looksLikeEdifactHeader, readEdifactHeader } from './edifact/tokenize.ts';
import { Cursors, isFiller, type ScanIssue, scanSegments } from './scan.ts';
import { FLAG_DIRTY, SegmentList } from './segments.ts';
import type { Delimiters, EdiError, Standard, TextEncodingName } from './types.ts';
import { type IsaHeaderResult, looksLikeIsa, readIsaHeader } from './x12/tokenize.ts';

export interface TokenizedInterchange {
  standard: Standard;
  delimiters: Delimiters;
  /** X12: ISA is segment 0. EDIFACT: UNB is segment 0 (the UNA is not a segment, see `una`). */
  segments: SegmentList;
  /** X12: the ISA elements as read by the tokenizer (index 0 = 'ISA'). */
  header?: string[];
  /** EDIFACT service string advice, when present. */
  una?: string;
  /** Character range in the decoded text. */
  start: number;
  end: number;
  /** The trailer (IEA / UNZ) was found. */
  complete: boolean;
  /** Problems found by the tokenizer (bad escapes, header advice problems). */
  issues: ScanIssue[];
  headerProblems: Array<{ code: string; message: string }>;
}

export interface ParsedFile {
  /** Standard of the first interchange ('unknown' when none was found). */
  standard: Standard | 'unknown';
  encoding: TextEncodingName;
  text: string;
  interchanges: TokenizedInterchange[];
  /** File-level findings: empty input, EBCDIC, unknown format, data outside interchanges. */
  errors: EdiError[];
}

export interface ParseOptions {
  /** Restrict to one standard; other interchanges are reported as unexpected data. */
  standard?: Standard;
}

function skipFiller(text: string, from: number): number {
  let k = from;
  while (k < text.length && isFiller(text.charCodeAt(k))) k++;
  return k;
}

/**
 * Finds where the next interchange header plausibly starts. Searches are monotonic within one
 * file, so each probe remembers its last answer: the whole file is scanned once per probe.
 */
class HeaderFinder {
  private readonly cache = new Map<string, { from: number; at: number }>();
  private lastIsa: { at: number; result: IsaHeaderResult } | undefined;
  constructor(
    private readonly text: string,
    private readonly standard: Standard | undefined,
  ) {}

  next(from: number): number {
    const probes =
      this.standard === 'x12'
        ? ['ISA']
        : this.standard === 'edifact'
          ? ['UNA', 'UNB']
          : ['ISA', 'UNA', 'UNB'];
    let best = -1;
    for (const probe of probes) {
      const at = this.probe(probe, from);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }

  private probe(probe: string, from: number): number {
    const c = this.cache.get(probe);
    if (c && c.from <= from && (c.at < 0 || c.at >= from)) return c.at;
    let k = this.text.indexOf(probe, from);
    while (k >= 0 && !this.isHeaderAt(k)) k = this.text.indexOf(probe, k + 1);
    this.cache.set(probe, { from, at: k });
    return k;
  }

  private isHeaderAt(p: number): boolean {
    const text = this.text;
    if (this.standard !== 'edifact' && text.startsWith('ISA', p) && looksLikeIsa(this.isa(p))) return true;
    return this.standard !== 'x12' && looksLikeEdifactHeader(text, p);
  }

  /** The ISA header at p, read once even when it is both a candidate and then tokenized. */
  isa(p: number): IsaHeaderResult {
    if (this.lastIsa?.at === p) return this.lastIsa.result;
    const result = readIsaHeader(this.text, p);
    this.lastIsa = { at: p, result };
    return result;
  }
}

function snippet(text: string, start: number, end: number): string {
  const s = text.slice(start, Math.min(end, start + 40));
  return JSON.stringify(s + (end - start > 40 ? '…' : ''));
}

function outsideError(text: string, start: number, end: number, first: boolean): EdiError {
  return first
    ? {
        level: 'interchange',
        code: 'UNKNOWN_FORMAT',
        message: `The data at offset ${start} is neither an X12 interchange (ISA) nor an EDIFACT interchange (UNA/UNB): ${snippet(text, start, end)}.`,
        offset: start,
      }
    : {
        level: 'interchange',
        code: 'DATA_OUTSIDE_INTERCHANGE',
        message: `${end - start} characters at offset ${start} are outside any interchange: ${snippet(text, start, end)}.`,
        offset: start,
      };
}

function tokenizeX12(
  text: string,
  p: number,
  errors: EdiError[],
  finder: HeaderFinder,
  cursors: Cursors,
): { ic?: TokenizedInterchange; next: number } {
  const r = finder.isa(p);
  if (!r.ok) {
    errors.push({ level: 'interchange', code: r.code, message: r.message, offset: p, segmentTag: 'ISA' });
    const next = finder.next(p + 3);
    return { next: next < 0 ? text.length : next };
  }
  const d = r.header.delimiters;
  const nextHeader = finder.next(r.header.terminatorIndex + 1);
  const limit = nextHeader < 0 ? text.length : nextHeader;
  const list = new SegmentList(text, d, 32);
  const headerRaw = text.slice(p, r.header.terminatorIndex);
  list.push(p, r.header.terminatorIndex, /[\r\n]/.test(headerRaw) ? FLAG_DIRTY : 0);
  const scan = scanSegments(text, r.header.terminatorIndex + 1, limit, list, 'IEA', cursors);
  return {
    ic: {
      standard: 'x12',
      delimiters: d,
      segments: list,
      header: r.header.elements,
      start: p,
      end: scan.end,
      complete: scan.complete,
      issues: scan.issues,
      headerProblems: [],
    },
    next: scan.end,
  };
}

function tokenizeEdifact(
  text: string,
  p: number,
  errors: EdiError[],
  finder: HeaderFinder,
  cursors: Cursors,
): { ic?: TokenizedInterchange; next: number } {
  const r = readEdifactHeader(text, p);
  if (!r.ok) {
    errors.push({ level: 'interchange', code: r.code, message: r.message, offset: p });
    const next = finder.next(p + 3);
    return { next: next < 0 ? text.length : next };
  }
  const { delimiters: d, unbIndex } = r.header;
  const nextHeader = finder.next(unbIndex + 3);
  const limit = nextHeader < 0 ? text.length : nextHeader;
  const list = new SegmentList(text, d, 32);
  const scan = scanSegments(text, unbIndex, limit, list, 'UNZ', cursors);
  return {
    ic: {
      standard: 'edifact',
      delimiters: d,
      segments: list,
      una: r.header.una,
      start: p,
      end: scan.end,
      complete: scan.complete,
      issues: scan.issues,
      headerProblems: r.header.problems,
    },
    next: scan.end,
  };
}

/** Tokenizes already-decoded text. */
export function tokenizeText(text: string, encoding: TextEncodingName, opts: ParseOptions = {}): ParsedFile {
  const errors: EdiError[] = [];
  const interchanges: TokenizedInterchange[] = [];
  let pos = skipFiller(text, 0);
  if (pos >= text.length) {
    errors.push({
      level: 'interchange',
      code: 'EMPTY',
      message: text.length === 0 ? 'The file is empty.' : 'The file contains only whitespace.',
    });
    return { standard: 'unknown', encoding, text, interchanges, errors };
  }
  const finder = new HeaderFinder(text, undefined);
  const strictFinder = new HeaderFinder(text, opts.standard);
  const cursors = new Cursors(text);
  let guard = 0;
  while (pos < text.length && guard++ < 1_000_000) {
    const kind = text.startsWith('ISA', pos)
      ? opts.standard === 'edifact'
        ? undefined
        : 'x12'
      : (text.startsWith('UNA', pos) || text.startsWith('UNB', pos)) && opts.standard !== 'x12'
        ? 'edifact'
        : undefined;
    if (kind === undefined) {
      const next = strictFinder.next(pos + 1);
      const end = next < 0 ? text.length : next;
      let trimmed = end;
      while (trimmed > pos && isFiller(text.charCodeAt(trimmed - 1))) trimmed--;
      errors.push(outsideError(text, pos, trimmed, interchanges.length === 0 && errors.length === 0));
      if (next < 0) break;
      pos = next;
      continue;
    }
    const r =
      kind === 'x12'
        ? tokenizeX12(text, pos, errors, finder, cursors)
        : tokenizeEdifact(text, pos, errors, finder, cursors);
    if (r.ic) interchanges.push(r.ic);
    pos = skipFiller(text, Math.max(r.next, pos + 1));
  }
  const standard = interchanges[0]?.standard ?? 'unknown';
  return { standard, encoding, text, interchanges, errors };
}

/** Decodes and tokenizes a file (bytes or string). */
export function parseInterchanges(input: Uint8Array | string, opts: ParseOptions = {}): ParsedFile {
  const decoded = decodeInput(input);
  if (decoded.error) {
    return {
      standard: 'unknown',
      encoding: decoded.encoding,
      text: '',
      interchanges: [],
      errors: [decoded.error],
    };
  }
  return tokenizeText(decoded.text, decoded.encoding, opts);
}
