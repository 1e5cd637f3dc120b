import type { Locale } from '@konsort/db';
import { data } from '@remix-run/node';
import type { z } from 'zod';
import { isAppError, localizeIssues, translate } from './api.server.ts';

export type FormValues = Record<string, string>;

export interface FormFailure {
  ok: false;
  values: FormValues;
  fieldErrors: Record<string, string>;
  formError: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id cannot name any record: the same 404 as an unknown one. */
export function requireUuid(id: string | undefined, locale: Locale, entity: string): string {
  if (!id || !uuidPattern.test(id)) {
    throw data({ message: translate(locale, 'errors.notFound', { entity }) }, { status: 404 });
  }
  return id;
}

/**
 * The one mapping from domain errors to HTTP in the portal: an AppError becomes a thrown
 * response with its status and a translated message (the route's error boundary shows it);
 * anything else is rethrown, logged by entry.server's handleError, and shown as a 500.
 */
export function throwAsResponse(error: unknown, locale: Locale): never {
  if (isAppError(error)) {
    throw data({ message: translate(locale, error.key, error.params) }, { status: error.status });
  }
  throw error;
}

/** Runs a loader's domain call; domain errors become their HTTP status. */
export async function orResponse<T>(locale: Locale, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throwAsResponse(error, locale);
  }
}

export function formFailure(
  values: FormValues,
  fieldErrors: Record<string, string>,
  formError: string | null,
  status = 400,
) {
  return data<FormFailure>({ ok: false, values, fieldErrors, formError }, { status });
}

/**
 * For actions: a domain error the user can fix (bad input, a conflict, a lockout) re-renders
 * the form with the message and the typed values; not-found and forbidden become error pages.
 */
export function actionFailure(error: unknown, locale: Locale, values: FormValues) {
  if (isAppError(error) && [400, 401, 409, 429].includes(error.status)) {
    const fieldErrors = Object.fromEntries(
      (error.fields ?? []).map((f) => [f.path, translate(locale, f.key, f.params ?? {})]),
    );
    return formFailure(values, fieldErrors, translate(locale, error.key, error.params), error.status);
  }
  throwAsResponse(error, locale);
}

/** Form text → the values a schema sees; every field stays a string so the form can refill. */
export function formValues(formData: FormData): FormValues {
  const values: FormValues = {};
  for (const [key, value] of formData) {
    if (typeof value === 'string' && !(key in values)) values[key] = value;
  }
  return values;
}

export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  locale: Locale,
): { ok: true; data: z.output<S> } | { ok: false; fieldErrors: Record<string, string> } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, fieldErrors: localizeIssues(result.error.issues, locale) };
}
