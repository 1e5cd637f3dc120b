import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { CompleteButton, EditLink, type TimelineItem } from '../components/activity-timeline.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { Card, linkClass, PageHeader } from '../components/ui.tsx';
import { berlinLocalToDate } from '../utils/activities.server.ts';
import {
  activitySchemas,
  completeActivity,
  createActivity,
  deleteActivity,
  followUps,
  translate,
} from '../utils/api.server.ts';
import {
  actionFailure,
  type FormValues,
  formFailure,
  formValues,
  orResponse,
  validate,
} from '../utils/errors.server.ts';
import { formatDateTime } from '../utils/format.ts';
import { requireInternal, safeRedirect } from '../utils/session.server.ts';

/** My open follow-ups, or only the overdue ones: the rep's to-do list across all customers. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const status = new URL(request.url).searchParams.get('status') === 'overdue' ? 'overdue' : 'open';
  const items = await orResponse(context.locale, () => followUps(context.db, user, { status, limit: 200 }));
  return {
    status,
    items: items.map((a) => ({
      id: a.id,
      type: a.type,
      subject: a.subject,
      body: a.body,
      accountId: a.accountId,
      accountName: a.accountName,
      contactName: a.contactName,
      opportunityId: a.opportunityId,
      opportunityName: a.opportunityName,
      ownerName: a.ownerName,
      dueAt: a.dueAt?.toISOString() ?? null,
      reminderAt: a.reminderAt?.toISOString() ?? null,
      doneAt: null,
      createdAt: a.createdAt.toISOString(),
      canEdit: a.canEdit,
      overdue: a.overdue,
      reminderDue: a.reminderDue,
    })),
  };
}

function invalid(values: FormValues, fieldErrors: Record<string, string>, locale: 'de' | 'en') {
  return formFailure(values, fieldErrors, translate(locale, 'errors.invalidInput'));
}

const moment = (v: string | undefined) => (v ? (berlinLocalToDate(v) ?? v) : undefined);

/** Writes from the timelines on account, contact and deal pages, and from this list. */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const back = safeRedirect(values.redirectTo, '/activities');
  try {
    if (values.intent === 'create') {
      const input = validate(
        activitySchemas.createActivityInput,
        {
          type: values.type,
          subject: values.subject,
          body: values.body,
          accountId: values.accountId,
          contactId: values.contactId,
          opportunityId: values.opportunityId,
          dueAt: moment(values.dueAt),
          reminderAt: moment(values.reminderAt),
          done: values.done === 'on',
        },
        context.locale,
      );
      if (!input.ok) return invalid(values, input.fieldErrors, context.locale);
      await createActivity(context.db, user, input.data);
    } else if (values.intent === 'complete' || values.intent === 'reopen') {
      const id = validate(activitySchemas.completeActivityInput, { id: values.id }, context.locale);
      if (!id.ok) return invalid(values, id.fieldErrors, context.locale);
      await completeActivity(context.db, user, { id: id.data.id, done: values.intent === 'complete' });
    } else if (values.intent === 'delete') {
      await deleteActivity(context.db, user, values.id ?? '');
    } else return null;
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
  return redirect(back);
}

export default function FollowUps() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { items, status } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const here = `/activities${params.toString() ? `?${params}` : ''}`;
  return (
    <>
      <PageHeader title={t('activities.followUps')} />
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      <nav aria-label={t('activities.filter')} className="mb-4 flex gap-2 text-sm">
        <Link
          to="/activities"
          aria-current={status === 'open' ? 'page' : undefined}
          className={`rounded-md px-3 py-1 ${status === 'open' ? 'bg-blue-700 text-white' : 'bg-white text-blue-800'}`}
        >
          {t('activities.open')}
        </Link>
        <Link
          to="/activities?status=overdue"
          aria-current={status === 'overdue' ? 'page' : undefined}
          className={`rounded-md px-3 py-1 ${status === 'overdue' ? 'bg-blue-700 text-white' : 'bg-white text-blue-800'}`}
        >
          {t('activities.overdue')}
        </Link>
      </nav>
      <Card>
        {items.length === 0 ? (
          <p className="text-sm text-slate-600">{t('activities.noFollowUps')}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-2 pr-3">{t('activities.dueAt')}</th>
                <th className="py-2 pr-3">{t('activities.type')}</th>
                <th className="py-2 pr-3">{t('activities.subject')}</th>
                <th className="py-2 pr-3">{t('activities.about')}</th>
                <th className="py-2">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} className="border-b border-slate-100 align-top">
                  <td className={`py-2 pr-3 tabular-nums ${a.overdue ? 'font-medium text-rose-700' : ''}`}>
                    {formatDateTime(a.dueAt, locale)}
                    {a.overdue ? <span className="ml-1 text-xs">({t('dashboard.overdue')})</span> : null}
                    {a.reminderDue && !a.overdue ? (
                      <span className="ml-1 text-xs text-amber-700">🔔 {t('activities.reminderDue')}</span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3">{t(`activityType.${a.type}`)}</td>
                  <td className="py-2 pr-3">{a.subject}</td>
                  <td className="py-2 pr-3">
                    {a.opportunityId ? (
                      <Link to={`/opportunities/${a.opportunityId}`} className={linkClass}>
                        {a.opportunityName}
                      </Link>
                    ) : a.accountId ? (
                      <Link to={`/accounts/${a.accountId}`} className={linkClass}>
                        {a.accountName}
                      </Link>
                    ) : null}
                    {a.contactName ? <span className="text-slate-600"> · {a.contactName}</span> : null}
                  </td>
                  <td className="py-2">
                    <CompleteButton item={a as TimelineItem} redirectTo={here} />
                    <EditLink item={a as TimelineItem} redirectTo={here} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
