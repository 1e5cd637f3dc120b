/**
 * Cell values as people and spreadsheets write them. Pure, shared by import (parse) and export
 * (format), so a file we export imports again unchanged.
 */
import type { Locale } from '@konsort/db';
import { minorToDecimal, parseMoney } from '../money.ts';

/** `standard`: `,` + decimal point + ISO dates; `excel-de`: `;` + decimal comma + 31.12.2026. */
export type CsvDialect = 'standard' | 'excel-de';

export const dialects: Record<CsvDialect, { delimiter: ',' | ';'; decimal: '.' | ','; date: 'iso' | 'de' }> =
  {
    standard: { delimiter: ',', decimal: '.', date: 'iso' },
    'excel-de': { delimiter: ';', decimal: ',', date: 'de' },
  };

/**
 * "1.234,56", "1,234.56", "1234,5", "1 234,56 €" → minor units. With one separator followed by
 * exactly three digits ("1.234") the user's locale decides, as in the forms.
 */
export function parseMoneyCell(value: string, currency: string, locale: Locale): number | null {
  const bare = value.replace(/[\s\u00a0\u202f€$£]|CHF|EUR|GBP|USD/g, '');
  // Thousands groups have three digits: "12,34,5" is a typo, not 1234.5.
  if (!/^\d+(?:[.,]\d+)?$/.test(bare) && !/^\d{1,3}(?:([.,'])\d{3})(?:\1\d{3})*(?:[.,]\d+)?$/.test(bare))
    return null;
  return parseMoney(value, currency, locale);
}

export function formatMoneyCell(minor: number | null, currency: string, dialect: CsvDialect): string {
  if (minor === null) return '';
  const text = minorToDecimal(minor, currency);
  return dialects[dialect].decimal === ',' ? text.replace('.', ',') : text;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** "31.12.2026", "31.12.26", "2026-12-31", "31/12/2026" → "2026-12-31"; null if not a real date. */
export function parseDateCell(value: string): string | null {
  const s = value.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/.exec(s);
    if (!match) return null;
    d = Number(match[1]);
    m = Number(match[2]);
    y = Number(match[3]);
    if (match[3]!.length === 2) y += 2000;
  }
  if (!isRealDate(y, m, d)) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function formatDateCell(iso: string | null, dialect: CsvDialect): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return dialects[dialect].date === 'de' ? `${d}.${m}.${y}` : iso.slice(0, 10);
}

/** Header text → comparable key: "E-Mail-Adresse" → "emailadresse", "PLZ" → "plz". */
export function headerKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}
