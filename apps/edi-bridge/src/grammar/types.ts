/**
 * Shared types of the EDI grammar: delimiters, errors and the validation report.
 * Everything here is plain data (JSON-serialisable) so reports can be stored and logged as they are.
 */

export type Standard = 'x12' | 'edifact';

/** How the bytes of the input were turned into text. */
export type TextEncodingName = 'ascii' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' | 'string';

export interface Delimiters {
  /** X12 element separator / EDIFACT data element separator (`+`). */
  element: string;
  /** X12 component (sub-element) separator (ISA16) / EDIFACT component separator (`:`). */
  component: string;
  /** Repetition separator; empty when the interchange has none (X12 < 00402, EDIFACT syntax < 4). */
  repetition: string;
  /** Segment terminator. */
  segment: string;
  /** EDIFACT release character (`?`); always empty for X12 004010/005010 (no escaping exists). */
  release: string;
  /** EDIFACT decimal mark (`.` or `,`); `.` for X12. */
  decimal: string;
}

export type ErrorLevel = 'interchange' | 'group' | 'message' | 'segment' | 'element';

/**
 * One finding. `code` is the standard's code for that level:
 * - X12 interchange: TA105 (I18) note codes, e.g. `001`, `021`, `023`, `025`;
 * - X12 group: AK905 (716) codes, e.g. `4`, `5`, `6`;
 * - X12 message: AK502 (718) codes, e.g. `3`, `4`, `23`;
 * - X12 segment: AK304 (720) codes; X12 element: AK403 (723) codes;
 * - EDIFACT, every level: CONTRL syntax error codes (0085), e.g. `13`, `26`, `28`, `29`.
 * Findings about the file itself (nothing a standard has a code for: empty input, EBCDIC, unknown
 * format, data outside any interchange) use upper-case codes such as `EMPTY` or `EBCDIC`.
 */
export interface EdiError {
  level: ErrorLevel;
  code: string;
  /** English, meant for humans (error folder, UI). */
  message: string;
  /**
   * 1-based. For message/segment/element errors: position within the transaction set / message
   * (ST / UNH = 1), as AK3 / UCS report it. For interchange/group errors: position within the
   * interchange (ISA / UNA-or-UNB = 1).
   */
  segmentPosition?: number;
  /** 1-based element position within the segment (ISA01 = 1, first element after the tag = 1). */
  elementPosition?: number;
  /** 1-based component position within a composite element. */
  componentPosition?: number;
  /** Tag of the segment concerned (AK301). */
  segmentTag?: string;
  /** Copy of the bad data (AK404), truncated. */
  value?: string;
  /** Character offset in the decoded text, for locating the problem. */
  offset?: number;
}

export interface Party {
  id: string;
  qualifier: string;
}

/** Range of segment indexes (start inclusive, end exclusive) in the interchange's segment list. */
export interface SegmentRange {
  start: number;
  end: number;
}

export type MessageStatus = 'accepted' | 'rejected';
export type GroupStatus = 'accepted' | 'partially-accepted' | 'rejected';
export type InterchangeStatus = 'accepted' | 'accepted-with-errors' | 'rejected';

export interface MessageReport {
  /** X12 ST01 (e.g. `850`) / EDIFACT 0065 (e.g. `ORDERS`). */
  type: string;
  /** X12: ST03 if present, else GS08; EDIFACT: version + release, e.g. `D96A`. */
  version: string;
  /** X12 ST03 implementation convention reference (005010), when sent. */
  implementationReference?: string;
  /** EDIFACT controlling agency (0051), e.g. `UN`. */
  agency?: string;
  /** EDIFACT association assigned code (0057), e.g. `EAN008`. */
  association?: string;
  /** ST02 / UNH 0062. */
  controlNumber: string;
  /** Segments actually present from ST/UNH to SE/UNT (inclusive). */
  segmentCount: number;
  /** SE01 / UNT 0074 as sent (undefined when the trailer is missing). */
  declaredSegmentCount?: number;
  segments: SegmentRange;
  status: MessageStatus;
  errors: EdiError[];
}

export interface GroupReport {
  /** X12 GS01 (e.g. `PO`) / EDIFACT UNG 0038; empty for the implicit EDIFACT group. */
  functionalId: string;
  /** GS06 / UNG 0048; empty for the implicit EDIFACT group. */
  controlNumber: string;
  /** GS08 / UNG S008. */
  version: string;
  /** GS02 / UNG S006. */
  applicationSender?: string;
  /** GS03 / UNG S007. */
  applicationReceiver?: string;
  date?: string;
  time?: string;
  /** GE01 / UNE 0060 as sent. */
  declaredMessageCount?: number;
  /** True for EDIFACT interchanges without UNG/UNE: messages sit directly in the interchange. */
  implicit: boolean;
  segments: SegmentRange;
  status: GroupStatus;
  messages: MessageReport[];
  errors: EdiError[];
}

export interface InterchangeReport {
  standard: Standard;
  sender: Party;
  receiver: Party;
  /** ISA13 / UNB 0020. */
  controlNumber: string;
  /** ISO date (YYYY-MM-DD) when valid, else the raw value. */
  date: string;
  /** HH:MM when valid, else the raw value. */
  time: string;
  /** X12 ISA12 (e.g. `00401`) / EDIFACT syntax version number (e.g. `3`). */
  version: string;
  /** EDIFACT syntax identifier (UNOA…UNOY). */
  syntaxIdentifier?: string;
  /** ISA14 = 1 / UNB 0031 = 1. */
  ackRequested: boolean;
  /** ISA15 = T / UNB 0035 = 1. */
  test: boolean;
  /** IEA01 / UNZ 0036 as sent. */
  declaredCount?: number;
  delimiters: Delimiters;
  /** True when the trailer (IEA / UNZ) was found. */
  complete: boolean;
  /** Character range in the decoded text. */
  offset: { start: number; end: number };
  segmentCount: number;
  status: InterchangeStatus;
  groups: GroupReport[];
  /** TA1 segments carried by this interchange (X12 only). */
  interchangeAcknowledgements?: InterchangeAcknowledgement[];
  errors: EdiError[];
}

/** A TA1 read from an inbound interchange. */
export interface InterchangeAcknowledgement {
  controlNumber: string;
  date: string;
  time: string;
  status: 'A' | 'E' | 'R' | string;
  noteCode: string;
}

export interface ValidationReport {
  standard: Standard | 'unknown';
  encoding: TextEncodingName;
  /** No error at any level. */
  valid: boolean;
  interchanges: InterchangeReport[];
  /** Findings about the file itself (not attributable to one interchange). */
  errors: EdiError[];
}

/** Which kind of control number a duplicate check concerns. */
export type DuplicateLevel = 'interchange' | 'group' | 'message';

/**
 * Asked once per interchange (and per group) with a stable key, e.g.
 * `x12|ZZ|SENDERID|ZZ|RECEIVERID|000000001`. Return true if it was seen before (within the period
 * the trading-partner agreement sets).
 */
export type DuplicateCheck = (key: string, level: DuplicateLevel) => boolean;

export interface ValidateOptions {
  isDuplicate?: DuplicateCheck;
  /** Alternative to `isDuplicate`: keys found here are duplicates; new keys are added. */
  seen?: Set<string>;
}
