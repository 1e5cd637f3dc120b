/** Presence UI of a live document: connection status and the avatars of the others on it. */
import { useTranslation } from 'react-i18next';
import { colorFor, initials } from '../../utils/collab-fields.ts';
import type { ConnectionStatus, Peer } from './use-deal-doc.ts';

const statusDot: Record<ConnectionStatus, string> = {
  connecting: 'bg-amber-500',
  live: 'bg-emerald-500',
  offline: 'bg-slate-400',
  closed: 'bg-rose-600',
};

export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  const { t } = useTranslation();
  return (
    <p
      role="status"
      data-status={status}
      className="inline-flex items-center gap-2 rounded-full border border-slate-200 bg-slate-50 px-2.5 py-1 text-xs font-medium text-slate-700"
    >
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${statusDot[status]}`} />
      {t(`collab.status.${status}`)}
    </p>
  );
}

/** One avatar per user (a user with two tabs open is shown once). */
export function PresenceAvatars({ peers }: { peers: Peer[] }) {
  const { t } = useTranslation();
  const users = new Map<string, Peer>();
  for (const p of peers) if (!users.has(p.principal.userId)) users.set(p.principal.userId, p);
  if (users.size === 0) {
    return <p className="text-xs text-slate-500">{t('collab.presence.alone')}</p>;
  }
  return (
    <ul aria-label={t('collab.presence.label')} className="flex -space-x-1.5">
      {[...users.values()].map((p) => {
        const color = colorFor(p.principal.userId);
        const role = t(`role.${p.principal.role}`);
        return (
          <li
            key={p.principal.userId}
            data-presence-user={p.principal.name}
            title={`${p.principal.name} (${role})`}
            className={`flex size-8 items-center justify-center rounded-full text-xs font-semibold text-white ring-2 ring-white ${color.bg}`}
          >
            <span aria-hidden="true">{initials(p.principal.name)}</span>
            <span className="sr-only">{`${p.principal.name} (${role})`}</span>
          </li>
        );
      })}
    </ul>
  );
}
