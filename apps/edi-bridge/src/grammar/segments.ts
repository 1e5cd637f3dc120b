/**
 * A compact, lazily split list of segments. The tokenizer only records where each segment starts
 * and ends (typed arrays, no per-segment objects); elements are split when asked for. Envelope
 * validation reads a handful of elements per segment, so most segments are never split at all.
 */
import type { Delimiters } from './types.ts';

/** The segment text contains CR/LF that are not the terminator (wrapped lines): strip on read. */
export const FLAG_DIRTY = 1;
/** The segment contains the release character (EDIFACT): split with escapes honoured. */
export const FLAG_RELEASE = 2;
/** The segment ended at the end of input (or the next interchange) without a terminator. */
export const FLAG_UNTERMINATED = 4;

const CR = 13;
const LF = 10;

export class SegmentList {
  readonly text: string;
  readonly delimiters: Delimiters;
  private starts: Int32Array;
  private ends: Int32Array;
  private flagBits: Uint8Array;
  private count = 0;
  private readonly sepCode: number;

  constructor(text: string, delimiters: Delimiters, capacity = 64) {
    this.text = text;
    this.delimiters = delimiters;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.flagBits = new Uint8Array(capacity);
    this.sepCode = delimiters.element.charCodeAt(0);
  }

  get length(): number {
    return this.count;
  }

  push(start: number, end: number, flags: number): void {
    if (this.count === this.starts.length) {
      const size = this.count * 2;
      const s = new Int32Array(size);
      s.set(this.starts);
      this.starts = s;
      const e = new Int32Array(size);
      e.set(this.ends);
      this.ends = e;
      const f = new Uint8Array(size);
      f.set(this.flagBits);
      this.flagBits = f;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.flagBits[this.count] = flags;
    this.count++;
  }

  /** Character offset of the segment's first character in the decoded text. */
  start(i: number): number {
    return this.starts[i] ?? -1;
  }

  /** Character offset of the segment's terminator (exclusive end of its content). */
  end(i: number): number {
    return this.ends[i] ?? -1;
  }

  flags(i: number): number {
    return this.flagBits[i] ?? 0;
  }

  /** The segment's text without terminator (and without wrapped-line CR/LF). */
  raw(i: number): string {
    const s = this.text.slice(this.starts[i], this.ends[i]);
    return ((this.flagBits[i] ?? 0) & FLAG_DIRTY) !== 0 ? stripCrLf(s) : s;
  }

  /** The segment tag (text before the first element separator). */
  tag(i: number): string {
    const start = this.starts[i] ?? 0;
    const end = this.ends[i] ?? 0;
    if (((this.flagBits[i] ?? 0) & FLAG_DIRTY) !== 0) {
      const r = this.raw(i);
      const k = r.indexOf(this.delimiters.element);
      return splitFirstComponent(k < 0 ? r : r.slice(0, k), this.delimiters);
    }
    let k = start;
    const text = this.text;
    const sep = this.sepCode;
    while (k < end && text.charCodeAt(k) !== sep) k++;
    const t = text.slice(start, k);
    return t.indexOf(this.delimiters.component) < 0 ? t : splitFirstComponent(t, this.delimiters);
  }

  /** True when the segment's tag equals `tag` (no allocation for clean segments). */
  is(i: number, tag: string): boolean {
    if (((this.flagBits[i] ?? 0) & FLAG_DIRTY) !== 0) return this.tag(i) === tag;
    const start = this.starts[i] ?? 0;
    const end = this.ends[i] ?? 0;
    const n = tag.length;
    if (end - start < n) return false;
    const text = this.text;
    for (let k = 0; k < n; k++) if (text.charCodeAt(start + k) !== tag.charCodeAt(k)) return false;
    if (start + n === end) return true;
    const c = text.charCodeAt(start + n);
    return c === this.sepCode || c === this.delimiters.component.charCodeAt(0);
  }

  /**
   * All elements, raw (EDIFACT escapes kept so components can still be split): index 0 is the tag,
   * index n the n-th element, matching the standards' numbering (ISA01 = [1]).
   */
  elements(i: number): string[] {
    const r = this.raw(i);
    if (((this.flagBits[i] ?? 0) & FLAG_RELEASE) === 0) return r.split(this.delimiters.element);
    return splitEscaped(r, this.delimiters.element, this.delimiters.release);
  }

  /** Raw element n (1-based) or '' when absent; does not split the whole segment. */
  element(i: number, n: number): string {
    const f = this.flagBits[i] ?? 0;
    if ((f & (FLAG_DIRTY | FLAG_RELEASE)) !== 0) return this.elements(i)[n] ?? '';
    const text = this.text;
    const end = this.ends[i] ?? 0;
    let pos = this.starts[i] ?? 0;
    const sep = this.delimiters.element;
    for (let k = 0; k < n; k++) {
      const next = text.indexOf(sep, pos);
      if (next < 0 || next >= end) return '';
      pos = next + 1;
    }
    const next = text.indexOf(sep, pos);
    return text.slice(pos, next < 0 || next > end ? end : next);
  }

  /** Text and bounds found by the last `locate` (no allocation for clean segments). */
  lt = '';
  ls = 0;
  le = 0;

  /**
   * Locates element n (component c when > 0) of segment i and stores its bounds in lt/ls/le.
   * Returns false when it is absent or empty. Escaped or wrapped segments are located on their
   * unescaped value instead.
   */
  locate(i: number, n: number, c = 0): boolean {
    const f = this.flagBits[i] ?? 0;
    if ((f & (FLAG_DIRTY | FLAG_RELEASE)) !== 0) {
      const v = c === 0 ? this.value(i, n) : this.component(i, n, c);
      this.lt = v;
      this.ls = 0;
      this.le = v.length;
      return v.length > 0;
    }
    const text = this.text;
    const end = this.ends[i] ?? 0;
    let pos = this.starts[i] ?? 0;
    const sep = this.delimiters.element;
    for (let k = 0; k < n; k++) {
      const next = text.indexOf(sep, pos);
      if (next < 0 || next >= end) return false;
      pos = next + 1;
    }
    let e = text.indexOf(sep, pos);
    if (e < 0 || e > end) e = end;
    if (c > 0) {
      const comp = this.delimiters.component;
      for (let k = 1; k < c; k++) {
        const next = text.indexOf(comp, pos);
        if (next < 0 || next >= e) return false;
        pos = next + 1;
      }
      const ce = text.indexOf(comp, pos);
      if (ce >= 0 && ce < e) e = ce;
    }
    this.lt = text;
    this.ls = pos;
    this.le = e;
    return e > pos;
  }

  /**
   * The tag packed into a number (see `tagCodeOf`) without allocating; -1 when the tag is not
   * 2–3 ASCII characters.
   */
  tagCode(i: number): number {
    const f = this.flagBits[i] ?? 0;
    if ((f & FLAG_DIRTY) !== 0) return tagCodeOf(this.tag(i));
    const text = this.text;
    const end = this.ends[i] ?? 0;
    const sep = this.sepCode;
    const comp = this.delimiters.component.charCodeAt(0);
    let k = this.starts[i] ?? 0;
    let code = 0;
    let n = 0;
    while (k < end) {
      const c = text.charCodeAt(k);
      if (c === sep || c === comp) break;
      if (n === 3 || c > 127) return -1;
      code = code * 128 + c;
      n++;
      k++;
    }
    return n >= 2 ? code : -1;
  }

  /** Number of elements after the tag. */
  elementCount(i: number): number {
    return this.elements(i).length - 1;
  }

  /** Element n unescaped as a whole (for simple data elements). */
  value(i: number, n: number): string {
    if (((this.flagBits[i] ?? 0) & FLAG_RELEASE) === 0) return this.element(i, n);
    return unescapeRelease(this.element(i, n), this.delimiters.release);
  }

  /** Component c (1-based) of element n, unescaped; '' when absent. */
  component(i: number, n: number, c: number): string {
    if (((this.flagBits[i] ?? 0) & (FLAG_DIRTY | FLAG_RELEASE)) === 0) {
      return this.locate(i, n, c) ? this.text.slice(this.ls, this.le) : '';
    }
    return components(this.element(i, n), this.delimiters)[c - 1] ?? '';
  }

  /** Materialises every segment as raw element arrays (for debugging and tests). */
  toArrays(): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < this.count; i++) out.push(this.elements(i));
    return out;
  }
}

/** Packs a 2–3 character ASCII tag into a number (unique per tag); -1 otherwise. */
export function tagCodeOf(tag: string): number {
  if (tag.length < 2 || tag.length > 3) return -1;
  let code = 0;
  for (let k = 0; k < tag.length; k++) {
    const c = tag.charCodeAt(k);
    if (c > 127) return -1;
    code = code * 128 + c;
  }
  return code;
}

function splitFirstComponent(tag: string, d: Delimiters): string {
  const k = tag.indexOf(d.component);
  return k < 0 ? tag : tag.slice(0, k);
}

export function stripCrLf(s: string): string {
  let out = '';
  let from = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === CR || c === LF) {
      out += s.slice(from, k);
      from = k + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Splits on `sep` except where preceded by the release character (which stays in the parts). */
export function splitEscaped(s: string, sep: string, release: string): string[] {
  if (release === '' || s.indexOf(release) < 0) return s.split(sep);
  const out: string[] = [];
  const sepCode = sep.charCodeAt(0);
  const relCode = release.charCodeAt(0);
  let from = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === relCode) k++;
    else if (c === sepCode) {
      out.push(s.slice(from, k));
      from = k + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** Removes release characters, keeping the character each one releases. */
export function unescapeRelease(s: string, release: string): string {
  if (release === '') return s;
  let k = s.indexOf(release);
  if (k < 0) return s;
  let out = '';
  let from = 0;
  while (k >= 0) {
    out += s.slice(from, k);
    from = k + 1; // keep the released character
    k = s.indexOf(release, k + 2);
  }
  return out + s.slice(from);
}

/** Components of a raw element, unescaped. */
export function components(raw: string, d: Delimiters): string[] {
  if (raw.indexOf(d.component) < 0) return [unescapeRelease(raw, d.release)];
  return splitEscaped(raw, d.component, d.release).map((c) => unescapeRelease(c, d.release));
}

/** Repetitions of a raw element (raw, still escaped); the element itself when there is no repetition separator. */
export function repetitions(raw: string, d: Delimiters): string[] {
  if (d.repetition === '' || raw.indexOf(d.repetition) < 0) return [raw];
  return splitEscaped(raw, d.repetition, d.release);
}
