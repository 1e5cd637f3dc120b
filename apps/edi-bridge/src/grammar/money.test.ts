import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMinor,
  canonicalDecimal,
  currencyDigits,
  formatDecimal,
  formatMinor,
  impliedDecimal,
  multiplyToMinor,
  parseDecimal,
  toMinorUnits,
  toMoney,
} from './money.ts';

describe('money', () => {
  it('parses decimals exactly', () => {
    expect(toMoney('12.50')).toEqual({ decimal: '12.5', minor: 1250, scale: 2 });
    expect(toMoney('0.125')).toEqual({ decimal: '0.125', minor: 125, scale: 3 });
    expect(toMoney('-3')).toEqual({ decimal: '-3', minor: -300, scale: 2 });
    expect(toMoney('.5')).toEqual({ decimal: '0.5', minor: 50, scale: 2 });
    expect(toMoney('12,5', 2, ',')).toEqual({ decimal: '12.5', minor: 1250, scale: 2 });
    expect(toMoney('1500', currencyDigits('JPY'))).toEqual({ decimal: '1500', minor: 1500, scale: 0 });
    expect(toMoney('0.1', 2)?.minor).toBe(10);
    expect(toMoney('90071992547409.93')).toBeUndefined();
    for (const bad of ['', '-', '.', '1e3', '1.2.3', '12 50', 'abc', '1,000.00'])
      expect(toMoney(bad)).toBeUndefined();
  });

  it('canonicalises and formats', () => {
    expect(canonicalDecimal('0012.500')).toBe('12.5');
    expect(canonicalDecimal('-0.0')).toBe('0');
    expect(canonicalDecimal('+7')).toBe('7');
    expect(parseDecimal('x')).toBeUndefined();
    expect(formatMinor(1250, 2)).toBe('12.50');
    expect(formatMinor(-5, 2)).toBe('-0.05');
    expect(formatMinor(7, 0)).toBe('7');
    expect(formatDecimal('12.5', 2, ',')).toBe('12,50');
    expect(toMinorUnits('12.345', 2)).toBeUndefined();
    expect(toMinorUnits('12.34', 2)).toBe(1234);
  });

  it('reads X12 implied decimals (N2)', () => {
    expect(impliedDecimal('131920', 2)).toBe('1319.2');
    expect(impliedDecimal('5', 2)).toBe('0.05');
    expect(impliedDecimal('-1250', 2)).toBe('-12.5');
    expect(impliedDecimal('12.5', 2)).toBeUndefined();
  });

  it('adds and multiplies without floats', () => {
    expect(
      addMinor(
        [
          { minor: 1250, scale: 2 },
          { minor: 125, scale: 3 },
        ],
        3,
      ),
    ).toBe(12625);
    expect(multiplyToMinor('3', '0.1', 2)).toBe(30);
    expect(multiplyToMinor('2.5', '7.125', 2)).toBeUndefined();
    expect(multiplyToMinor('2.5', '7.125', 4)).toBe(178125);
  });

  it('round-trips minor units through decimal strings', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (minor, scale) => {
        const text = formatMinor(minor, scale);
        expect(toMinorUnits(text, scale)).toBe(minor);
      }),
      { numRuns: 500 },
    );
  });
});
