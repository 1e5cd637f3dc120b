/**
 * EDIFACT CONTRL (syntax 3, CONTRL:D:3:UN) from a validation report: UCI for the interchange
 * (action 4 rejected, 7 acknowledged, 8 received), UCF per functional group, UCM per message with
 * UCS/UCD for segment and element errors. EDIFACT has no "accepted with errors".
 */
import type { GenerateResult, SegmentSpec } from '../generate-error.ts';
import type { EdiError, InterchangeReport, MessageReport, Party } from '../types.ts';
import { type EdifactDelimiters, type EdifactMessageSpec, generateEdifact } from './generate.ts';

export type ContrlMode = 'acknowledge' | 'received';

export interface EdifactAckOptions {
  /** UNB 0020 of the CONTRL interchange. */
  interchangeReference: string;
  /** UNH 0062 of the CONTRL message (default `1`). */
  messageReference?: string;
  /** `acknowledge` (default): UCI 7/4 with UCM per message; `received`: UCI 8 only. */
  mode?: ContrlMode;
  sender?: Party;
  receiver?: Party;
  /** Default: the received syntax identifier, version 3. */
  syntax?: { id: string; version: number };
  una?: boolean;
  delimiters?: Partial<EdifactDelimiters>;
  lineBreak?: boolean;
  now?: Date;
}

function party(p: Party): string[] {
  return p.qualifier ? [p.id, p.qualifier] : [p.id];
}

function position(e: EdiError): string[] | string {
  if (e.elementPosition === undefined) return '';
  return e.componentPosition !== undefined
    ? [String(e.elementPosition), String(e.componentPosition)]
    : String(e.elementPosition);
}

function messageId(m: MessageReport): string[] {
  const version = m.version.slice(0, 1);
  const release = m.version.slice(1);
  const id = [m.type, version, release, m.agency ?? 'UN'];
  if (m.association) id.push(m.association);
  return id;
}

function ucm(m: MessageReport, groupRejected: boolean): SegmentSpec[] {
  const rejected = groupRejected || m.errors.length > 0;
  const first = m.errors.find((e) => e.level === 'message');
  const out: SegmentSpec[] = [
    ['UCM', m.controlNumber, messageId(m), rejected ? '4' : '7', first?.code ?? ''],
  ];
  const bySegment = new Map<number, EdiError[]>();
  for (const e of m.errors) {
    if ((e.level === 'segment' || e.level === 'element') && e.segmentPosition !== undefined) {
      const list = bySegment.get(e.segmentPosition) ?? [];
      list.push(e);
      bySegment.set(e.segmentPosition, list);
    }
  }
  for (const [pos, list] of [...bySegment.entries()].sort((a, b) => a[0] - b[0])) {
    const seg = list.find((e) => e.level === 'segment');
    out.push(['UCS', String(pos), seg?.code ?? '']);
    for (const e of list.filter((x) => x.level === 'element').slice(0, 99))
      out.push(['UCD', e.code, position(e)]);
  }
  return out;
}

export function buildContrlBody(ic: InterchangeReport, mode: ContrlMode): SegmentSpec[] {
  const rejected = ic.status === 'rejected';
  const first = ic.errors[0];
  const uci: SegmentSpec =
    mode === 'received'
      ? ['UCI', ic.controlNumber, party(ic.sender), party(ic.receiver), '8']
      : [
          'UCI',
          ic.controlNumber,
          party(ic.sender),
          party(ic.receiver),
          rejected ? '4' : '7',
          first?.code ?? '',
          first?.segmentTag && first.segmentTag.length === 3 ? first.segmentTag : '',
          first ? position(first) : '',
        ];
  const segs: SegmentSpec[] = [uci];
  if (mode === 'received') return segs;
  for (const g of ic.groups) {
    const groupRejected = rejected || g.status === 'rejected';
    if (!g.implicit) {
      const ge = g.errors[0];
      segs.push([
        'UCF',
        g.controlNumber,
        [g.applicationSender ?? ''],
        [g.applicationReceiver ?? ''],
        groupRejected ? '4' : '7',
        ge?.code ?? '',
      ]);
    }
    for (const m of g.messages) {
      // A rejected interchange (UCI 4) rejects every message; only messages with their own
      // errors are worth reporting then.
      if (rejected && m.errors.length === 0) continue;
      segs.push(...ucm(m, groupRejected && g.errors.length > 0));
    }
  }
  return segs;
}

export interface EdifactAckOutcome {
  result: GenerateResult;
  kind: 'CONTRL';
}

export function buildEdifactAcknowledgement(ic: InterchangeReport, o: EdifactAckOptions): EdifactAckOutcome {
  const message: EdifactMessageSpec = {
    reference: o.messageReference ?? '1',
    type: 'CONTRL',
    version: 'D',
    release: '3',
    agency: 'UN',
    segments: buildContrlBody(ic, o.mode ?? 'acknowledge'),
  };
  const received = ic.syntaxIdentifier ?? '';
  const syntaxId = /^UNO[A-K]$/.test(received) ? received : 'UNOC';
  return {
    kind: 'CONTRL',
    result: generateEdifact({
      syntax: o.syntax ?? { id: syntaxId, version: 3 },
      una: o.una ?? true,
      delimiters: o.delimiters,
      sender: o.sender ?? ic.receiver,
      receiver: o.receiver ?? ic.sender,
      controlReference: o.interchangeReference,
      now: o.now,
      lineBreak: o.lineBreak,
      messages: [message],
    }),
  };
}
