/** Typed refusals of the generators (returned, not thrown). */

export type GenerateErrorCode =
  /** X12 004010/005010 has no escaping: a value containing a delimiter cannot be written. */
  | 'DELIMITER_IN_DATA'
  /** A value is longer than its fixed-width or maximum field (ISA06, ISA13…). */
  | 'FIELD_TOO_LONG'
  /** A value is not valid for its field (control number not numeric, bad date…). */
  | 'INVALID_VALUE'
  /** Delimiters that collide or cannot be used. */
  | 'INVALID_DELIMITERS'
  /** A document failed its schema. */
  | 'INVALID_DOCUMENT';

export class EdiGenerateError extends Error {
  readonly code: GenerateErrorCode;
  readonly segmentTag?: string;
  readonly elementPosition?: number;
  readonly value?: string;

  constructor(
    code: GenerateErrorCode,
    message: string,
    where: { segmentTag?: string; elementPosition?: number; value?: string } = {},
  ) {
    super(message);
    this.name = 'EdiGenerateError';
    this.code = code;
    if (where.segmentTag !== undefined) this.segmentTag = where.segmentTag;
    if (where.elementPosition !== undefined) this.elementPosition = where.elementPosition;
    if (where.value !== undefined) this.value = where.value;
  }
}

export type GenerateResult = { ok: true; text: string } | { ok: false; error: EdiGenerateError };

/**
 * A segment to write: index 0 is the tag, then the elements in order. An element is a string or,
 * for composites, an array of components. Trailing empty elements are dropped on output.
 */
export type SegmentSpec = ReadonlyArray<string | ReadonlyArray<string>>;
