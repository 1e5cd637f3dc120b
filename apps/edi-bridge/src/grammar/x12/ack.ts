/**
 * X12 acknowledgements from a validation report: TA1 (interchange) and 997 (functional groups).
 */
import type { GenerateResult, SegmentSpec } from '../generate-error.ts';
import type { EdiError, GroupReport, InterchangeReport, MessageReport, Party } from '../types.ts';
import { compactDate } from '../util.ts';
import { X12_NON_FATAL_INTERCHANGE_CODES } from './envelope.ts';
import { generateX12, type X12Delimiters, type X12GroupSpec, type X12InterchangeSpec } from './generate.ts';

export type Ta1Policy = 'always' | 'requested' | 'on-error' | 'requested-or-error' | 'never';

export interface X12AckOptions {
  /** ISA13 of the acknowledgement interchange. */
  interchangeControlNumber: number;
  /** GS06 of the FA group. */
  groupControlNumber: number;
  /** ST02 of the first 997 (incremented per set; default 1). */
  firstTransactionControlNumber?: number;
  /** Our IDs; default: the received receiver. */
  sender?: Party;
  /** Their IDs; default: the received sender. */
  receiver?: Party;
  applicationSender?: string;
  applicationReceiver?: string;
  /** When to include a TA1 (default: when requested by ISA14 or when the envelope has errors). */
  ta1?: Ta1Policy;
  /** Include 997s (default true). Groups of 997s (FA) are never acknowledged. */
  functionalAck?: boolean;
  /** ISA12 of the acknowledgement (default: the received one). */
  version?: string;
  usage?: 'P' | 'T';
  delimiters?: Partial<X12Delimiters>;
  lineBreak?: boolean;
  now?: Date;
}

export interface X12AckPlan {
  ta1?: SegmentSpec;
  groups: X12GroupSpec[];
  sets: number;
}

function ta1Status(ic: InterchangeReport): { status: 'A' | 'E' | 'R'; note: string } {
  if (ic.errors.length === 0) return { status: 'A', note: '000' };
  const fatal = ic.errors.find((e) => !X12_NON_FATAL_INTERCHANGE_CODES.has(e.code));
  if (fatal) return { status: 'R', note: fatal.code };
  return { status: 'E', note: ic.errors[0]?.code ?? '000' };
}

function isoToYymmdd(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso)
    ? compactDate(iso).slice(2)
    : iso.replace(/\D/g, '').padEnd(6, '0').slice(0, 6);
}

function isoToHhmm(t: string): string {
  return /^\d{2}:\d{2}$/.test(t) ? t.replace(':', '') : t.replace(/\D/g, '').padEnd(4, '0').slice(0, 4);
}

export function buildTa1(ic: InterchangeReport): SegmentSpec {
  const { status, note } = ta1Status(ic);
  return ['TA1', safe(ic.controlNumber), safe(isoToYymmdd(ic.date)), safe(isoToHhmm(ic.time)), status, note];
}

/** Replaces characters that could collide with our delimiters in copied bad data. */
function safe(value: string): string {
  return value
    .replace(/[^A-Za-z0-9 .,\-/()]/g, ' ')
    .trim()
    .slice(0, 99);
}

function errorsBySegment(
  errors: EdiError[],
): Map<number, { tag: string; segment: EdiError[]; elements: EdiError[] }> {
  const map = new Map<number, { tag: string; segment: EdiError[]; elements: EdiError[] }>();
  for (const e of errors) {
    if ((e.level !== 'segment' && e.level !== 'element') || e.segmentPosition === undefined) continue;
    let entry = map.get(e.segmentPosition);
    if (!entry) {
      entry = { tag: e.segmentTag ?? '', segment: [], elements: [] };
      map.set(e.segmentPosition, entry);
    }
    (e.level === 'segment' ? entry.segment : entry.elements).push(e);
  }
  return map;
}

function messageSegments(m: MessageReport, is5010: boolean): SegmentSpec[] {
  const out: SegmentSpec[] = [];
  out.push(
    is5010 && m.implementationReference
      ? ['AK2', safe(m.type), safe(m.controlNumber), safe(m.implementationReference)]
      : ['AK2', safe(m.type), safe(m.controlNumber)],
  );
  const bySegment = errorsBySegment(m.errors);
  for (const [position, entry] of [...bySegment.entries()].sort((a, b) => a[0] - b[0])) {
    const code = entry.segment[0]?.code ?? '8';
    out.push(['AK3', safe(entry.tag).slice(0, 3), String(position), '', code]);
    for (const e of entry.elements.slice(0, 99)) {
      const pos =
        e.componentPosition !== undefined
          ? [String(e.elementPosition ?? 1), String(e.componentPosition)]
          : String(e.elementPosition ?? 1);
      out.push(['AK4', pos, '', e.code, e.value !== undefined ? safe(e.value) : '']);
    }
  }
  const messageCodes = m.errors.filter((e) => e.level === 'message').map((e) => e.code);
  if (messageCodes.length === 0 && bySegment.size > 0) messageCodes.push('5');
  const unique = [...new Set(messageCodes)].slice(0, 5);
  out.push(['AK5', m.errors.length === 0 ? 'A' : 'R', ...unique]);
  return out;
}

function ak9Status(ic: InterchangeReport, g: GroupReport): 'A' | 'E' | 'P' | 'R' {
  if (g.status === 'rejected') return 'R';
  if (g.status === 'partially-accepted') return 'P';
  const noted = ic.errors.some(
    (e) =>
      e.segmentPosition !== undefined &&
      e.segmentPosition - 1 >= g.segments.start &&
      e.segmentPosition - 1 < g.segments.end,
  );
  return noted ? 'E' : 'A';
}

/** One 997 body per received group. */
export function build997Body(ic: InterchangeReport, g: GroupReport): SegmentSpec[] {
  const is5010 = g.version >= '005010';
  const segs: SegmentSpec[] = [
    is5010
      ? ['AK1', safe(g.functionalId), safe(g.controlNumber), safe(g.version)]
      : ['AK1', safe(g.functionalId), safe(g.controlNumber)],
  ];
  for (const m of g.messages) segs.push(...messageSegments(m, is5010));
  const accepted = g.messages.filter((m) => m.errors.length === 0 && g.status !== 'rejected').length;
  const groupCodes = [...new Set(g.errors.map((e) => e.code))].slice(0, 5);
  segs.push([
    'AK9',
    ak9Status(ic, g),
    String(g.declaredMessageCount ?? g.messages.length),
    String(g.messages.length),
    String(accepted),
    ...groupCodes,
  ]);
  return segs;
}

function wantsTa1(ic: InterchangeReport, policy: Ta1Policy): boolean {
  switch (policy) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'requested':
      return ic.ackRequested;
    case 'on-error':
      return ic.errors.length > 0;
    default:
      return ic.ackRequested || ic.errors.length > 0;
  }
}

export interface X12AckOutcome {
  /** Absent when nothing needs to be sent (no TA1 wanted and nothing to 997). */
  result?: GenerateResult;
  kind: 'TA1' | '997' | 'TA1+997' | 'none';
  transactionSets: number;
}

/** Builds the acknowledgement interchange for one received interchange. */
export function buildX12Acknowledgement(ic: InterchangeReport, o: X12AckOptions): X12AckOutcome {
  const ta1 = wantsTa1(ic, o.ta1 ?? 'requested-or-error') ? buildTa1(ic) : undefined;
  const groups: X12GroupSpec[] = [];
  let sets = 0;
  if ((o.functionalAck ?? true) && ic.status !== 'rejected') {
    const acked = ic.groups.filter((g) => g.functionalId !== 'FA' && !g.implicit);
    if (acked.length > 0) {
      let st = o.firstTransactionControlNumber ?? 1;
      const first = acked[0];
      const version = first?.version || '004010';
      groups.push({
        functionalId: 'FA',
        applicationSender: o.applicationSender ?? first?.applicationReceiver ?? ic.receiver.id,
        applicationReceiver: o.applicationReceiver ?? first?.applicationSender ?? ic.sender.id,
        controlNumber: o.groupControlNumber,
        version: version.length > 6 ? version.slice(0, 6) : version,
        transactions: acked.map((g) => ({ type: '997', controlNumber: st++, segments: build997Body(ic, g) })),
      });
      sets = acked.length;
    }
  }
  if (!ta1 && groups.length === 0) return { kind: 'none', transactionSets: 0 };
  const spec: X12InterchangeSpec = {
    sender: o.sender ?? ic.receiver,
    receiver: o.receiver ?? ic.sender,
    controlNumber: o.interchangeControlNumber,
    version: o.version ?? (/^\d{5}$/.test(ic.version) ? ic.version : '00401'),
    usage: o.usage ?? (ic.test ? 'T' : 'P'),
    ackRequested: false,
    delimiters: o.delimiters,
    lineBreak: o.lineBreak,
    now: o.now,
    leadingSegments: ta1 ? [ta1] : [],
    groups,
  };
  return {
    result: generateX12(spec),
    kind: ta1 && groups.length > 0 ? 'TA1+997' : ta1 ? 'TA1' : '997',
    transactionSets: sets,
  };
}
