import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, TextAreaField, TextField } from '../components/form.tsx';
import {
  buttonClass,
  Card,
  DefinitionList,
  dangerButtonClass,
  linkClass,
  PageHeader,
  secondaryButtonClass,
} from '../components/ui.tsx';
import {
  AppError,
  cancelMeeting,
  listUsers,
  meetingById,
  meetingRefInput,
  updateMeeting,
  updateMeetingInput,
} from '../utils/api.server.ts';
import { dayOf, parseGuests, TEAM_ZONE, timeOf, zonedToUtc } from '../utils/calendar.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.meeting');
  return orResponse(context.locale, async () => {
    const [d, staff] = await Promise.all([meetingById(context.db, user, id), listUsers(context.db, user)]);
    const active = d.participants.filter((p) => !p.removedAt);
    return {
      meeting: {
        id: d.meeting.id,
        title: d.meeting.title,
        location: d.meeting.location ?? '',
        description: d.meeting.description ?? '',
        date: dayOf(d.meeting.startsAt),
        start: timeOf(d.meeting.startsAt),
        end: timeOf(d.meeting.endsAt),
        status: d.meeting.status,
        sequence: d.meeting.sequence,
        uid: d.meeting.uid,
      },
      organizer: d.organizer,
      mayEdit: d.mayEdit && d.meeting.status !== 'cancelled',
      participants: active.map((p) => ({ kind: p.kind, name: p.name, email: p.email, userId: p.userId })),
      guests: active
        .filter((p) => p.kind === 'external')
        .map((p) => `${p.name} <${p.email}>`)
        .join('\n'),
      staff: staff
        .filter((s) => s.email !== d.organizer.email)
        .map((s) => ({ id: s.id, name: s.name, invited: active.some((p) => p.userId === s.id) })),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.meeting');
  const form = await request.formData();
  const values = formValues(form);
  const sequence = Number(values.sequence);
  try {
    if (values.intent === 'cancel') {
      const parsed = meetingRefInput.safeParse({ id, sequence });
      if (!parsed.success) throw new AppError('BAD_REQUEST', 'errors.invalidInput');
      await cancelMeeting(context.db, user, parsed.data);
      return redirect(`/calendar/${id}`);
    }
    const fields: { path: string; key: string }[] = [];
    const startsAt = zonedToUtc(values.date ?? '', values.start ?? '');
    const endsAt = zonedToUtc(values.date ?? '', values.end ?? '');
    if (!startsAt) fields.push({ path: 'start', key: 'validation.invalid' });
    if (!endsAt) fields.push({ path: 'end', key: 'validation.invalid' });
    const guests = parseGuests(values.guests ?? '');
    if (!guests) fields.push({ path: 'guests', key: 'validation.email' });
    const parsed = updateMeetingInput.safeParse({
      id,
      sequence,
      title: values.title,
      location: values.location || null,
      description: values.description || null,
      startsAt: startsAt ?? new Date(0),
      endsAt: endsAt ?? new Date(0),
      timeZone: TEAM_ZONE,
      participants: {
        userIds: form.getAll('userIds').filter((v): v is string => typeof v === 'string'),
        contactIds: [],
        emails: guests ?? [],
      },
    });
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        fields.push({
          path: issue.path[0] === 'endsAt' ? 'end' : String(issue.path[0]),
          key: issue.message.startsWith('validation.') ? issue.message : 'validation.invalid',
        });
    if (!parsed.success || fields.length > 0)
      throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fields);
    await updateMeeting(context.db, user, parsed.data);
    return redirect(`/calendar/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function MeetingPage() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : undefined;
  const v =
    failure && !failure.ok
      ? { ...d.meeting, guests: d.guests, ...failure.values }
      : { ...d.meeting, guests: d.guests };
  const m = d.meeting;
  return (
    <>
      <PageHeader
        title={m.title}
        actions={
          <Link to={`/calendar?view=week&date=${m.date}`} className={secondaryButtonClass}>
            {t('calendar.backToWeek')}
          </Link>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title={t('calendar.details')}>
          <DefinitionList
            items={[
              [t('calendar.when'), `${m.date} ${m.start}–${m.end} (${TEAM_ZONE})`],
              [t('calendar.location'), m.location || '—'],
              [t('calendar.organizer'), `${d.organizer.name} <${d.organizer.email}>`],
              [t('calendar.status'), t(`calendar.status.${m.status}`)],
              [t('calendar.sequence'), String(m.sequence)],
            ]}
          />
          <h3 className="mt-4 mb-1 text-sm font-semibold text-slate-700">{t('calendar.participants')}</h3>
          <ul className="text-sm">
            {d.participants.map((p) => (
              <li key={p.email}>
                {p.name} <span className="text-slate-500">&lt;{p.email}&gt;</span>{' '}
                <span className="text-xs text-slate-500">({t(`calendar.kind.${p.kind}`)})</span>
              </li>
            ))}
          </ul>
          {d.mayEdit ? (
            <Form method="post" className="mt-4">
              <input type="hidden" name="intent" value="cancel" />
              <input type="hidden" name="sequence" value={m.sequence} />
              <button type="submit" className={dangerButtonClass}>
                {t('calendar.cancel')}
              </button>
            </Form>
          ) : null}
        </Card>
        {d.mayEdit ? (
          <div className="lg:col-span-2">
            <Card title={t('calendar.edit')}>
              <Form method="post" className="grid gap-3 sm:grid-cols-2">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="sequence" value={m.sequence} />
                <TextField
                  name="title"
                  label={t('calendar.meetingTitle')}
                  required
                  errors={errors}
                  defaultValue={v.title}
                />
                <TextField
                  name="location"
                  label={t('calendar.location')}
                  errors={errors}
                  defaultValue={v.location}
                />
                <TextField
                  name="date"
                  label={t('calendar.date')}
                  hint="YYYY-MM-DD"
                  required
                  errors={errors}
                  defaultValue={v.date}
                />
                <div className="grid grid-cols-2 gap-2">
                  <TextField
                    name="start"
                    label={t('calendar.start')}
                    hint="HH:MM"
                    required
                    errors={errors}
                    defaultValue={v.start}
                  />
                  <TextField
                    name="end"
                    label={t('calendar.end')}
                    hint="HH:MM"
                    required
                    errors={errors}
                    defaultValue={v.end}
                  />
                </div>
                <fieldset>
                  <legend className="mb-1 text-sm font-medium text-slate-800">
                    {t('calendar.internal')}
                  </legend>
                  <div className="max-h-40 space-y-1 overflow-y-auto text-sm">
                    {d.staff.map((s) => (
                      <label key={s.id} className="flex items-center gap-2">
                        <input type="checkbox" name="userIds" value={s.id} defaultChecked={s.invited} />{' '}
                        {s.name}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <TextAreaField
                  name="guests"
                  label={t('calendar.external')}
                  hint={t('calendar.externalHint')}
                  errors={errors}
                  defaultValue={v.guests}
                />
                <TextAreaField
                  name="description"
                  label={t('calendar.description')}
                  errors={errors}
                  defaultValue={v.description}
                  className="sm:col-span-2"
                />
                <div className="sm:col-span-2">
                  <button type="submit" className={buttonClass}>
                    {t('calendar.saveAndNotify')}
                  </button>
                </div>
              </Form>
            </Card>
          </div>
        ) : null}
      </div>
      <p className="mt-4 text-xs text-slate-500">
        UID {m.uid} ·{' '}
        <Link to="/calendar" className={linkClass}>
          {t('calendar.title')}
        </Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
