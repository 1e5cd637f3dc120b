/**
 * What each kind of notification says, in German and English: the in-app title and body and
 * the e-mail. Params are plain strings or numbers captured when the notification was written
 * (names, dates), so old notifications read the same after renames. Add a kind here to use it.
 */
import type { Locale } from '@konsort/db';

type Params = Record<string, string | number>;
interface Text {
  title: (p: Params) => string;
  body: (p: Params) => string;
}
type Template = Record<Locale, Text>;

const s = (p: Params, key: string) => String(p[key] ?? '');
/** An ISO timestamp param as a date in the reader's language. */
const day = (p: Params, key: string, locale: Locale) => {
  const d = new Date(String(p[key] ?? ''));
  if (Number.isNaN(d.getTime())) return s(p, key);
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'Europe/Berlin',
  }).format(d);
};

/** An ISO timestamp param as date and time (Berlin) in the reader's language. */
const moment = (p: Params, key: string, locale: Locale) => {
  const d = new Date(String(p[key] ?? ''));
  if (Number.isNaN(d.getTime())) return s(p, key);
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(d);
};
const activityTypeNames: Record<Locale, Record<string, string>> = {
  de: { call: 'Anruf', visit: 'Besuch', email: 'E-Mail', meeting: 'Termin', note: 'Notiz', task: 'Aufgabe' },
  en: { call: 'Call', visit: 'Visit', email: 'E-mail', meeting: 'Meeting', note: 'Note', task: 'Task' },
};
const activityType = (p: Params, locale: Locale) => activityTypeNames[locale][s(p, 'type')] ?? s(p, 'type');

export const notificationTemplates = {
  'activity.reminder': {
    de: {
      title: (p) => `Erinnerung: ${s(p, 'subject')}`,
      body: (p) =>
        [
          `${activityType(p, 'de')}${p.about ? ` – ${s(p, 'about')}` : ''}`,
          p.dueAt ? `Fällig am ${moment(p, 'dueAt', 'de')}.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
    },
    en: {
      title: (p) => `Reminder: ${s(p, 'subject')}`,
      body: (p) =>
        [
          `${activityType(p, 'en')}${p.about ? ` – ${s(p, 'about')}` : ''}`,
          p.dueAt ? `Due ${moment(p, 'dueAt', 'en')}.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
    },
  },
  'comment.mention': {
    de: {
      title: (p) => `${s(p, 'author')} hat Sie erwähnt: ${s(p, 'deal')}`,
      body: (p) => s(p, 'excerpt'),
    },
    en: {
      title: (p) => `${s(p, 'author')} mentioned you: ${s(p, 'deal')}`,
      body: (p) => s(p, 'excerpt'),
    },
  },
  'registration.submitted': {
    de: {
      title: (p) => `Neue Deal-Registrierung: ${s(p, 'company')}`,
      body: (p) => `${s(p, 'partner')} hat ${s(p, 'company')} registriert und wartet auf Prüfung.`,
    },
    en: {
      title: (p) => `New deal registration: ${s(p, 'company')}`,
      body: (p) => `${s(p, 'partner')} registered ${s(p, 'company')} and awaits review.`,
    },
  },
  'registration.expiring': {
    de: {
      title: (p) =>
        Number(p.days) === 1
          ? `Registrierung läuft morgen ab: ${s(p, 'company')}`
          : `Registrierung läuft in ${s(p, 'days')} Tagen ab: ${s(p, 'company')}`,
      body: (p) =>
        `Ihre Registrierung für ${s(p, 'company')} läuft am ${day(p, 'expiresOn', 'de')} ab. Danach besteht kein Schutz mehr.`,
    },
    en: {
      title: (p) =>
        Number(p.days) === 1
          ? `Registration expires tomorrow: ${s(p, 'company')}`
          : `Registration expires in ${s(p, 'days')} days: ${s(p, 'company')}`,
      body: (p) =>
        `Your registration for ${s(p, 'company')} expires on ${day(p, 'expiresOn', 'en')}. After that it is no longer protected.`,
    },
  },
  'registration.expired': {
    de: {
      title: (p) => `Registrierung abgelaufen: ${s(p, 'company')}`,
      body: (p) => `Die Registrierung für ${s(p, 'company')} ist abgelaufen.`,
    },
    en: {
      title: (p) => `Registration expired: ${s(p, 'company')}`,
      body: (p) => `The registration for ${s(p, 'company')} has expired.`,
    },
  },
  'lead.offered': {
    de: {
      title: (p) => `Lead angeboten: ${s(p, 'company')}`,
      body: (p) =>
        `${s(p, 'by')} bietet ${s(p, 'partner')} den Lead ${s(p, 'company')} an. Bitte bis ${day(p, 'respondBy', 'de')} annehmen oder mit Begründung ablehnen.`,
    },
    en: {
      title: (p) => `Lead offered: ${s(p, 'company')}`,
      body: (p) =>
        `${s(p, 'by')} offers the lead ${s(p, 'company')} to ${s(p, 'partner')}. Please accept it or decline it with a reason by ${day(p, 'respondBy', 'en')}.`,
    },
  },
  'lead.answered': {
    de: {
      title: (p) =>
        Number(p.accepted) === 1
          ? `Lead angenommen: ${s(p, 'company')}`
          : `Lead abgelehnt: ${s(p, 'company')}`,
      body: (p) =>
        Number(p.accepted) === 1
          ? `${s(p, 'partner')} hat den Lead ${s(p, 'company')} angenommen.`
          : `${s(p, 'partner')} hat den Lead ${s(p, 'company')} abgelehnt: ${s(p, 'reason')}`,
    },
    en: {
      title: (p) =>
        Number(p.accepted) === 1 ? `Lead accepted: ${s(p, 'company')}` : `Lead declined: ${s(p, 'company')}`,
      body: (p) =>
        Number(p.accepted) === 1
          ? `${s(p, 'partner')} accepted the lead ${s(p, 'company')}.`
          : `${s(p, 'partner')} declined the lead ${s(p, 'company')}: ${s(p, 'reason')}`,
    },
  },
  'lead.offerExpired': {
    de: {
      title: (p) => `Lead-Angebot abgelaufen: ${s(p, 'company')}`,
      body: (p) => `${s(p, 'partner')} hat den Lead ${s(p, 'company')} nicht rechtzeitig angenommen.`,
    },
    en: {
      title: (p) => `Lead offer expired: ${s(p, 'company')}`,
      body: (p) => `${s(p, 'partner')} did not accept the lead ${s(p, 'company')} in time.`,
    },
  },
  'import.completed': {
    de: {
      title: (p) => `Import abgeschlossen: ${s(p, 'fileName')}`,
      body: (p) =>
        `${s(p, 'created')} angelegt, ${s(p, 'updated')} aktualisiert, ${s(p, 'skipped')} übersprungen.`,
    },
    en: {
      title: (p) => `Import completed: ${s(p, 'fileName')}`,
      body: (p) => `${s(p, 'created')} created, ${s(p, 'updated')} updated, ${s(p, 'skipped')} skipped.`,
    },
  },
  'import.failed': {
    de: {
      title: (p) => `Import fehlgeschlagen: ${s(p, 'fileName')}`,
      body: (p) => s(p, 'reason'),
    },
    en: {
      title: (p) => `Import failed: ${s(p, 'fileName')}`,
      body: (p) => s(p, 'reason'),
    },
  },
} satisfies Record<string, Template>;

export type NotificationKind = keyof typeof notificationTemplates;
export const notificationKinds = Object.keys(notificationTemplates) as [
  NotificationKind,
  ...NotificationKind[],
];

export function isNotificationKind(kind: string): kind is NotificationKind {
  return Object.hasOwn(notificationTemplates, kind);
}

/** A kind unknown to this build (rolled back code, removed kind) still renders, plainly. */
export function renderNotification(
  kind: string,
  params: Params,
  locale: Locale,
): { title: string; body: string } {
  if (!isNotificationKind(kind)) return { title: kind, body: '' };
  const text = notificationTemplates[kind][locale];
  return { title: text.title(params), body: text.body(params) };
}

const mailFooter: Record<Locale, (link: string) => string> = {
  de: (link) =>
    `Öffnen: ${link}\n\nBenachrichtigungen per E-Mail stellen Sie in Konsort unter „Benachrichtigungen“ ein.`,
  en: (link) =>
    `Open: ${link}\n\nChoose which notifications reach you by e-mail under "Notifications" in Konsort.`,
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The e-mail for a notification, in the recipient's language. */
export function renderNotificationMail(
  kind: string,
  params: Params,
  locale: Locale,
  link: string,
): { subject: string; text: string; html: string } {
  const { title, body } = renderNotification(kind, params, locale);
  const subject = `Konsort: ${title}`.replace(/[\r\n]+/g, ' ').slice(0, 300);
  const text = `${title}\n\n${body ? `${body}\n\n` : ''}${mailFooter[locale](link)}`;
  const html = `<p><strong>${escapeHtml(title)}</strong></p>${
    body ? `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>` : ''
  }<p><a href="${escapeHtml(link)}">${locale === 'de' ? 'In Konsort öffnen' : 'Open in Konsort'}</a></p>`;
  return { subject, text, html };
}
