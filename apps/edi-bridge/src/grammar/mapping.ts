/** Helpers shared by the document readers and writers of both standards. */
import type { DocumentParty } from './documents.ts';
import { canonicalDecimal, currencyDigits, type Money, toMoney } from './money.ts';
import type { SegmentList } from './segments.ts';
import type { SegmentRange } from './types.ts';
import { isoDate } from './util.ts';

/** A message that passed syntax validation but cannot be mapped to its document (internal). */
export class MappingError extends Error {
  readonly segmentPosition?: number;
  readonly segmentTag?: string;
  constructor(message: string, where: { segmentPosition?: number; segmentTag?: string } = {}) {
    super(message);
    this.name = 'MappingError';
    if (where.segmentPosition !== undefined) this.segmentPosition = where.segmentPosition;
    if (where.segmentTag !== undefined) this.segmentTag = where.segmentTag;
  }
}

export interface ReadContext {
  /** Currency when the document carries none (X12 CUR is optional). */
  defaultCurrency?: string;
}

/** A message's segments with positional helpers; body = header+1 … trailer-1. */
export class MessageView {
  constructor(
    readonly L: SegmentList,
    readonly range: SegmentRange,
  ) {}

  get bodyStart(): number {
    return this.range.start + 1;
  }

  get bodyEnd(): number {
    return this.range.end - 1;
  }

  tag(i: number): string {
    return this.L.tag(i);
  }

  /** Simple element e, unescaped. */
  v(i: number, e: number): string {
    return this.L.value(i, e);
  }

  /** Component c of element e, unescaped. */
  c(i: number, e: number, c: number): string {
    return this.L.component(i, e, c);
  }

  position(i: number): number {
    return i - this.range.start + 1;
  }

  fail(i: number, message: string): never {
    throw new MappingError(message, { segmentPosition: this.position(i), segmentTag: this.tag(i) });
  }

  decimal(i: number, value: string, what: string): string {
    const d = canonicalDecimal(value, this.L.delimiters.decimal);
    if (d === undefined) this.fail(i, `${what} "${value}" is not a number.`);
    return d;
  }

  date(i: number, value: string, what: string): string {
    const d = isoDate(value.length > 8 ? value.slice(0, 8) : value);
    if (d === undefined) this.fail(i, `${what} "${value}" is not a valid date.`);
    return d;
  }
}

/** Deferred price conversion: currency may only be known after the lines were read. */
export function money(
  view: MessageView,
  i: number,
  raw: string,
  currency: string | undefined,
  what: string,
): Money {
  const m = toMoney(raw, currencyDigits(currency), view.L.delimiters.decimal);
  if (!m) view.fail(i, `${what} "${raw}" is not an exact decimal amount.`);
  return m;
}

/** Removes keys whose value is undefined (and empty address/party objects). */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (Object.keys(inner).length === 0) continue;
      out[k] = inner;
    } else out[k] = v;
  }
  return out as T;
}

export function partyOrUndefined(p: DocumentParty): DocumentParty | undefined {
  const c = compact(p);
  return Object.keys(c).length === 0 ? undefined : c;
}

/** '' → undefined, for optional fields. */
export function opt(s: string): string | undefined {
  return s === '' ? undefined : s;
}

/** GTIN-type qualifiers that belong in EDIFACT LIN (the rest go to PIA). */
export const GTIN_QUALIFIERS: ReadonlySet<string> = new Set(['EN', 'SRV', 'UP', 'UK', 'EAN']);
