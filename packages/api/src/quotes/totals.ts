/**
 * Quote arithmetic in integer minor units, no floating point anywhere.
 *
 * Quantities have at most three decimals (kept as thousandths, "2.5" → 2500); discounts and tax
 * rates are basis points (5 % = 500, 19 % = 1900). Rounding is half-up (amounts are never
 * negative), and it happens at these points only:
 *
 *  1. per line, once: net = quantity × unit price × (1 − line discount) × (1 − rule discount),
 *     computed exactly and rounded half-up to minor units;
 *  2. per tax rate: the quote discount of that rate's line sum, rounded half-up; the rate's
 *     base is its line sum minus that discount;
 *  3. per tax rate: tax = base × rate, rounded half-up.
 *
 * net = Σ bases, tax = Σ taxes, gross = net + tax, discount = Σ per-rate discounts. So the
 * printed per-rate lines always add up to the totals, as a German invoice must show them.
 */

export interface LineInput {
  /** Quantity as a decimal string with at most 3 decimals ("10", "2.5"). */
  quantity: string;
  unitPriceMinor: number;
  discountBp: number;
  ruleDiscountBp: number;
  taxRateBp: number;
}

export interface TaxLine {
  rateBp: number;
  baseMinor: number;
  taxMinor: number;
}

export interface Totals {
  lines: { netMinor: number }[];
  netBeforeDiscountMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  taxes: TaxLine[];
}

/** "2.5" → 2500n thousandths; throws on anything else (zod has validated before). */
export function quantityThousandths(quantity: string): bigint {
  const match = /^(\d{1,11})(?:\.(\d{1,3}))?$/.exec(quantity.trim());
  if (!match) throw new Error(`not a quantity: ${quantity}`);
  return BigInt(match[1]!) * 1000n + BigInt((match[2] ?? '').padEnd(3, '0'));
}

/** numerator / denominator rounded half-up, for non-negative values. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new Error('divideHalfUp expects non-negative values');
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount too large');
  return Number(value);
}

export function lineNetMinor(line: LineInput): number {
  const qty = quantityThousandths(line.quantity);
  const exact =
    qty *
    BigInt(line.unitPriceMinor) *
    BigInt(10_000 - line.discountBp) *
    BigInt(10_000 - line.ruleDiscountBp);
  return toSafeNumber(divideHalfUp(exact, 1000n * 10_000n * 10_000n));
}

export function computeTotals(lines: readonly LineInput[], quoteDiscountBp: number): Totals {
  const nets = lines.map((l) => lineNetMinor(l));
  const byRate = new Map<number, number>();
  lines.forEach((l, i) => {
    byRate.set(l.taxRateBp, (byRate.get(l.taxRateBp) ?? 0) + nets[i]!);
  });
  const taxes: TaxLine[] = [];
  let discountMinor = 0;
  for (const rateBp of [...byRate.keys()].sort((a, b) => b - a)) {
    const sum = BigInt(byRate.get(rateBp)!);
    const discount = divideHalfUp(sum * BigInt(quoteDiscountBp), 10_000n);
    const base = sum - discount;
    discountMinor += toSafeNumber(discount);
    taxes.push({
      rateBp,
      baseMinor: toSafeNumber(base),
      taxMinor: toSafeNumber(divideHalfUp(base * BigInt(rateBp), 10_000n)),
    });
  }
  const netBeforeDiscountMinor = nets.reduce((a, b) => a + b, 0);
  const netMinor = taxes.reduce((a, t) => a + t.baseMinor, 0);
  const taxMinor = taxes.reduce((a, t) => a + t.taxMinor, 0);
  return {
    lines: nets.map((netMinor) => ({ netMinor })),
    netBeforeDiscountMinor,
    discountMinor,
    netMinor,
    taxMinor,
    grossMinor: netMinor + taxMinor,
    taxes,
  };
}

/** "12.5" % → 1250 bp; basis points → "12.5". */
export function percentToBp(percent: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(percent.trim());
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp > 10_000 ? null : bp;
}

export function bpToPercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const fraction = bp % 100;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}
