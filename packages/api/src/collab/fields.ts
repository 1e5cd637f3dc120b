/**
 * The co-editable deal fields of an `opportunity:<id>` document (Y.Map `fields`) and their
 * validation. The Y.Doc is its own input boundary: values arrive as JSON-ish Yjs values, not form
 * strings, so these schemas are strict (no coercion).
 */
import { z } from 'zod';

export const coEditableFields = [
  'name',
  'amountMinor',
  'expectedCloseDate',
  'description',
  'probability',
] as const;
export type CoEditableField = (typeof coEditableFields)[number];

export const coFieldSchemas = {
  name: z.string().trim().min(1).max(200),
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  expectedCloseDate: z.iso.date().nullable(),
  description: z.string().max(10_000).nullable(),
  probability: z.number().int().min(0).max(100),
} satisfies Record<CoEditableField, z.ZodType>;

export type CoFields = { [K in CoEditableField]: z.output<(typeof coFieldSchemas)[K]> };

export function isCoEditableField(key: string): key is CoEditableField {
  return (coEditableFields as readonly string[]).includes(key);
}

/** The co-editable values of an opportunity row, as they are stored in the Y.Map. */
export function fieldsOfRow(row: {
  name: string;
  amountMinor: number;
  expectedCloseDate: string | null;
  description: string | null;
  probability: number;
}): CoFields {
  return {
    name: row.name,
    amountMinor: row.amountMinor,
    expectedCloseDate: row.expectedCloseDate,
    description: row.description,
    probability: row.probability,
  };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
