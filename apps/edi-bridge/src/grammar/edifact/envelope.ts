/**
 * EDIFACT envelope validation: UNB/UNZ, optional UNG/UNE, UNH/UNT, duplicates, and the minimal body
 * rules. Every finding carries a CONTRL syntax error code (0085). Written without per-interchange
 * closures: a mailbag can hold thousands of small interchanges.
 */

import type { DuplicateGate } from '../duplicates.ts';
import { checkBodySegment, checkMandatory, EDIFACT_RULES, type MessageRule } from '../rules.ts';
import type { ScanIssue } from '../scan.ts';
import { type SegmentList, tagCodeOf } from '../segments.ts';
import { finalizeInterchange } from '../status.ts';
import type { TokenizedInterchange } from '../tokenize.ts';
import type { EdiError, GroupReport, InterchangeReport, MessageReport } from '../types.ts';
import { allDigits, clip, isDate6, isDate8, isoDate, isoTime, isTime } from '../util.ts';

const NO_NON_FATAL: ReadonlySet<string> = new Set();

const SYNTAX_IDS = /^UNO[A-KWXY]$/;

const T_UNG = tagCodeOf('UNG');
const T_UNE = tagCodeOf('UNE');
const T_UNH = tagCodeOf('UNH');
const T_UNT = tagCodeOf('UNT');
const T_UNZ = tagCodeOf('UNZ');

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
}

function num(s: string): number | undefined {
  return allDigits(s.trim()) ? Number(s.trim()) : undefined;
}

/** Location of segment i (interchange position) for interchange/group errors. */
function at(L: SegmentList, i: number, tag: string, e?: number, c?: number): Partial<EdiError> {
  const out: Partial<EdiError> = { segmentPosition: i + 1, segmentTag: tag, offset: L.start(i) };
  if (e !== undefined) out.elementPosition = e;
  if (c !== undefined) out.componentPosition = c;
  return out;
}

function interchangeError(errors: EdiError[], code: string, message: string, extra: Partial<EdiError>): void {
  errors.push({ level: 'interchange', code, message, ...extra });
}

function checkUnb(L: SegmentList, errors: EdiError[]): void {
  const syntaxId = L.component(0, 1, 1);
  const syntaxVersion = L.component(0, 1, 2);
  if (!SYNTAX_IDS.test(syntaxId)) {
    interchangeError(
      errors,
      '2',
      `UNB syntax identifier "${clip(syntaxId)}" is not supported (UNOA…UNOK, UNOW, UNOX, UNOY).`,
      at(L, 0, 'UNB', 1, 1),
    );
  }
  if (!/^[1-4]$/.test(syntaxVersion)) {
    interchangeError(
      errors,
      '2',
      `UNB syntax version "${clip(syntaxVersion)}" is not supported (1–4).`,
      at(L, 0, 'UNB', 1, 2),
    );
  }
  if (L.component(0, 2, 1) === '') {
    interchangeError(
      errors,
      '13',
      'UNB interchange sender identification (S002 0004) is missing.',
      at(L, 0, 'UNB', 2, 1),
    );
  }
  if (L.component(0, 3, 1) === '') {
    interchangeError(
      errors,
      '13',
      'UNB interchange recipient identification (S003 0010) is missing.',
      at(L, 0, 'UNB', 3, 1),
    );
  }
  const date = L.component(0, 4, 1);
  const time = L.component(0, 4, 2);
  if (!isDate6(date) && !isDate8(date)) {
    interchangeError(
      errors,
      '12',
      `UNB date "${clip(date)}" is not a valid YYMMDD/CCYYMMDD date.`,
      at(L, 0, 'UNB', 4, 1),
    );
  }
  if (!(time.length === 4 && isTime(time))) {
    interchangeError(
      errors,
      '12',
      `UNB time "${clip(time)}" is not a valid HHMM time.`,
      at(L, 0, 'UNB', 4, 2),
    );
  }
  const controlNumber = L.value(0, 5);
  if (controlNumber === '') {
    interchangeError(
      errors,
      '13',
      'UNB interchange control reference (0020) is missing.',
      at(L, 0, 'UNB', 5),
    );
  } else if (controlNumber.length > 14) {
    interchangeError(
      errors,
      '39',
      `UNB interchange control reference "${clip(controlNumber)}" is longer than 14 characters.`,
      at(L, 0, 'UNB', 5),
    );
  }
  const ack = L.value(0, 9);
  if (ack !== '' && ack !== '1') {
    interchangeError(
      errors,
      '12',
      `UNB acknowledgement request (0031) "${clip(ack)}" must be 1 or empty.`,
      at(L, 0, 'UNB', 9),
    );
  }
  const count = L.elementCount(0);
  if (count > 11)
    interchangeError(
      errors,
      '16',
      `UNB has ${count} data elements; at most 11 are defined.`,
      at(L, 0, 'UNB'),
    );
}

function attachIssues(
  issues: ScanIssue[] | undefined,
  into: EdiError[],
  position: number,
  tag: string,
): void {
  if (!issues) return;
  for (const s of issues) {
    into.push({
      level: 'element',
      code: s.code,
      message: s.message,
      segmentPosition: position,
      segmentTag: tag,
      elementPosition: s.elementPosition,
      offset: s.offset,
    });
  }
}

/** The walk over one interchange's segments; state lives on the instance, methods on the prototype. */
class EdifactWalker {
  readonly errors: EdiError[] = [];
  readonly groups: GroupReport[] = [];
  implicit: GroupReport | undefined;
  group: OpenGroup | undefined;
  msg: OpenMessage | undefined;
  unzIndex = -1;
  explicitGroups = 0;
  directMessages = 0;
  mixedReported = false;
  strayReported = false;
  readonly messageRefs = new Set<string>();
  readonly groupRefs = new Set<string>();

  constructor(
    readonly L: SegmentList,
    readonly issuesBySegment: ReadonlyMap<number, ScanIssue[]>,
  ) {}

  walk(): void {
    const L = this.L;
    const n = L.length;
    for (let i = 1; i < n; i++) {
      const code = L.tagCode(i);
      if (code === T_UNG) this.ung(i);
      else if (code === T_UNE) this.une(i);
      else if (code === T_UNH) this.unh(i);
      else if (code === T_UNT) {
        this.unt(i);
        continue; // UNT attaches its own scan issues before closing the message
      } else if (code === T_UNZ) {
        this.closeMessage(i, false);
        this.closeGroup(i, false);
        this.unzIndex = i;
      } else this.body(i, code);
      this.attachScanIssues(i);
    }
    this.closeMessage(n, false);
    this.closeGroup(n, false);
  }

  attachScanIssues(i: number): void {
    const issues = this.issuesBySegment.get(i);
    if (!issues) return;
    const tag = this.L.tag(i);
    const msg = this.msg;
    if (msg) attachIssues(issues, msg.report.errors, i - msg.start + 1, tag);
    else {
      for (const s of issues) {
        interchangeError(this.errors, s.code, s.message, {
          ...at(this.L, i, tag),
          elementPosition: s.elementPosition,
        });
      }
    }
  }

  closeMessage(endIndex: number, trailer: boolean): void {
    const msg = this.msg;
    if (!msg) return;
    const m = msg.report;
    m.segments = { start: msg.start, end: endIndex };
    m.segmentCount = endIndex - msg.start;
    checkMandatory(msg.rule, msg.seenMandatory, 'edifact', m.errors);
    if (!trailer) {
      m.errors.push({
        level: 'message',
        code: '13',
        message: `Message ${m.type} ${m.controlNumber}: UNT segment missing.`,
        segmentPosition: endIndex - msg.start + 1,
        segmentTag: 'UNT',
      });
    }
    (this.group ? this.group.report : this.implicit)?.messages.push(m);
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
        code: '13',
        message: `Group ${g.controlNumber}: UNE segment missing.`,
        segmentPosition: endIndex + 1,
        segmentTag: 'UNE',
      });
    }
    if (g.messages.length === 0) {
      g.errors.push({
        level: 'group',
        code: '32',
        message: `Group ${g.controlNumber} contains no messages.`,
        segmentPosition: group.start + 1,
        segmentTag: 'UNG',
      });
    }
    this.groups.push(g);
    this.group = undefined;
  }

  reportMixed(i: number, tag: string): void {
    if (this.mixedReported) return;
    this.mixedReported = true;
    interchangeError(
      this.errors,
      '30',
      'The interchange mixes functional groups (UNG) and messages outside groups.',
      at(this.L, i, tag),
    );
  }

  ung(i: number): void {
    const L = this.L;
    this.closeMessage(i, false);
    this.closeGroup(i, false);
    this.explicitGroups++;
    if (this.directMessages > 0) this.reportMixed(i, 'UNG');
    const ref = L.value(i, 5);
    const gErrors: EdiError[] = [];
    if (ref === '') {
      gErrors.push({
        level: 'group',
        code: '13',
        message: 'UNG group reference number (0048) is missing.',
        ...at(L, i, 'UNG', 5),
      });
    } else if (this.groupRefs.has(ref)) {
      gErrors.push({
        level: 'group',
        code: '26',
        message: `UNG group reference ${ref} is used twice in this interchange.`,
        ...at(L, i, 'UNG', 5),
      });
    }
    this.groupRefs.add(ref);
    const date = L.component(i, 4, 1);
    const time = L.component(i, 4, 2);
    this.group = {
      start: i,
      report: {
        functionalId: L.value(i, 1),
        controlNumber: ref,
        version: L.component(i, 7, 1) + L.component(i, 7, 2),
        applicationSender: L.component(i, 2, 1),
        applicationReceiver: L.component(i, 3, 1),
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

  une(i: number): void {
    const L = this.L;
    this.closeMessage(i, false);
    const group = this.group;
    if (!group) {
      interchangeError(this.errors, '33', 'UNE segment without a preceding UNG.', at(L, i, 'UNE'));
      return;
    }
    const g = group.report;
    const count = L.value(i, 1);
    const ref = L.value(i, 2);
    g.declaredMessageCount = num(count);
    if (ref !== g.controlNumber) {
      g.errors.push({
        level: 'group',
        code: '28',
        message: `UNE reference "${clip(ref)}" does not match UNG "${g.controlNumber}".`,
        ...at(L, i, 'UNE', 2),
      });
    }
    if (num(count) !== g.messages.length) {
      g.errors.push({
        level: 'group',
        code: '29',
        message: `UNE says ${clip(count) || '(empty)'} messages but group ${g.controlNumber} has ${g.messages.length}.`,
        ...at(L, i, 'UNE', 1),
      });
    }
    this.closeGroup(i + 1, true);
  }

  unh(i: number): void {
    const L = this.L;
    this.closeMessage(i, false);
    if (!this.group) {
      this.directMessages++;
      if (this.explicitGroups > 0) this.reportMixed(i, 'UNH');
      if (!this.implicit) {
        this.implicit = {
          functionalId: '',
          controlNumber: '',
          version: '',
          implicit: true,
          segments: { start: i, end: i },
          status: 'accepted',
          messages: [],
          errors: [],
        };
        this.groups.push(this.implicit);
      }
    }
    const ref = L.value(i, 1);
    const type = L.component(i, 2, 1);
    const version = L.component(i, 2, 2);
    const release = L.component(i, 2, 3);
    const agency = L.component(i, 2, 4);
    const association = L.component(i, 2, 5);
    const mErrors: EdiError[] = [];
    if (ref === '') {
      mErrors.push({
        level: 'message',
        code: '13',
        message: 'UNH message reference number (0062) is missing.',
        segmentPosition: 1,
        segmentTag: 'UNH',
        elementPosition: 1,
      });
    } else if (ref.length > 14) {
      mErrors.push({
        level: 'message',
        code: '39',
        message: `UNH message reference "${clip(ref)}" is longer than 14 characters.`,
        segmentPosition: 1,
        segmentTag: 'UNH',
        elementPosition: 1,
      });
    } else if (this.messageRefs.has(ref)) {
      mErrors.push({
        level: 'message',
        code: '26',
        message: `UNH message reference ${ref} is used twice in this interchange.`,
        segmentPosition: 1,
        segmentTag: 'UNH',
        elementPosition: 1,
      });
    }
    this.messageRefs.add(ref);
    const s009: Array<[string, string]> = [
      [type, 'message type (0065)'],
      [version, 'message version (0052)'],
      [release, 'message release (0054)'],
      [agency, 'controlling agency (0051)'],
    ];
    s009.forEach(([v, name], k) => {
      if (v === '') {
        mErrors.push({
          level: 'message',
          code: '13',
          message: `UNH ${name} is missing.`,
          segmentPosition: 1,
          segmentTag: 'UNH',
          elementPosition: 2,
          componentPosition: k + 1,
        });
      }
    });
    const report: MessageReport = {
      type,
      version: version + release,
      agency,
      controlNumber: ref,
      segmentCount: 0,
      segments: { start: i, end: i },
      status: 'accepted',
      errors: mErrors,
    };
    if (association) report.association = association;
    this.msg = { start: i, seenMandatory: 0, rule: EDIFACT_RULES[type], report };
  }

  unt(i: number): void {
    const L = this.L;
    const msg = this.msg;
    if (!msg) {
      interchangeError(this.errors, '33', 'UNT segment without a preceding UNH.', at(L, i, 'UNT'));
      this.attachScanIssues(i);
      return;
    }
    const m = msg.report;
    const count = L.value(i, 1);
    const ref = L.value(i, 2);
    const actual = i - msg.start + 1;
    m.declaredSegmentCount = num(count);
    if (num(count) !== actual) {
      m.errors.push({
        level: 'message',
        code: '29',
        message: `UNT says ${clip(count) || '(empty)'} segments but message ${m.controlNumber} has ${actual} (UNH to UNT).`,
        segmentPosition: actual,
        segmentTag: 'UNT',
        elementPosition: 1,
      });
    }
    if (ref !== m.controlNumber) {
      m.errors.push({
        level: 'message',
        code: '28',
        message: `UNT reference "${clip(ref)}" does not match UNH "${m.controlNumber}".`,
        segmentPosition: actual,
        segmentTag: 'UNT',
        elementPosition: 2,
      });
    }
    this.attachScanIssues(i);
    this.closeMessage(i + 1, true);
  }

  body(i: number, code: number): void {
    const msg = this.msg;
    if (msg) {
      const rule = msg.rule;
      const bit = rule ? rule.mandatoryCodes.indexOf(code) : -1;
      if (bit >= 0) msg.seenMandatory |= 1 << bit;
      checkBodySegment(this.L, i, code, i - msg.start + 1, rule, 'edifact', msg.report.errors);
    } else if (!this.strayReported) {
      this.strayReported = true;
      const tag = this.L.tag(i);
      interchangeError(
        this.errors,
        '33',
        `Segment "${clip(tag, 10)}" occurs outside a message.`,
        at(this.L, i, clip(tag, 3)),
      );
    }
  }
}

export function validateEdifactInterchange(ic: TokenizedInterchange, dup: DuplicateGate): InterchangeReport {
  const L = ic.segments;
  const n = L.length;
  const errors: EdiError[] = [];
  for (const p of ic.headerProblems) interchangeError(errors, p.code, p.message, { offset: ic.start });

  const issuesBySegment = new Map<number, ScanIssue[]>();
  for (const issue of ic.issues) {
    const list = issuesBySegment.get(issue.segmentIndex);
    if (list) list.push(issue);
    else issuesBySegment.set(issue.segmentIndex, [issue]);
  }

  checkUnb(L, errors);
  const sender = { id: L.component(0, 2, 1), qualifier: L.component(0, 2, 2) };
  const receiver = { id: L.component(0, 3, 1), qualifier: L.component(0, 3, 2) };
  const controlNumber = L.value(0, 5);
  const date = L.component(0, 4, 1);
  const time = L.component(0, 4, 2);
  const duplicate = dup.check(
    `edifact|${sender.qualifier}|${sender.id}|${receiver.qualifier}|${receiver.id}|${controlNumber}`,
    'interchange',
  );
  if (duplicate) {
    interchangeError(
      errors,
      '26',
      `Duplicate interchange: reference ${controlNumber} from ${sender.id} to ${receiver.id} was received before.`,
      at(L, 0, 'UNB', 5),
    );
  }

  const w = new EdifactWalker(L, issuesBySegment);
  w.walk();
  errors.push(...w.errors);
  for (const s of issuesBySegment.get(0) ?? []) {
    interchangeError(errors, s.code, s.message, { ...at(L, 0, 'UNB'), elementPosition: s.elementPosition });
  }

  let declaredCount: number | undefined;
  let messageCount = 0;
  for (const g of w.groups) messageCount += g.messages.length;
  if (w.unzIndex < 0) {
    interchangeError(errors, '13', `UNZ segment missing: the interchange ${controlNumber} is truncated.`, {
      segmentPosition: n + 1,
      segmentTag: 'UNZ',
    });
  } else {
    const unz = w.unzIndex;
    const count = L.value(unz, 1);
    const ref = L.value(unz, 2);
    declaredCount = num(count);
    const expected = w.explicitGroups > 0 ? w.explicitGroups : messageCount;
    if (ref !== controlNumber) {
      interchangeError(
        errors,
        '28',
        `UNZ reference "${clip(ref)}" does not match UNB "${controlNumber}".`,
        at(L, unz, 'UNZ', 2),
      );
    }
    if (declaredCount !== expected) {
      interchangeError(
        errors,
        '29',
        `UNZ says ${clip(count) || '(empty)'} ${w.explicitGroups > 0 ? 'groups' : 'messages'} but the interchange has ${expected}.`,
        at(L, unz, 'UNZ', 1),
      );
    }
  }
  if (messageCount === 0 && w.explicitGroups === 0) {
    interchangeError(errors, '32', 'The interchange contains no messages.', at(L, 0, 'UNB'));
  }

  const report: InterchangeReport = {
    standard: 'edifact',
    sender,
    receiver,
    controlNumber,
    date: isoDate(date) ?? date,
    time: isoTime(time) ?? time,
    version: L.component(0, 1, 2),
    syntaxIdentifier: L.component(0, 1, 1),
    ackRequested: L.value(0, 9) === '1',
    test: L.value(0, 11) === '1',
    declaredCount,
    delimiters: ic.delimiters,
    complete: w.unzIndex >= 0,
    offset: { start: ic.start, end: ic.end },
    segmentCount: n,
    status: 'accepted',
    groups: w.groups,
    errors,
  };
  finalizeInterchange(report, NO_NON_FATAL);
  return report;
}
