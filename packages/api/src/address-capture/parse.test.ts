import { describe, expect, it } from 'vitest';
import { addressCorpus } from './corpus.ts';
import { capturedFields, parseAddressBlock } from './parse.ts';
import { isWellFormedVatId } from './vat.ts';

describe('address capture corpus', () => {
  it('holds at least 15 imprints and signatures, German and English', () => {
    expect(addressCorpus.length).toBeGreaterThanOrEqual(15);
    expect(addressCorpus.filter((e) => e.expected.country === 'GB').length).toBeGreaterThanOrEqual(3);
  });

  for (const entry of addressCorpus) {
    describe(entry.name, () => {
      const parsed = parseAddressBlock(entry.text);
      it.each(capturedFields)('%s', (field) => {
        expect(parsed[field]).toBe(entry.expected[field]);
      });
    });
  }
});

describe('VAT ID shapes per country prefix', () => {
  it.each([
    ['DE123456789', true],
    ['DE12345678', false],
    ['ATU12345678', true],
    ['AT12345678', false],
    ['FRXX123456789', true],
    ['NL123456789B01', true],
    ['NL123456789', false],
    ['EL123456789', true],
    ['GR123456789', true],
    ['ESX1234567X', true],
    ['SE123456789001', true],
    ['SE123456789012', false],
    ['IE1234567T', true],
    ['CHE-123.456.789 MWST', true],
    ['XX123456789', false],
  ])('%s → %s', (value, ok) => {
    expect(isWellFormedVatId(value)).toBe(ok);
  });
});

describe('robustness', () => {
  it('never throws and returns only nulls or strings for odd input', () => {
    for (const text of [
      '',
      '|||',
      '\n\n',
      'HRB',
      '12345',
      '+49',
      'a@b',
      'Ltd Ltd Ltd',
      'D-',
      'x'.repeat(10_000),
    ]) {
      const parsed = parseAddressBlock(text);
      for (const field of capturedFields)
        expect(parsed[field] === null || typeof parsed[field] === 'string').toBe(true);
    }
  });
});
