import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { stages } from '../utils/stages.ts';
import { inputClass, secondaryButtonClass } from './ui.tsx';

export type ReasonOption = { value: string; label: string };

/** The loss reason select: the configured list, labelled in the user's language. */
export function LossReasonSelect({
  id,
  reasons,
  error,
  defaultValue,
  required,
  hint,
}: {
  id: string;
  reasons: ReasonOption[];
  error?: string | undefined;
  defaultValue?: string | undefined;
  required?: boolean;
  hint?: boolean;
}) {
  const { t } = useTranslation();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {t('opportunity.lostReason')}
      </label>
      <select
        id={id}
        name="lostReason"
        defaultValue={defaultValue ?? ''}
        required={required}
        className={inputClass}
        aria-describedby={described || undefined}
        aria-invalid={error ? true : undefined}
      >
        <option value="">—</option>
        {reasons.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {t('deals.lostReasonHint')}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Move a deal to another stage: a plain form, so it works without JavaScript. A move to "lost"
 * without a reason comes back with `failed` set: the card then asks for the reason itself.
 */
export function StageMoveForm({
  id,
  name,
  stage,
  reasons,
  failed,
}: {
  id: string;
  name: string;
  stage: string;
  reasons: ReasonOption[];
  failed?: { stage: string; lostReason: string; error: string | undefined } | null;
}) {
  const { t } = useTranslation();
  const selectId = `stage-${id}`;
  return (
    <Form method="post" className="mt-2 flex flex-wrap items-center gap-1">
      <input type="hidden" name="intent" value="changeStage" />
      <input type="hidden" name="id" value={id} />
      <label htmlFor={selectId} className="sr-only">
        {t('deals.moveTo', { name })}
      </label>
      <select
        id={selectId}
        name="stage"
        defaultValue={failed?.stage ?? stage}
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-1 py-1 text-xs focus-visible:outline-2 focus-visible:outline-blue-600"
      >
        {stages.map((s) => (
          <option key={s} value={s}>
            {t(`stage.${s}`)}
          </option>
        ))}
      </select>
      <button type="submit" className={`${secondaryButtonClass} px-2 py-1 text-xs`}>
        {t('deals.move')}
      </button>
      {failed ? (
        <div className="w-full text-xs">
          <LossReasonSelect
            id={`lostReason-${id}`}
            reasons={reasons}
            error={failed.error}
            defaultValue={failed.lostReason}
          />
        </div>
      ) : null}
    </Form>
  );
}

/** The detail page's stage change, with the reason for a loss from the configured list. */
export function StageChangeForm({
  stage,
  reasons,
  error,
  values,
}: {
  stage: string;
  reasons: ReasonOption[];
  error?: string | undefined;
  values?: { stage?: string | undefined; lostReason?: string | undefined } | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Form method="post" className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
      <input type="hidden" name="intent" value="changeStage" />
      <div>
        <label htmlFor="stage" className="mb-1 block text-sm font-medium">
          {t('opportunity.stage')}
        </label>
        <select id="stage" name="stage" defaultValue={values?.stage ?? stage} className={inputClass}>
          {stages.map((s) => (
            <option key={s} value={s}>
              {t(`stage.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <LossReasonSelect
        id="lostReason"
        reasons={reasons}
        error={error}
        defaultValue={values?.lostReason}
        hint
      />
      <button type="submit" className={secondaryButtonClass}>
        {t('deals.changeStage')}
      </button>
    </Form>
  );
}
