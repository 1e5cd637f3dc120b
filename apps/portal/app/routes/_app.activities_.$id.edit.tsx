import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { activityTypes } from '../components/activity-timeline.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import { buttonClass, Card, linkClass, PageHeader } from '../components/ui.tsx';
import { berlinLocalToDate, dateToBerlinLocal } from '../utils/activities.server.ts';
import { activityById, activitySchemas, listUsers, translate, updateActivity } from '../utils/api.server.ts';
import {
  actionFailure,
  type FormValues,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { requireInternal, safeRedirect } from '../utils/session.server.ts';

/** Where the form came from (a timeline or the follow-up list), else the activity's record. */
function backTo(
  requested: string | null | undefined,
  a: { opportunityId: string | null; accountId: string | null },
) {
  const fallback = a.opportunityId
    ? `/opportunities/${a.opportunityId}`
    : a.accountId
      ? `/accounts/${a.accountId}`
      : '/activities';
  return safeRedirect(requested, fallback);
}

/**
 * Edit one activity: type, subject, notes, due date, reminder, owner and done. Staff data
 * (decision 011): partners get 403; a rep edits what they own or wrote, leaders any.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.activity');
  const activity = await orResponse(context.locale, () => activityById(context.db, user, id));
  if (!activity.canEdit)
    throw data({ message: translate(context.locale, 'errors.forbidden') }, { status: 403 });
  const staff = (await listUsers(context.db, user)).filter(
    (u) => u.partnerOrgName === null && u.active && ['admin', 'manager', 'rep'].includes(u.role),
  );
  return {
    activity: {
      id: activity.id,
      type: activity.type,
      subject: activity.subject,
      body: activity.body ?? '',
      dueAt: dateToBerlinLocal(activity.dueAt),
      reminderAt: dateToBerlinLocal(activity.reminderAt),
      ownerId: activity.ownerId,
      done: activity.doneAt !== null,
      about: activity.opportunityName ?? activity.accountName ?? '',
    },
    owners: staff.map((u) => ({ value: u.id, label: u.name })),
    redirectTo: backTo(new URL(request.url).searchParams.get('redirectTo'), activity),
  };
}

const moment = (v: string | undefined) => (v ? (berlinLocalToDate(v) ?? v) : null);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.activity');
  const values: FormValues = formValues(await request.formData());
  const parsed = validate(
    activitySchemas.updateActivityInput,
    {
      id,
      data: {
        type: values.type,
        subject: values.subject,
        body: values.body,
        dueAt: moment(values.dueAt),
        reminderAt: moment(values.reminderAt),
        ownerId: values.ownerId,
        done: values.done === 'on',
      },
    },
    context.locale,
  );
  if (!parsed.ok) {
    const fieldErrors = Object.fromEntries(
      Object.entries(parsed.fieldErrors).map(([path, message]) => [path.replace(/^data\./, ''), message]),
    );
    return formFailure(values, fieldErrors, translate(context.locale, 'errors.invalidInput'));
  }
  try {
    const saved = await updateActivity(context.db, user, parsed.data);
    return redirect(backTo(values.redirectTo, saved));
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EditActivity() {
  const { t } = useTranslation();
  const { activity, owners, redirectTo } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const v = failure?.values;
  const errors = failure?.fieldErrors;
  const value = (name: keyof typeof activity & string) => (v ? (v[name] ?? '') : String(activity[name]));
  return (
    <>
      <PageHeader title={t('activities.edit')} />
      <Card {...(activity.about ? { title: activity.about } : {})}>
        <FormError message={failure?.formError} fieldErrors={errors} />
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <SelectField
            name="type"
            label={t('activities.type')}
            defaultValue={value('type')}
            errors={errors}
            options={activityTypes.map((type) => ({ value: type, label: t(`activityType.${type}`) }))}
          />
          <TextField
            name="subject"
            label={t('activities.subject')}
            required
            defaultValue={value('subject')}
            errors={errors}
          />
          <TextAreaField
            name="body"
            label={t('activities.body')}
            rows={4}
            defaultValue={value('body')}
            errors={errors}
            className="sm:col-span-2"
          />
          <TextField
            type="datetime-local"
            name="dueAt"
            label={t('activities.dueAt')}
            defaultValue={value('dueAt')}
            errors={errors}
          />
          <TextField
            type="datetime-local"
            name="reminderAt"
            label={t('activities.reminderAt')}
            hint={t('activities.reminderHint')}
            defaultValue={value('reminderAt')}
            errors={errors}
          />
          <SelectField
            name="ownerId"
            label={t('activities.owner')}
            defaultValue={value('ownerId')}
            errors={errors}
            options={owners}
          />
          <label className="flex items-center gap-2 self-end text-sm">
            <input
              type="checkbox"
              name="done"
              value="on"
              defaultChecked={v ? v.done === 'on' : activity.done}
            />
            {t('activities.isDone')}
          </label>
          <div className="flex items-center gap-4 sm:col-span-2">
            <button type="submit" className={buttonClass}>
              {t('activities.saveChanges')}
            </button>
            <Link to={redirectTo} className={linkClass}>
              {t('common.cancel')}
            </Link>
          </div>
        </Form>
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
