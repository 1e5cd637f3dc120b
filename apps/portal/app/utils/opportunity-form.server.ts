import type { Locale } from '@konsort/db';
import { parseMoney, translate } from './api.server.ts';
import type { FormValues } from './errors.server.ts';

export const currencies = ['EUR', 'CHF', 'GBP', 'USD'] as const;

/**
 * The deal form's text → the API's input shape. The amount is typed as text in the user's
 * locale ("12.500,50") and parsed here; a bad amount is a field error like any other.
 */
export function opportunityFields(values: FormValues, locale: Locale) {
  const currency = (values.currency ?? 'EUR').trim().toUpperCase() || 'EUR';
  const amountText = values.amount?.trim() ?? '';
  const amountMinor = amountText === '' ? undefined : parseMoney(amountText, currency, locale);
  const amountError =
    amountText === ''
      ? translate(locale, 'validation.required')
      : amountMinor === null
        ? translate(locale, 'validation.money')
        : null;
  return {
    amountError,
    fields: {
      name: values.name,
      amountMinor: amountMinor ?? undefined,
      currency,
      expectedCloseDate: values.expectedCloseDate || null,
      primaryContactId: values.primaryContactId || null,
      businessType: values.businessType,
      description: values.description ?? '',
    },
  };
}

/** zod paths ("data.amountMinor") → the form's field names ("amount"). */
export function formFieldErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const name = path.replace(/^data\./, '');
    out[name === 'amountMinor' ? 'amount' : name] ??= message;
  }
  return out;
}
