/**
 * Minimal body rules for the documents we exchange: mandatory segments and, per segment, mandatory
 * elements and data types. Not a full implementation guide: enough to refuse documents we cannot
 * translate, with the standard's codes (X12 AK3/AK4, EDIFACT UCS/UCD 0085).
 */
import { type SegmentList, tagCodeOf } from './segments.ts';
import type { EdiError, Standard } from './types.ts';
import { clip, isDate6, isDate8, isDate8At, isDecimalAt, isIntegerAt, isTime, isTimeAt } from './util.ts';

export type ElementType = 'date8' | 'date' | 'time' | 'decimal' | 'integer' | 'dtm';

export interface ElementRule {
  /** Element position (1-based). */
  e: number;
  /** Component position (1-based) for composites. */
  c?: number;
  required?: boolean;
  type?: ElementType;
  codes?: readonly string[];
  /** Reference designator for messages, e.g. `BEG05` or `C507.2380`. */
  ref: string;
}

export interface MessageRule {
  /** Segments that must appear at least once. */
  mandatory: readonly string[];
  segments: Readonly<Record<string, readonly ElementRule[]>>;
  /** The same, keyed by packed tag code (see `tagCodeOf`) for allocation-free lookups. */
  byCode: ReadonlyMap<number, readonly ElementRule[]>;
  mandatoryCodes: readonly number[];
}

function rule(
  mandatory: readonly string[],
  segments: Readonly<Record<string, readonly ElementRule[]>>,
): MessageRule {
  return {
    mandatory,
    segments,
    byCode: new Map(Object.entries(segments).map(([tag, rules]) => [tagCodeOf(tag), rules])),
    mandatoryCodes: mandatory.map(tagCodeOf),
  };
}

interface Codes {
  segmentMissing: string;
  segmentInvalidTag: string;
  segmentEmpty: string;
  elementMissing: string;
  invalidDate: string;
  invalidTime: string;
  invalidNumber: string;
  invalidCode: string;
}

export const X12_CODES: Codes = {
  segmentMissing: '3',
  segmentInvalidTag: '1',
  segmentEmpty: '8',
  elementMissing: '1',
  invalidDate: '8',
  invalidTime: '9',
  invalidNumber: '6',
  invalidCode: '7',
};

export const EDIFACT_CODES: Codes = {
  segmentMissing: '13',
  segmentInvalidTag: '15',
  segmentEmpty: '13',
  elementMissing: '13',
  invalidDate: '12',
  invalidTime: '12',
  invalidNumber: '37',
  invalidCode: '12',
};

const r = (e: number, ref: string, extra: Partial<ElementRule> = {}): ElementRule => ({ e, ref, ...extra });
const req = (e: number, ref: string, extra: Partial<ElementRule> = {}): ElementRule => ({
  e,
  ref,
  required: true,
  ...extra,
});

export const X12_RULES: Readonly<Record<string, MessageRule>> = {
  '850': rule(['BEG'], {
    BEG: [req(1, 'BEG01'), req(2, 'BEG02'), req(3, 'BEG03'), req(5, 'BEG05', { type: 'date8' })],
    CUR: [req(1, 'CUR01'), req(2, 'CUR02')],
    REF: [req(1, 'REF01')],
    N1: [req(1, 'N101')],
    PO1: [r(2, 'PO102', { type: 'decimal' }), r(4, 'PO104', { type: 'decimal' })],
    DTM: [req(1, 'DTM01'), r(2, 'DTM02', { type: 'date8' })],
    CTT: [req(1, 'CTT01', { type: 'integer' })],
  }),
  '855': rule(['BAK'], {
    BAK: [req(1, 'BAK01'), req(2, 'BAK02'), req(3, 'BAK03'), req(4, 'BAK04', { type: 'date8' })],
    PO1: [r(2, 'PO102', { type: 'decimal' }), r(4, 'PO104', { type: 'decimal' })],
    ACK: [req(1, 'ACK01'), r(2, 'ACK02', { type: 'decimal' })],
    CTT: [req(1, 'CTT01', { type: 'integer' })],
  }),
  '856': rule(['BSN', 'HL'], {
    BSN: [
      req(1, 'BSN01'),
      req(2, 'BSN02'),
      req(3, 'BSN03', { type: 'date8' }),
      req(4, 'BSN04', { type: 'time' }),
    ],
    HL: [req(1, 'HL01'), req(3, 'HL03')],
    SN1: [req(2, 'SN102', { type: 'decimal' }), req(3, 'SN103')],
    DTM: [req(1, 'DTM01'), r(2, 'DTM02', { type: 'date8' })],
    CTT: [req(1, 'CTT01', { type: 'integer' })],
  }),
  '810': rule(['BIG', 'TDS'], {
    BIG: [req(1, 'BIG01', { type: 'date8' }), req(2, 'BIG02'), r(3, 'BIG03', { type: 'date8' })],
    IT1: [r(2, 'IT102', { type: 'decimal' }), r(4, 'IT104', { type: 'decimal' })],
    TDS: [req(1, 'TDS01', { type: 'integer' })],
    CTT: [req(1, 'CTT01', { type: 'integer' })],
  }),
  '997': rule(['AK1', 'AK9'], {
    AK1: [req(1, 'AK101'), req(2, 'AK102')],
    AK2: [req(1, 'AK201'), req(2, 'AK202')],
    AK5: [req(1, 'AK501', { codes: ['A', 'E', 'M', 'R', 'W', 'X'] })],
    AK9: [
      req(1, 'AK901', { codes: ['A', 'E', 'M', 'P', 'R', 'W', 'X'] }),
      req(2, 'AK902', { type: 'integer' }),
      req(3, 'AK903', { type: 'integer' }),
      req(4, 'AK904', { type: 'integer' }),
    ],
  }),
};

const DTM_RULE = [req(1, 'C507.2005', { c: 1 }), req(1, 'C507.2380', { c: 2, type: 'dtm' as const })];
const BGM_RULE = [req(1, 'C002.1001', { c: 1 }), req(2, 'C106.1004', { c: 1 })];

export const EDIFACT_RULES: Readonly<Record<string, MessageRule>> = {
  ORDERS: rule(['BGM', 'DTM'], {
    BGM: BGM_RULE,
    DTM: DTM_RULE,
    QTY: [req(1, 'C186.6063', { c: 1 }), req(1, 'C186.6060', { c: 2, type: 'decimal' })],
    PRI: [r(1, 'C509.5118', { c: 2, type: 'decimal' })],
    NAD: [req(1, '3035')],
    LIN: [r(1, '1082')],
    CUX: [r(1, 'C504.6345', { c: 2 })],
    CNT: [req(1, 'C270.6069', { c: 1 }), req(1, 'C270.6066', { c: 2, type: 'decimal' })],
  }),
  ORDRSP: rule(['BGM', 'DTM'], {
    BGM: BGM_RULE,
    DTM: DTM_RULE,
    QTY: [req(1, 'C186.6063', { c: 1 }), req(1, 'C186.6060', { c: 2, type: 'decimal' })],
    PRI: [r(1, 'C509.5118', { c: 2, type: 'decimal' })],
  }),
  DESADV: rule(['BGM', 'DTM'], {
    BGM: BGM_RULE,
    DTM: DTM_RULE,
    QTY: [req(1, 'C186.6063', { c: 1 }), req(1, 'C186.6060', { c: 2, type: 'decimal' })],
  }),
  INVOIC: rule(['BGM', 'DTM'], {
    BGM: BGM_RULE,
    DTM: DTM_RULE,
    QTY: [req(1, 'C186.6063', { c: 1 }), req(1, 'C186.6060', { c: 2, type: 'decimal' })],
    PRI: [r(1, 'C509.5118', { c: 2, type: 'decimal' })],
    MOA: [req(1, 'C516.5025', { c: 1 }), req(1, 'C516.5004', { c: 2, type: 'decimal' })],
  }),
  CONTRL: rule(['UCI'], {
    UCI: [req(1, '0020'), req(2, 'S002.0004', { c: 1 }), req(3, 'S003.0010', { c: 1 }), req(4, '0083')],
    UCM: [req(1, '0062'), req(3, '0083')],
  }),
};

function label(tag: string, ref: string): string {
  return ref.startsWith(tag) ? ref : `${tag} ${ref}`;
}

function isUpperOrDigit(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** Valid tag: 2–3 (X12) or 3 (EDIFACT) upper-case letters/digits starting with a letter. */
function isTagCode(code: number, standard: Standard): boolean {
  if (code < 0) return false;
  if (code >= 16384) {
    const a = code >> 14;
    return a >= 65 && a <= 90 && isUpperOrDigit((code >> 7) & 127) && isUpperOrDigit(code & 127);
  }
  if (standard === 'edifact') return false;
  const a = code >> 7;
  return a >= 65 && a <= 90 && isUpperOrDigit(code & 127);
}

/** EDIFACT DTM value check according to the format qualifier (2379). */
function dtmValid(value: string, format: string): boolean {
  switch (format) {
    case '102':
      return isDate8(value);
    case '101':
      return isDate6(value);
    case '203':
      return value.length === 12 && isDate8(value.slice(0, 8)) && isTime(value.slice(8));
    case '204':
      return value.length === 14 && isDate8(value.slice(0, 8)) && isTime(value.slice(8));
    case '':
      return isDate8(value) || isDate6(value);
    default:
      return value.length > 0;
  }
}

/**
 * Checks one body segment. `position` is the segment's position in its message (header = 1),
 * `code` its packed tag. Appends segment/element errors to `errors`. Clean segments are checked in
 * place, without allocating strings; strings are made only for error messages.
 */
export function checkBodySegment(
  list: SegmentList,
  i: number,
  code: number,
  position: number,
  rule: MessageRule | undefined,
  standard: Standard,
  errors: EdiError[],
): void {
  const codes = standard === 'x12' ? X12_CODES : EDIFACT_CODES;
  if (!isTagCode(code, standard)) {
    const tag = list.tag(i);
    errors.push({
      level: 'segment',
      code: codes.segmentInvalidTag,
      message: `"${clip(tag, 10)}" is not a valid segment tag.`,
      segmentPosition: position,
      segmentTag: clip(tag, 3),
      offset: list.start(i),
    });
    return;
  }
  const tagLength = code >= 16384 ? 3 : 2;
  if (list.end(i) - list.start(i) <= tagLength) {
    const tag = list.tag(i);
    errors.push({
      level: 'segment',
      code: codes.segmentEmpty,
      message: `Segment ${tag} has no data elements.`,
      segmentPosition: position,
      segmentTag: tag,
      offset: list.start(i),
    });
    return;
  }
  const rules = rule?.byCode.get(code);
  if (!rules) return;
  const decimalMark = list.delimiters.decimal.charCodeAt(0);
  for (const er of rules) {
    const present = list.locate(i, er.e, er.c ?? 0);
    const text = list.lt;
    const s = list.ls;
    const e = list.le;
    if (!present) {
      if (er.required) {
        const tag = list.tag(i);
        errors.push({
          level: 'element',
          code: codes.elementMissing,
          message: `${label(tag, er.ref)} is mandatory but missing.`,
          ...where(list, i, tag, position, er),
        });
      }
      continue;
    }
    let problem: { code: string; message: string } | undefined;
    switch (er.type) {
      case 'date8':
        if (!isDate8At(text, s, e))
          problem = { code: codes.invalidDate, message: 'is not a valid CCYYMMDD date' };
        break;
      case 'date': {
        const v = text.slice(s, e);
        if (!isDate8(v) && !isDate6(v)) problem = { code: codes.invalidDate, message: 'is not a valid date' };
        break;
      }
      case 'time':
        if (!isTimeAt(text, s, e))
          problem = { code: codes.invalidTime, message: 'is not a valid HHMM[SS] time' };
        break;
      case 'decimal':
        if (!isDecimalAt(text, s, e, decimalMark))
          problem = { code: codes.invalidNumber, message: 'is not a number' };
        break;
      case 'integer':
        if (!isIntegerAt(text, s, e)) problem = { code: codes.invalidNumber, message: 'is not an integer' };
        break;
      case 'dtm': {
        const value = text.slice(s, e);
        const format = list.component(i, er.e, 3);
        if (!dtmValid(value, format)) {
          problem = {
            code: codes.invalidDate,
            message: `does not match date/time format ${format || '(none)'}`,
          };
        }
        break;
      }
      default:
        break;
    }
    if (!problem && er.codes && !er.codes.includes(text.slice(s, e))) {
      problem = { code: codes.invalidCode, message: `is not one of ${er.codes.join(', ')}` };
    }
    if (problem) {
      const tag = list.tag(i);
      const value = text.slice(s, e);
      errors.push({
        level: 'element',
        code: problem.code,
        message: `${label(tag, er.ref)} "${clip(value)}" ${problem.message}.`,
        value: clip(value, 99),
        ...where(list, i, tag, position, er),
      });
    }
  }
}

function where(
  list: SegmentList,
  i: number,
  tag: string,
  position: number,
  er: ElementRule,
): Partial<EdiError> {
  return {
    segmentPosition: position,
    segmentTag: tag,
    elementPosition: er.e,
    ...(er.c !== undefined ? { componentPosition: er.c } : {}),
    offset: list.start(i),
  };
}

/** Mandatory segments that never appeared: one error each, positioned after the header. */
export function checkMandatory(
  rule: MessageRule | undefined,
  seen: number,
  standard: Standard,
  errors: EdiError[],
): void {
  if (!rule) return;
  const codes = standard === 'x12' ? X12_CODES : EDIFACT_CODES;
  for (const [k, tag] of rule.mandatory.entries()) {
    if ((seen & (1 << k)) === 0) {
      errors.push({
        level: 'segment',
        code: codes.segmentMissing,
        message: `Mandatory segment ${tag} is missing.`,
        segmentPosition: 2,
        segmentTag: tag,
      });
    }
  }
}
