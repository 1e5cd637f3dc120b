import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { buttonClass, Card, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationsRead,
  notificationKinds,
  notificationPreferencesOf,
  setNotificationPreference,
} from '../utils/discussion.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { formatDateTime } from '../utils/format.ts';
import { subscriptionUrl, useSubscription } from '../utils/live.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  const unreadOnly = url.searchParams.get('filter') === 'unread';
  const cursor = url.searchParams.get('cursor') ?? undefined;
  return orResponse(context.locale, async () => ({
    page: await listNotifications(context.db, user, { unreadOnly, cursor, limit: 30 }, context.locale),
    preferences: await notificationPreferencesOf(context.db, user),
    unreadOnly,
  }));
}

/** Forms without JavaScript: each intent redirects back to the list (the bell updates too). */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const back = `/notifications${new URL(request.url).search}`;
  await orResponse(context.locale, async () => {
    if (intent === 'markRead') {
      await markNotificationsRead(context.db, user, { ids: form.getAll('id').map(String) });
    } else if (intent === 'markAllRead') {
      await markAllNotificationsRead(context.db, user);
    } else if (intent === 'preferences') {
      const on = new Set(form.getAll('email').map(String));
      const current = await notificationPreferencesOf(context.db, user);
      for (const kind of notificationKinds) {
        const email = on.has(kind);
        if (current.find((p) => p.kind === kind)?.email !== email)
          await setNotificationPreference(context.db, user, { kind, email });
      }
    }
  });
  return redirect(back, 303);
}

export default function Notifications() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { page, preferences, unreadOnly } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  // A new notification appears at the top while the page is open.
  const refresh = () => {
    if (revalidator.state === 'idle') revalidator.revalidate();
  };
  useSubscription(subscriptionUrl('notification.live'), refresh, refresh);
  const more = new URLSearchParams(params);
  if (page.nextCursor) more.set('cursor', page.nextCursor);
  return (
    <>
      <PageHeader
        title={t('notifications.title')}
        actions={
          <Form method="post">
            <input type="hidden" name="intent" value="markAllRead" />
            <button type="submit" className={secondaryButtonClass}>
              {t('notifications.markAllRead')}
            </button>
          </Form>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <nav className="mb-3 flex gap-3 text-sm" aria-label={t('notifications.title')}>
            <Link to="/notifications" className={linkClass} aria-current={unreadOnly ? undefined : 'page'}>
              {t('notifications.all')}
            </Link>
            <Link
              to="/notifications?filter=unread"
              className={linkClass}
              aria-current={unreadOnly ? 'page' : undefined}
            >
              {t('notifications.unreadOnly')}
            </Link>
          </nav>
          {page.items.length === 0 ? (
            <p className="text-slate-600">{t('notifications.empty')}</p>
          ) : (
            <ul
              className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
              data-testid="notifications"
            >
              {page.items.map((n) => (
                <li key={n.id} className={`flex items-start gap-3 p-3 ${n.read ? '' : 'bg-blue-50'}`}>
                  <div className="min-w-0 flex-1">
                    <p className="font-medium text-slate-900">
                      {n.read ? null : <span className="sr-only">{t('notifications.new')}: </span>}
                      <Link to={n.href} className={linkClass}>
                        {n.title}
                      </Link>
                    </p>
                    {n.body ? <p className="text-sm text-slate-700">{n.body}</p> : null}
                    <p className="text-xs text-slate-500">{formatDateTime(n.createdAt, locale)}</p>
                  </div>
                  {n.read ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="markRead" />
                      <input type="hidden" name="id" value={n.id} />
                      <button type="submit" className={secondaryButtonClass}>
                        {t('notifications.markRead')}
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          )}
          {page.nextCursor ? (
            <p className="mt-3">
              <Link to={`/notifications?${more.toString()}`} className={linkClass}>
                {t('common.more')}
              </Link>
            </p>
          ) : null}
        </div>
        <Card title={t('notifications.preferences')}>
          <p className="mb-3 text-sm text-slate-600">{t('notifications.preferencesHint')}</p>
          <Form method="post" className="space-y-2">
            <input type="hidden" name="intent" value="preferences" />
            {preferences.map((p) => (
              <label key={p.kind} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="email" value={p.kind} defaultChecked={p.email} />
                {t(`notifications.kind.${p.kind}`)}
              </label>
            ))}
            <button type="submit" className={buttonClass}>
              {t('notifications.savePreferences')}
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
