import type { Locale } from '@konsort/db';
import type { z } from 'zod';
import { translate } from './i18n/messages.ts';

export interface FieldIssue {
  path: string;
  key: string;
  params: Record<string, string | number>;
}

/**
 * zod issues → message keys of our catalogue. Schemas stay free of UI strings; the same issue
 * reads in German or English wherever it surfaces (form, tRPC error, CSV report).
 */
export function issueKeys(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const params: Record<string, string | number> = {};
    let key = 'validation.invalid';
    // Schemas may name a catalogue key directly (refinements).
    if (issue.message.startsWith('validation.')) key = issue.message;
    else
      switch (issue.code) {
        case 'invalid_type':
          key =
            issue.input === undefined || issue.input === null || issue.input === ''
              ? 'validation.required'
              : 'validation.invalid';
          break;
        case 'too_small':
          if (issue.origin === 'string') {
            key = Number(issue.minimum) <= 1 ? 'validation.required' : 'validation.tooShort';
          } else key = 'validation.tooSmall';
          params.minimum = Number(issue.minimum);
          break;
        case 'too_big':
          key = issue.origin === 'string' ? 'validation.tooLong' : 'validation.tooBig';
          params.maximum = Number(issue.maximum);
          break;
        case 'invalid_format':
          key =
            issue.format === 'email'
              ? 'validation.email'
              : issue.format === 'url'
                ? 'validation.url'
                : issue.format === 'uuid'
                  ? 'validation.uuid'
                  : issue.format === 'date'
                    ? 'validation.date'
                    : 'validation.invalid';
          break;
        case 'invalid_value':
          key = 'validation.invalidOption';
          break;
      }
    return { path, key, params };
  });
}

export function localizeIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issueKeys(issues)) {
    out[issue.path || '_'] ??= translate(locale, issue.key, issue.params);
  }
  return out;
}

/** Empty form fields arrive as '' — treat them as absent before validating. */
export const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
