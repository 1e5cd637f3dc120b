/**
 * The documented CSV columns of accounts, contacts and deals: one list per entity serves the
 * export (header in the user's language) and the import (auto-mapping by German or English
 * header names). A file we export imports again with the suggested mapping.
 *
 * `internal` columns (margin, source, VAT ID, owner, notes…) are never exported to partners.
 */
import type { ImportEntity, Locale } from '@konsort/db';
import { headerKey } from './values.ts';

export type CsvFieldKind = 'text' | 'money' | 'date' | 'int' | 'enum' | 'owner' | 'account' | 'contact';

export interface CsvField {
  key: string;
  label: Record<Locale, string>;
  /** Further header names (either language) the import recognises. */
  aliases: string[];
  kind: CsvFieldKind;
  /** The import cannot run without a column for it. */
  required?: boolean;
  /** Staff only: not exported to partners. */
  internal?: boolean;
  /** Export only (the id): the import never writes it. */
  exportOnly?: boolean;
  /** For `enum`: stored value → spellings accepted on import (besides the value itself). */
  options?: Record<string, string[]>;
}

const id: CsvField = {
  key: 'id',
  label: { de: 'ID', en: 'ID' },
  aliases: [],
  kind: 'text',
  exportOnly: true,
};
const owner: CsvField = {
  key: 'ownerEmail',
  label: { de: 'Verantwortlich (E-Mail)', en: 'Owner (e-mail)' },
  aliases: [
    'owner',
    'verantwortlich',
    'besitzer',
    'betreuer',
    'vertriebsmitarbeiter',
    'owneremail',
    'sales rep',
  ],
  kind: 'owner',
  internal: true,
};
const account: CsvField = {
  key: 'account',
  label: { de: 'Firma', en: 'Account' },
  aliases: [
    'firma',
    'firmenname',
    'unternehmen',
    'kunde',
    'company',
    'account',
    'accountname',
    'organisation',
  ],
  kind: 'account',
  required: true,
};

export const csvColumns: Record<ImportEntity, CsvField[]> = {
  account: [
    id,
    {
      key: 'name',
      label: { de: 'Name', en: 'Name' },
      aliases: ['firma', 'firmenname', 'unternehmen', 'company', 'companyname', 'account', 'kunde', 'name1'],
      kind: 'text',
      required: true,
    },
    {
      key: 'type',
      label: { de: 'Typ', en: 'Type' },
      aliases: ['art', 'kundentyp', 'status', 'accounttype'],
      kind: 'enum',
      options: {
        prospect: ['interessent', 'prospect', 'lead'],
        customer: ['kunde', 'customer', 'client'],
        former: ['ehemalig', 'ehemaliger kunde', 'former', 'former customer'],
      },
    },
    {
      key: 'industry',
      label: { de: 'Branche', en: 'Industry' },
      aliases: ['sector', 'sektor'],
      kind: 'text',
    },
    {
      key: 'vatId',
      label: { de: 'USt-IdNr.', en: 'VAT ID' },
      aliases: ['ustid', 'ustidnr', 'umsatzsteuerid', 'vat', 'vatnumber', 'vatno', 'uid'],
      kind: 'text',
      internal: true,
    },
    { key: 'domain', label: { de: 'Domain', en: 'Domain' }, aliases: [], kind: 'text' },
    {
      key: 'website',
      label: { de: 'Website', en: 'Website' },
      aliases: ['webseite', 'homepage', 'internet', 'url', 'web'],
      kind: 'text',
    },
    {
      key: 'email',
      label: { de: 'E-Mail', en: 'E-mail' },
      aliases: ['mail', 'emailadresse'],
      kind: 'text',
      internal: true,
    },
    {
      key: 'phone',
      label: { de: 'Telefon', en: 'Phone' },
      aliases: ['tel', 'telefonnummer', 'telephone'],
      kind: 'text',
      internal: true,
    },
    {
      key: 'street',
      label: { de: 'Straße', en: 'Street' },
      aliases: ['strasse', 'str', 'anschrift', 'adresse', 'address', 'streetaddress'],
      kind: 'text',
      required: true,
    },
    {
      key: 'postalCode',
      label: { de: 'PLZ', en: 'Postcode' },
      aliases: ['postleitzahl', 'zip', 'zipcode', 'postalcode'],
      kind: 'text',
      required: true,
    },
    {
      key: 'city',
      label: { de: 'Ort', en: 'City' },
      aliases: ['stadt', 'town'],
      kind: 'text',
      required: true,
    },
    {
      key: 'country',
      label: { de: 'Land', en: 'Country' },
      aliases: ['laendercode', 'countrycode', 'staat'],
      kind: 'text',
      required: true,
    },
    owner,
    {
      key: 'notes',
      label: { de: 'Notizen', en: 'Notes' },
      aliases: ['notiz', 'bemerkung', 'bemerkungen', 'comment', 'comments'],
      kind: 'text',
      internal: true,
    },
  ],
  contact: [
    id,
    account,
    { key: 'salutation', label: { de: 'Anrede', en: 'Salutation' }, aliases: [], kind: 'text' },
    { key: 'title', label: { de: 'Titel', en: 'Title' }, aliases: [], kind: 'text' },
    {
      key: 'firstName',
      label: { de: 'Vorname', en: 'First name' },
      aliases: ['givenname', 'forename'],
      kind: 'text',
      required: true,
    },
    {
      key: 'lastName',
      label: { de: 'Nachname', en: 'Last name' },
      aliases: ['name', 'familienname', 'surname', 'familyname'],
      kind: 'text',
      required: true,
    },
    {
      key: 'position',
      label: { de: 'Position', en: 'Position' },
      aliases: ['funktion', 'jobtitle', 'rolle', 'role'],
      kind: 'text',
    },
    { key: 'email', label: { de: 'E-Mail', en: 'E-mail' }, aliases: ['mail', 'emailadresse'], kind: 'text' },
    {
      key: 'phone',
      label: { de: 'Telefon', en: 'Phone' },
      aliases: ['tel', 'telefonnummer', 'telephone'],
      kind: 'text',
    },
    {
      key: 'mobile',
      label: { de: 'Mobil', en: 'Mobile' },
      aliases: ['handy', 'mobiltelefon', 'mobilnummer', 'cell'],
      kind: 'text',
      internal: true,
    },
  ],
  opportunity: [
    id,
    {
      key: 'name',
      label: { de: 'Deal', en: 'Deal' },
      aliases: ['name', 'titel', 'opportunity', 'verkaufschance', 'projekt', 'dealname'],
      kind: 'text',
      required: true,
    },
    account,
    {
      key: 'stage',
      label: { de: 'Phase', en: 'Stage' },
      aliases: ['status', 'stufe', 'vertriebsphase'],
      kind: 'enum',
      options: {
        lead: ['lead'],
        qualified: ['qualifiziert', 'qualified'],
        proposal: ['angebot', 'proposal', 'offer'],
        negotiation: ['verhandlung', 'negotiation'],
        won: ['gewonnen', 'won'],
        lost: ['verloren', 'lost'],
      },
    },
    {
      key: 'amount',
      label: { de: 'Betrag', en: 'Amount' },
      aliases: ['wert', 'volumen', 'umsatz', 'value', 'amount'],
      kind: 'money',
    },
    { key: 'currency', label: { de: 'Währung', en: 'Currency' }, aliases: ['waehrung'], kind: 'text' },
    {
      key: 'probability',
      label: { de: 'Wahrscheinlichkeit %', en: 'Probability %' },
      aliases: ['wahrscheinlichkeit', 'probability', 'chance'],
      kind: 'int',
    },
    {
      key: 'margin',
      label: { de: 'Marge', en: 'Margin' },
      aliases: ['deckungsbeitrag', 'db'],
      kind: 'money',
      internal: true,
    },
    {
      key: 'businessType',
      label: { de: 'Geschäftsart', en: 'Business type' },
      aliases: ['geschaeftsart', 'businesstype', 'neukunde'],
      kind: 'enum',
      options: {
        new: ['neu', 'neukunde', 'neugeschäft', 'new', 'new business'],
        existing: ['bestand', 'bestandskunde', 'bestandsgeschäft', 'existing', 'existing business'],
      },
    },
    {
      key: 'expectedCloseDate',
      label: { de: 'Erwarteter Abschluss', en: 'Expected close' },
      aliases: ['abschlussdatum', 'abschluss', 'closedate', 'expectedclose', 'closingdate'],
      kind: 'date',
    },
    {
      // Won and lost deals: the day they closed (empty on import: the day of the import).
      key: 'closedAt',
      label: { de: 'Abgeschlossen am', en: 'Closed on' },
      aliases: ['geschlossenam', 'closedon', 'closingday'],
      kind: 'date',
    },
    owner,
    {
      key: 'source',
      label: { de: 'Quelle', en: 'Source' },
      aliases: ['herkunft', 'leadquelle'],
      kind: 'text',
      internal: true,
    },
    {
      key: 'description',
      label: { de: 'Beschreibung', en: 'Description' },
      aliases: ['notizen', 'notes', 'bemerkung'],
      kind: 'text',
    },
    {
      // A key (or the German/English label) of the configured loss reasons; required for lost deals.
      key: 'lossReason',
      label: { de: 'Verlustgrund', en: 'Loss reason' },
      aliases: ['lostreason', 'lost_reason', 'verlustursache', 'grund verloren'],
      kind: 'text',
      internal: true,
    },
    {
      // The deal's primary contact: e-mail, else "first last", of a contact of the deal's account.
      key: 'primaryContact',
      label: { de: 'Ansprechpartner', en: 'Contact person' },
      aliases: ['kontakt', 'kontaktperson', 'hauptkontakt', 'contact', 'primarycontact'],
      kind: 'contact',
    },
  ],
};

export function importableFields(entity: ImportEntity): CsvField[] {
  return csvColumns[entity].filter((f) => !f.exportOnly);
}

/**
 * Suggests a header index for each field: exact label or key first, then aliases; a header is
 * used once. The user adjusts the result in the mapping step.
 */
export function suggestMapping(entity: ImportEntity, headers: string[]): Record<string, number> {
  const keys = headers.map(headerKey);
  const taken = new Set<number>();
  const mapping: Record<string, number> = {};
  const fields = importableFields(entity);
  const passes: ((f: CsvField) => string[])[] = [
    (f) => [headerKey(f.label.de), headerKey(f.label.en), headerKey(f.key)],
    (f) => f.aliases.map(headerKey),
  ];
  for (const names of passes) {
    for (const field of fields) {
      if (field.key in mapping) continue;
      const index = keys.findIndex((k, i) => !taken.has(i) && names(field).includes(k));
      if (index >= 0) {
        mapping[field.key] = index;
        taken.add(index);
      }
    }
  }
  return mapping;
}

/** The stored value for an enum cell in either language, or null. */
export function enumValue(field: CsvField, cell: string): string | null {
  const wanted = cell.trim().toLowerCase();
  for (const [value, spellings] of Object.entries(field.options ?? {})) {
    if (value === wanted || spellings.includes(wanted)) return value;
  }
  return null;
}
