import { Form, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { buttonClass, inputClass } from './ui.tsx';

/** Paste an imprint or signature; the server parses it and fills the form (nothing is saved yet). */
export function CaptureBox({ text, error }: { text?: string; error?: string | null }) {
  const { t } = useTranslation();
  const busy = useNavigation().state === 'submitting';
  return (
    <details className="mb-6 max-w-3xl rounded-lg border border-slate-200 bg-white p-4" open={!!text}>
      <summary className="cursor-pointer font-semibold text-slate-700">{t('capture.title')}</summary>
      <Form method="post" className="mt-3 space-y-2">
        <label htmlFor="captureText" className="block text-sm text-slate-600">
          {t('capture.hint')}
        </label>
        <textarea
          id="captureText"
          name="captureText"
          rows={8}
          defaultValue={text}
          className={inputClass}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'captureText-error' : undefined}
        />
        {error ? (
          <p id="captureText-error" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <button type="submit" name="intent" value="capture" className={buttonClass} disabled={busy}>
          {t('capture.parse')}
        </button>
      </Form>
    </details>
  );
}

/** The proposal for an existing account: each changed field with a checkbox; only checked ones are applied. */
export function CaptureDiff({
  text,
  diff,
  labels,
  action,
}: {
  text: string;
  diff: { field: string; current: string | null; proposed: string }[];
  labels: Record<string, string>;
  /** The edit route of the matched account, when the proposal is shown elsewhere (new-account page). */
  action?: string;
}) {
  const { t } = useTranslation();
  if (diff.length === 0) return <p className="mb-6 text-slate-600">{t('capture.noChanges')}</p>;
  return (
    <Form
      method="post"
      action={action}
      className="mb-6 max-w-3xl rounded-lg border border-blue-200 bg-blue-50 p-4"
    >
      <h2 className="mb-2 font-semibold">{t('capture.diff')}</h2>
      <input type="hidden" name="captureText" value={text} />
      <table className="w-full text-left text-sm">
        <thead className="text-slate-600">
          <tr>
            <th className="px-2 py-1 font-medium">{t('capture.apply')}</th>
            <th className="px-2 py-1 font-medium">{t('import.field')}</th>
            <th className="px-2 py-1 font-medium">{t('capture.current')}</th>
            <th className="px-2 py-1 font-medium">{t('capture.proposed')}</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr key={d.field} className="border-t border-blue-100">
              <td className="px-2 py-1">
                <input
                  type="checkbox"
                  name="fields"
                  value={d.field}
                  defaultChecked
                  id={`capture-${d.field}`}
                  aria-label={labels[d.field] ?? d.field}
                />
              </td>
              <td className="px-2 py-1">
                <label htmlFor={`capture-${d.field}`}>{labels[d.field] ?? d.field}</label>
              </td>
              <td className="px-2 py-1 whitespace-pre-line text-slate-600">{d.current ?? '—'}</td>
              <td className="px-2 py-1 whitespace-pre-line">{d.proposed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" name="intent" value="captureConfirm" className={`${buttonClass} mt-3`}>
        {t('capture.confirm')}
      </button>
    </Form>
  );
}
