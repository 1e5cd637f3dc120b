/**
 * Derives accept/reject status from the errors found, top-down: a rejected interchange rejects its
 * groups, a group with envelope errors rejects its messages, a message with any error is rejected.
 */
import type { InterchangeReport } from './types.ts';

export function finalizeInterchange(report: InterchangeReport, nonFatalCodes: ReadonlySet<string>): void {
  const fatal = report.errors.some((e) => !nonFatalCodes.has(e.code));
  report.status = report.errors.length === 0 ? 'accepted' : fatal ? 'rejected' : 'accepted-with-errors';
  for (const g of report.groups) {
    const groupBroken = fatal || g.errors.length > 0;
    let accepted = 0;
    for (const m of g.messages) {
      m.status = !groupBroken && m.errors.length === 0 ? 'accepted' : 'rejected';
      if (m.status === 'accepted') accepted++;
    }
    g.status =
      groupBroken || (g.messages.length > 0 && accepted === 0)
        ? 'rejected'
        : accepted === g.messages.length
          ? 'accepted'
          : 'partially-accepted';
  }
}
