/**
 * X12 interchange writer: fixed-width ISA, GS, ST…SE with computed counts, GE, IEA. Control numbers
 * come from the caller. There is no escaping in 004010/005010, so any value containing a delimiter
 * (or a line break) is refused with a typed error instead of being written through.
 */
import { EdiGenerateError, type GenerateResult, type SegmentSpec } from '../generate-error.ts';
import type { Party } from '../types.ts';
import { stamp } from '../util.ts';
import { isAlnum } from './tokenize.ts';

export interface X12Delimiters {
  element: string;
  component: string;
  repetition: string;
  segment: string;
}

export const DEFAULT_X12_DELIMITERS: X12Delimiters = {
  element: '*',
  component: '>',
  repetition: '^',
  segment: '~',
};

export interface X12TransactionSpec {
  /** ST01, e.g. `850`. */
  type: string;
  /** ST02; numbers are zero-padded to 4 digits. */
  controlNumber: string | number;
  /** ST03 (005010 implementation convention reference). */
  implementationReference?: string;
  /** Body segments between ST and SE. */
  segments: ReadonlyArray<SegmentSpec>;
}

export interface X12GroupSpec {
  /** GS01, e.g. `PO`. */
  functionalId: string;
  /** GS02 / GS03. */
  applicationSender: string;
  applicationReceiver: string;
  /** GS06 (1–999999999). */
  controlNumber: number;
  /** GS08, e.g. `004010` or `005010`. */
  version: string;
  /** GS04 CCYYMMDD / GS05 HHMM; default from `now`. */
  date?: string;
  time?: string;
  transactions: ReadonlyArray<X12TransactionSpec>;
}

export interface X12InterchangeSpec {
  sender: Party;
  receiver: Party;
  /** ISA13 (1–999999999), written zero-padded to 9 digits. */
  controlNumber: number;
  /** ISA12, default `00401`. */
  version?: string;
  /** ISA15, default `P`. */
  usage?: 'P' | 'T' | 'I';
  /** ISA14. */
  ackRequested?: boolean;
  /** ISA09 YYMMDD / ISA10 HHMM; default from `now`. */
  date?: string;
  time?: string;
  now?: Date;
  authorization?: { qualifier: string; value: string };
  security?: { qualifier: string; value: string };
  delimiters?: Partial<X12Delimiters>;
  /** Write a line break after each segment terminator (readability; tolerated by receivers). */
  lineBreak?: boolean;
  /** Segments between ISA and the first GS (TA1). */
  leadingSegments?: ReadonlyArray<SegmentSpec>;
  groups: ReadonlyArray<X12GroupSpec>;
}

class X12Writer {
  private readonly forbidden: Set<number>;
  private readonly parts: string[] = [];
  private readonly eol: string;

  constructor(
    readonly d: X12Delimiters,
    lineBreak: boolean,
  ) {
    this.forbidden = new Set(
      [d.element, d.component, d.segment, d.repetition, '\r', '\n']
        .filter((c) => c !== '')
        .map((c) => c.charCodeAt(0)),
    );
    this.eol = lineBreak ? '\n' : '';
  }

  check(value: string, tag: string, position: number): void {
    for (let k = 0; k < value.length; k++) {
      if (this.forbidden.has(value.charCodeAt(k))) {
        const ch = value[k] ?? '';
        const name = ch === '\n' || ch === '\r' ? 'a line break' : `the delimiter "${ch}"`;
        throw new EdiGenerateError(
          'DELIMITER_IN_DATA',
          `${tag}${String(position).padStart(2, '0')} contains ${name}; X12 004010/005010 has no escape mechanism, so the value cannot be written: ${JSON.stringify(value)}.`,
          { segmentTag: tag, elementPosition: position, value },
        );
      }
    }
  }

  /** Serialises one segment (trailing empty elements dropped) and appends it. */
  write(seg: SegmentSpec): void {
    const tag = seg[0];
    if (typeof tag !== 'string' || !/^[A-Z][A-Z0-9]{1,2}$/.test(tag)) {
      throw new TypeError(`segment tag must be 2–3 upper-case characters, got ${JSON.stringify(tag)}`);
    }
    const out: string[] = [tag];
    let last = 0;
    for (let e = 1; e < seg.length; e++) {
      const el = seg[e];
      let text: string;
      if (typeof el === 'string') {
        this.check(el, tag, e);
        text = el;
      } else if (el === undefined) {
        text = '';
      } else {
        const comps = [...el];
        while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
        for (const c of comps) this.check(c, tag, e);
        text = comps.join(this.d.component);
      }
      out.push(text);
      if (text !== '') last = e;
    }
    out.length = last + 1;
    this.parts.push(out.join(this.d.element) + this.d.segment + this.eol);
  }

  raw(text: string): void {
    this.parts.push(text + this.eol);
  }

  text(): string {
    return this.parts.join('');
  }
}

function checkDelimiters(d: X12Delimiters, usesRepetition: boolean): void {
  const list: Array<[string, string]> = [
    ['element separator', d.element],
    ['component separator', d.component],
    ['segment terminator', d.segment],
  ];
  if (usesRepetition) list.push(['repetition separator', d.repetition]);
  const seen = new Set<string>();
  for (const [name, ch] of list) {
    const c = ch.charCodeAt(0);
    if (
      ch.length !== 1 ||
      isAlnum(c) ||
      c === 32 ||
      (name !== 'segment terminator' && (c === 10 || c === 13))
    ) {
      throw new EdiGenerateError(
        'INVALID_DELIMITERS',
        `The ${name} must be one non-alphanumeric character, got ${JSON.stringify(ch)}.`,
      );
    }
    if (seen.has(ch))
      throw new EdiGenerateError('INVALID_DELIMITERS', `The delimiter ${JSON.stringify(ch)} is used twice.`);
    seen.add(ch);
  }
}

function fixed(value: string, width: number, name: string): string {
  if (value.length > width) {
    throw new EdiGenerateError('FIELD_TOO_LONG', `${name} "${value}" is longer than ${width} characters.`, {
      segmentTag: 'ISA',
      value,
    });
  }
  return value.padEnd(width, ' ');
}

function controlNumber(n: number, name: string, pad: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n > 999_999_999) {
    throw new EdiGenerateError('INVALID_VALUE', `${name} must be an integer from 1 to 999999999, got ${n}.`);
  }
  return String(n).padStart(pad, '0');
}

/** Builds the interchange text. Returns a typed error instead of writing an invalid interchange. */
export function generateX12(spec: X12InterchangeSpec): GenerateResult {
  try {
    return { ok: true, text: buildX12(spec) };
  } catch (e) {
    if (e instanceof EdiGenerateError) return { ok: false, error: e };
    throw e;
  }
}

function buildX12(spec: X12InterchangeSpec): string {
  const version = spec.version ?? '00401';
  const d: X12Delimiters = { ...DEFAULT_X12_DELIMITERS, ...spec.delimiters };
  const usesRepetition = version >= '00402';
  checkDelimiters(d, usesRepetition);
  const w = new X12Writer(usesRepetition ? d : { ...d, repetition: '' }, spec.lineBreak ?? false);
  const now = stamp(spec.now ?? new Date());
  const isaDate = spec.date ?? now.date.slice(2);
  const isaTime = spec.time ?? now.time;
  if (!/^\d{6}$/.test(isaDate) || !/^\d{4}$/.test(isaTime)) {
    throw new EdiGenerateError(
      'INVALID_VALUE',
      `ISA09/ISA10 must be YYMMDD/HHMM, got ${isaDate}/${isaTime}.`,
    );
  }
  const isaFields = [
    fixed(spec.authorization?.qualifier ?? '00', 2, 'ISA01'),
    fixed(spec.authorization?.value ?? '', 10, 'ISA02'),
    fixed(spec.security?.qualifier ?? '00', 2, 'ISA03'),
    fixed(spec.security?.value ?? '', 10, 'ISA04'),
    fixed(spec.sender.qualifier, 2, 'ISA05'),
    fixed(spec.sender.id, 15, 'ISA06'),
    fixed(spec.receiver.qualifier, 2, 'ISA07'),
    fixed(spec.receiver.id, 15, 'ISA08'),
    isaDate,
    isaTime,
    usesRepetition ? d.repetition : 'U',
    fixed(version, 5, 'ISA12'),
    controlNumber(spec.controlNumber, 'ISA13', 9),
    spec.ackRequested ? '1' : '0',
    spec.usage ?? 'P',
  ];
  isaFields.forEach((f, k) => {
    if (k !== 10) w.check(f, 'ISA', k + 1);
  });
  w.raw(`ISA${d.element}${isaFields.join(d.element)}${d.element}${d.component}${d.segment}`);
  for (const seg of spec.leadingSegments ?? []) w.write(seg);
  for (const g of spec.groups) {
    const gsDate = g.date ?? now.date;
    const gsTime = g.time ?? now.time;
    const gsControl = controlNumber(g.controlNumber, 'GS06', 1);
    w.write([
      'GS',
      g.functionalId,
      g.applicationSender,
      g.applicationReceiver,
      gsDate,
      gsTime,
      gsControl,
      'X',
      g.version,
    ]);
    for (const t of g.transactions) {
      const st =
        typeof t.controlNumber === 'number' ? controlNumber(t.controlNumber, 'ST02', 4) : t.controlNumber;
      if (st.length < 4 || st.length > 9) {
        throw new EdiGenerateError(
          'INVALID_VALUE',
          `ST02 must be 4 to 9 characters, got ${JSON.stringify(st)}.`,
          { segmentTag: 'ST' },
        );
      }
      w.write(t.implementationReference ? ['ST', t.type, st, t.implementationReference] : ['ST', t.type, st]);
      for (const seg of t.segments) w.write(seg);
      w.write(['SE', String(t.segments.length + 2), st]);
    }
    w.write(['GE', String(g.transactions.length), gsControl]);
  }
  w.write(['IEA', String(spec.groups.length), controlNumber(spec.controlNumber, 'ISA13', 9)]);
  return w.text();
}
