import { describe, expect, it } from 'vitest';
import { bpToPercent, computeTotals, divideHalfUp, lineNetMinor, percentToBp } from './totals.ts';

const line = (
  quantity: string,
  unitPriceMinor: number,
  extra: Partial<Parameters<typeof lineNetMinor>[0]> = {},
) => ({
  quantity,
  unitPriceMinor,
  discountBp: 0,
  ruleDiscountBp: 0,
  taxRateBp: 1900,
  ...extra,
});

describe('quote totals (integer minor units, half-up)', () => {
  it('rounds half-up exactly at .5 and not below', () => {
    expect(divideHalfUp(5n, 10n)).toBe(1n); // 0.5 → 1
    expect(divideHalfUp(4n, 10n)).toBe(0n); // 0.4 → 0
    expect(divideHalfUp(15n, 10n)).toBe(2n); // 1.5 → 2
    expect(divideHalfUp(25n, 10n)).toBe(3n); // 2.5 → 3 (not banker's 2)
  });

  it('computes a line once: quantity × price × (1 − line %) × (1 − rule %)', () => {
    // 3 × 19.99 = 59.97
    expect(lineNetMinor(line('3', 1999))).toBe(5997);
    // 2.5 × 10.01 = 25.025 → 25.03 (half-up)
    expect(lineNetMinor(line('2.5', 1001))).toBe(2503);
    // 7 × 3.33 = 23.31, −10 % = 20.979 → 20.98
    expect(lineNetMinor(line('7', 333, { discountBp: 1000 }))).toBe(2098);
    // 12 × 99.00 = 1188.00, −5 % (line) = 1128.60, −5 % (rule) = 1072.17
    expect(lineNetMinor(line('12', 9900, { discountBp: 500, ruleDiscountBp: 500 }))).toBe(107217);
    // 0.333 × 1.00 = 0.333 → 0.33
    expect(lineNetMinor(line('0.333', 100))).toBe(33);
  });

  it('applies the quote discount and tax per rate; the rate lines add up to the totals', () => {
    const totals = computeTotals(
      [
        line('3', 1999), // 59.97 @19 %
        line('2.5', 1001), // 25.03 @19 %
        line('4', 1250, { taxRateBp: 700 }), // 50.00 @7 %
      ],
      250, // 2.5 % quote discount
    );
    // 19 %: 59.97 + 25.03 = 85.00; discount 2.125 → 2.13; base 82.87; tax 15.7453 → 15.75
    // 7 %: 50.00; discount 1.25; base 48.75; tax 3.4125 → 3.41
    expect(totals.lines.map((l) => l.netMinor)).toEqual([5997, 2503, 5000]);
    expect(totals.taxes).toEqual([
      { rateBp: 1900, baseMinor: 8287, taxMinor: 1575 },
      { rateBp: 700, baseMinor: 4875, taxMinor: 341 },
    ]);
    expect(totals.netBeforeDiscountMinor).toBe(13500);
    expect(totals.discountMinor).toBe(338);
    expect(totals.netMinor).toBe(13162);
    expect(totals.taxMinor).toBe(1916);
    expect(totals.grossMinor).toBe(15078);
    expect(totals.netBeforeDiscountMinor - totals.discountMinor).toBe(totals.netMinor);
  });

  it('an empty quote totals zero', () => {
    expect(computeTotals([], 0)).toMatchObject({ netMinor: 0, taxMinor: 0, grossMinor: 0, taxes: [] });
  });

  it('parses percentages to basis points and back', () => {
    expect(percentToBp('5')).toBe(500);
    expect(percentToBp('12,5')).toBe(1250);
    expect(percentToBp('0.25')).toBe(25);
    expect(percentToBp('100')).toBe(10_000);
    expect(percentToBp('100.01')).toBeNull();
    expect(percentToBp('-1')).toBeNull();
    expect(bpToPercent(1250)).toBe('12.5');
    expect(bpToPercent(25)).toBe('0.25');
    expect(bpToPercent(1900)).toBe('19');
  });
});
