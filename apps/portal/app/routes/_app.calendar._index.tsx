import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, TextAreaField, TextField } from '../components/form.tsx';
import { buttonClass, Card, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { AppError, createMeeting, createMeetingInput, listMeetings, listUsers } from '../utils/api.server.ts';
import {
  addDays,
  dayOf,
  monthStart,
  parseGuests,
  TEAM_ZONE,
  timeOf,
  weekStart,
  zonedToUtc,
} from '../utils/calendar.ts';
import { actionFailure, formValues, orResponse } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const url = new URL(request.url);
  const view = url.searchParams.get('view') === 'month' ? 'month' : 'week';
  const dateParam = url.searchParams.get('date');
  const today = dayOf(new Date());
  const anchor = dateParam && /^\d{4}-\d{2}-\d{2}$/.test(dateParam) ? dateParam : today;
  // The month grid starts on the Monday before the 1st and shows six weeks.
  const first = view === 'week' ? weekStart(anchor) : weekStart(monthStart(anchor));
  const days = Array.from({ length: view === 'week' ? 7 : 42 }, (_, i) => addDays(first, i));
  const from = zonedToUtc(days[0]!, '00:00')!;
  const to = zonedToUtc(addDays(days.at(-1)!, 1), '00:00')!;
  return orResponse(context.locale, async () => {
    const [rows, staff] = await Promise.all([
      listMeetings(context.db, user, { from, to, all: false }),
      listUsers(context.db, user),
    ]);
    const prev = view === 'week' ? addDays(anchor, -7) : addDays(monthStart(anchor), -1);
    const next = view === 'week' ? addDays(anchor, 7) : addDays(monthStart(anchor), 32);
    return {
      view,
      anchor,
      today,
      prev: view === 'week' ? prev : monthStart(prev),
      next: view === 'week' ? next : monthStart(next),
      days,
      month: anchor.slice(0, 7),
      staff: staff.filter((s) => s.id !== user.userId).map((s) => ({ id: s.id, name: s.name })),
      meetings: rows.map((m) => ({
        id: m.id,
        title: m.title,
        day: dayOf(m.startsAt),
        start: timeOf(m.startsAt),
        end: timeOf(m.endsAt),
        cancelled: m.status === 'cancelled',
        location: m.location,
      })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const form = await request.formData();
  const values = formValues(form);
  const fields: { path: string; key: string }[] = [];
  const startsAt = zonedToUtc(values.date ?? '', values.start ?? '');
  const endsAt = zonedToUtc(values.date ?? '', values.end ?? '');
  if (!startsAt) fields.push({ path: 'start', key: 'validation.invalid' });
  if (!endsAt) fields.push({ path: 'end', key: 'validation.invalid' });
  const guests = parseGuests(values.guests ?? '');
  if (!guests) fields.push({ path: 'guests', key: 'validation.email' });
  const parsed = createMeetingInput.safeParse({
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
    for (const issue of parsed.error.issues) {
      const path =
        issue.path[0] === 'endsAt'
          ? 'end'
          : issue.path[0] === 'participants'
            ? 'guests'
            : String(issue.path[0]);
      fields.push({
        path,
        key: issue.message.startsWith('validation.') ? issue.message : 'validation.invalid',
      });
    }
  try {
    if (!parsed.success || fields.length > 0)
      throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fields);
    const meeting = await createMeeting(context.db, user, parsed.data);
    return redirect(`/calendar/${meeting.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function CalendarPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : undefined;
  const values = failure && !failure.ok ? failure.values : {};
  const weekday = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    timeZone: 'UTC',
  });
  const monthName = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const byDay = (day: string) => d.meetings.filter((m) => m.day === day);
  const title =
    d.view === 'week'
      ? t('calendar.weekOf', { day: weekday.format(new Date(`${d.days[0]}T12:00:00Z`)) })
      : monthName.format(new Date(`${d.month}-15T12:00:00Z`));
  return (
    <>
      <PageHeader
        title={`${t('calendar.title')}: ${title}`}
        actions={
          <>
            <Link to={`/calendar?view=${d.view}&date=${d.prev}`} className={secondaryButtonClass}>
              {t('calendar.previous')}
            </Link>
            <Link to={`/calendar?view=${d.view}&date=${d.today}`} className={secondaryButtonClass}>
              {t('calendar.today')}
            </Link>
            <Link to={`/calendar?view=${d.view}&date=${d.next}`} className={secondaryButtonClass}>
              {t('calendar.next')}
            </Link>
            <Link
              to={`/calendar?view=${d.view === 'week' ? 'month' : 'week'}&date=${d.anchor}`}
              className={secondaryButtonClass}
            >
              {d.view === 'week' ? t('calendar.month') : t('calendar.week')}
            </Link>
          </>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-4">
        <div className="lg:col-span-3">
          <Card>
            <ol className="grid grid-cols-7 gap-1 text-sm" aria-label={title}>
              {d.days.map((day) => (
                <li
                  key={day}
                  className={`min-h-24 rounded border p-1 ${day === d.today ? 'border-blue-500' : 'border-slate-200'} ${
                    d.view === 'month' && day.slice(0, 7) !== d.month ? 'bg-slate-50 text-slate-400' : ''
                  }`}
                >
                  <div className="mb-1 text-xs font-medium text-slate-600">
                    {weekday.format(new Date(`${day}T12:00:00Z`))}
                  </div>
                  <ul className="space-y-1">
                    {byDay(day).map((m) => (
                      <li key={m.id} className={m.cancelled ? 'line-through opacity-60' : ''}>
                        <Link to={`/calendar/${m.id}`} className={linkClass}>
                          <span className="tabular-nums">{m.start}</span> {m.title}
                        </Link>
                        {d.view === 'week' ? (
                          <span className="block text-xs text-slate-500">
                            {m.start}–{m.end}
                            {m.location ? ` · ${m.location}` : ''}
                          </span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          </Card>
        </div>
        <Card title={t('calendar.new')}>
          <Form method="post" className="space-y-3">
            <TextField
              name="title"
              label={t('calendar.meetingTitle')}
              required
              errors={errors}
              defaultValue={values.title}
            />
            <TextField
              name="date"
              label={t('calendar.date')}
              hint="YYYY-MM-DD"
              required
              errors={errors}
              defaultValue={values.date ?? d.anchor}
            />
            <div className="grid grid-cols-2 gap-2">
              <TextField
                name="start"
                label={t('calendar.start')}
                hint="HH:MM"
                required
                errors={errors}
                defaultValue={values.start ?? '10:00'}
              />
              <TextField
                name="end"
                label={t('calendar.end')}
                hint="HH:MM"
                required
                errors={errors}
                defaultValue={values.end ?? '11:00'}
              />
            </div>
            <TextField
              name="location"
              label={t('calendar.location')}
              errors={errors}
              defaultValue={values.location}
            />
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-slate-800">{t('calendar.internal')}</legend>
              <div className="max-h-40 space-y-1 overflow-y-auto text-sm">
                {d.staff.map((s) => (
                  <label key={s.id} className="flex items-center gap-2">
                    <input type="checkbox" name="userIds" value={s.id} /> {s.name}
                  </label>
                ))}
              </div>
            </fieldset>
            <TextAreaField
              name="guests"
              label={t('calendar.external')}
              hint={t('calendar.externalHint')}
              errors={errors}
              defaultValue={values.guests}
            />
            <TextAreaField
              name="description"
              label={t('calendar.description')}
              errors={errors}
              defaultValue={values.description}
            />
            <p className="text-xs text-slate-500">{t('calendar.timeZone')}</p>
            <button type="submit" className={buttonClass}>
              {t('calendar.invite')}
            </button>
          </Form>
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
