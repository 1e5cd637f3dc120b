import type { Locale } from '@konsort/db';

/**
 * The API's user-facing messages (errors and validation) in both languages. The portal merges
 * these into its i18next resources, so a message reads the same in a form and in a tRPC error.
 */
const en = {
  'errors.notFound': '{{entity}} not found.',
  'errors.forbidden': 'You are not allowed to do this.',
  'errors.unauthorized': 'Please sign in.',
  'errors.invalidCredentials': 'E-mail or password is wrong.',
  'errors.loginLocked': 'Too many failed sign-ins. Try again in {{minutes}} minutes.',
  'errors.userInactive': 'This user is deactivated.',
  'errors.versionConflict': 'Someone else changed this record meanwhile. Reload and apply your change again.',
  'errors.emailTaken': 'A user with this e-mail address exists already.',
  'errors.invalidInput': 'Some fields are not valid.',
  'errors.archived': 'This record is archived.',
  'errors.invalidStageChange': 'A closed deal cannot move to {{stage}} without being reopened.',
  'errors.accountHasOpenDeals': 'The account still has open deals.',
  'errors.wrongPassword': 'The current password is wrong.',
  'errors.internal': 'Something went wrong on our side. The error was logged.',
  // CSV import/export and address capture
  'entity.import': 'Import',
  'csv.malformed': 'The file is not valid CSV near line {{line}} ({{reason}}). Nothing was imported.',
  'csv.empty': 'The file has no header row.',
  'csv.noRows': 'The file has a header but no data rows.',
  'csv.tooLarge': 'The file is larger than {{mb}} MB.',
  'csv.tooManyRows': 'The file has more than {{max}} rows; split it into several imports.',
  'csv.tooManyCells': 'The row has {{count}} cells, the header {{expected}}.',
  'csv.unknownOwner': 'No active staff user has the e-mail address {{email}}.',
  'csv.ownerNotAllowed': 'Only managers may import records for other owners.',
  'csv.unknownAccount': 'No account "{{value}}" (by name, VAT ID or ID).',
  'csv.ambiguousAccount': '"{{value}}" names {{count}} accounts; use the VAT ID or the ID.',
  'csv.probability': 'A whole percentage from 0 to 100.',
  'csv.date': 'Not a valid date (31.12.2026 or 2026-12-31).',
  'csv.duplicateInFile': 'The same record as line {{line}} of this file.',
  'csv.mappingInvalid': 'This column assignment is not valid.',
  'csv.columnTwice': 'Column "{{column}}" is assigned twice.',
  'csv.requiredUnmapped': 'Assign a column to "{{field}}".',
  'csv.alreadyStarted': 'This import was already started.',
  'csv.alreadyRunning': 'This import is running.',
  'csv.notValidated': 'Check the file first (validation report).',
  'csv.hasErrors': 'The report lists {{count}} errors: correct the file and upload it again.',
  'csv.changedSinceReport': 'The data changed since the report; nothing was imported. Check the file again.',
  'capture.empty': 'Paste an imprint or an e-mail signature.',
  'errors.csrf': 'The request did not come from this site.',
  'errors.registrationNotSubmitted': 'This registration was already reviewed ({{status}}).',
  'validation.passwordMismatch': 'The two passwords differ.',
  'validation.confirmErase': 'Tick the box to confirm the erasure.',
  'errors.invitationInvalid': 'This invitation link is not valid.',
  'errors.invitationExpired': 'This invitation has expired. Ask for a new one.',
  'errors.invitationUsed': 'This invitation was already used or withdrawn.',
  'errors.invitationPending': 'This address already has an open invitation; send it again instead.',
  'errors.invitationNotOpen': 'This invitation is no longer open.',
  'errors.cannotChangeSelf': 'You cannot change your own access here.',
  'errors.notPartnerUser': 'Only users of a partner organisation can get this role.',
  'errors.leadClosed': 'This lead is already {{status}}.',
  'errors.leadOfferOpen': 'This lead has an open offer to a partner.',
  'errors.offerNotPending': 'This offer is no longer open.',
  'errors.offerExpired': 'The time to answer this offer has passed.',
  'errors.alreadyErased': 'This record was already erased.',
  'entity.invitation': 'Invitation',
  'entity.lead': 'Lead',
  'validation.partnerRoleNeedsOrg': 'Partner roles need a partner organisation, internal roles none.',
  'entity.account': 'Account',
  'entity.contact': 'Contact',
  'entity.opportunity': 'Deal',
  'entity.user': 'User',
  'entity.page': 'Page',
  'entity.apiKey': 'API key',
  'entity.partnerOrg': 'Partner organisation',
  'entity.registration': 'Deal registration',
  'entity.comment': 'Comment',
  'errors.mentionNotAllowed': 'Only people who can read this comment can be mentioned.',
  'errors.commentDeleted': 'This comment was deleted.',
  'entity.document': 'Document',
  'errors.documentArchived': 'This document is archived.',
  'validation.required': 'Required.',
  'validation.tooShort': 'At least {{minimum}} characters.',
  'validation.tooLong': 'At most {{maximum}} characters.',
  'validation.tooSmall': 'Must be at least {{minimum}}.',
  'validation.tooBig': 'Must be at most {{maximum}}.',
  'validation.email': 'Not a valid e-mail address.',
  'validation.url': 'Not a valid web address.',
  'validation.uuid': 'Not a valid reference.',
  'validation.date': 'Not a valid date (YYYY-MM-DD).',
  'validation.country': 'Use a two-letter country code such as DE.',
  'validation.currency': 'Use a three-letter currency code such as EUR.',
  'validation.money': 'Not a valid amount (e.g. 12500.00).',
  'validation.vatId': 'Not a valid VAT ID (e.g. DE123456789).',
  'validation.postalCode': 'Not a valid postcode for this country.',
  'validation.phone': 'Not a valid phone number.',
  'validation.invalidOption': 'Choose one of the offered values.',
  'validation.invalid': 'Not valid.',
  'validation.unknownField': 'This field cannot be edited here.',
  'validation.passwordTooShort': 'At least 12 characters.',
  'entity.activity': 'Activity',
  'validation.activityLink': 'Link the activity to an account, a contact or a deal.',
  'validation.linkMismatch': 'The contact or deal belongs to another account.',
  'validation.reminderAfterDue': 'The reminder must not be later than the due date.',
  'validation.staffUser': 'Choose an active internal user.',
  'validation.month': 'Not a valid month (YYYY-MM).',
  'validation.rangeOrder': 'The end must not be before the start.',
  'validation.weights': 'Give twelve weights of zero or more, not all zero.',
  // quotes, products, automation, calendar
  'entity.product': 'Product',
  'entity.priceRule': 'Configuration rule',
  'entity.quote': 'Quote',
  'entity.quoteVersion': 'Quote version',
  'entity.meeting': 'Meeting',
  'errors.skuTaken': 'A product with this SKU exists already.',
  'errors.quoteStatus': 'Not possible for a quote that is {{status}}.',
  'errors.quoteDealClosed': 'The deal is closed: no new quotes.',
  'errors.quoteEmpty': 'A quote without lines cannot be sent.',
  'errors.quoteRules': 'The quote breaks {{count}} configuration rule(s).',
  'errors.quoteTooLarge': 'The amounts are too large.',
  'errors.quoteNoSupplier':
    'Choose the supplier that fulfils the order (the deal has none or several supplier shares).',
  'errors.quoteOrderExists': 'An order {{number}} exists already.',
  'errors.lossReasonRequired': 'Choose a loss reason from the list.',
  'quote.ruleRequires': '{{product}} requires {{other}} on the same quote.',
  'quote.ruleExcludes': '{{product}} cannot be combined with {{other}}.',
  'validation.quantity': 'A positive quantity with at most three decimals.',
  'validation.sku': 'Letters, digits and . _ / - only.',
  'validation.sameProduct': 'Choose a different product.',
  'validation.supplier': 'Choose a supplier organisation.',
  'validation.productCurrency': 'This product is priced in {{currency}}, the quote in another currency.',
  'validation.stagesAscending': 'The stages must be in ascending order of days.',
  'validation.reasonKey': 'Lower-case letters, digits and _ only.',
  'validation.duplicateKey': 'Every key must be unique.',
  'validation.noResponseReason': 'The reason "no_response" is needed by the follow-up automation.',
  'validation.meetingEnd': 'The end must be after the start.',
  'validation.percent': 'A percentage between 0 and 100 (at most two decimals).',
} as const;

export type MessageKey = keyof typeof en;

const de: Record<MessageKey, string> = {
  'errors.notFound': '{{entity}} nicht gefunden.',
  'errors.forbidden': 'Dazu fehlt Ihnen die Berechtigung.',
  'errors.unauthorized': 'Bitte melden Sie sich an.',
  'errors.invalidCredentials': 'E-Mail-Adresse oder Passwort ist falsch.',
  'errors.loginLocked':
    'Zu viele fehlgeschlagene Anmeldungen. Bitte in {{minutes}} Minuten erneut versuchen.',
  'errors.userInactive': 'Dieser Benutzer ist deaktiviert.',
  'errors.versionConflict':
    'Jemand anderes hat diesen Datensatz inzwischen geändert. Bitte neu laden und die Änderung erneut vornehmen.',
  'errors.emailTaken': 'Es gibt bereits einen Benutzer mit dieser E-Mail-Adresse.',
  'errors.invalidInput': 'Einige Felder sind nicht gültig.',
  'errors.archived': 'Dieser Datensatz ist archiviert.',
  'errors.invalidStageChange':
    'Ein abgeschlossener Deal kann nicht ohne Wiedereröffnung nach {{stage}} wechseln.',
  'errors.accountHasOpenDeals': 'Die Firma hat noch offene Deals.',
  'errors.wrongPassword': 'Das aktuelle Passwort ist falsch.',
  'errors.internal': 'Bei uns ist etwas schiefgegangen. Der Fehler wurde protokolliert.',
  // CSV-Import/-Export und Adresserfassung
  'entity.import': 'Import',
  'csv.malformed':
    'Die Datei ist um Zeile {{line}} kein gültiges CSV ({{reason}}). Es wurde nichts importiert.',
  'csv.empty': 'Die Datei hat keine Kopfzeile.',
  'csv.noRows': 'Die Datei hat eine Kopfzeile, aber keine Datenzeilen.',
  'csv.tooLarge': 'Die Datei ist größer als {{mb}} MB.',
  'csv.tooManyRows': 'Die Datei hat mehr als {{max}} Zeilen; bitte auf mehrere Importe aufteilen.',
  'csv.tooManyCells': 'Die Zeile hat {{count}} Zellen, die Kopfzeile {{expected}}.',
  'csv.unknownOwner': 'Kein aktiver interner Benutzer hat die E-Mail-Adresse {{email}}.',
  'csv.ownerNotAllowed': 'Nur Vertriebsleiter dürfen Datensätze für andere Verantwortliche importieren.',
  'csv.unknownAccount': 'Keine Firma „{{value}}“ (nach Name, USt-IdNr. oder ID).',
  'csv.ambiguousAccount': '„{{value}}“ passt auf {{count}} Firmen; bitte USt-IdNr. oder ID angeben.',
  'csv.probability': 'Ein ganzer Prozentwert von 0 bis 100.',
  'csv.date': 'Kein gültiges Datum (31.12.2026 oder 2026-12-31).',
  'csv.duplicateInFile': 'Derselbe Datensatz wie Zeile {{line}} dieser Datei.',
  'csv.mappingInvalid': 'Diese Spaltenzuordnung ist nicht gültig.',
  'csv.columnTwice': 'Die Spalte „{{column}}“ ist doppelt zugeordnet.',
  'csv.requiredUnmapped': 'Bitte „{{field}}“ eine Spalte zuordnen.',
  'csv.alreadyStarted': 'Dieser Import wurde bereits gestartet.',
  'csv.alreadyRunning': 'Dieser Import läuft.',
  'csv.notValidated': 'Bitte die Datei zuerst prüfen (Prüfbericht).',
  'csv.hasErrors':
    'Der Prüfbericht enthält {{count}} Fehler: bitte die Datei korrigieren und erneut hochladen.',
  'csv.changedSinceReport':
    'Die Daten haben sich seit dem Prüfbericht geändert; es wurde nichts importiert. Bitte erneut prüfen.',
  'capture.empty': 'Bitte ein Impressum oder eine E-Mail-Signatur einfügen.',
  'errors.csrf': 'Die Anfrage stammt nicht von dieser Seite.',
  'errors.registrationNotSubmitted': 'Diese Registrierung wurde bereits geprüft ({{status}}).',
  'validation.passwordMismatch': 'Die beiden Passwörter stimmen nicht überein.',
  'validation.confirmErase': 'Bitte das Kästchen ankreuzen, um das Löschen zu bestätigen.',
  'errors.invitationInvalid': 'Dieser Einladungslink ist nicht gültig.',
  'errors.invitationExpired': 'Diese Einladung ist abgelaufen. Bitte fordern Sie eine neue an.',
  'errors.invitationUsed': 'Diese Einladung wurde bereits verwendet oder zurückgezogen.',
  'errors.invitationPending': 'Für diese Adresse gibt es bereits eine offene Einladung; bitte erneut senden.',
  'errors.invitationNotOpen': 'Diese Einladung ist nicht mehr offen.',
  'errors.cannotChangeSelf': 'Den eigenen Zugang können Sie hier nicht ändern.',
  'errors.notPartnerUser': 'Nur Benutzer einer Partnerorganisation können diese Rolle erhalten.',
  'errors.leadClosed': 'Dieser Lead ist bereits {{status}}.',
  'errors.leadOfferOpen': 'Dieser Lead ist gerade einem Partner angeboten.',
  'errors.offerNotPending': 'Dieses Angebot ist nicht mehr offen.',
  'errors.offerExpired': 'Die Frist für die Antwort auf dieses Angebot ist abgelaufen.',
  'errors.alreadyErased': 'Dieser Datensatz wurde bereits gelöscht.',
  'entity.invitation': 'Einladung',
  'entity.lead': 'Lead',
  'validation.partnerRoleNeedsOrg': 'Partnerrollen brauchen eine Partnerorganisation, interne Rollen keine.',
  'entity.account': 'Firma',
  'entity.contact': 'Kontakt',
  'entity.opportunity': 'Deal',
  'entity.user': 'Benutzer',
  'entity.page': 'Seite',
  'entity.apiKey': 'API-Schlüssel',
  'entity.partnerOrg': 'Partnerorganisation',
  'entity.registration': 'Deal-Registrierung',
  'entity.comment': 'Kommentar',
  'errors.mentionNotAllowed': 'Erwähnt werden können nur Personen, die diesen Kommentar lesen dürfen.',
  'errors.commentDeleted': 'Dieser Kommentar wurde gelöscht.',
  'entity.document': 'Dokument',
  'errors.documentArchived': 'Dieses Dokument ist archiviert.',
  'validation.required': 'Pflichtfeld.',
  'validation.tooShort': 'Mindestens {{minimum}} Zeichen.',
  'validation.tooLong': 'Höchstens {{maximum}} Zeichen.',
  'validation.tooSmall': 'Muss mindestens {{minimum}} sein.',
  'validation.tooBig': 'Darf höchstens {{maximum}} sein.',
  'validation.email': 'Keine gültige E-Mail-Adresse.',
  'validation.url': 'Keine gültige Webadresse.',
  'validation.uuid': 'Kein gültiger Verweis.',
  'validation.date': 'Kein gültiges Datum (JJJJ-MM-TT).',
  'validation.country': 'Bitte einen zweistelligen Ländercode wie DE angeben.',
  'validation.currency': 'Bitte einen dreistelligen Währungscode wie EUR angeben.',
  'validation.money': 'Kein gültiger Betrag (z. B. 12500,00).',
  'validation.vatId': 'Keine gültige USt-IdNr. (z. B. DE123456789).',
  'validation.postalCode': 'Keine gültige Postleitzahl für dieses Land.',
  'validation.phone': 'Keine gültige Telefonnummer.',
  'validation.invalidOption': 'Bitte einen der angebotenen Werte wählen.',
  'validation.invalid': 'Nicht gültig.',
  'validation.unknownField': 'Dieses Feld kann hier nicht bearbeitet werden.',
  'validation.passwordTooShort': 'Mindestens 12 Zeichen.',
  'entity.activity': 'Aktivität',
  'validation.activityLink': 'Bitte die Aktivität einer Firma, einem Kontakt oder einem Deal zuordnen.',
  'validation.linkMismatch': 'Kontakt oder Deal gehören zu einer anderen Firma.',
  'validation.reminderAfterDue': 'Die Erinnerung darf nicht nach dem Fälligkeitstermin liegen.',
  'validation.staffUser': 'Bitte einen aktiven internen Benutzer wählen.',
  'validation.month': 'Kein gültiger Monat (JJJJ-MM).',
  'validation.rangeOrder': 'Das Ende darf nicht vor dem Beginn liegen.',
  'validation.weights': 'Bitte zwölf Gewichte von null oder mehr angeben, nicht alle null.',
  // Angebote, Produkte, Automatisierung, Kalender
  'entity.product': 'Produkt',
  'entity.priceRule': 'Konfigurationsregel',
  'entity.quote': 'Angebot',
  'entity.quoteVersion': 'Angebotsversion',
  'entity.meeting': 'Termin',
  'errors.skuTaken': 'Ein Produkt mit dieser Artikelnummer gibt es schon.',
  'errors.quoteStatus': 'Für ein Angebot im Status {{status}} nicht möglich.',
  'errors.quoteDealClosed': 'Der Deal ist abgeschlossen: keine neuen Angebote.',
  'errors.quoteEmpty': 'Ein Angebot ohne Positionen kann nicht versendet werden.',
  'errors.quoteRules': 'Das Angebot verletzt {{count}} Konfigurationsregel(n).',
  'errors.quoteTooLarge': 'Die Beträge sind zu groß.',
  'errors.quoteNoSupplier':
    'Bitte den Lieferanten wählen, der den Auftrag ausführt (der Deal ist mit keinem oder mehreren Lieferanten geteilt).',
  'errors.quoteOrderExists': 'Einen Auftrag {{number}} gibt es schon.',
  'errors.lossReasonRequired': 'Bitte einen Verlustgrund aus der Liste wählen.',
  'quote.ruleRequires': '{{product}} erfordert {{other}} im selben Angebot.',
  'quote.ruleExcludes': '{{product}} kann nicht mit {{other}} kombiniert werden.',
  'validation.quantity': 'Eine positive Menge mit höchstens drei Nachkommastellen.',
  'validation.sku': 'Nur Buchstaben, Ziffern und . _ / -.',
  'validation.sameProduct': 'Bitte ein anderes Produkt wählen.',
  'validation.supplier': 'Bitte eine Lieferanten-Organisation wählen.',
  'validation.productCurrency': 'Dieses Produkt hat Preise in {{currency}}, das Angebot eine andere Währung.',
  'validation.stagesAscending': 'Die Stufen müssen nach Tagen aufsteigend sein.',
  'validation.reasonKey': 'Nur Kleinbuchstaben, Ziffern und _.',
  'validation.duplicateKey': 'Jeder Schlüssel darf nur einmal vorkommen.',
  'validation.noResponseReason': 'Der Grund „no_response“ wird von der Nachfass-Automatik gebraucht.',
  'validation.meetingEnd': 'Das Ende muss nach dem Beginn liegen.',
  'validation.percent': 'Ein Prozentwert zwischen 0 und 100 (höchstens zwei Nachkommastellen).',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { en, de };

export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const catalogue = messages[locale] as Record<string, string>;
  const template = catalogue[key] ?? (messages.en as Record<string, string>)[key] ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return '';
    // Entity names are keys themselves ("entity.account"): translate them too.
    return typeof value === 'string' && value.startsWith('entity.')
      ? (catalogue[value] ?? value)
      : String(value);
  });
}

export const locales = ['de', 'en'] as const satisfies readonly Locale[];

/** Picks de or en from an Accept-Language header by q-value; German is the house language. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return 'de';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'de';
}
