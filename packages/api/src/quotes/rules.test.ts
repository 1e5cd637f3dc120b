import { describe, expect, it } from 'vitest';
import { evaluateRules, type Rule } from './rules.ts';

const names: Record<string, string> = { X: 'Fräse X', A: 'Antrieb A', B: 'Bremse B', C: 'Kabel C' };
const name = (id: string) => names[id] ?? id;

const rules: Rule[] = [
  {
    id: 'r1',
    kind: 'quantity_discount',
    productId: 'X',
    minQuantity: '10',
    discountBp: 500,
    otherProductId: null,
  },
  {
    id: 'r2',
    kind: 'quantity_discount',
    productId: 'X',
    minQuantity: '50',
    discountBp: 800,
    otherProductId: null,
  },
  { id: 'r3', kind: 'requires', productId: 'A', minQuantity: null, discountBp: null, otherProductId: 'B' },
  { id: 'r4', kind: 'excludes', productId: 'A', minQuantity: null, discountBp: null, otherProductId: 'C' },
];

describe('product configuration rules', () => {
  it('gives no discount below the threshold and 5 % from 10 pieces, summed over lines', () => {
    expect(evaluateRules([{ productId: 'X', quantity: '9.999' }], rules, name).ruleDiscountBp).toEqual([0]);
    const split = evaluateRules(
      [
        { productId: 'X', quantity: '6' },
        { productId: null, quantity: '1' },
        { productId: 'X', quantity: '4' },
      ],
      rules,
      name,
    );
    expect(split.ruleDiscountBp).toEqual([500, 0, 500]);
    expect(split.appliedRuleIds).toEqual([['r1'], [], ['r1']]);
  });

  it('takes the best discount when several apply, without stacking', () => {
    expect(evaluateRules([{ productId: 'X', quantity: '60' }], rules, name).ruleDiscountBp).toEqual([800]);
  });

  it('reports a missing required product and an excluded one, naming both products', () => {
    const outcome = evaluateRules(
      [
        { productId: 'A', quantity: '1' },
        { productId: 'C', quantity: '1' },
      ],
      rules,
      name,
    );
    expect(outcome.violations).toEqual([
      { key: 'quote.ruleRequires', ruleId: 'r3', params: { product: 'Antrieb A', other: 'Bremse B' } },
      { key: 'quote.ruleExcludes', ruleId: 'r4', params: { product: 'Antrieb A', other: 'Kabel C' } },
    ]);
    expect(
      evaluateRules(
        [
          { productId: 'A', quantity: '1' },
          { productId: 'B', quantity: '1' },
        ],
        rules,
        name,
      ).violations,
    ).toEqual([]);
  });
});
