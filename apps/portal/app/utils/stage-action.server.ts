import type { AppLoadContext } from '@remix-run/node';
import type { UserPrincipal } from './api.server.ts';
import { changeOpportunityStage, schemas } from './api.server.ts';
import { actionFailure, type FormValues, formFailure, validate } from './errors.server.ts';

/** `intent=changeStage` from the board's cards and the detail page: one implementation. */
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
