import type { Language } from '../i18n.ts';

const tag = (locale: Language) => (locale === 'de' ? 'de-DE' : 'en-GB');

/** A calendar date ("2026-03-31") shown in the user's locale; no time zone shifts it. */
export function formatDate(value: string | Date | null | undefined, locale: Language): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T00:00:00Z`) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(tag(locale), {
    dateStyle: 'medium',
    timeZone: typeof value === 'string' ? 'UTC' : 'Europe/Berlin',
  }).format(date);
}

/** A moment in time, in the team's time zone so server and browser render the same text. */
export function formatDateTime(value: string | Date | null | undefined, locale: Language): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat(tag(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(date);
}
