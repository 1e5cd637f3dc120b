/**
 * From a pasted imprint or signature to an account: a prefilled form for a new one, or, when an
 * account with the same VAT ID or domain exists (or the user is on its edit page), a field-by-
 * field proposal the user confirms. The parser itself is pure (`parse.ts`); this file matches
 * and applies.
 */
import { accounts, type Database } from '@konsort/db';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { updateAccount } from '../accounts/accounts.ts';
import { AppError, notFound } from '../errors.ts';
import { assertCan, visible } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { domainFromEmail, normalizeDomain, normalizeVatId } from '../registrations/normalize.ts';
import { accountInput } from '../schemas.ts';
import { issueKeys } from '../validation.ts';
import { type CapturedAddress, parseAddressBlock } from './parse.ts';

export const captureFields = [
  'name',
  'street',
  'postalCode',
  'city',
  'country',
  'phone',
  'email',
  'website',
  'domain',
  'vatId',
  'notes',
] as const;
export type CaptureField = (typeof captureFields)[number];

export const captureInput = z.object({
  text: z.string().trim().min(1, 'capture.empty').max(20_000),
  /** The account being edited; without it the match is by VAT ID or domain. */
  accountId: z.uuid().optional(),
});
export const applyCaptureInput = z.object({
  accountId: z.uuid(),
  text: z.string().trim().min(1, 'capture.empty').max(20_000),
  fields: z.array(z.enum(captureFields)).min(1).max(captureFields.length),
});

/** The register entry as a line for the account's notes (accounts have no register columns). */
export function registerLine(c: CapturedAddress): string | null {
  if (!c.registerNumber) return null;
  return c.registerCourt ? `${c.registerCourt}, ${c.registerNumber}` : c.registerNumber;
}

/** Captured fields → the account form's fields ('' where nothing was found). */
export function captureToForm(c: CapturedAddress): Record<CaptureField, string> {
  return {
    name: c.company ?? '',
    street: c.street ?? '',
    postalCode: c.postalCode ?? '',
    city: c.city ?? '',
    country: c.country ?? '',
    phone: c.phone ?? '',
    email: c.email ?? '',
    website: c.website ?? '',
    domain: normalizeDomain(c.website) ?? (c.email ? domainFromEmail(c.email) : undefined) ?? '',
    vatId: c.vatId ?? '',
    notes: registerLine(c) ?? '',
  };
}

type AccountRow = typeof accounts.$inferSelect;

function proposedValue(field: CaptureField, form: Record<CaptureField, string>, current: AccountRow) {
  if (field === 'notes') {
    const line = form.notes;
    if (!line || (current.notes ?? '').includes(line)) return null;
    return current.notes ? `${current.notes}\n${line}` : line;
  }
  const value = form[field];
  if (!value) return null;
  const existing = current[field] ?? '';
  const same =
    field === 'vatId'
      ? normalizeVatId(existing) === normalizeVatId(value)
      : field === 'website' || field === 'domain'
        ? normalizeDomain(existing) === normalizeDomain(value)
        : existing.trim().toLowerCase() === value.trim().toLowerCase();
  return same ? null : value;
}

export async function proposeFromCapture(
  db: Database,
  principal: Principal,
  input: z.output<typeof captureInput>,
) {
  assertCan(principal, 'create', { type: 'account' });
  const captured = parseAddressBlock(input.text);
  const form = captureToForm(captured);
  let match: AccountRow | undefined;
  if (input.accountId) {
    [match] = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.id, input.accountId), visible(principal).accounts()));
    if (!match) throw notFound('entity.account');
  } else if (form.vatId || form.domain) {
    [match] = await db
      .select()
      .from(accounts)
      .where(
        and(
          isNull(accounts.archivedAt),
          visible(principal).accounts(),
          or(
            form.vatId
              ? sql`upper(regexp_replace(${accounts.vatId}, '[\\s.-]', '', 'g')) = ${form.vatId}`
              : undefined,
            form.domain ? sql`lower(${accounts.domain}) = ${form.domain}` : undefined,
          ),
        ),
      )
      .orderBy(sql`(${accounts.vatId} is not null) desc`)
      .limit(1);
  }
  const diff = match
    ? captureFields
        .map((field) => ({
          field,
          current: match[field] ?? null,
          proposed: proposedValue(field, form, match),
        }))
        .filter(
          (d): d is { field: CaptureField; current: string | null; proposed: string } => d.proposed !== null,
        )
    : [];
  return {
    captured,
    form,
    match: match ? { id: match.id, name: match.name } : null,
    diff,
  };
}

/** Applies the fields the user confirmed to the account, through the account service (audit, checks). */
export async function applyCapture(
  db: Database,
  principal: Principal,
  input: z.output<typeof applyCaptureInput>,
) {
  const proposal = await proposeFromCapture(db, principal, { text: input.text, accountId: input.accountId });
  const [current] = await db.select().from(accounts).where(eq(accounts.id, input.accountId));
  if (!current) throw notFound('entity.account');
  const merged: Record<string, unknown> = {
    name: current.name,
    type: current.type,
    industry: current.industry ?? undefined,
    vatId: current.vatId ?? undefined,
    domain: current.domain ?? undefined,
    website: current.website ?? undefined,
    email: current.email ?? undefined,
    phone: current.phone ?? undefined,
    street: current.street,
    postalCode: current.postalCode,
    city: current.city,
    country: current.country,
    notes: current.notes ?? undefined,
  };
  for (const change of proposal.diff)
    if (input.fields.includes(change.field)) merged[change.field] = change.proposed;
  const parsed = accountInput.safeParse(merged);
  if (!parsed.success) {
    throw new AppError(
      'BAD_REQUEST',
      'errors.invalidInput',
      {},
      issueKeys(parsed.error.issues).map((i) => ({ path: i.path, key: i.key, params: i.params })),
    );
  }
  return updateAccount(db, principal, input.accountId, parsed.data);
}
