/**
 * Duplicate detection. Interchange keys are checked against this run (a file may repeat an
 * interchange), the caller's `isDuplicate` function and/or `seen` set. Group and message keys are
 * only checked through `isDuplicate`: many senders restart group numbers per interchange, so only
 * the trading-partner agreement can say whether a repeat is a duplicate.
 */
import type { DuplicateLevel, ValidateOptions } from './types.ts';

export class DuplicateGate {
  private readonly local = new Set<string>();

  constructor(private readonly opts: ValidateOptions = {}) {}

  check(key: string, level: DuplicateLevel): boolean {
    if (level !== 'interchange') return this.opts.isDuplicate?.(key, level) ?? false;
    if (this.local.has(key)) return true;
    this.local.add(key);
    let dup = this.opts.isDuplicate?.(key, level) ?? false;
    const seen = this.opts.seen;
    if (seen) {
      if (seen.has(key)) dup = true;
      else seen.add(key);
    }
    return dup;
  }
}
