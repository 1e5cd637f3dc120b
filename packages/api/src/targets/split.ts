/**
 * Splits an annual target (integer minor units) into twelve months in proportion to `weights`
 * (equal weights when omitted). Largest-remainder rounding: the months are whole minor units
 * and always add up to exactly the annual amount; ties go to the earlier month.
 */
export function splitAnnual(annualMinor: number, weights: readonly number[] = Array(12).fill(1)): number[] {
  if (!Number.isSafeInteger(annualMinor) || annualMinor < 0) throw new RangeError('annual amount');
  if (weights.length !== 12 || weights.some((w) => !Number.isFinite(w) || w < 0))
    throw new RangeError('weights');
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new RangeError('weights');
  const exact = weights.map((w) => (annualMinor * w) / total);
  const months = exact.map(Math.floor);
  let rest = annualMinor - months.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, fraction: x - Math.floor(x) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    months[i]! += 1;
    rest -= 1;
  }
  return months;
}
