import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { NotificationBell } from '../components/notification-bell.tsx';
import { unreadNotificationCount } from '../utils/discussion.server.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return {
    user: { name: user.name, role: user.role, kind: user.kind },
    unread: await unreadNotificationCount(context.db, user),
  };
}

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-white ${
    isActive ? 'bg-blue-900 text-white' : 'text-blue-50 hover:bg-blue-700'
  }`;

function Shell({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const { user, unread } = useLoaderData<typeof loader>();
  const internal = user.kind === 'internal';
  return (
    <div className="min-h-full">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t('nav.skip')}
      </a>
      <header className="bg-blue-800 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <NavLink to="/" className="text-lg font-bold tracking-tight">
            {t('app.name')}
          </NavLink>
          <nav aria-label={t('nav.main')} className="flex flex-wrap gap-1">
            <NavLink to="/" end className={navLinkClass}>
              {t('nav.dashboard')}
            </NavLink>
            {internal ? (
              <>
                <NavLink to="/accounts" className={navLinkClass}>
                  {t('nav.accounts')}
                </NavLink>
                <NavLink to="/contacts" className={navLinkClass}>
                  {t('nav.contacts')}
                </NavLink>
                <NavLink to="/import" className={navLinkClass}>
                  {t('nav.import')}
                </NavLink>
                <NavLink to="/calendar" className={navLinkClass}>
                  {t('nav.calendar')}
                </NavLink>
                <NavLink to="/products" className={navLinkClass}>
                  {t('nav.products')}
                </NavLink>
                {user.role === 'admin' || user.role === 'manager' ? (
                  <NavLink to="/admin/automation" className={navLinkClass}>
                    {t('nav.automation')}
                  </NavLink>
                ) : null}
              </>
            ) : null}
            <NavLink to="/opportunities" end className={navLinkClass}>
              {t('nav.deals')} ({t('nav.table')})
            </NavLink>
            <NavLink to="/opportunities/board" className={navLinkClass}>
              {t('nav.board')}
            </NavLink>
            <NavLink to="/registrations" className={navLinkClass}>
              {t('registration.nav')}
            </NavLink>
            <NavLink to="/leads" className={navLinkClass}>
              {internal ? t('nav.leads') : t('nav.leadInbox')}
            </NavLink>
            {internal ? (
              <>
                <NavLink to="/activities" className={navLinkClass}>
                  {t('nav.followUps')}
                </NavLink>
                <NavLink to="/reports" className={navLinkClass}>
                  {t('nav.reports')}
                </NavLink>
                <NavLink to="/targets" className={navLinkClass}>
                  {t('nav.targets')}
                </NavLink>
              </>
            ) : null}
            <NavLink to="/orders" className={navLinkClass}>
              {t('nav.orders')}
            </NavLink>
            {user.role === 'admin' || user.role === 'manager' ? (
              <NavLink to="/edi" className={navLinkClass}>
                {t('nav.edi')}
              </NavLink>
            ) : null}
            {user.role === 'admin' ? (
              <NavLink to="/admin/edi-profiles" className={navLinkClass}>
                {t('nav.ediProfiles')}
              </NavLink>
            ) : null}
            {user.role === 'admin' ? (
              <NavLink to="/admin/users" className={navLinkClass}>
                {t('nav.users')}
              </NavLink>
            ) : null}
            {user.role === 'admin' || user.kind === 'partner' ? (
              <NavLink to="/team" className={navLinkClass}>
                {t('nav.team')}
              </NavLink>
            ) : null}
            {user.role === 'admin' ? (
              <NavLink to="/admin/gdpr" className={navLinkClass}>
                {t('nav.gdpr')}
              </NavLink>
            ) : null}
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-3 text-sm">
            <span>
              <span className="font-medium">{user.name}</span>{' '}
              <span className="text-blue-200">· {t(`role.${user.role}`)}</span>
            </span>
            <NotificationBell initialUnread={unread} />
            <LanguageSwitch className="text-slate-900" />
            <Form method="post" action="/logout">
              <button
                type="submit"
                className="rounded-md border border-blue-300 px-3 py-1 text-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-white"
              >
                {t('nav.logout')}
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}

export default function AppLayout() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
