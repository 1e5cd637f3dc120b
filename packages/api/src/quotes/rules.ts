/**
 * Product configuration rules, pure: given a version's lines and the active rules, which rule
 * discounts apply to which line and which requirements are violated. Violations carry message
 * keys (i18n/messages.ts) so the editor explains them in German or English.
 */
import { quantityThousandths } from './totals.ts';

export interface RuleLine {
  productId: string | null;
  quantity: string;
}

export interface Rule {
  id: string;
  kind: 'quantity_discount' | 'requires' | 'excludes';
  productId: string;
  minQuantity: string | null;
  discountBp: number | null;
  otherProductId: string | null;
}

export interface Violation {
  key: 'quote.ruleRequires' | 'quote.ruleExcludes';
  ruleId: string;
  params: { product: string; other: string };
}

export interface RuleOutcome {
  /** Per input line: the discount granted by rules (the largest one if several apply). */
  ruleDiscountBp: number[];
  /** Per input line: the ids of the rules that granted it. */
  appliedRuleIds: string[][];
  violations: Violation[];
}

export function evaluateRules(
  lines: readonly RuleLine[],
  rules: readonly Rule[],
  productName: (id: string) => string,
): RuleOutcome {
  // A product's quantity is summed over the quote's lines: splitting a line must not dodge a rule.
  const quantityOf = new Map<string, bigint>();
  for (const l of lines) {
    if (!l.productId) continue;
    quantityOf.set(l.productId, (quantityOf.get(l.productId) ?? 0n) + quantityThousandths(l.quantity));
  }
  const ruleDiscountBp = lines.map(() => 0);
  const appliedRuleIds: string[][] = lines.map(() => []);
  const violations: Violation[] = [];
  for (const rule of rules) {
    const present = quantityOf.has(rule.productId);
    if (!present) continue;
    if (rule.kind === 'quantity_discount') {
      const total = quantityOf.get(rule.productId)!;
      if (rule.minQuantity === null || rule.discountBp === null) continue;
      if (total < quantityThousandths(rule.minQuantity)) continue;
      lines.forEach((l, i) => {
        if (l.productId !== rule.productId) return;
        // Discounts from rules do not stack: the best one wins.
        if (rule.discountBp! > ruleDiscountBp[i]!) {
          ruleDiscountBp[i] = rule.discountBp!;
          appliedRuleIds[i] = [rule.id];
        }
      });
    } else if (rule.otherProductId) {
      const otherPresent = quantityOf.has(rule.otherProductId);
      const params = { product: productName(rule.productId), other: productName(rule.otherProductId) };
      if (rule.kind === 'requires' && !otherPresent)
        violations.push({ key: 'quote.ruleRequires', ruleId: rule.id, params });
      if (rule.kind === 'excludes' && otherPresent)
        violations.push({ key: 'quote.ruleExcludes', ruleId: rule.id, params });
    }
  }
  return { ruleDiscountBp, appliedRuleIds, violations };
}
