/**
 * X12 envelope validation: ISA/IEA (TA1 note codes), GS/GE (AK9 codes), ST/SE (AK5 codes), and the
 * minimal body rules. One pass over the segment list; elements are split only for envelope
 * segments and for the body segments a rule looks at. Written without per-interchange closures:
 * a mailbag can hold thousands of small interchanges.
 */

import type { DuplicateGate } from '../duplicates.ts';
import { checkBodySegment, checkMandatory, type MessageRule, X12_RULES } from '../rules.ts';
import { type SegmentList, tagCodeOf } from '../segments.ts';
import { finalizeInterchange } from '../status.ts';
import type { TokenizedInterchange } from '../tokenize.ts';
import type {
  EdiError,
  GroupReport,
  InterchangeAcknowledgement,
  InterchangeReport,
  MessageReport,
} from '../types.ts';
import { allDigits, clip, isDate6, isDate8, isoDate, isoTime, isTime } from '../util.ts';

/** TA1 note codes that still let the interchange be processed (TA104 = E). */
export const X12_NON_FATAL_INTERCHANGE_CODES: ReadonlySet<string> = new Set(['024']);

const ISA_WIDTHS = [0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
const ISA_WIDTH_CODES = ['022', '010', '011', '012', '013', '005', '006', '007', '008'];
const AUTH_QUALIFIERS = ['00', '01', '02', '03', '04', '05', '06'];

const T_GS = tagCodeOf('GS');
const T_ST = tagCodeOf('ST');
const T_SE = tagCodeOf('SE');
const T_GE = tagCodeOf('GE');
const T_IEA = tagCodeOf('IEA');
const T_TA1 = tagCodeOf('TA1');

interface OpenMessage {
  report: MessageReport;
  start: number;
  /** Bit k set when rule.mandatory[k] was seen. */
  seenMandatory: number;
  rule: MessageRule | undefined;
}

interface OpenGroup {
  report: GroupReport;
  start: number;
  controlNumbers: Set<string>;
}

function num(s: string): number | undefined {
  return allDigits(s.trim()) ? Number(s.trim()) : undefined;
}

function field(a: readonly string[], k: number): string {
  return a[k] ?? '';
}

function where(
  position: number,
  tag: string,
  element: number | undefined,
  offset: number,
): Partial<EdiError> {
  return element === undefined
    ? { segmentPosition: position, segmentTag: tag, offset }
    : { segmentPosition: position, segmentTag: tag, elementPosition: element, offset };
}

function isaError(errors: EdiError[], start: number, code: string, e: number, message: string): void {
  errors.push({ level: 'interchange', code, message, ...where(1, 'ISA', e, start) });
}

function checkIsa(isa: readonly string[], start: number, errors: EdiError[]): void {
  if (isa.length !== 17) {
    errors.push({
      level: 'interchange',
      code: '022',
      message: `ISA has ${isa.length - 1} elements; 16 are required.`,
      ...where(1, 'ISA', undefined, start),
    });
  }
  for (let e = 1; e <= 8; e++) {
    const v = field(isa, e);
    if (v.length !== ISA_WIDTHS[e]) {
      isaError(
        errors,
        start,
        ISA_WIDTH_CODES[e] ?? '022',
        e,
        `ISA${String(e).padStart(2, '0')} "${clip(v)}" must be exactly ${ISA_WIDTHS[e]} characters (the ISA is fixed width).`,
      );
    }
  }
  if (!AUTH_QUALIFIERS.includes(field(isa, 1)))
    isaError(errors, start, '010', 1, `ISA01 "${field(isa, 1)}" is not a valid authorization qualifier.`);
  if (field(isa, 3) !== '00' && field(isa, 3) !== '01')
    isaError(errors, start, '012', 3, `ISA03 "${field(isa, 3)}" is not a valid security qualifier.`);
  if (field(isa, 5).trim() === '') isaError(errors, start, '005', 5, 'ISA05 (sender ID qualifier) is empty.');
  if (field(isa, 6).trim() === '') isaError(errors, start, '006', 6, 'ISA06 (sender ID) is empty.');
  if (field(isa, 7).trim() === '')
    isaError(errors, start, '007', 7, 'ISA07 (receiver ID qualifier) is empty.');
  if (field(isa, 8).trim() === '') isaError(errors, start, '008', 8, 'ISA08 (receiver ID) is empty.');
  if (!isDate6(field(isa, 9)))
    isaError(errors, start, '014', 9, `ISA09 "${clip(field(isa, 9))}" is not a valid YYMMDD date.`);
  const time = field(isa, 10);
  if (!(time.length === 4 && isTime(time)))
    isaError(errors, start, '015', 10, `ISA10 "${clip(time)}" is not a valid HHMM time.`);
  if (!/^\d{5}$/.test(field(isa, 12)))
    isaError(errors, start, '017', 12, `ISA12 "${clip(field(isa, 12))}" is not a valid version number.`);
  if (!/^\d{9}$/.test(field(isa, 13)))
    isaError(errors, start, '018', 13, `ISA13 "${clip(field(isa, 13))}" must be 9 digits.`);
  const ack = field(isa, 14);
  if (ack !== '0' && ack !== '1') isaError(errors, start, '019', 14, `ISA14 "${clip(ack)}" must be 0 or 1.`);
  const usage = field(isa, 15);
  if (usage !== 'P' && usage !== 'T' && usage !== 'I')
    isaError(errors, start, '020', 15, `ISA15 "${clip(usage)}" must be P, T or I.`);
}

/** The walk over one interchange's segments; state lives on the instance, methods on the prototype. */
class X12Walker {
  readonly errors: EdiError[] = [];
  readonly groups: GroupReport[] = [];
  readonly ta1s: InterchangeAcknowledgement[] = [];
  group: OpenGroup | undefined;
  msg: OpenMessage | undefined;
  ieaIndex = -1;
  strayReported = false;

  constructor(
    readonly L: SegmentList,
    readonly dup: DuplicateGate,
    readonly duplicate: boolean,
  ) {}

  err(code: string, message: string, extra: Partial<EdiError>): void {
    this.errors.push({ level: 'interchange', code, message, ...extra });
  }

  walk(): void {
    const L = this.L;
    const n = L.length;
    for (let i = 1; i < n; i++) {
      const code = L.tagCode(i);
      if (code === T_GS) this.gs(i);
      else if (code === T_ST) this.st(i);
      else if (code === T_SE) this.se(i);
      else if (code === T_GE) this.ge(i);
      else if (code === T_IEA) {
        this.closeMessage(i, false);
        this.closeGroup(i, false);
        this.ieaIndex = i;
      } else if (code === T_TA1) this.ta1(i);
      else this.body(i, code);
    }
    this.closeMessage(n, false);
    this.closeGroup(n, false);
  }

  closeMessage(endIndex: number, trailer: boolean): void {
    const msg = this.msg;
    if (!msg) return;
    const m = msg.report;
    m.segments = { start: msg.start, end: endIndex };
    m.segmentCount = endIndex - msg.start;
    checkMandatory(msg.rule, msg.seenMandatory, 'x12', m.errors);
    if (!trailer) {
      m.errors.push({
        level: 'message',
        code: '3',
        message: `Transaction set ${m.type} ${m.controlNumber}: SE segment missing (trailer expected before segment ${endIndex - msg.start + 1}).`,
        segmentPosition: endIndex - msg.start + 1,
      });
    }
    this.group?.report.messages.push(m);
    this.msg = undefined;
  }

  closeGroup(endIndex: number, trailer: boolean): void {
    const group = this.group;
    if (!group) return;
    const g = group.report;
    g.segments = { start: group.start, end: endIndex };
    if (!trailer) {
      g.errors.push({
        level: 'group',
        code: '3',
        message: `Functional group ${g.functionalId} ${g.controlNumber}: GE segment missing.`,
        segmentPosition: endIndex + 1,
      });
    }
    this.groups.push(g);
    this.group = undefined;
  }

  gs(i: number): void {
    this.closeMessage(i, false);
    this.closeGroup(i, false);
    const L = this.L;
    const gs = L.elements(i);
    const offset = L.start(i);
    const position = i + 1;
    const gErrors: EdiError[] = [];
    const version = field(gs, 8);
    if (field(gs, 1).length !== 2) {
      this.err(
        '024',
        `GS01 "${clip(field(gs, 1))}" is not a functional identifier code.`,
        where(position, 'GS', 1, offset),
      );
    }
    if (field(gs, 2) === '')
      this.err('024', 'GS02 (application sender code) is empty.', where(position, 'GS', 2, offset));
    if (field(gs, 3) === '')
      this.err('024', 'GS03 (application receiver code) is empty.', where(position, 'GS', 3, offset));
    const date = field(gs, 4);
    const needs8 = version >= '004010' || version === '';
    if (needs8 ? !isDate8(date) : !(isDate6(date) || isDate8(date))) {
      this.err(
        '024',
        `GS04 "${clip(date)}" is not a valid ${needs8 ? 'CCYYMMDD' : 'YYMMDD'} date${needs8 ? ' (required from 004010)' : ''}.`,
        where(position, 'GS', 4, offset),
      );
    }
    const time = field(gs, 5);
    if (!isTime(time))
      this.err('024', `GS05 "${clip(time)}" is not a valid HHMM[SS] time.`, where(position, 'GS', 5, offset));
    const control = field(gs, 6);
    if (!/^\d{1,9}$/.test(control)) {
      gErrors.push({
        level: 'group',
        code: '6',
        message: `GS06 "${clip(control)}" must be 1 to 9 digits.`,
        ...where(position, 'GS', 6, offset),
      });
    }
    if (field(gs, 7) !== 'X' && field(gs, 7) !== 'T') {
      this.err('024', `GS07 "${clip(field(gs, 7))}" must be X.`, where(position, 'GS', 7, offset));
    }
    if (version === '') this.err('024', 'GS08 (version) is empty.', where(position, 'GS', 8, offset));
    const normalized = control.replace(/^0+/, '');
    let duplicateInFile = false;
    for (const x of this.groups) {
      if (x.controlNumber !== '' && x.controlNumber.replace(/^0+/, '') === normalized) duplicateInFile = true;
    }
    if (duplicateInFile) {
      gErrors.push({
        level: 'group',
        code: '6',
        message: `GS06 ${control} is used by another functional group in this interchange (duplicate group control number).`,
        ...where(position, 'GS', 6, offset),
      });
    } else if (
      !this.duplicate &&
      this.dup.check(`x12|${field(gs, 1)}|${field(gs, 2)}|${field(gs, 3)}|${normalized}`, 'group')
    ) {
      gErrors.push({
        level: 'group',
        code: '6',
        message: `Functional group ${field(gs, 1)} ${control} from ${field(gs, 2)} to ${field(gs, 3)} was received before (duplicate).`,
        ...where(position, 'GS', 6, offset),
      });
    }
    this.group = {
      start: i,
      controlNumbers: new Set(),
      report: {
        functionalId: field(gs, 1),
        controlNumber: control,
        version,
        applicationSender: field(gs, 2),
        applicationReceiver: field(gs, 3),
        date: isoDate(date) ?? date,
        time: isoTime(time) ?? time,
        implicit: false,
        segments: { start: i, end: i },
        status: 'accepted',
        messages: [],
        errors: gErrors,
      },
    };
  }

  st(i: number): void {
    this.closeMessage(i, false);
    const L = this.L;
    let group = this.group;
    if (!group) {
      this.err(
        '024',
        'ST segment outside a functional group (GS missing).',
        where(i + 1, 'ST', undefined, L.start(i)),
      );
      // Keep going with an anonymous group so the set is still reported.
      group = {
        start: i,
        controlNumbers: new Set(),
        report: {
          functionalId: '',
          controlNumber: '',
          version: '',
          implicit: true,
          segments: { start: i, end: i },
          status: 'rejected',
          messages: [],
          errors: [{ level: 'group', code: '3', message: 'Functional group header GS missing.' }],
        },
      };
      this.group = group;
    }
    const type = L.element(i, 1);
    const control = L.element(i, 2);
    const impl = L.element(i, 3);
    const mErrors: EdiError[] = [];
    if (!/^\d{3}$/.test(type)) {
      mErrors.push({
        level: 'message',
        code: '6',
        message: `ST01 "${clip(type)}" is not a transaction set identifier.`,
        segmentPosition: 1,
        segmentTag: 'ST',
        elementPosition: 1,
      });
    }
    if (control.length < 4 || control.length > 9) {
      mErrors.push({
        level: 'message',
        code: '7',
        message: `ST02 "${clip(control)}" must be 4 to 9 characters.`,
        segmentPosition: 1,
        segmentTag: 'ST',
        elementPosition: 2,
      });
    }
    if (group.controlNumbers.has(control)) {
      mErrors.push({
        level: 'message',
        code: '23',
        message: `ST02 ${control} is not unique within functional group ${group.report.controlNumber}.`,
        segmentPosition: 1,
        segmentTag: 'ST',
        elementPosition: 2,
      });
    }
    group.controlNumbers.add(control);
    const report: MessageReport = {
      type,
      version: impl || group.report.version,
      controlNumber: control,
      segmentCount: 0,
      segments: { start: i, end: i },
      status: 'accepted',
      errors: mErrors,
    };
    if (impl) report.implementationReference = impl;
    this.msg = { start: i, seenMandatory: 0, rule: X12_RULES[type], report };
  }

  se(i: number): void {
    const L = this.L;
    const msg = this.msg;
    if (!msg) {
      this.err('024', 'SE segment without a preceding ST.', where(i + 1, 'SE', undefined, L.start(i)));
      return;
    }
    const m = msg.report;
    const count = L.element(i, 1);
    const control = L.element(i, 2);
    const actual = i - msg.start + 1;
    const declared = num(count);
    m.declaredSegmentCount = declared;
    if (declared !== actual) {
      m.errors.push({
        level: 'message',
        code: '4',
        message: `SE01 says ${clip(count) || '(empty)'} segments but transaction set ${m.controlNumber} has ${actual} (ST to SE).`,
        segmentPosition: actual,
        segmentTag: 'SE',
        elementPosition: 1,
      });
    }
    if (control !== m.controlNumber) {
      m.errors.push({
        level: 'message',
        code: '3',
        message: `SE02 "${clip(control)}" does not match ST02 "${m.controlNumber}".`,
        segmentPosition: actual,
        segmentTag: 'SE',
        elementPosition: 2,
      });
    }
    this.closeMessage(i + 1, true);
  }

  ge(i: number): void {
    this.closeMessage(i, false);
    const L = this.L;
    const group = this.group;
    if (!group) {
      this.err('024', 'GE segment without a preceding GS.', where(i + 1, 'GE', undefined, L.start(i)));
      return;
    }
    const g = group.report;
    const count = L.element(i, 1);
    const control = L.element(i, 2);
    const declared = num(count);
    g.declaredMessageCount = declared;
    if (control !== g.controlNumber) {
      g.errors.push({
        level: 'group',
        code: '4',
        message: `GE02 "${clip(control)}" does not match GS06 "${g.controlNumber}".`,
        ...where(i + 1, 'GE', 2, L.start(i)),
      });
    }
    if (declared !== g.messages.length) {
      g.errors.push({
        level: 'group',
        code: '5',
        message: `GE01 says ${clip(count) || '(empty)'} transaction sets but group ${g.controlNumber} has ${g.messages.length}.`,
        ...where(i + 1, 'GE', 1, L.start(i)),
      });
    }
    this.closeGroup(i + 1, true);
  }

  ta1(i: number): void {
    const L = this.L;
    if (this.group) {
      this.err('024', 'TA1 segment inside a functional group.', where(i + 1, 'TA1', undefined, L.start(i)));
      return;
    }
    this.ta1s.push({
      controlNumber: L.element(i, 1),
      date: isoDate(L.element(i, 2)) ?? L.element(i, 2),
      time: isoTime(L.element(i, 3)) ?? L.element(i, 3),
      status: L.element(i, 4),
      noteCode: L.element(i, 5),
    });
  }

  body(i: number, code: number): void {
    const msg = this.msg;
    if (msg) {
      const rule = msg.rule;
      const bit = rule ? rule.mandatoryCodes.indexOf(code) : -1;
      if (bit >= 0) msg.seenMandatory |= 1 << bit;
      checkBodySegment(this.L, i, code, i - msg.start + 1, rule, 'x12', msg.report.errors);
    } else if (!this.strayReported) {
      this.strayReported = true;
      const tag = this.L.tag(i);
      this.err(
        '024',
        `Segment "${clip(tag, 10)}" at position ${i + 1} is outside a transaction set.`,
        where(i + 1, clip(tag, 3), undefined, this.L.start(i)),
      );
    }
  }
}

export function validateX12Interchange(ic: TokenizedInterchange, dup: DuplicateGate): InterchangeReport {
  const L = ic.segments;
  const n = L.length;
  const isa = ic.header ?? L.elements(0);
  const errors: EdiError[] = [];
  checkIsa(isa, ic.start, errors);

  const controlNumber = field(isa, 13);
  const sender = { qualifier: field(isa, 5).trim(), id: field(isa, 6).trim() };
  const receiver = { qualifier: field(isa, 7).trim(), id: field(isa, 8).trim() };
  const duplicate = dup.check(
    `x12|${sender.qualifier}|${sender.id}|${receiver.qualifier}|${receiver.id}|${controlNumber}`,
    'interchange',
  );
  if (duplicate) {
    errors.push({
      level: 'interchange',
      code: '025',
      message: `Duplicate interchange: control number ${controlNumber} from ${sender.qualifier}/${sender.id} to ${receiver.qualifier}/${receiver.id} was received before.`,
      ...where(1, 'ISA', 13, ic.start),
    });
  }
  for (const issue of ic.issues)
    errors.push({ level: 'interchange', code: '022', message: issue.message, offset: issue.offset });

  const w = new X12Walker(L, dup, duplicate);
  w.walk();
  errors.push(...w.errors);

  let declaredCount: number | undefined;
  if (w.ieaIndex < 0) {
    errors.push({
      level: 'interchange',
      code: '023',
      message: `IEA segment missing: the interchange ${controlNumber} is truncated (premature end of file).`,
      segmentPosition: n + 1,
    });
  } else {
    const iea = w.ieaIndex;
    const count = L.element(iea, 1);
    const control = L.element(iea, 2);
    declaredCount = num(count);
    if (control !== controlNumber) {
      errors.push({
        level: 'interchange',
        code: '001',
        message: `IEA02 "${clip(control)}" does not match ISA13 "${controlNumber}".`,
        ...where(iea + 1, 'IEA', 2, L.start(iea)),
      });
    }
    if (declaredCount !== w.groups.length) {
      errors.push({
        level: 'interchange',
        code: '021',
        message: `IEA01 says ${clip(count) || '(empty)'} functional groups but the interchange has ${w.groups.length}.`,
        ...where(iea + 1, 'IEA', 1, L.start(iea)),
      });
    }
  }

  const report: InterchangeReport = {
    standard: 'x12',
    sender,
    receiver,
    controlNumber,
    date: isoDate(field(isa, 9)) ?? field(isa, 9),
    time: isoTime(field(isa, 10)) ?? field(isa, 10),
    version: field(isa, 12),
    ackRequested: field(isa, 14) === '1',
    test: field(isa, 15) === 'T',
    declaredCount,
    delimiters: ic.delimiters,
    complete: w.ieaIndex >= 0,
    offset: { start: ic.start, end: ic.end },
    segmentCount: n,
    status: 'accepted',
    groups: w.groups,
    errors,
  };
  if (w.ta1s.length > 0) report.interchangeAcknowledgements = w.ta1s;
  finalizeInterchange(report, X12_NON_FATAL_INTERCHANGE_CODES);
  return report;
}
