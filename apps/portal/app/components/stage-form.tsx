import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { stages } from '../utils/stages.ts';
import { inputClass, secondaryButtonClass } from './ui.tsx';

/** Move a deal to another stage: a plain form, so it works without JavaScript. */
export function StageMoveForm({ id, name, stage }: { id: string; name: string; stage: string }) {
  const { t } = useTranslation();
  const selectId = `stage-${id}`;
  return (
    <Form method="post" className="mt-2 flex items-center gap-1">
      <input type="hidden" name="intent" value="changeStage" />
      <input type="hidden" name="id" value={id} />
      <label htmlFor={selectId} className="sr-only">
        {t('deals.moveTo', { name })}
      </label>
      <select
        id={selectId}
        name="stage"
        defaultValue={stage}
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
    </Form>
  );
}

/** The detail page's stage change, with the reason for a loss. */
export function StageChangeForm({ stage, error }: { stage: string; error?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <Form method="post" className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
      <input type="hidden" name="intent" value="changeStage" />
      <div>
        <label htmlFor="stage" className="mb-1 block text-sm font-medium">
          {t('opportunity.stage')}
        </label>
        <select id="stage" name="stage" defaultValue={stage} className={inputClass}>
          {stages.map((s) => (
            <option key={s} value={s}>
              {t(`stage.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="lostReason" className="mb-1 block text-sm font-medium">
          {t('opportunity.lostReason')}
        </label>
        <input
          id="lostReason"
          name="lostReason"
          className={inputClass}
          aria-describedby={error ? 'lostReason-hint lostReason-error' : 'lostReason-hint'}
          aria-invalid={error ? true : undefined}
        />
        <p id="lostReason-hint" className="mt-1 text-xs text-slate-500">
          {t('deals.lostReasonHint')}
        </p>
        {error ? (
          <p id="lostReason-error" className="mt-1 text-sm text-rose-700">
            {error}
          </p>
        ) : null}
      </div>
      <button type="submit" className={secondaryButtonClass}>
        {t('deals.changeStage')}
      </button>
    </Form>
  );
}
