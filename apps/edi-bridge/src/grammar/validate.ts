/**
 * File-level validation: tokenizes (unless given a parsed file) and validates every interchange.
 */
import { DuplicateGate } from './duplicates.ts';
import { validateEdifactInterchange } from './edifact/envelope.ts';
import { type ParsedFile, type ParseOptions, parseInterchanges } from './tokenize.ts';
import type { InterchangeReport, ValidateOptions, ValidationReport } from './types.ts';
import { validateX12Interchange } from './x12/envelope.ts';

export interface Validated {
  file: ParsedFile;
  report: ValidationReport;
}

function isParsed(x: Uint8Array | string | ParsedFile): x is ParsedFile {
  return typeof x === 'object' && !(x instanceof Uint8Array) && 'interchanges' in x;
}

export function validateFile(file: ParsedFile, opts: ValidateOptions = {}): ValidationReport {
  const gate = new DuplicateGate(opts);
  const interchanges: InterchangeReport[] = file.interchanges.map((ic) =>
    ic.standard === 'x12' ? validateX12Interchange(ic, gate) : validateEdifactInterchange(ic, gate),
  );
  const valid =
    file.errors.length === 0 &&
    interchanges.length > 0 &&
    interchanges.every(
      (ic) =>
        ic.errors.length === 0 &&
        ic.groups.every((g) => g.errors.length === 0 && g.messages.every((m) => m.errors.length === 0)),
    );
  return { standard: file.standard, encoding: file.encoding, valid, interchanges, errors: file.errors };
}

/** Validates bytes, a string or an already parsed file; never throws for bad input. */
export function validate(
  input: Uint8Array | string | ParsedFile,
  opts: ValidateOptions & ParseOptions = {},
): ValidationReport {
  const file = isParsed(input) ? input : parseInterchanges(input, opts);
  return validateFile(file, opts);
}

export function parseAndValidate(
  input: Uint8Array | string,
  opts: ValidateOptions & ParseOptions = {},
): Validated {
  const file = parseInterchanges(input, opts);
  return { file, report: validateFile(file, opts) };
}
