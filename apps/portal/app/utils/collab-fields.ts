/**
 * Browser-side helpers for live deal editing: the co-editable fields of an `opportunity:<id>`
 * document, how their values are shown in and read from inputs in the user's locale, and the
 * presence identity (initials, colour) of a collaborator.
 */
import type { Language } from '../i18n.ts';

/** Mirrors `coEditableFields` of `@konsort/api/collab` (that module is server-only). */
export const liveFields = ['name', 'amountMinor', 'expectedCloseDate', 'probability', 'description'] as const;
export type LiveField = (typeof liveFields)[number];

export interface LiveValues {
  name: string;
  amountMinor: number;
  expectedCloseDate: string | null;
  probability: number;
  description: string | null;
}

export function isLiveField(value: unknown): value is LiveField {
  return typeof value === 'string' && (liveFields as readonly string[]).includes(value);
}

/** Text fields are sent while typing (debounced); number and date fields on blur/Enter. */
export const commitsWhileTyping: Record<LiveField, boolean> = {
  name: true,
  description: true,
  amountMinor: false,
  expectedCloseDate: false,
  probability: false,
};

const zeroDigitCurrencies = new Set(['JPY', 'KRW', 'ISK', 'CLP', 'VND']);

export function currencyDigits(currency: string): number {
  return zeroDigitCurrencies.has(currency) ? 0 : 2;
}

const numberTag = (locale: Language) => (locale === 'de' ? 'de-DE' : 'en-GB');

/** Minor units → "48.500,00" (de) / "48,500.00" (en), without the currency symbol. */
export function formatAmountInput(minor: number, currency: string, locale: Language): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(numberTag(locale), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/** Minor units → "48.500,00 €" (de) / "€48,500.00" (en): the stored value, shown under the input. */
export function formatMoneyDisplay(minor: number, currency: string, locale: Language): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(numberTag(locale), {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/**
 * What the user typed → minor units, read in the user's locale ("48.500,5" in German,
 * "48,500.50" in English). A sign is kept: whether a value is allowed is the server's decision
 * (it reverts and explains); only text that is not a number at all gives null.
 */
export function parseAmountInput(input: string, currency: string, locale: Language): number | null {
  let s = input.replace(/[\s\u00a0\u202f€$£]|CHF|EUR|GBP|USD/g, '');
  const negative = s.startsWith('-') || s.startsWith('−');
  if (negative) s = s.slice(1);
  const [group, decimal] = locale === 'de' ? ['.', ','] : [',', '.'];
  if (!/^\d[\d.,']*$/.test(s)) return null;
  s = s.split(group).join('').split("'").join('');
  const parts = s.split(decimal);
  if (parts.length > 2) return null;
  const whole = parts[0] ?? '';
  const fraction = parts[1] ?? '';
  const digits = currencyDigits(currency);
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction) || fraction.length > digits) return null;
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return negative ? -Number(minor) : Number(minor);
}

/** "42" → 42; anything but an integer → null (the range is checked by the server). */
export function parseProbabilityInput(input: string): number | null {
  const s = input.trim().replace(/\s*%$/, '');
  if (!/^-?\d{1,4}$/.test(s)) return null;
  return Number(s);
}

/** The value shown in the input of a field. */
export function displayValue(
  field: LiveField,
  values: LiveValues,
  currency: string,
  locale: Language,
): string {
  switch (field) {
    case 'amountMinor':
      return formatAmountInput(values.amountMinor, currency, locale);
    case 'probability':
      return String(values.probability);
    case 'expectedCloseDate':
      return values.expectedCloseDate ?? '';
    case 'description':
      return values.description ?? '';
    case 'name':
      return values.name;
  }
}

export type ParsedInput = { ok: true; value: LiveValues[LiveField] } | { ok: false };

/** An input's text → the value stored in the Y.Map (null for an empty optional field). */
export function parseInput(field: LiveField, text: string, currency: string, locale: Language): ParsedInput {
  switch (field) {
    case 'amountMinor': {
      const value = parseAmountInput(text, currency, locale);
      return value === null ? { ok: false } : { ok: true, value };
    }
    case 'probability': {
      const value = parseProbabilityInput(text);
      return value === null ? { ok: false } : { ok: true, value };
    }
    case 'expectedCloseDate':
      if (text === '') return { ok: true, value: null };
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? { ok: true, value: text } : { ok: false };
    case 'description':
      return { ok: true, value: text === '' ? null : text };
    case 'name':
      return { ok: true, value: text };
  }
}

/** "Jana Petersen" → "JP"; "admin" → "AD". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  return `${words[0]![0]}${words.at(-1)![0]}`.toUpperCase();
}

/** Literal class names (Tailwind only ships classes it finds in the source). */
export const presenceColors = [
  { bg: 'bg-violet-600', ring: 'ring-violet-500', text: 'text-violet-800', border: 'border-violet-500' },
  { bg: 'bg-emerald-600', ring: 'ring-emerald-500', text: 'text-emerald-800', border: 'border-emerald-500' },
  { bg: 'bg-amber-600', ring: 'ring-amber-500', text: 'text-amber-800', border: 'border-amber-500' },
  { bg: 'bg-rose-600', ring: 'ring-rose-500', text: 'text-rose-800', border: 'border-rose-500' },
  { bg: 'bg-sky-600', ring: 'ring-sky-500', text: 'text-sky-800', border: 'border-sky-500' },
  { bg: 'bg-fuchsia-600', ring: 'ring-fuchsia-500', text: 'text-fuchsia-800', border: 'border-fuchsia-500' },
] as const;
export type PresenceColor = (typeof presenceColors)[number];

/** A stable colour per user (same on every screen). */
export function colorFor(userId: string): PresenceColor {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return presenceColors[h % presenceColors.length]!;
}
