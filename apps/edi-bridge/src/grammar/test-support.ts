/** Test-only helpers: fixture loading and error collection. Not part of the public API. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EdiError, ValidationReport } from './types.ts';

const root = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(root + path));
}

export function fixtureText(path: string): string {
  return readFileSync(root + path, 'utf8');
}

/** Every error of a report, flattened, as `level:code`. */
export function codes(report: ValidationReport): string[] {
  return allErrors(report).map((e) => `${e.level}:${e.code}`);
}

export function allErrors(report: ValidationReport): EdiError[] {
  return [
    ...report.errors,
    ...report.interchanges.flatMap((ic) => [
      ...ic.errors,
      ...ic.groups.flatMap((g) => [...g.errors, ...g.messages.flatMap((m) => m.errors)]),
    ]),
  ];
}
