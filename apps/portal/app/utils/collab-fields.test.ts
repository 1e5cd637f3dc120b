import { describe, expect, it } from 'vitest';
import {
  colorFor,
  displayValue,
  formatAmountInput,
  formatMoneyDisplay,
  initials,
  parseAmountInput,
  parseInput,
  presenceColors,
} from './collab-fields.ts';

describe('live deal field helpers', () => {
  it('formats and parses amounts in the user locale, in minor units', () => {
    expect(formatAmountInput(4_850_050, 'EUR', 'de')).toBe('48.500,50');
    expect(formatAmountInput(4_850_050, 'EUR', 'en')).toBe('48,500.50');
    expect(formatMoneyDisplay(4_850_000, 'EUR', 'en')).toBe('€48,500.00');
    expect(formatMoneyDisplay(4_850_000, 'EUR', 'de')).toBe('48.500,00\u00a0€');
    expect(parseAmountInput('48.500,50', 'EUR', 'de')).toBe(4_850_050);
    expect(parseAmountInput('48,500.5', 'EUR', 'en')).toBe(4_850_050);
    expect(parseAmountInput('1 200 €', 'EUR', 'de')).toBe(120_000);
    expect(parseAmountInput('1200', 'JPY', 'en')).toBe(1200);
    // The sign is kept: the server decides and explains.
    expect(parseAmountInput('-5', 'EUR', 'en')).toBe(-500);
    for (const bad of ['', 'abc', '1.234', '12,345', '1-2'])
      expect(parseAmountInput(bad, 'EUR', bad === '12,345' ? 'de' : 'en'), bad).toBeNull();
  });

  it('reads inputs into Y.Map values', () => {
    expect(parseInput('probability', '40', 'EUR', 'de')).toEqual({ ok: true, value: 40 });
    expect(parseInput('probability', 'viel', 'EUR', 'de')).toEqual({ ok: false });
    expect(parseInput('expectedCloseDate', '', 'EUR', 'de')).toEqual({ ok: true, value: null });
    expect(parseInput('expectedCloseDate', '2027-03-31', 'EUR', 'de')).toEqual({
      ok: true,
      value: '2027-03-31',
    });
    expect(parseInput('description', '', 'EUR', 'de')).toEqual({ ok: true, value: null });
    const values = {
      name: 'A',
      amountMinor: 100,
      expectedCloseDate: null,
      probability: 10,
      description: null,
    };
    expect(displayValue('amountMinor', values, 'EUR', 'en')).toBe('1.00');
    expect(displayValue('description', values, 'EUR', 'en')).toBe('');
  });

  it('derives initials and a stable colour', () => {
    expect(initials('Jana Petersen')).toBe('JP');
    expect(initials('Karl-Heinz von Berg')).toBe('KB');
    expect(initials('admin')).toBe('AD');
    expect(colorFor('u1')).toBe(colorFor('u1'));
    expect(presenceColors).toContain(colorFor('another'));
  });
});
