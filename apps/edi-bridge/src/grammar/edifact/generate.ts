/**
 * EDIFACT interchange writer: optional UNA, UNB…UNZ, optional UNG/UNE, UNH…UNT with computed
 * counts. Service characters inside data are escaped with the release character.
 */
import { EdiGenerateError, type GenerateResult, type SegmentSpec } from '../generate-error.ts';
import type { Party } from '../types.ts';
import { stamp } from '../util.ts';
import { isAlnum } from '../x12/tokenize.ts';

export interface EdifactDelimiters {
  component: string;
  element: string;
  decimal: string;
  release: string;
  /** Syntax 4 only; ignored (space in UNA) for syntax 1–3. */
  repetition: string;
  segment: string;
}

export const DEFAULT_EDIFACT_DELIMITERS: EdifactDelimiters = {
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  repetition: '*',
  segment: "'",
};

export interface EdifactMessageSpec {
  /** 0062 message reference. */
  reference: string;
  /** 0065, e.g. `ORDERS`. */
  type: string;
  /** 0052 / 0054 / 0051, e.g. `D`, `96A`, `UN`. */
  version: string;
  release: string;
  agency: string;
  /** 0057 association assigned code, e.g. `EAN008`. */
  association?: string;
  /** Body segments between UNH and UNT. */
  segments: ReadonlyArray<SegmentSpec>;
}

export interface EdifactGroupSpec {
  /** 0038, e.g. `ORDERS`. */
  functionalId: string;
  applicationSender: Party;
  applicationReceiver: Party;
  /** 0048. */
  reference: string;
  agency: string;
  version: string;
  release: string;
  messages: ReadonlyArray<EdifactMessageSpec>;
}

export interface EdifactInterchangeSpec {
  /** S001, default UNOC:3. */
  syntax?: { id: string; version: number };
  /** Write a UNA (default true). */
  una?: boolean;
  delimiters?: Partial<EdifactDelimiters>;
  sender: Party;
  receiver: Party;
  /** 0020 interchange control reference (≤ 14 characters). */
  controlReference: string;
  /** S004 date (YYMMDD for syntax ≤ 3, CCYYMMDD for 4) and time HHMM; default from `now`. */
  date?: string;
  time?: string;
  now?: Date;
  /** 0026 application reference. */
  applicationReference?: string;
  /** 0031 = 1. */
  ackRequested?: boolean;
  /** 0035 = 1. */
  test?: boolean;
  /** Line break after each segment terminator. */
  lineBreak?: boolean;
  /** Messages directly in the interchange, or… */
  messages?: ReadonlyArray<EdifactMessageSpec>;
  /** …functional groups (UNG/UNE). */
  groups?: ReadonlyArray<EdifactGroupSpec>;
}

export class EdifactWriter {
  private readonly parts: string[] = [];
  private readonly eol: string;
  private readonly specials: Set<number>;
  count = 0;

  constructor(
    readonly d: EdifactDelimiters,
    lineBreak: boolean,
  ) {
    this.eol = lineBreak ? '\n' : '';
    this.specials = new Set(
      [d.release, d.element, d.component, d.segment, d.repetition]
        .filter((c) => c !== '')
        .map((c) => c.charCodeAt(0)),
    );
  }

  /** Escapes service characters with the release character (refuses when there is none). */
  escape(value: string, tag: string, position: number): string {
    let out = '';
    let from = 0;
    let escaped = false;
    for (let k = 0; k < value.length; k++) {
      if (this.specials.has(value.charCodeAt(k))) {
        if (this.d.release === '') {
          throw new EdiGenerateError(
            'DELIMITER_IN_DATA',
            `${tag} element ${position} contains the service character ${JSON.stringify(value[k])} and the delimiter set has no release character.`,
            { segmentTag: tag, elementPosition: position, value },
          );
        }
        out += value.slice(from, k) + this.d.release;
        from = k;
        escaped = true;
      }
    }
    return escaped ? out + value.slice(from) : value;
  }

  write(seg: SegmentSpec): void {
    const tag = seg[0];
    if (typeof tag !== 'string' || !/^[A-Z][A-Z0-9]{2}$/.test(tag)) {
      throw new TypeError(`segment tag must be 3 upper-case characters, got ${JSON.stringify(tag)}`);
    }
    const out: string[] = [tag];
    let last = 0;
    for (let e = 1; e < seg.length; e++) {
      const el = seg[e];
      let text: string;
      if (typeof el === 'string') text = this.escape(el, tag, e);
      else if (el === undefined) text = '';
      else {
        const comps = el.map((c) => this.escape(c, tag, e));
        while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
        text = comps.join(this.d.component);
      }
      out.push(text);
      if (text !== '') last = e;
    }
    out.length = last + 1;
    this.parts.push(out.join(this.d.element) + this.d.segment + this.eol);
    this.count++;
  }

  raw(text: string): void {
    this.parts.push(text + this.eol);
  }

  text(): string {
    return this.parts.join('');
  }
}

function checkDelimiters(d: EdifactDelimiters, syntaxVersion: number): void {
  const list: Array<[string, string]> = [
    ['component separator', d.component],
    ['data element separator', d.element],
    ['segment terminator', d.segment],
  ];
  if (d.release !== '') list.push(['release character', d.release]);
  if (syntaxVersion >= 4 && d.repetition !== '') list.push(['repetition separator', d.repetition]);
  const seen = new Set<string>();
  for (const [name, ch] of list) {
    const c = ch.charCodeAt(0);
    if (ch.length !== 1 || isAlnum(c) || c === 32) {
      throw new EdiGenerateError(
        'INVALID_DELIMITERS',
        `The ${name} must be one non-alphanumeric character, got ${JSON.stringify(ch)}.`,
      );
    }
    if (seen.has(ch))
      throw new EdiGenerateError('INVALID_DELIMITERS', `The delimiter ${JSON.stringify(ch)} is used twice.`);
    seen.add(ch);
  }
  if (d.decimal !== '.' && d.decimal !== ',') {
    throw new EdiGenerateError(
      'INVALID_DELIMITERS',
      `The decimal mark must be "." or ",", got ${JSON.stringify(d.decimal)}.`,
    );
  }
}

export function generateEdifact(spec: EdifactInterchangeSpec): GenerateResult {
  try {
    return { ok: true, text: buildEdifact(spec) };
  } catch (e) {
    if (e instanceof EdiGenerateError) return { ok: false, error: e };
    throw e;
  }
}

function party(p: Party): string[] {
  return p.qualifier ? [p.id, p.qualifier] : [p.id];
}

function messageSegments(w: EdifactWriter, m: EdifactMessageSpec): void {
  if (m.reference === '' || m.reference.length > 14) {
    throw new EdiGenerateError(
      'INVALID_VALUE',
      `UNH message reference must be 1–14 characters, got ${JSON.stringify(m.reference)}.`,
      { segmentTag: 'UNH' },
    );
  }
  const s009 = [m.type, m.version, m.release, m.agency];
  if (m.association) s009.push(m.association);
  w.write(['UNH', m.reference, s009]);
  for (const seg of m.segments) w.write(seg);
  w.write(['UNT', String(m.segments.length + 2), m.reference]);
}

function buildEdifact(spec: EdifactInterchangeSpec): string {
  const syntax = spec.syntax ?? { id: 'UNOC', version: 3 };
  const d: EdifactDelimiters = { ...DEFAULT_EDIFACT_DELIMITERS, ...spec.delimiters };
  if (syntax.version < 4) d.repetition = '';
  checkDelimiters(d, syntax.version);
  const useUna = spec.una ?? true;
  const isDefault =
    d.component === ':' &&
    d.element === '+' &&
    d.decimal === '.' &&
    d.release === '?' &&
    d.segment === "'" &&
    (d.repetition === '' || d.repetition === '*');
  if (!useUna && !isDefault) {
    throw new EdiGenerateError(
      'INVALID_DELIMITERS',
      'Non-default delimiters require a UNA service string advice.',
    );
  }
  if (spec.controlReference === '' || spec.controlReference.length > 14) {
    throw new EdiGenerateError(
      'INVALID_VALUE',
      `UNB control reference must be 1–14 characters, got ${JSON.stringify(spec.controlReference)}.`,
      { segmentTag: 'UNB' },
    );
  }
  const w = new EdifactWriter(d, spec.lineBreak ?? false);
  if (useUna)
    w.raw(`UNA${d.component}${d.element}${d.decimal}${d.release || ' '}${d.repetition || ' '}${d.segment}`);
  const now = stamp(spec.now ?? new Date());
  const date = spec.date ?? (syntax.version >= 4 ? now.date : now.date.slice(2));
  const time = spec.time ?? now.time;
  const unb: Array<string | string[]> = [
    'UNB',
    [syntax.id, String(syntax.version)],
    party(spec.sender),
    party(spec.receiver),
    [date, time],
    spec.controlReference,
    '',
    spec.applicationReference ?? '',
    '',
    spec.ackRequested ? '1' : '',
    '',
    spec.test ? '1' : '',
  ];
  w.write(unb);
  let count = 0;
  if (spec.groups && spec.groups.length > 0) {
    if (spec.messages && spec.messages.length > 0) {
      throw new EdiGenerateError(
        'INVALID_VALUE',
        'An interchange holds either groups or messages, not both.',
      );
    }
    for (const g of spec.groups) {
      w.write([
        'UNG',
        g.functionalId,
        party(g.applicationSender),
        party(g.applicationReceiver),
        [date, time],
        g.reference,
        g.agency,
        [g.version, g.release],
      ]);
      for (const m of g.messages) messageSegments(w, m);
      w.write(['UNE', String(g.messages.length), g.reference]);
      count++;
    }
  } else {
    for (const m of spec.messages ?? []) {
      messageSegments(w, m);
      count++;
    }
  }
  w.write(['UNZ', String(count), spec.controlReference]);
  return w.text();
}
