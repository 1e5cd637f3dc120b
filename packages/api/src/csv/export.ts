/**
 * CSV export of accounts, contacts and deals. The rows are exactly the list's rows: the export
 * pages through the same list function with the same filters (so the policy, row-level security
 * and the filters decide as on screen), then reads the full records of each page through the
 * policy's scope and projection. Partners never get internal columns (margin, source, VAT ID,
 * owner, notes…). UTF-8 with a BOM so Excel reads umlauts; `excel-de` writes `;`, decimal commas
 * and 31.12.2026 dates for German Excel.
 */
import {
  accounts,
  contacts,
  type Database,
  type ImportEntity,
  type Locale,
  opportunities,
  users,
} from '@konsort/db';
import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { listAccounts } from '../accounts/accounts.ts';
import { listContacts } from '../contacts/contacts.ts';
import { listOpportunities } from '../opportunities/opportunities.ts';
import { can, project, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { listInput, listOpportunitiesInput } from '../schemas.ts';
import { type CsvField, csvColumns } from './columns.ts';
import { type CsvDialect, dialects, formatDateCell, formatMoneyCell } from './values.ts';

export const exportFiltersInput = {
  account: listInput.omit({ cursor: true, limit: true }),
  contact: listInput.omit({ cursor: true, limit: true }).extend({ accountId: z.uuid().optional() }),
  opportunity: listOpportunitiesInput.omit({ cursor: true, limit: true }),
};
export type ExportFilters = {
  account: z.output<typeof exportFiltersInput.account>;
  contact: z.output<typeof exportFiltersInput.contact>;
  opportunity: z.output<typeof exportFiltersInput.opportunity>;
};

/** The file's dialect: `standard` (`,`, ISO) or `excel-de` (`;`, decimal comma, 31.12.2026). */
export type CsvDialectName = CsvDialect;

const pageSize = 200;
/** The day a deal closed, as the sales team reads it (YYYY-MM-DD). */
const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' });

/** The columns this principal gets: internal ones only for staff. */
export function exportColumns(principal: Principal, entity: ImportEntity): CsvField[] {
  const internal = can(principal, 'readInternalFields', { type: entity });
  return csvColumns[entity].filter((f) => internal || !f.internal);
}

type Cells = Record<string, string>;

async function accountCells(db: Database, principal: Principal, ids: string[]) {
  return withPrincipalDb(db, principal, async (scoped) => {
    const rows = await scoped
      .select({ account: accounts, ownerEmail: users.email })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.ownerId))
      .where(and(inArray(accounts.id, ids), visible(principal).accounts()));
    const p = project(principal);
    return new Map(
      rows.map(({ account, ownerEmail }) => {
        const a = p.account(account);
        const cells: Cells = {
          id: a.id,
          name: a.name,
          type: a.type,
          industry: a.industry ?? '',
          vatId: a.vatId ?? '',
          domain: a.domain ?? '',
          website: a.website ?? '',
          email: a.email ?? '',
          phone: a.phone ?? '',
          street: a.street,
          postalCode: a.postalCode,
          city: a.city,
          country: a.country,
          ownerEmail: ownerEmail ?? '',
          notes: a.notes ?? '',
        };
        return [a.id, cells];
      }),
    );
  });
}

async function contactCells(db: Database, principal: Principal, ids: string[]) {
  return withPrincipalDb(db, principal, async (scoped) => {
    const rows = await scoped
      .select({ contact: contacts, accountName: accounts.name })
      .from(contacts)
      .innerJoin(accounts, eq(accounts.id, contacts.accountId))
      .where(and(inArray(contacts.id, ids), visible(principal).contacts()));
    const p = project(principal);
    return new Map(
      rows.map(({ contact, accountName }) => {
        const c = p.contact(contact);
        const cells: Cells = {
          id: c.id,
          account: accountName,
          salutation: c.salutation ?? '',
          title: c.title ?? '',
          firstName: c.firstName,
          lastName: c.lastName,
          position: c.position ?? '',
          email: c.email ?? '',
          phone: c.phone ?? '',
          mobile: c.mobile ?? '',
        };
        return [c.id, cells];
      }),
    );
  });
}

async function opportunityCells(db: Database, principal: Principal, ids: string[], dialect: CsvDialect) {
  return withPrincipalDb(db, principal, async (scoped) => {
    const primary = alias(contacts, 'primary_contact');
    const rows = await scoped
      .select({
        opportunity: opportunities,
        accountName: accounts.name,
        ownerEmail: users.email,
        contactEmail: primary.email,
        contactName: sql<string | null>`${primary.firstName} || ' ' || ${primary.lastName}`,
      })
      .from(opportunities)
      .innerJoin(accounts, eq(accounts.id, opportunities.accountId))
      .leftJoin(users, eq(users.id, opportunities.ownerId))
      // Under a partner's row-level security a contact it may not see is simply absent.
      .leftJoin(primary, eq(primary.id, opportunities.primaryContactId))
      .where(and(inArray(opportunities.id, ids), visible(principal).opportunities()));
    const p = project(principal);
    return new Map(
      rows.map(({ opportunity, accountName, ownerEmail, contactEmail, contactName }) => {
        const o = p.opportunity(opportunity);
        const cells: Cells = {
          id: o.id,
          name: o.name,
          account: accountName,
          stage: o.stage,
          amount: formatMoneyCell(o.amountMinor, o.currency, dialect),
          currency: o.currency,
          probability: String(o.probability),
          margin: formatMoneyCell(o.marginMinor ?? null, o.currency, dialect),
          businessType: o.businessType,
          expectedCloseDate: formatDateCell(o.expectedCloseDate, dialect),
          closedAt: formatDateCell(o.closedAt ? berlinDay.format(o.closedAt) : null, dialect),
          ownerEmail: ownerEmail ?? '',
          source: o.source ?? '',
          description: o.description ?? '',
          lossReason: o.lostReason ?? '',
          primaryContact: contactEmail ?? contactName ?? '',
        };
        return [o.id, cells];
      }),
    );
  });
}

async function* pagesOf<E extends ImportEntity>(
  db: Database,
  principal: Principal,
  entity: E,
  filters: ExportFilters[E],
): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  do {
    const page =
      entity === 'account'
        ? await listAccounts(db, principal, {
            ...(filters as ExportFilters['account']),
            cursor,
            limit: pageSize,
          })
        : entity === 'contact'
          ? await listContacts(db, principal, {
              ...(filters as ExportFilters['contact']),
              cursor,
              limit: pageSize,
            })
          : await listOpportunities(db, principal, {
              ...(filters as ExportFilters['opportunity']),
              cursor,
              limit: pageSize,
            });
    yield page.items.map((i) => i.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * The export as text chunks (header first, then a chunk per page), for a streamed download.
 * `locale` names the header row; the import recognises both languages.
 */
export async function* exportCsv<E extends ImportEntity>(
  db: Database,
  principal: Principal,
  entity: E,
  filters: ExportFilters[E],
  options: { dialect: CsvDialect; locale: Locale },
): AsyncGenerator<string> {
  const columns = exportColumns(principal, entity);
  const { delimiter } = dialects[options.dialect];
  const write = (rows: string[][]) => stringify(rows, { delimiter, record_delimiter: 'windows' });
  yield `\uFEFF${write([columns.map((c) => c.label[options.locale])])}`;
  for await (const ids of pagesOf(db, principal, entity, filters)) {
    if (ids.length === 0) continue;
    const cells =
      entity === 'account'
        ? await accountCells(db, principal, ids)
        : entity === 'contact'
          ? await contactCells(db, principal, ids)
          : await opportunityCells(db, principal, ids, options.dialect);
    // In the list's order; a row that vanished between the two reads is left out.
    const rows = ids.flatMap((id) => {
      const row = cells.get(id);
      return row ? [columns.map((c) => row[c.key] ?? '')] : [];
    });
    yield write(rows);
  }
}

/** The whole export as one string (tests, small files). */
export async function exportCsvText<E extends ImportEntity>(
  ...args: Parameters<typeof exportCsv<E>>
): Promise<string> {
  let text = '';
  for await (const chunk of exportCsv(...args)) text += chunk;
  return text;
}

export function exportFileName(entity: ImportEntity, now = new Date()): string {
  const names: Record<ImportEntity, string> = {
    account: 'firmen',
    contact: 'kontakte',
    opportunity: 'deals',
  };
  return `konsort-${names[entity]}-${now.toISOString().slice(0, 10)}.csv`;
}
