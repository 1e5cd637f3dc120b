/**
 * Konsort EDI grammar: X12 (004010, 005010) and EDIFACT (D96A, D01B, EANCOM) tokenizer, envelope
 * validator, acknowledgements, generators and business-document translation. Pure logic, no I/O.
 */
export {
  type Acknowledgement,
  type AckProfile,
  type AckResult,
  buildAcknowledgement,
  type EdifactAckProfile,
  type X12AckProfile,
} from './ack.ts';
export { decodeInput, encodeText, type OutputEncoding } from './charset.ts';
export * from './documents.ts';
export { type EdifactInterchangeSpec, type EdifactMessageSpec, generateEdifact } from './edifact/generate.ts';
export {
  EdiGenerateError,
  type GenerateErrorCode,
  type GenerateResult,
  type SegmentSpec,
} from './generate-error.ts';
export { canonicalDecimal, formatMinor, impliedDecimal, type Money, toMinorUnits, toMoney } from './money.ts';
export {
  type EdifactOutboundProfile,
  generateDocuments,
  type OutboundProfile,
  type X12OutboundProfile,
} from './outbound.ts';
export { components, repetitions, SegmentList, unescapeRelease } from './segments.ts';
export {
  type ParsedFile,
  type ParseOptions,
  parseInterchanges,
  type TokenizedInterchange,
} from './tokenize.ts';
export {
  type SourceRef,
  type TranslatedDocument,
  type TranslateOptions,
  type TranslationProblem,
  type TranslationResult,
  translate,
} from './translate.ts';
export type * from './types.ts';
export { validate } from './validate.ts';
export {
  generateX12,
  type X12GroupSpec,
  type X12InterchangeSpec,
  type X12TransactionSpec,
} from './x12/generate.ts';
