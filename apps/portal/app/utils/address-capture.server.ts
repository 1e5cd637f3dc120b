/**
 * The address-capture steps of the account forms: parse a pasted imprint or signature (writes
 * nothing), and apply the fields the user confirmed to an existing account.
 */
import type { UserPrincipal } from '@konsort/api';
import { type AppLoadContext, data } from '@remix-run/node';
import { applyCapture, captureFields, captureInput, proposeFromCapture } from './api.server.ts';
import { actionFailure, validate } from './errors.server.ts';

export async function captureAction(
  context: AppLoadContext,
  user: UserPrincipal,
  form: FormData,
  accountId?: string,
) {
  const text = String(form.get('captureText') ?? '');
  const parsed = validate(captureInput, { text, accountId }, context.locale);
  if (!parsed.ok)
    return data(
      { capture: null, captureText: text, captureError: Object.values(parsed.fieldErrors)[0] ?? null },
      { status: 400 },
    );
  try {
    const proposal = await proposeFromCapture(context.db, user, parsed.data);
    return data({ capture: proposal, captureText: text, captureError: null });
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}

/** Applies the checked fields; returns null when it worked (the caller redirects). */
export async function confirmCaptureAction(
  context: AppLoadContext,
  user: UserPrincipal,
  form: FormData,
  accountId: string,
) {
  const text = String(form.get('captureText') ?? '');
  const fields = form
    .getAll('fields')
    .filter((f): f is (typeof captureFields)[number] => (captureFields as readonly unknown[]).includes(f));
  if (fields.length === 0) return null;
  try {
    await applyCapture(context.db, user, { accountId, text, fields });
    return null;
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}
