import { useTranslation } from 'react-i18next';

/** The wizard's steps, the current one marked for screen readers too. */
export function ImportSteps({ current }: { current: number }) {
  const { t } = useTranslation();
  const steps = ['upload', 'mapping', 'report', 'progress', 'result'] as const;
  return (
    <ol className="mb-6 flex flex-wrap gap-2 text-sm" aria-label={t('import.stepsLabel')}>
      {steps.map((s, i) => (
        <li
          key={s}
          aria-current={i === current ? 'step' : undefined}
          className={`rounded-full px-3 py-1 ${i === current ? 'bg-blue-700 text-white' : i < current ? 'bg-blue-100 text-blue-900' : 'bg-slate-100 text-slate-600'}`}
        >
          {i + 1}. {t(`import.step.${s}`)}
        </li>
      ))}
    </ol>
  );
}
