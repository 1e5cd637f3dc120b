/**
 * X12 interchange header: the fixed-width ISA names the delimiters of its interchange.
 * Element separator = 4th character, component separator = ISA16, terminator = the character after
 * ISA16, repetition separator = ISA11 from version 00402 when it is not alphanumeric.
 * The header is read by counting the 16 element separators (tolerating files wrapped at 80 columns,
 * i.e. CR/LF inside the ISA) rather than trusting fixed offsets blindly; the envelope validator
 * then checks the fixed widths.
 */
import { stripCrLf } from '../segments.ts';
import type { Delimiters } from '../types.ts';

export interface IsaHeader {
  delimiters: Delimiters;
  /** Index of the segment terminator that ends the ISA. */
  terminatorIndex: number;
  /** ISA01…ISA16 (index 0 = 'ISA'). */
  elements: string[];
}

export type IsaHeaderResult = { ok: true; header: IsaHeader } | { ok: false; code: string; message: string };

const CR = 13;
const LF = 10;

export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function printable(ch: string): string {
  const c = ch.charCodeAt(0);
  return c >= 33 && c < 127 ? `"${ch}"` : `0x${c.toString(16).padStart(2, '0').toUpperCase()}`;
}

export function readIsaHeader(text: string, p: number): IsaHeaderResult {
  if (!text.startsWith('ISA', p)) {
    return { ok: false, code: '022', message: 'The interchange does not start with an ISA segment.' };
  }
  const sep = text.charCodeAt(p + 3);
  if (Number.isNaN(sep)) {
    return {
      ok: false,
      code: '023',
      message: 'The file ends inside the ISA segment (premature end of file).',
    };
  }
  if (isAlnum(sep) || sep === 32 || sep === CR || sep === LF) {
    return {
      ok: false,
      code: '026',
      message: `The ISA element separator (4th character) is ${printable(text[p + 3] ?? '')}; it must not be a letter, digit, space or line break.`,
    };
  }
  let count = 1;
  let k = p + 4;
  const bound = Math.min(text.length, p + 320);
  while (k < bound && count < 16) {
    const c = text.charCodeAt(k);
    if (c === sep) count++;
    k++;
  }
  if (count < 16) {
    if (k >= text.length) {
      return {
        ok: false,
        code: '023',
        message: 'The file ends inside the ISA segment (premature end of file).',
      };
    }
    return {
      ok: false,
      code: '022',
      message: `The ISA segment has ${count} element separators in its first ${bound - p} characters; 16 are required.`,
    };
  }
  while (k < text.length && (text.charCodeAt(k) === CR || text.charCodeAt(k) === LF)) k++;
  const compIndex = k;
  const termIndex = k + 1;
  if (termIndex >= text.length) {
    return {
      ok: false,
      code: '023',
      message: 'The file ends inside the ISA segment (premature end of file).',
    };
  }
  const component = text[compIndex] ?? '';
  const segment = text[termIndex] ?? '';
  const element = String.fromCharCode(sep);
  const compCode = component.charCodeAt(0);
  const termCode = segment.charCodeAt(0);
  if (isAlnum(compCode) || compCode === 32 || component === element || compCode === CR || compCode === LF) {
    return {
      ok: false,
      code: '027',
      message: `The component separator ISA16 is ${printable(component)}; it must not be a letter, digit, space, line break or the element separator.`,
    };
  }
  if (isAlnum(termCode) || termCode === 32 || segment === element || segment === component) {
    return {
      ok: false,
      code: '004',
      message: `The segment terminator (character after ISA16) is ${printable(segment)}; it must not be a letter, digit, space or another delimiter.`,
    };
  }
  const elements = stripCrLf(text.slice(p, compIndex + 1)).split(element);
  const isa11 = elements[11] ?? '';
  const isa12 = elements[12] ?? '';
  const repCode = isa11.charCodeAt(0);
  const repetition =
    isa11.length === 1 &&
    isa12 >= '00402' &&
    !isAlnum(repCode) &&
    repCode !== 32 &&
    isa11 !== component &&
    isa11 !== segment
      ? isa11
      : '';
  return {
    ok: true,
    header: {
      delimiters: { element, component, repetition, segment, release: '', decimal: '.' },
      terminatorIndex: termIndex,
      elements,
    },
  };
}

/**
 * A stricter test used to find the start of the next interchange inside arbitrary data (e.g. after
 * a truncated interchange): the whole ISA structure must be there, not just the letters "ISA".
 */
export function looksLikeIsa(r: IsaHeaderResult): boolean {
  if (!r.ok) return false;
  const e = r.header.elements;
  return (
    (e[1] ?? '').length === 2 &&
    (e[3] ?? '').length === 2 &&
    /^\d{5}$/.test(e[12] ?? '') &&
    /^\d{6}$/.test(e[9] ?? '') &&
    /^\d{4}$/.test(e[10] ?? '')
  );
}
