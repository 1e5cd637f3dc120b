/**
 * Exact decimal handling for quantities and money: strings in, strings and integers out, never a
 * binary float in between.
 */

export interface Money {
  /** Canonical decimal string, e.g. `12.5`, `0.125`, `-3`. */
  decimal: string;
  /** Exact integer amount in units of 10^-scale. */
  minor: number;
  /** Digits after the decimal mark that `minor` counts: the currency's minor unit digits, or more when the value has more. */
  scale: number;
}

interface DecimalParts {
  negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  int: string;
  /** Fraction digits without trailing zeros. */
  frac: string;
}

/**
 * Parses a plain decimal number: optional sign, digits, optional decimal mark and digits. Accepts
 * `.` and, when given, the EDIFACT UNA decimal mark (`,`). No exponent, no thousands separators.
 */
export function parseDecimal(input: string, decimalMark = '.'): DecimalParts | undefined {
  const s = input.trim();
  let i = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    i = 1;
  }
  let intStart = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const intDigits = s.slice(intStart, i);
  let fracDigits = '';
  if (i < s.length && (s[i] === '.' || s[i] === decimalMark)) {
    i++;
    const f = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    fracDigits = s.slice(f, i);
  }
  if (i !== s.length || (intDigits === '' && fracDigits === '')) return undefined;
  intStart = 0;
  while (intStart < intDigits.length && intDigits[intStart] === '0') intStart++;
  let fracEnd = fracDigits.length;
  while (fracEnd > 0 && fracDigits[fracEnd - 1] === '0') fracEnd--;
  const int = intDigits.slice(intStart);
  const frac = fracDigits.slice(0, fracEnd);
  return { negative: negative && (int !== '' || frac !== ''), int, frac };
}

/** Canonical form (`012.500` → `12.5`, `-0` → `0`), or undefined when not a decimal. */
export function canonicalDecimal(input: string, decimalMark = '.'): string | undefined {
  const p = parseDecimal(input, decimalMark);
  if (!p) return undefined;
  return (p.negative ? '-' : '') + (p.int || '0') + (p.frac ? `.${p.frac}` : '');
}

const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  BHD: 3,
  CLP: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  UGX: 0,
  VND: 0,
  XAF: 0,
  XOF: 0,
};

/** ISO 4217 minor unit digits (2 unless listed). */
export function currencyDigits(currency: string | undefined): number {
  return currency ? (CURRENCY_DIGITS[currency.toUpperCase()] ?? 2) : 2;
}

/**
 * Converts a decimal string to exact integer minor units. `scale` is the minimum number of fraction
 * digits (the currency's); a value with more fraction digits keeps them and raises `scale`.
 * Returns undefined when the input is not a decimal or the integer exceeds 2^53.
 */
export function toMoney(input: string, minScale = 2, decimalMark = '.'): Money | undefined {
  const p = parseDecimal(input, decimalMark);
  if (!p) return undefined;
  const scale = Math.max(minScale, p.frac.length);
  const digits = (p.int + p.frac.padEnd(scale, '0')).replace(/^0+/, '') || '0';
  const big = BigInt(digits);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const minor = Number(big) * (p.negative ? -1 : 1);
  return { decimal: (p.negative ? '-' : '') + (p.int || '0') + (p.frac ? `.${p.frac}` : ''), minor, scale };
}

/** Exact minor units at a fixed scale, or undefined when the value has more fraction digits. */
export function toMinorUnits(input: string, scale: number, decimalMark = '.'): number | undefined {
  const m = toMoney(input, scale, decimalMark);
  return m && m.scale === scale ? m.minor : undefined;
}

/** X12 implied-decimal numeric (Nn): `12345` with n = 2 → `123.45`. */
export function impliedDecimal(input: string, n: number): string | undefined {
  const s = input.trim();
  if (!/^[-+]?\d+$/.test(s)) return undefined;
  const negative = s[0] === '-';
  const digits = s.replace(/^[-+]/, '').padStart(n + 1, '0');
  const text = `${negative ? '-' : ''}${digits.slice(0, digits.length - n)}${n > 0 ? `.${digits.slice(digits.length - n)}` : ''}`;
  return canonicalDecimal(text);
}

/** Formats integer minor units at a scale: (1250, 2) → `12.50`. */
export function formatMinor(minor: number, scale: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`minor units must be a safe integer: ${minor}`);
  const negative = minor < 0;
  const digits = Math.abs(minor)
    .toString()
    .padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  return (negative ? '-' : '') + int + (scale > 0 ? `.${digits.slice(digits.length - scale)}` : '');
}

/** Formats a canonical decimal for X12 R / EDIFACT n fields with at least `minFraction` digits. */
export function formatDecimal(decimal: string, minFraction = 0, decimalMark = '.'): string {
  const p = parseDecimal(decimal);
  if (!p) throw new RangeError(`not a decimal: ${decimal}`);
  const frac = p.frac.padEnd(minFraction, '0');
  return (p.negative ? '-' : '') + (p.int || '0') + (frac ? decimalMark + frac : '');
}

/** Exact sum of money values at a common scale. */
export function addMinor(values: ReadonlyArray<{ minor: number; scale: number }>, scale: number): number {
  let total = 0n;
  for (const v of values) {
    if (v.scale > scale)
      throw new RangeError(`value with scale ${v.scale} cannot be added at scale ${scale}`);
    total += BigInt(v.minor) * 10n ** BigInt(scale - v.scale);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('sum exceeds the safe integer range');
  }
  return Number(total);
}

/** Exact product quantity × unit price in minor units at `scale`, or undefined if not exact. */
export function multiplyToMinor(quantity: string, unitPrice: string, scale: number): number | undefined {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  if (!q || !p) return undefined;
  const qInt = BigInt(q.int + q.frac || '0') * (q.negative ? -1n : 1n);
  const pInt = BigInt(p.int + p.frac || '0') * (p.negative ? -1n : 1n);
  const productScale = q.frac.length + p.frac.length;
  let value = qInt * pInt;
  if (productScale > scale) {
    const div = 10n ** BigInt(productScale - scale);
    if (value % div !== 0n) return undefined;
    value /= div;
  } else value *= 10n ** BigInt(scale - productScale);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(value);
}
