/**
 * The segment scanner shared by X12 and EDIFACT: finds terminators with indexOf (honouring the
 * EDIFACT release character), skips CR/LF after terminators, marks segments that contain wrapped
 * CR/LF or release characters, and stops after the trailer (IEA / UNZ) or at `limit`.
 */
import { FLAG_DIRTY, FLAG_RELEASE, FLAG_UNTERMINATED, type SegmentList } from './segments.ts';

const CR = 13;
const LF = 10;

/** A problem found while scanning, attributed later to its message by the envelope validator. */
export interface ScanIssue {
  segmentIndex: number;
  code: string;
  message: string;
  elementPosition?: number;
  offset: number;
}

/**
 * Next occurrence of one character at or after a position, remembered between calls. Searches only
 * move forward within a file, so each character costs one pass over the text in total — also for a
 * mailbag of thousands of interchanges.
 */
export class CharCursor {
  private at = -1;
  private from = 0;
  constructor(
    private readonly text: string,
    private readonly ch: string,
  ) {}

  /** Position of the next occurrence ≥ pos, or Number.MAX_SAFE_INTEGER when there is none. */
  next(pos: number): number {
    if (this.at === Number.MAX_SAFE_INTEGER && pos >= this.from) return this.at;
    if (this.at >= pos && pos >= this.from) return this.at;
    const k = this.text.indexOf(this.ch, pos);
    this.from = pos;
    this.at = k < 0 ? Number.MAX_SAFE_INTEGER : k;
    return this.at;
  }
}

/** One cursor per character for a whole file. */
export class Cursors {
  private readonly map = new Map<string, CharCursor>();
  constructor(private readonly text: string) {}

  for(ch: string): CharCursor {
    let c = this.map.get(ch);
    if (!c) {
      c = new CharCursor(this.text, ch);
      this.map.set(ch, c);
    }
    return c;
  }
}

export interface ScanResult {
  /** Position after the last consumed character. */
  end: number;
  /** True when the trailer segment was found. */
  complete: boolean;
  issues: ScanIssue[];
}

function isReleased(text: string, at: number, from: number, rel: number): boolean {
  let n = 0;
  let k = at - 1;
  while (k >= from && text.charCodeAt(k) === rel) {
    n++;
    k--;
  }
  return (n & 1) === 1;
}

/** True for whitespace and the filler characters some systems append (NUL, SUB/Ctrl-Z). */
export function isFiller(c: number): boolean {
  return c === 32 || c === 9 || c === CR || c === LF || c === 0 || c === 0x1a || c === 12;
}

export function scanSegments(
  text: string,
  from: number,
  limit: number,
  list: SegmentList,
  trailerTag: string,
  cursors: Cursors = new Cursors(text),
): ScanResult {
  const d = list.delimiters;
  const term = d.segment;
  const relCode = d.release === '' ? -1 : d.release.charCodeAt(0);
  const termCode = term.charCodeAt(0);
  const crIsData = termCode !== CR;
  const lfIsData = termCode !== LF;
  const issues: ScanIssue[] = [];
  const crCursor = cursors.for('\r');
  const lfCursor = cursors.for('\n');
  const relCursor = relCode >= 0 ? cursors.for(d.release) : undefined;
  let pos = from;
  let complete = false;

  while (pos < limit) {
    let c = text.charCodeAt(pos);
    while (c === CR || c === LF) {
      pos++;
      if (pos >= limit) break;
      c = text.charCodeAt(pos);
    }
    if (pos >= limit) break;

    let e = text.indexOf(term, pos);
    if (relCode >= 0) {
      while (e >= 0 && e < limit && isReleased(text, e, pos, relCode)) e = text.indexOf(term, e + 1);
    }
    let flags = 0;
    let next: number;
    if (e < 0 || e >= limit) {
      e = limit;
      while (e > pos && isFiller(text.charCodeAt(e - 1))) e--;
      if (e <= pos) {
        pos = limit;
        break;
      }
      flags |= FLAG_UNTERMINATED;
      next = limit;
    } else next = e + 1;

    if (crIsData && crCursor.next(pos) < e) flags |= FLAG_DIRTY;
    if (lfIsData && lfCursor.next(pos) < e) flags |= FLAG_DIRTY;
    if (relCursor && relCursor.next(pos) < e) {
      flags |= FLAG_RELEASE;
      checkEscapes(text, pos, e, d, list.length, issues, (flags & FLAG_UNTERMINATED) !== 0);
    }
    list.push(pos, e, flags);
    pos = next;
    if (list.is(list.length - 1, trailerTag)) {
      complete = true;
      break;
    }
  }
  return { end: pos, complete, issues };
}

function checkEscapes(
  text: string,
  start: number,
  end: number,
  d: { element: string; component: string; repetition: string; segment: string; release: string },
  segmentIndex: number,
  issues: ScanIssue[],
  unterminated: boolean,
): void {
  const rel = d.release.charCodeAt(0);
  const service = d.element + d.component + d.segment + d.release + d.repetition;
  const elemCode = d.element.charCodeAt(0);
  let element = 0;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === elemCode) {
      element++;
      continue;
    }
    if (c !== rel) continue;
    const released = text[k + 1];
    if (k + 1 >= end && unterminated) {
      issues.push({
        segmentIndex,
        code: '21',
        message: `Release character "${d.release}" at the end of the data releases nothing.`,
        elementPosition: element,
        offset: k,
      });
    } else if (released !== undefined && service.indexOf(released) < 0) {
      issues.push({
        segmentIndex,
        code: '21',
        message: `Release character "${d.release}" is followed by "${released}", which is not a service character; write "${d.release}${d.release}" for a literal "${d.release}".`,
        elementPosition: element,
        offset: k,
      });
    } else if (released === d.segment && looksLikeSegmentStart(text, k + 2)) {
      issues.push({
        segmentIndex,
        code: '21',
        message: `Release character "${d.release}" before the segment terminator makes the terminator data and merges the next segment into this one; a literal "${d.release}" at the end of a value must be written "${d.release}${d.release}".`,
        elementPosition: element,
        offset: k,
      });
    }
    k++;
  }
}

/**
 * After an escaped terminator, a line break means the writer ended the segment there (files laid
 * out one segment per line): the release character was meant as data. Anything else may be a
 * legitimate escaped apostrophe, so it is left to the segment counts to catch.
 */
function looksLikeSegmentStart(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === CR || c === LF;
}
