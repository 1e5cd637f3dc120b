/**
 * One CSV row → a validated record or its errors (row, column, message in the user's language),
 * plus the existing record it duplicates. The same code builds the report before the import and
 * re-checks every row inside the job, so what the report promised is what gets written.
 */
import { accounts, contacts, type Database, type ImportEntity, type Locale, users } from '@konsort/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { readSetting, type Settings } from '../automation/settings.ts';
import { type CsvField, csvColumns, enumValue, importableFields } from '../csv/columns.ts';
import { parseDateCell, parseMoneyCell } from '../csv/values.ts';
import { translate } from '../i18n/messages.ts';
import { defaultProbability } from '../opportunities/stages.ts';
import { can } from '../policy/index.ts';
import type { InternalUser } from '../principal.ts';
import {
  domainFromEmail,
  normalizeCompanyName,
  normalizeDomain,
  normalizeVatId,
} from '../registrations/normalize.ts';
import { accountInput, contactInput, opportunityInput } from '../schemas.ts';
import { issueKeys } from '../validation.ts';

export type MergeChoice = 'skip' | 'update' | 'create';
export const mergeChoices = ['skip', 'update', 'create'] as const satisfies readonly MergeChoice[];

export interface RowError {
  line: number;
  /** The header of the column at fault, null for problems of the whole row. */
  column: string | null;
  key: string;
  message: string;
}

export interface Duplicate {
  line: number;
  existingId: string;
  existingName: string;
  matchedBy: 'vatId' | 'domain' | 'name' | 'email';
  /** What the row itself names, so the user recognises it in the report. */
  rowName: string;
}

export type RowOutcome =
  | { line: number; ok: false; errors: RowError[] }
  | {
      line: number;
      ok: true;
      /** Column name → value, ready for the staging table. */
      data: Record<string, unknown>;
      /** The subset of `data` an "update existing" may change (never owner or account). */
      updatable: Record<string, unknown>;
      duplicate: Duplicate | null;
    };

interface AccountRef {
  id: string;
  name: string;
}

/** What already exists, loaded once per validation or job run. */
export interface ExistingIndex {
  owners: Map<string, string>;
  accountsById: Map<string, AccountRef>;
  accountsByVat: Map<string, AccountRef>;
  accountsByDomain: Map<string, AccountRef>;
  accountsByName: Map<string, AccountRef[]>;
  contactsByEmail: Map<string, AccountRef>;
  /** Deals: the contacts per account (lower-case e-mail and "first last"), for the primary contact. */
  contactsByAccount: Map<string, { id: string; email: string | null; name: string }[]>;
  /** Deals: the configured loss reasons (a lost deal needs one, as on every other path). */
  lossReasons: Settings['lossReasons'];
}

export async function loadExistingIndex(db: Database, entity: ImportEntity): Promise<ExistingIndex> {
  const staff = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(eq(users.active, true));
  const owners = new Map(
    staff
      .filter((u) => u.role === 'admin' || u.role === 'manager' || u.role === 'rep')
      .map((u) => [u.email.toLowerCase(), u.id]),
  );
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      vatId: accounts.vatId,
      domain: accounts.domain,
      website: accounts.website,
    })
    .from(accounts)
    .where(isNull(accounts.archivedAt));
  const index: ExistingIndex = {
    owners,
    accountsById: new Map(),
    accountsByVat: new Map(),
    accountsByDomain: new Map(),
    accountsByName: new Map(),
    contactsByEmail: new Map(),
    contactsByAccount: new Map(),
    lossReasons: entity === 'opportunity' ? await readSetting(db, 'lossReasons') : [],
  };
  for (const a of rows) {
    const ref = { id: a.id, name: a.name };
    index.accountsById.set(a.id, ref);
    if (a.vatId) index.accountsByVat.set(normalizeVatId(a.vatId), ref);
    const domain = normalizeDomain(a.domain) ?? normalizeDomain(a.website);
    if (domain) index.accountsByDomain.set(domain, ref);
    const name = normalizeCompanyName(a.name);
    index.accountsByName.set(name, [...(index.accountsByName.get(name) ?? []), ref]);
  }
  if (entity === 'opportunity') {
    const people = await db
      .select({
        id: contacts.id,
        accountId: contacts.accountId,
        email: contacts.email,
        first: contacts.firstName,
        last: contacts.lastName,
      })
      .from(contacts)
      .where(isNull(contacts.archivedAt));
    for (const c of people) {
      const entry = {
        id: c.id,
        email: c.email?.toLowerCase() ?? null,
        name: `${c.first} ${c.last}`.toLowerCase(),
      };
      index.contactsByAccount.set(c.accountId, [...(index.contactsByAccount.get(c.accountId) ?? []), entry]);
      if (entry.email) index.contactsByEmail.set(entry.email, { id: c.id, name: `${c.first} ${c.last}` });
    }
  }
  if (entity === 'contact') {
    const people = await db
      .select({ id: contacts.id, email: contacts.email, first: contacts.firstName, last: contacts.lastName })
      .from(contacts)
      .where(and(isNull(contacts.archivedAt)));
    for (const c of people) {
      if (c.email)
        index.contactsByEmail.set(c.email.toLowerCase(), { id: c.id, name: `${c.first} ${c.last}` });
    }
  }
  return index;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Column names of the staging data per field key (the table's SQL names). */
const columnOf: Record<string, string> = {
  name: 'name',
  type: 'type',
  industry: 'industry',
  vatId: 'vat_id',
  domain: 'domain',
  website: 'website',
  email: 'email',
  phone: 'phone',
  street: 'street',
  postalCode: 'postal_code',
  city: 'city',
  country: 'country',
  notes: 'notes',
  ownerId: 'owner_id',
  accountId: 'account_id',
  salutation: 'salutation',
  title: 'title',
  firstName: 'first_name',
  lastName: 'last_name',
  position: 'position',
  mobile: 'mobile',
  stage: 'stage',
  amountMinor: 'amount_minor',
  currency: 'currency',
  probability: 'probability',
  marginMinor: 'margin_minor',
  businessType: 'business_type',
  expectedCloseDate: 'expected_close_date',
  source: 'source',
  description: 'description',
  closedAt: 'closed_at',
  lostReason: 'lost_reason',
  primaryContactId: 'primary_contact_id',
};

/** Schema paths that are not field keys of the CSV. */
const fieldOfPath: Record<string, string> = {
  amountMinor: 'amount',
  marginMinor: 'margin',
  accountId: 'account',
  ownerId: 'ownerEmail',
  lostReason: 'lossReason',
  primaryContactId: 'primaryContact',
};

export interface RowValidator {
  validate(line: number, cells: string[]): RowOutcome;
}

/**
 * Builds the validator for one import. It remembers the keys of rows it has seen, so a second
 * row for the same company or e-mail in one file is reported instead of imported twice.
 */
export function rowValidator(options: {
  entity: ImportEntity;
  headers: string[];
  mapping: Record<string, number>;
  principal: InternalUser;
  locale: Locale;
  existing: ExistingIndex;
}): RowValidator {
  const { entity, headers, mapping, principal, locale, existing } = options;
  const fields = importableFields(entity);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const seen = new Map<string, number>();
  const headerOf = (fieldKey: string | undefined) =>
    fieldKey !== undefined && mapping[fieldKey] !== undefined ? (headers[mapping[fieldKey]!] ?? null) : null;
  const mayAssignOwners = can(principal, 'changeOwner', { type: entity === 'contact' ? 'account' : entity });

  return {
    validate(line, cells) {
      const errors: RowError[] = [];
      const fail = (fieldKey: string | null, key: string, params: Record<string, string | number> = {}) =>
        errors.push({
          line,
          column: fieldKey ? headerOf(fieldKey) : null,
          key,
          message: translate(locale, key, params),
        });
      if (cells.length > headers.length && cells.slice(headers.length).some((c) => c.trim() !== '')) {
        fail(null, 'csv.tooManyCells', { count: cells.length, expected: headers.length });
      }
      const cell = (key: string) => {
        const index = mapping[key];
        return index === undefined ? '' : (cells[index] ?? '').trim();
      };
      const mapped = (key: string) => mapping[key] !== undefined && cell(key) !== '';
      const raw: Record<string, unknown> = {};
      for (const field of fields) {
        if (field.kind === 'text' && mapped(field.key)) raw[field.key] = cell(field.key);
      }
      for (const field of fields.filter((f) => f.kind === 'enum')) {
        if (!mapped(field.key)) continue;
        const value = enumValue(field, cell(field.key));
        if (value === null) fail(field.key, 'validation.invalidOption');
        else raw[field.key] = value;
      }

      // Owner: an e-mail of an active staff user; assigning others needs the right to.
      let ownerId = principal.userId;
      if (mapped('ownerEmail')) {
        const found = existing.owners.get(cell('ownerEmail').toLowerCase());
        if (!found) fail('ownerEmail', 'csv.unknownOwner', { email: cell('ownerEmail') });
        else if (found !== principal.userId && !mayAssignOwners) fail('ownerEmail', 'csv.ownerNotAllowed');
        else ownerId = found;
      }

      // Account reference (contacts, deals): id, VAT ID or name.
      let accountId: string | undefined;
      if (entity !== 'account') {
        const value = cell('account');
        if (value === '') fail('account', 'validation.required');
        else {
          const ref = uuidShape.test(value)
            ? existing.accountsById.get(value.toLowerCase())
            : (existing.accountsByVat.get(normalizeVatId(value)) ??
              (() => {
                const named = existing.accountsByName.get(normalizeCompanyName(value)) ?? [];
                if (named.length > 1) {
                  fail('account', 'csv.ambiguousAccount', { value, count: named.length });
                  return null;
                }
                return named[0];
              })());
          if (ref) accountId = ref.id;
          else if (ref === undefined) fail('account', 'csv.unknownAccount', { value });
        }
      }

      // Deals: the primary contact, by e-mail or "first last" among the account's contacts
      // (by e-mail anywhere as a fallback: a deal may name a contact of another account).
      let primaryContactId: string | undefined;
      if (entity === 'opportunity' && mapped('primaryContact') && accountId) {
        const value = cell('primaryContact');
        const wanted = value.toLowerCase();
        const people = existing.contactsByAccount.get(accountId) ?? [];
        const byEmail = people.filter((c) => c.email === wanted);
        const matches = byEmail.length > 0 ? byEmail : people.filter((c) => c.name === wanted);
        const elsewhere = matches.length === 0 ? existing.contactsByEmail.get(wanted) : undefined;
        if (matches.length === 1) primaryContactId = matches[0]!.id;
        else if (elsewhere) primaryContactId = elsewhere.id;
        else if (matches.length > 1)
          fail('primaryContact', 'csv.ambiguousContact', { value, count: matches.length });
        else fail('primaryContact', 'csv.unknownContact', { value });
      }

      let parsed: Record<string, unknown> | null = null;
      if (entity === 'account') {
        const result = accountInput.safeParse(raw);
        if (result.success) parsed = { ...result.data, ownerId };
        else addIssues(result.error);
      } else if (entity === 'contact') {
        const result = contactInput.safeParse({
          ...raw,
          accountId: accountId ?? '00000000-0000-4000-8000-000000000000',
        });
        if (result.success) parsed = { ...result.data };
        else addIssues(result.error);
      } else {
        const currency = (raw.currency as string | undefined)?.toUpperCase() ?? 'EUR';
        const money = (key: 'amount' | 'margin') => {
          if (!mapped(key)) return undefined;
          const value = parseMoneyCell(cell(key), currency, locale);
          if (value === null) fail(key, 'validation.money');
          return value ?? undefined;
        };
        const amountMinor = money('amount') ?? 0;
        const marginMinor = money('margin');
        let probability: number | undefined;
        if (mapped('probability')) {
          const text = cell('probability').replace(/\s*%$/, '');
          probability = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
          if (Number.isNaN(probability) || probability > 100) fail('probability', 'csv.probability');
        }
        let expectedCloseDate: string | undefined;
        if (mapped('expectedCloseDate')) {
          expectedCloseDate = parseDateCell(cell('expectedCloseDate')) ?? undefined;
          if (!expectedCloseDate) fail('expectedCloseDate', 'csv.date');
        }
        const stage = (raw.stage as keyof typeof defaultProbability | undefined) ?? 'lead';
        const result = opportunityInput.safeParse({
          ...raw,
          primaryContactId,
          accountId: accountId ?? '00000000-0000-4000-8000-000000000000',
          amountMinor,
          marginMinor,
          probability,
          expectedCloseDate,
          ownerId,
        });
        // A lost deal needs a listed reason (key or label), as when a deal is closed in the portal.
        const reasonCell = mapped('lossReason') ? cell('lossReason') : '';
        let lostReason: string | null = null;
        if (stage === 'lost') {
          const wanted = reasonCell.toLowerCase();
          const reason = existing.lossReasons.find(
            (r) =>
              r.key === wanted || r.label.de.toLowerCase() === wanted || r.label.en.toLowerCase() === wanted,
          );
          if (reason) lostReason = reason.key;
          else
            fail('lossReason', 'csv.lossReasonRequired', {
              reasons: existing.lossReasons.map((r) => `${r.key} (${r.label[locale]})`).join(', '),
            });
        } else if (reasonCell !== '') fail('lossReason', 'csv.lossReasonNotLost');
        if (result.success) {
          const closed = stage === 'won' || stage === 'lost';
          parsed = {
            ...result.data,
            stage,
            probability: result.data.probability ?? defaultProbability[stage],
            closedAt: closed ? new Date().toISOString() : null,
            lostReason,
          };
        } else addIssues(result.error);
      }

      // A closed deal keeps the day it closed (our export writes it); without one it closes today.
      if (entity === 'opportunity' && parsed && mapped('closedAt') && cell('closedAt') !== '') {
        const day = parseDateCell(cell('closedAt'));
        if (!day) fail('closedAt', 'csv.date');
        // Noon UTC: the same day in every European time zone.
        else if (parsed.closedAt) parsed.closedAt = `${day}T12:00:00.000Z`;
      }

      function addIssues(error: z.ZodError) {
        for (const issue of issueKeys(error.issues)) {
          const path = issue.path.split('.')[0] ?? '';
          const fieldKey = fieldOfPath[path] ?? path;
          // A missing account or owner was reported above with its own message.
          if ((fieldKey === 'account' || fieldKey === 'ownerEmail') && errors.length > 0) continue;
          fail(byKey.has(fieldKey) ? fieldKey : null, issue.key, issue.params);
        }
      }

      if (errors.length > 0 || !parsed) return { line, ok: false, errors };

      // Duplicates: against what exists, and against earlier rows of the same file.
      let duplicate: Duplicate | null = null;
      const keys: [Duplicate['matchedBy'], string, AccountRef | undefined][] = [];
      let rowName = '';
      if (entity === 'account') {
        rowName = String(parsed.name);
        const vat = parsed.vatId ? normalizeVatId(String(parsed.vatId)) : undefined;
        const domain =
          normalizeDomain(parsed.domain as string | undefined) ??
          normalizeDomain(parsed.website as string | undefined) ??
          (parsed.email ? domainFromEmail(String(parsed.email)) : undefined);
        const name = normalizeCompanyName(String(parsed.name));
        if (vat) keys.push(['vatId', `vat:${vat}`, existing.accountsByVat.get(vat)]);
        if (domain) keys.push(['domain', `domain:${domain}`, existing.accountsByDomain.get(domain)]);
        keys.push(['name', `name:${name}`, existing.accountsByName.get(name)?.[0]]);
      } else if (entity === 'contact') {
        rowName = `${parsed.firstName} ${parsed.lastName}`;
        const email = parsed.email ? String(parsed.email).toLowerCase() : undefined;
        if (email) keys.push(['email', `email:${email}`, existing.contactsByEmail.get(email)]);
      }
      for (const [, key] of keys) {
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          fail(null, 'csv.duplicateInFile', { line: earlier });
          return { line, ok: false, errors };
        }
      }
      for (const [, key] of keys) seen.set(key, line);
      const hit = keys.find(([, , ref]) => ref);
      if (hit)
        duplicate = { line, existingId: hit[2]!.id, existingName: hit[2]!.name, matchedBy: hit[0], rowName };

      const data: Record<string, unknown> = {};
      const updatable: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(parsed)) {
        const column = columnOf[key];
        if (!column || value === undefined) continue;
        data[column] = value;
        const field = byKey.get(fieldOfPath[key] ?? key) as CsvField | undefined;
        // An update changes what the file states: mapped, non-empty cells, never owner or account.
        if (field && mapped(field.key) && key !== 'ownerId' && key !== 'accountId') updatable[column] = value;
      }
      if (entity === 'opportunity' && mapped('stage')) updatable.closed_at = data.closed_at;
      return { line, ok: true, data, updatable, duplicate };
    },
  };
}

export function fieldLabels(entity: ImportEntity, locale: Locale): Record<string, string> {
  return Object.fromEntries(csvColumns[entity].map((f) => [f.key, f.label[locale]]));
}
