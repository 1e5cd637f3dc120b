import type { Database, Transaction } from '@konsort/db';
import { type SQL, sql } from 'drizzle-orm';
import { AppError } from './errors.ts';
import type { Principal } from './principal.ts';
import { withPrincipalDb } from './rls.ts';

/**
 * Every write runs in one transaction with its audit entries: all of it commits or none.
 * This is also where the request's principal will be set for row-level security, so no
 * domain function opens a transaction on its own.
 */
export function inTransaction<T>(
  db: Database,
  principal: Principal,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return withPrincipalDb(db, principal, (scoped) => scoped.transaction(fn));
}

/** Keyset cursors: opaque to clients, validated on the way back in. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): (string | number | null)[] | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return parsed as (string | number | null)[];
    }
  } catch {
    // fall through: a tampered cursor is a bad request, not a crash
  }
  return null;
}

/** Decodes a keyset cursor of `length` values; a tampered one is a BAD_REQUEST. */
export function readCursor(cursor: string | undefined, length: number): (string | number | null)[] | null {
  if (!cursor) return null;
  const values = decodeCursor(cursor);
  if (values?.length !== length || typeof values[length - 1] !== 'string') {
    throw new AppError('BAD_REQUEST', 'validation.invalid', {}, [
      { path: 'cursor', key: 'validation.invalid' },
    ]);
  }
  return values;
}

/** Escapes LIKE wildcards in user search text. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type Nullified<T> = { [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

/** Optional form fields left empty become NULL in the row (so an update clears them), not ''. */
export function nullify<T extends Record<string, unknown>>(
  input: T,
  fields: readonly (keyof T & string)[],
): Nullified<T> {
  const out: Record<string, unknown> = {};
  for (const k of fields) out[k] = input[k] === undefined ? null : input[k];
  return out as Nullified<T>;
}

/** A Date as a SQL parameter: postgres.js takes no Date in raw `sql` fragments, so send ISO text. */
export function timestampParam(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}
