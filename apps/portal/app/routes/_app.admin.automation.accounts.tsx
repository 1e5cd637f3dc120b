import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { Card, inputClass, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  AppError,
  accountAutomationList,
  can,
  setCadence,
  setCadenceInput,
  setStrategic,
  setStrategicInput,
} from '../utils/api.server.ts';
import { actionFailure, formValues, orResponse } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireInternal } from '../utils/session.server.ts';

/** Customer priority (A/B/C, strategic flag, history) and contact cadence per account. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const q = new URL(request.url).searchParams.get('q') ?? '';
  return orResponse(context.locale, async () => {
    const rows = await accountAutomationList(context.db, user, { q });
    return {
      q,
      mayFlag: can(user, 'update', { type: 'automation' }),
      accounts: rows.map((r) => ({
        id: r.id,
        name: r.name,
        priority: r.priority,
        strategic: r.strategic,
        visitEveryDays: r.visitEveryDays,
        callEveryDays: r.callEveryDays,
        history: r.history.map((h) => ({
          from: h.fromPriority,
          to: h.toPriority,
          at: h.changedAt.toISOString(),
        })),
      })),
    };
  });
}

const days = (v: string | undefined) => (v && v.trim() !== '' ? Number(v) : null);

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  try {
    if (values.intent === 'strategic') {
      const parsed = setStrategicInput.safeParse({
        accountId: values.accountId,
        strategic: values.strategic === 'true',
      });
      if (!parsed.success) throw new AppError('BAD_REQUEST', 'errors.invalidInput');
      await setStrategic(context.db, user, parsed.data);
    } else {
      const parsed = setCadenceInput.safeParse({
        accountId: values.accountId,
        visitEveryDays: days(values.visitEveryDays),
        callEveryDays: days(values.callEveryDays),
      });
      if (!parsed.success)
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: `cadence-${values.accountId}`, key: 'validation.tooSmall', params: { minimum: 1 } },
        ]);
      await setCadence(context.db, user, parsed.data);
    }
    return redirect(`/admin/automation/accounts${values.q ? `?q=${encodeURIComponent(values.q)}` : ''}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function AccountAutomation() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { q, mayFlag, accounts } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title={t('automation.accountsTitle')}
        actions={
          <Link to="/admin/automation" className={secondaryButtonClass}>
            {t('automation.title')}
          </Link>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <Card>
        <Form method="get" className="mb-3 flex gap-2">
          <label htmlFor="q" className="sr-only">
            {t('common.search')}
          </label>
          <input id="q" name="q" defaultValue={q} className={inputClass} />
          <button type="submit" className={secondaryButtonClass}>
            {t('common.search')}
          </button>
        </Form>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-2 font-medium">{t('automation.account')}</th>
              <th className="py-2 font-medium">{t('automation.priority')}</th>
              <th className="py-2 font-medium">{t('automation.history')}</th>
              <th className="py-2 font-medium">{t('automation.cadenceDays')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id} className="border-b border-slate-100 align-top">
                <td className="py-2">
                  <Link to={`/accounts/${a.id}`} className={linkClass}>
                    {a.name}
                  </Link>
                </td>
                <td className="py-2">
                  <span className="font-semibold">{a.priority ?? '—'}</span>
                  {a.strategic ? (
                    <span className="ml-1 text-xs text-slate-600">({t('automation.strategic')})</span>
                  ) : null}
                  {mayFlag ? (
                    <Form method="post" className="mt-1">
                      <input type="hidden" name="intent" value="strategic" />
                      <input type="hidden" name="accountId" value={a.id} />
                      <input type="hidden" name="q" value={q} />
                      <input type="hidden" name="strategic" value={a.strategic ? 'false' : 'true'} />
                      <button type="submit" className={secondaryButtonClass}>
                        {a.strategic ? t('automation.unmarkStrategic') : t('automation.markStrategic')}
                      </button>
                    </Form>
                  ) : null}
                </td>
                <td className="py-2 text-xs text-slate-600">
                  <ul>
                    {a.history.map((h) => (
                      <li key={h.at}>
                        {formatDate(new Date(h.at), locale)}: {h.from ?? '—'} → {h.to}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="py-2">
                  <Form method="post" className="flex flex-wrap items-end gap-2">
                    <input type="hidden" name="intent" value="cadence" />
                    <input type="hidden" name="accountId" value={a.id} />
                    <input type="hidden" name="q" value={q} />
                    <label className="text-xs">
                      {t('automation.visitDays')}
                      <input
                        name="visitEveryDays"
                        defaultValue={a.visitEveryDays ?? ''}
                        className={`${inputClass} w-20`}
                      />
                    </label>
                    <label className="text-xs">
                      {t('automation.callDays')}
                      <input
                        name="callEveryDays"
                        defaultValue={a.callEveryDays ?? ''}
                        className={`${inputClass} w-20`}
                      />
                    </label>
                    <button type="submit" className={secondaryButtonClass}>
                      {t('common.save')}
                    </button>
                  </Form>
                  {failure && !failure.ok && failure.fieldErrors[`cadence-${a.id}`] ? (
                    <p className="mt-1 text-xs text-rose-700">{failure.fieldErrors[`cadence-${a.id}`]}</p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
