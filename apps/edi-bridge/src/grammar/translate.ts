/**
 * Parsed + validated messages → business documents. Only messages whose status is `accepted` are
 * mapped; every message that is not becomes a `rejected` entry with its reason.
 */
import {
  type BusinessDocument,
  FunctionalAcknowledgementSchema,
  InvoiceSchema,
  PurchaseOrderResponseSchema,
  PurchaseOrderSchema,
  ShipmentNoticeSchema,
} from './documents.ts';
import { readEdifactDocument } from './edifact/documents.ts';
import { MappingError, MessageView, type ReadContext } from './mapping.ts';
import type { ParseOptions } from './tokenize.ts';
import type { EdiError, Party, SegmentRange, Standard, ValidateOptions, ValidationReport } from './types.ts';
import { parseAndValidate } from './validate.ts';
import { readX12Document } from './x12/documents.ts';

export interface TranslateOptions extends ValidateOptions, ParseOptions, ReadContext {}

export interface SourceRef {
  standard: Standard;
  interchangeIndex: number;
  sender: Party;
  receiver: Party;
  interchangeControlNumber: string;
  interchangeDate: string;
  groupControlNumber: string;
  messageType: string;
  messageVersion: string;
  messageControlNumber: string;
  segments: SegmentRange;
}

export type TranslatedDocument = BusinessDocument & { source: SourceRef };

export interface TranslationProblem {
  source: SourceRef;
  /** Why the message was not translated (its first validation error, or a mapping error). */
  errors: EdiError[];
}

export interface TranslationResult {
  report: ValidationReport;
  documents: TranslatedDocument[];
  rejected: TranslationProblem[];
  /** Accepted messages of types we do not translate. */
  unsupported: SourceRef[];
}

function schemaFor(kind: BusinessDocument['kind']) {
  switch (kind) {
    case 'purchaseOrder':
      return PurchaseOrderSchema;
    case 'purchaseOrderResponse':
      return PurchaseOrderResponseSchema;
    case 'shipmentNotice':
      return ShipmentNoticeSchema;
    case 'invoice':
      return InvoiceSchema;
    case 'functionalAcknowledgement':
      return FunctionalAcknowledgementSchema;
  }
}

export function translate(input: Uint8Array | string, opts: TranslateOptions = {}): TranslationResult {
  const { file, report } = parseAndValidate(input, opts);
  const documents: TranslatedDocument[] = [];
  const rejected: TranslationProblem[] = [];
  const unsupported: SourceRef[] = [];
  report.interchanges.forEach((ic, interchangeIndex) => {
    const tokenized = file.interchanges[interchangeIndex];
    if (!tokenized) return;
    for (const g of ic.groups) {
      for (const m of g.messages) {
        const source: SourceRef = {
          standard: ic.standard,
          interchangeIndex,
          sender: ic.sender,
          receiver: ic.receiver,
          interchangeControlNumber: ic.controlNumber,
          interchangeDate: ic.date,
          groupControlNumber: g.controlNumber,
          messageType: m.type,
          messageVersion: m.version,
          messageControlNumber: m.controlNumber,
          segments: m.segments,
        };
        if (m.status !== 'accepted') {
          const reasons = m.errors.length > 0 ? m.errors : g.errors.length > 0 ? g.errors : ic.errors;
          rejected.push({ source, errors: reasons.slice(0, 10) });
          continue;
        }
        const view = new MessageView(tokenized.segments, m.segments);
        try {
          const doc =
            ic.standard === 'x12'
              ? readX12Document(view, m.type, opts)
              : readEdifactDocument(view, m.type, opts);
          if (!doc) {
            unsupported.push(source);
            continue;
          }
          const parsed = schemaFor(doc.kind).safeParse(doc.document);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            rejected.push({
              source,
              errors: [
                {
                  level: 'message',
                  code: 'MAPPING',
                  message: `The ${m.type} ${m.controlNumber} does not make a valid ${doc.kind}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema check failed'}.`,
                },
              ],
            });
            continue;
          }
          documents.push({ ...doc, source });
        } catch (e) {
          if (!(e instanceof MappingError)) throw e;
          rejected.push({
            source,
            errors: [
              {
                level: 'message',
                code: 'MAPPING',
                message: `${m.type} ${m.controlNumber}: ${e.message}`,
                ...(e.segmentPosition !== undefined ? { segmentPosition: e.segmentPosition } : {}),
                ...(e.segmentTag !== undefined ? { segmentTag: e.segmentTag } : {}),
              },
            ],
          });
        }
      }
    }
  });
  return { report, documents, rejected, unsupported };
}
