import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { buttonClass, Card, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import {
  AppError,
  cadenceList,
  can,
  getSettings,
  localizeIssues,
  updateSetting,
  updateSettingInput,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireInternal } from '../utils/session.server.ts';

const keys = ['followUp', 'lossReasons', 'defaultDeal', 'priority', 'letterhead'] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  return orResponse(context.locale, async () => {
    const [settings, overdue] = await Promise.all([
      getSettings(context.db, user),
      cadenceList(context.db, user, { onlyOverdue: true, mine: false }),
    ]);
    return {
      mayManage: can(user, 'manage', { type: 'automation' }),
      settings: Object.fromEntries(keys.map((k) => [k, JSON.stringify(settings[k], null, 2)])) as Record<
        (typeof keys)[number],
        string
      >,
      overdue: overdue.map((r) => ({
        ...r,
        lastAt: r.lastAt ? r.lastAt.toISOString() : null,
        dueAt: r.dueAt.toISOString(),
      })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const key = values.key as (typeof keys)[number];
  if (!keys.includes(key))
    return actionFailure(new AppError('BAD_REQUEST', 'errors.invalidInput'), context.locale, values);
  let value: unknown;
  try {
    value = JSON.parse(values.value ?? '');
  } catch {
    return formFailure(
      values,
      { [key]: context.locale === 'de' ? 'Kein gültiges JSON.' : 'Not valid JSON.' },
      null,
    );
  }
  const parsed = updateSettingInput.safeParse({ key, value });
  if (!parsed.success) {
    const issues = localizeIssues(parsed.error.issues, context.locale);
    const message = Object.entries(issues)
      .map(([path, text]) => `${path.replace(/^value\.?/, '') || '—'}: ${text}`)
      .join(' · ');
    return formFailure(values, { [key]: message }, null);
  }
  try {
    await updateSetting(context.db, user, parsed.data);
    return redirect('/admin/automation');
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function AutomationSettings() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { mayManage, settings, overdue } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : {};
  return (
    <>
      <PageHeader
        title={t('automation.title')}
        actions={
          <Link to="/admin/automation/accounts" className={linkClass}>
            {t('automation.accountsLink')}
          </Link>
        }
      />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('automation.intro')}</p>
      {failure && !failure.ok && failure.formError ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        {keys.map((key) => (
          <Card key={key} title={t(`automation.setting.${key}`)}>
            <p className="mb-2 text-sm text-slate-600">{t(`automation.hint.${key}`)}</p>
            <Form method="post" className="space-y-2">
              <input type="hidden" name="key" value={key} />
              <label htmlFor={`value-${key}`} className="sr-only">
                {t(`automation.setting.${key}`)}
              </label>
              <textarea
                id={`value-${key}`}
                name="value"
                rows={12}
                readOnly={!mayManage}
                defaultValue={
                  failure && !failure.ok && failure.values.key === key ? failure.values.value : settings[key]
                }
                aria-invalid={errors[key] ? true : undefined}
                aria-describedby={errors[key] ? `error-${key}` : undefined}
                className={`${inputClass} font-mono text-xs`}
              />
              {errors[key] ? (
                <p id={`error-${key}`} className="text-sm text-rose-700" role="alert">
                  {errors[key]}
                </p>
              ) : null}
              {mayManage ? (
                <button type="submit" className={buttonClass}>
                  {t('common.save')}
                </button>
              ) : null}
            </Form>
          </Card>
        ))}
        <Card title={t('automation.overdue')}>
          {overdue.length === 0 ? (
            <p className="text-sm text-slate-600">{t('automation.overdueNone')}</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-2 font-medium">{t('automation.account')}</th>
                  <th className="py-2 font-medium">{t('automation.kind')}</th>
                  <th className="py-2 font-medium">{t('automation.last')}</th>
                  <th className="py-2 text-right font-medium">{t('automation.overdueDays')}</th>
                  <th className="py-2 text-right font-medium">{t('automation.targetActual')}</th>
                </tr>
              </thead>
              <tbody>
                {overdue.map((r) => (
                  <tr key={`${r.accountId}-${r.kind}`} className="border-b border-slate-100">
                    <td className="py-2">
                      <Link to={`/accounts/${r.accountId}`} className={linkClass}>
                        {r.accountName}
                      </Link>
                      <span className="block text-xs text-slate-500">{r.ownerName}</span>
                    </td>
                    <td className="py-2">{t(`automation.kind.${r.kind}`, { days: r.everyDays })}</td>
                    <td className="py-2">{formatDate(r.lastAt ? new Date(r.lastAt) : null, locale)}</td>
                    <td className="py-2 text-right tabular-nums">{r.overdueDays}</td>
                    <td className="py-2 text-right tabular-nums">
                      {r.target} / {r.actual}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
