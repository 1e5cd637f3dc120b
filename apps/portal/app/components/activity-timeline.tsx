import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../utils/format.ts';
import { Card, inputClass, linkClass, secondaryButtonClass } from './ui.tsx';

export const activityTypes = ['call', 'visit', 'email', 'meeting', 'note', 'task'] as const;

export interface TimelineItem {
  id: string;
  type: (typeof activityTypes)[number];
  subject: string;
  body: string | null;
  accountId: string | null;
  accountName: string | null;
  contactName: string | null;
  opportunityId: string | null;
  opportunityName: string | null;
  ownerName: string;
  dueAt: string | null;
  reminderAt: string | null;
  doneAt: string | null;
  createdAt: string;
  canEdit: boolean;
}

export type TimelineTarget = { accountId: string } | { contactId: string } | { opportunityId: string };

const typeColors: Record<TimelineItem['type'], string> = {
  call: 'bg-sky-100 text-sky-900',
  visit: 'bg-emerald-100 text-emerald-900',
  email: 'bg-violet-100 text-violet-900',
  meeting: 'bg-amber-100 text-amber-900',
  note: 'bg-slate-100 text-slate-800',
  task: 'bg-rose-100 text-rose-900',
};

/** Done / complete / reopen for one activity: a plain form, works without JavaScript. */
export function CompleteButton({ item, redirectTo }: { item: TimelineItem; redirectTo: string }) {
  const { t } = useTranslation();
  if (!item.canEdit || (!item.dueAt && !item.doneAt)) return null;
  return (
    <Form method="post" action="/activities" className="inline">
      <input type="hidden" name="intent" value={item.doneAt ? 'reopen' : 'complete'} />
      <input type="hidden" name="id" value={item.id} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button type="submit" className={`${secondaryButtonClass} px-2 py-1 text-xs`}>
        {item.doneAt ? t('activities.reopen') : t('activities.complete')}
      </button>
    </Form>
  );
}

/** To the activity's edit form, and back here afterwards. */
export function EditLink({ item, redirectTo }: { item: TimelineItem; redirectTo: string }) {
  const { t } = useTranslation();
  if (!item.canEdit) return null;
  return (
    <Link
      to={`/activities/${item.id}/edit?redirectTo=${encodeURIComponent(redirectTo)}`}
      className="rounded px-1 text-xs text-blue-800 underline-offset-2 hover:underline"
      aria-label={t('activities.editNamed', { subject: item.subject })}
    >
      {t('activities.editShort')}
    </Link>
  );
}

/** Removes an activity (its content stays in the audit log). */
export function DeleteButton({ item, redirectTo }: { item: TimelineItem; redirectTo: string }) {
  const { t } = useTranslation();
  if (!item.canEdit) return null;
  return (
    <Form method="post" action="/activities" className="inline">
      <input type="hidden" name="intent" value="delete" />
      <input type="hidden" name="id" value={item.id} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button
        type="submit"
        className="rounded px-1 text-xs text-rose-700 underline-offset-2 hover:underline"
        aria-label={t('activities.deleteNamed', { subject: item.subject })}
      >
        {t('activities.delete')}
      </button>
    </Form>
  );
}

/**
 * The timeline of an account, contact or deal: what happened and what is due, newest first,
 * with a form to log an activity or plan a follow-up.
 */
export function ActivityTimeline({
  items,
  target,
  redirectTo,
  showContext = false,
}: {
  items: TimelineItem[];
  target: TimelineTarget;
  redirectTo: string;
  /** On an account page, name the deal or contact each entry belongs to. */
  showContext?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const now = Date.now();
  return (
    <Card title={t('activities.timeline')}>
      <details className="mb-4 rounded-md border border-slate-200 p-3">
        <summary className="cursor-pointer text-sm font-medium text-blue-800">{t('activities.add')}</summary>
        <Form method="post" action="/activities" className="mt-3 grid gap-3 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          {Object.entries(target).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <label className="text-sm">
            <span className="mb-1 block font-medium">{t('activities.type')}</span>
            <select name="type" className={inputClass} defaultValue="call">
              {activityTypes.map((type) => (
                <option key={type} value={type}>
                  {t(`activityType.${type}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="mb-1 block font-medium">{t('activities.subject')}</span>
            <input name="subject" required maxLength={200} className={inputClass} />
          </label>
          <label className="text-sm sm:col-span-2">
            <span className="mb-1 block font-medium">{t('activities.body')}</span>
            <textarea name="body" rows={2} className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="mb-1 block font-medium">{t('activities.dueAt')}</span>
            <input type="datetime-local" name="dueAt" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="mb-1 block font-medium">{t('activities.reminderAt')}</span>
            <input type="datetime-local" name="reminderAt" className={inputClass} />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="done" value="on" />
            {t('activities.alreadyDone')}
          </label>
          <div className="sm:col-span-2">
            <button type="submit" className={secondaryButtonClass}>
              {t('activities.save')}
            </button>
          </div>
        </Form>
      </details>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">{t('activities.empty')}</p>
      ) : (
        <ol className="space-y-3" aria-label={t('activities.timeline')}>
          {items.map((a) => {
            const overdue = !a.doneAt && a.dueAt !== null && new Date(a.dueAt).getTime() < now;
            return (
              <li key={a.id} className="border-l-2 border-blue-200 pl-3 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${typeColors[a.type]}`}>
                    {t(`activityType.${a.type}`)}
                  </span>
                  <strong className="text-slate-900">{a.subject}</strong>
                  {a.doneAt ? (
                    <span className="text-xs text-emerald-800">✓ {t('activities.done')}</span>
                  ) : overdue ? (
                    <span className="text-xs font-medium text-rose-700">{t('dashboard.overdue')}</span>
                  ) : null}
                  <CompleteButton item={a} redirectTo={redirectTo} />
                  <EditLink item={a} redirectTo={redirectTo} />
                  <DeleteButton item={a} redirectTo={redirectTo} />
                </div>
                {a.body ? <p className="mt-1 whitespace-pre-line text-slate-700">{a.body}</p> : null}
                <p className="mt-1 text-slate-600">
                  {a.doneAt
                    ? formatDateTime(a.doneAt, locale)
                    : a.dueAt
                      ? `${t('dashboard.dueAt')}: ${formatDateTime(a.dueAt, locale)}`
                      : formatDateTime(a.createdAt, locale)}
                  {!a.doneAt && a.reminderAt
                    ? ` · 🔔 ${t('activities.reminderAt')}: ${formatDateTime(a.reminderAt, locale)}`
                    : null}
                  {` · ${a.ownerName}`}
                  {showContext && a.opportunityId ? (
                    <>
                      {' · '}
                      <Link to={`/opportunities/${a.opportunityId}`} className={linkClass}>
                        {a.opportunityName}
                      </Link>
                    </>
                  ) : null}
                  {showContext && a.contactName ? ` · ${a.contactName}` : null}
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
