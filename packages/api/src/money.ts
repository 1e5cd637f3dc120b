import type { Locale } from '@konsort/db';

/** ISO 4217 minor-unit digits for the currencies we trade in; everything else has two. */
const minorDigits: Record<string, number> = {
  JPY: 0,
  CHF: 2,
  EUR: 2,
  GBP: 2,
  USD: 2,
  SEK: 2,
  PLN: 2,
  CZK: 2,
  DKK: 2,
};

export function currencyDigits(currency: string): number {
  return minorDigits[currency] ?? 2;
}

/**
 * Parses what people type ("12.500,50", "12,500.50", "12500.5", "12 500 €") into integer minor
 * units without floating point. Returns null for anything that is not a non-negative amount.
 */
export function parseMoney(input: string, currency = 'EUR', locale: Locale = 'de'): number | null {
  let s = input.replace(/[\s\u00a0\u202f€$£]|CHF|EUR|GBP|USD/g, '');
  if (!/^\d[\d.,']*$/.test(s)) return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  let decimalSep: ',' | '.' | null = null;
  if (lastComma >= 0 && lastDot >= 0) decimalSep = lastComma > lastDot ? ',' : '.';
  else if (lastComma >= 0) decimalSep = s.length - lastComma - 1 === 3 && locale === 'en' ? null : ',';
  else if (lastDot >= 0)
    decimalSep = s.length - lastDot - 1 === 3 && locale === 'de' && s.split('.').length > 1 ? null : '.';
  // One separator followed by exactly three digits is a thousands separator in the user's locale.
  let whole = s;
  let fraction = '';
  if (decimalSep) {
    const at = s.lastIndexOf(decimalSep);
    whole = s.slice(0, at);
    fraction = s.slice(at + 1);
  }
  whole = whole.replace(/[.,']/g, '');
  s = whole;
  const digits = currencyDigits(currency);
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction) || fraction.length > digits) return null;
  const minor =
    BigInt(whole) * 10n ** BigInt(digits) + BigInt((fraction + '0'.repeat(digits)).slice(0, digits) || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/** Minor units → the plain decimal string used to prefill a form field. */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
