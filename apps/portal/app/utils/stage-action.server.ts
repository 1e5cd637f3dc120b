import type { AppLoadContext } from '@remix-run/node';
import type { UserPrincipal } from './api.server.ts';
import { changeOpportunityStage, readSetting, schemas } from './api.server.ts';
import { actionFailure, type FormValues, formFailure, validate } from './errors.server.ts';

/**
 * `intent=changeStage` from the board's cards, the board's drop dialog and the detail page: one
 * implementation. Won and lost go through the domain's one close (a loss needs a listed reason).
 */
export async function changeStageFromForm(context: AppLoadContext, user: UserPrincipal, values: FormValues) {
  const parsed = validate(
    schemas.changeStageInput,
    { id: values.id, stage: values.stage, lostReason: values.lostReason },
    context.locale,
  );
  if (!parsed.ok) return { failure: formFailure(values, parsed.fieldErrors, null) };
  try {
    await changeOpportunityStage(context.db, user, parsed.data);
    return { failure: null };
  } catch (error) {
    return { failure: actionFailure(error, context.locale, values) };
  }
}

/** The configured loss reasons as select options, labelled in the user's language. */
export async function lossReasonOptions(context: AppLoadContext) {
  const reasons = await readSetting(context.db, 'lossReasons');
  return reasons.map((r) => ({ value: r.key, label: r.label[context.locale] }));
}

/** A stored reason for display: its label when it is a listed key (older deals hold free text). */
export async function lossReasonLabel(context: AppLoadContext, reason: string | null) {
  if (!reason) return null;
  const found = (await lossReasonOptions(context)).find((o) => o.value === reason);
  return found?.label ?? reason;
}
