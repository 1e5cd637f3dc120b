/**
 * Business documents → interchange text for a trading partner (outbound 850/ORDERS for won deals,
 * 855/ORDRSP responses, and 856/810 for tests and simulators).
 */
import {
  InvoiceSchema,
  type OutboundDocument,
  PurchaseOrderResponseSchema,
  PurchaseOrderSchema,
  ShipmentNoticeSchema,
} from './documents.ts';
import { EDIFACT_MESSAGE_TYPE, writeEdifactDocument } from './edifact/documents.ts';
import { type EdifactDelimiters, type EdifactMessageSpec, generateEdifact } from './edifact/generate.ts';
import { EdiGenerateError, type GenerateResult } from './generate-error.ts';
import type { Party } from './types.ts';
import { writeX12Document, X12_FUNCTIONAL_ID } from './x12/documents.ts';
import { generateX12, type X12Delimiters, type X12GroupSpec } from './x12/generate.ts';

export interface X12OutboundProfile {
  standard: 'x12';
  sender: Party;
  receiver: Party;
  /** GS02 / GS03; default: the ISA IDs. */
  applicationSender?: string;
  applicationReceiver?: string;
  /** GS08, default `004010`; ISA12 follows (00401 / 00501). */
  version?: '004010' | '005010';
  usage?: 'P' | 'T';
  ackRequested?: boolean;
  delimiters?: Partial<X12Delimiters>;
  lineBreak?: boolean;
  now?: Date;
  controlNumbers: { interchange: number; group: number; transaction?: number };
}

export interface EdifactOutboundProfile {
  standard: 'edifact';
  sender: Party;
  receiver: Party;
  /** Directory, default `D96A`. */
  messageVersion?: string;
  /** UNH association assigned code, e.g. `EAN008`. */
  association?: string;
  syntax?: { id: string; version: number };
  una?: boolean;
  delimiters?: Partial<EdifactDelimiters>;
  ackRequested?: boolean;
  test?: boolean;
  lineBreak?: boolean;
  now?: Date;
  controlNumbers: { interchange: number | string; message?: number };
}

export type OutboundProfile = X12OutboundProfile | EdifactOutboundProfile;

function checkDocument(doc: OutboundDocument): void {
  const schema =
    doc.kind === 'purchaseOrder'
      ? PurchaseOrderSchema
      : doc.kind === 'purchaseOrderResponse'
        ? PurchaseOrderResponseSchema
        : doc.kind === 'shipmentNotice'
          ? ShipmentNoticeSchema
          : InvoiceSchema;
  const r = schema.safeParse(doc.document);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EdiGenerateError(
      'INVALID_DOCUMENT',
      `The ${doc.kind} is not valid: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema check failed'}.`,
    );
  }
}

export function generateDocuments(
  docs: ReadonlyArray<OutboundDocument>,
  profile: OutboundProfile,
): GenerateResult {
  try {
    for (const d of docs) checkDocument(d);
    return profile.standard === 'x12' ? x12(docs, profile) : edifact(docs, profile);
  } catch (e) {
    if (e instanceof EdiGenerateError) return { ok: false, error: e };
    throw e;
  }
}

function x12(docs: ReadonlyArray<OutboundDocument>, p: X12OutboundProfile): GenerateResult {
  const version = p.version ?? '004010';
  const groups = new Map<string, X12GroupSpec & { transactions: X12GroupSpec['transactions'][number][] }>();
  let groupControl = p.controlNumbers.group;
  let st = p.controlNumbers.transaction ?? 1;
  for (const d of docs) {
    const { type, segments } = writeX12Document(d);
    const functionalId = X12_FUNCTIONAL_ID[type] ?? 'PO';
    let g = groups.get(functionalId);
    if (!g) {
      g = {
        functionalId,
        applicationSender: p.applicationSender ?? p.sender.id,
        applicationReceiver: p.applicationReceiver ?? p.receiver.id,
        controlNumber: groupControl++,
        version,
        transactions: [],
      };
      groups.set(functionalId, g);
    }
    g.transactions.push({ type, controlNumber: st++, segments });
  }
  return generateX12({
    sender: p.sender,
    receiver: p.receiver,
    controlNumber: p.controlNumbers.interchange,
    version: version === '005010' ? '00501' : '00401',
    usage: p.usage,
    ackRequested: p.ackRequested,
    delimiters: p.delimiters,
    lineBreak: p.lineBreak,
    now: p.now,
    groups: [...groups.values()],
  });
}

function edifact(docs: ReadonlyArray<OutboundDocument>, p: EdifactOutboundProfile): GenerateResult {
  const dir = p.messageVersion ?? 'D96A';
  const version = dir.slice(0, 1);
  const release = dir.slice(1);
  let ref = p.controlNumbers.message ?? 1;
  const decimal = p.delimiters?.decimal ?? '.';
  const messages: EdifactMessageSpec[] = docs.map((d) => {
    const { type, segments } = writeEdifactDocument(d, { decimal });
    return {
      reference: String(ref++),
      type: EDIFACT_MESSAGE_TYPE[d.kind] ?? type,
      version,
      release,
      agency: 'UN',
      ...(p.association ? { association: p.association } : {}),
      segments,
    };
  });
  return generateEdifact({
    syntax: p.syntax,
    una: p.una,
    delimiters: p.delimiters,
    sender: p.sender,
    receiver: p.receiver,
    controlReference: String(p.controlNumbers.interchange),
    ackRequested: p.ackRequested,
    test: p.test,
    lineBreak: p.lineBreak,
    now: p.now,
    messages,
  });
}
