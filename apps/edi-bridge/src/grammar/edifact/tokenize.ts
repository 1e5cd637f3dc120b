/**
 * EDIFACT interchange header: an optional UNA (service string advice, 9 characters) names the
 * delimiters; without it the defaults apply (`:` `+` `.` `?` `'`, repetition `*` from syntax 4),
 * or the IS1/IS3/IS4 control characters when UNB is followed by 0x1D (UNOB…UNOF).
 */

import type { Delimiters } from '../types.ts';
import { isAlnum } from '../x12/tokenize.ts';

export interface EdifactHeader {
  delimiters: Delimiters;
  /** The 9-character UNA, when present. */
  una?: string;
  /** Where UNB starts. */
  unbIndex: number;
  /** Problems with the UNA (code 20: character invalid as service character). */
  problems: Array<{ code: string; message: string }>;
}

export type EdifactHeaderResult =
  | { ok: true; header: EdifactHeader }
  | { ok: false; code: string; message: string };

const CR = 13;
const LF = 10;

function skipLineBreaks(text: string, k: number): number {
  let i = k;
  while (i < text.length && (text.charCodeAt(i) === CR || text.charCodeAt(i) === LF)) i++;
  return i;
}

/** Syntax version (S001 component 2) read from the UNB without tokenizing it. */
function peekSyntaxVersion(text: string, unb: number, element: string, component: string): number {
  const s = unb + 4;
  let e = text.indexOf(element, s);
  if (e < 0 || e - s > 40) e = Math.min(text.length, s + 40);
  const s001 = text.slice(s, e);
  const v = s001.split(component)[1] ?? '';
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

export function readEdifactHeader(text: string, p: number): EdifactHeaderResult {
  const problems: Array<{ code: string; message: string }> = [];
  let una: string | undefined;
  let k = p;
  let d: Delimiters = {
    element: '+',
    component: ':',
    repetition: '',
    segment: "'",
    release: '?',
    decimal: '.',
  };
  if (text.startsWith('UNA', p)) {
    if (p + 9 > text.length) {
      return { ok: false, code: '13', message: 'The file ends inside the UNA service string advice.' };
    }
    una = text.slice(p, p + 9);
    const [component, element, decimal, release, repetition, segment] = [
      una[3] ?? '',
      una[4] ?? '',
      una[5] ?? '',
      una[6] ?? '',
      una[7] ?? '',
      una[8] ?? '',
    ];
    const named: Array<[string, string]> = [
      ['component separator', component],
      ['data element separator', element],
      ['segment terminator', segment],
    ];
    for (const [name, ch] of named) {
      const c = ch.charCodeAt(0);
      if (isAlnum(c) || c === 32 || c === CR || c === LF) {
        problems.push({ code: '20', message: `UNA ${name} "${ch}" is not valid as a service character.` });
      }
    }
    const set = [
      component,
      element,
      segment,
      release === ' ' ? '' : release,
      repetition === ' ' ? '' : repetition,
    ];
    const used = set.filter((x) => x !== '');
    if (new Set(used).size !== used.length) {
      problems.push({
        code: '20',
        message: `UNA "${una}" uses the same character for two different service functions.`,
      });
    }
    if (decimal !== '.' && decimal !== ',') {
      problems.push({ code: '19', message: `UNA decimal mark "${decimal}" must be "." or ",".` });
    }
    d = {
      element,
      component,
      repetition: repetition === ' ' ? '' : repetition,
      segment,
      release: release === ' ' ? '' : release,
      decimal: decimal === ',' ? ',' : '.',
    };
    k = skipLineBreaks(text, p + 9);
  }
  if (!text.startsWith('UNB', k)) {
    return {
      ok: false,
      code: '13',
      message: una
        ? 'The UNA is not followed by a UNB segment.'
        : 'The interchange does not start with UNA or UNB.',
    };
  }
  const after = text[k + 3];
  if (after === undefined) return { ok: false, code: '13', message: 'The file ends inside the UNB segment.' };
  if (!una) {
    if (after === '\x1d') {
      // UNOB…UNOF with information separators: IS4 terminator, IS3 element, IS1 component, IS2 repetition.
      d = { element: '\x1d', component: '\x1f', repetition: '', segment: '\x1c', release: '', decimal: '.' };
      if (peekSyntaxVersion(text, k, d.element, d.component) >= 4) d.repetition = '\x1e';
    } else {
      if (after !== '+') {
        problems.push({
          code: '22',
          message: `UNB is followed by "${after}" but there is no UNA: the default data element separator is "+".`,
        });
        d = { ...d, element: after };
      }
      if (peekSyntaxVersion(text, k, d.element, d.component) >= 4) d.repetition = '*';
    }
  } else if (after !== d.element) {
    problems.push({
      code: '22',
      message: `UNB is followed by "${after}" but the UNA declares "${d.element}" as data element separator.`,
    });
  }
  return { ok: true, header: { delimiters: d, una, unbIndex: k, problems } };
}

/** Strict test used to find the next interchange inside arbitrary data. */
export function looksLikeEdifactHeader(text: string, p: number): boolean {
  if (p > 0 && isAlnum(text.charCodeAt(p - 1))) return false;
  if (text.startsWith('UNA', p)) {
    const r = readEdifactHeader(text, p);
    return r.ok && r.header.problems.length === 0;
  }
  if (text.startsWith('UNB', p)) {
    const sep = text[p + 3];
    return (sep === '+' || sep === '\x1d') && text.startsWith('UNO', p + 4);
  }
  return false;
}
