import { Link } from '@remix-run/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { subscriptionUrl, useSubscription } from '../utils/live.ts';

/**
 * The bell in the header: the unread count from the server render, kept current live (a new
 * notification arrives with the count after it). Without JavaScript it is a plain link.
 */
export function NotificationBell({ initialUnread }: { initialUnread: number }) {
  const { t } = useTranslation();
  const [unread, setUnread] = useState(initialUnread);
  const [seen, setSeen] = useState(initialUnread);
  // A new server render (navigation, mark read) resets the count.
  if (seen !== initialUnread) {
    setSeen(initialUnread);
    setUnread(initialUnread);
  }
  useSubscription<{ unread: number }>(
    subscriptionUrl('notification.live'),
    (event) => {
      if (typeof event.unread === 'number') setUnread(event.unread);
    },
    () => {
      // Back after a drop: ask for the count instead of trusting what was missed.
      fetch('/trpc/notification.unreadCount')
        .then((r) => r.json())
        .then((body: { result?: { data?: { json?: unknown } } }) => {
          const count = body.result?.data?.json;
          if (typeof count === 'number') setUnread(count);
        })
        .catch(() => {});
    },
  );
  const label = t('notifications.bellLabel', { count: unread });
  return (
    <Link
      to="/notifications"
      aria-label={label}
      title={label}
      data-testid="notification-bell"
      className="relative inline-flex items-center rounded-md px-2 py-1 hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-white"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="h-5 w-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread > 0 ? (
        <span
          data-testid="notification-count"
          className="absolute -right-1 -top-1 min-w-5 rounded-full bg-rose-600 px-1 text-center text-xs font-semibold leading-5 text-white"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
