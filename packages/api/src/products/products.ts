/**
 * The product catalogue and its configuration rules. Staff read it (the quote editor picks from
 * it); admins and managers maintain it. Every write is audited in its transaction.
 */
import { type Database, pgErrorOf, priceRules, products } from '@konsort/db';
import { and, asc, eq, ilike, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { currencyCode } from '../schemas.ts';
import { inTransaction, likePattern } from '../tx.ts';
import { trimmed } from '../validation.ts';

const text = (max: number) => z.preprocess(trimmed, z.string().min(1).max(max));
/** Quantities: a positive decimal with at most three places, as a string ("10", "2.5"). */
export const quantityText = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(',', '.') : v),
  z
    .string()
    .regex(/^\d{1,11}(\.\d{1,3})?$/, 'validation.quantity')
    .refine((s) => Number(s) > 0, 'validation.quantity'),
);
export const basisPoints = z.number().int().min(0).max(10_000);

export const productInput = z.object({
  sku: z.preprocess(
    trimmed,
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._/-]+$/, 'validation.sku'),
  ),
  name: text(200),
  description: z.preprocess((v) => (v === '' ? null : v), z.string().trim().max(2000).nullable().optional()),
  unit: text(20),
  listPriceMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: currencyCode,
  taxRateBp: basisPoints,
  active: z.boolean().default(true),
});
export const updateProductInput = z.object({ id: z.uuid(), data: productInput });
export const listProductsInput = z.object({
  q: z.string().trim().max(100).optional(),
  includeInactive: z.boolean().default(false),
});

export const ruleInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('quantity_discount'),
    productId: z.uuid(),
    minQuantity: quantityText,
    discountBp: z.number().int().min(1).max(10_000),
  }),
  z.object({ kind: z.literal('requires'), productId: z.uuid(), otherProductId: z.uuid() }),
  z.object({ kind: z.literal('excludes'), productId: z.uuid(), otherProductId: z.uuid() }),
]);
export const setRuleActiveInput = z.object({ id: z.uuid(), active: z.boolean() });

const productFields = [
  'sku',
  'name',
  'description',
  'unit',
  'listPriceMinor',
  'currency',
  'taxRateBp',
  'active',
] as const;

function isUniqueViolation(e: unknown): boolean {
  return pgErrorOf(e)?.code === '23505';
}

function skuTaken() {
  return new AppError('CONFLICT', 'errors.skuTaken', {}, [{ path: 'sku', key: 'errors.skuTaken' }]);
}

export async function listProducts(
  db: Database,
  principal: Principal,
  input: z.output<typeof listProductsInput>,
) {
  assertCan(principal, 'read', { type: 'product' });
  const q = input.q ? likePattern(input.q) : null;
  return db
    .select()
    .from(products)
    .where(
      and(
        input.includeInactive ? undefined : eq(products.active, true),
        q ? or(ilike(products.name, q), ilike(products.sku, q)) : undefined,
      ),
    )
    .orderBy(asc(products.name), asc(products.id))
    .limit(500);
}

export async function productById(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'read', { type: 'product' });
  const [row] = await db.select().from(products).where(eq(products.id, id));
  if (!row) throw notFound('entity.product');
  return row;
}

export async function createProduct(
  db: Database,
  principal: Principal,
  input: z.output<typeof productInput>,
) {
  assertCan(principal, 'manage', { type: 'product' });
  try {
    return await inTransaction(db, principal, async (tx) => {
      const [row] = await tx.insert(products).values(input).returning();
      await writeAudit(tx, principal, {
        action: 'create',
        entity: 'product',
        entityId: row!.id,
        changes: diff(null, row!, productFields),
      });
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw skuTaken();
    throw e;
  }
}

export async function updateProduct(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateProductInput>,
) {
  assertCan(principal, 'manage', { type: 'product' });
  try {
    return await inTransaction(db, principal, async (tx) => {
      const [before] = await tx.select().from(products).where(eq(products.id, input.id)).for('update');
      if (!before) throw notFound('entity.product');
      const [row] = await tx
        .update(products)
        .set({ ...input.data, updatedAt: new Date() })
        .where(eq(products.id, input.id))
        .returning();
      const changes = diff(before, row!, productFields);
      if (Object.keys(changes).length > 0)
        await writeAudit(tx, principal, { action: 'update', entity: 'product', entityId: row!.id, changes });
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw skuTaken();
    throw e;
  }
}

export async function listRules(db: Database, principal: Principal) {
  assertCan(principal, 'read', { type: 'product' });
  return db
    .select({
      id: priceRules.id,
      kind: priceRules.kind,
      productId: priceRules.productId,
      productName: products.name,
      minQuantity: priceRules.minQuantity,
      discountBp: priceRules.discountBp,
      otherProductId: priceRules.otherProductId,
      otherProductName: sql<
        string | null
      >`(select p2.name from ${products} p2 where p2.id = ${priceRules.otherProductId})`,
      active: priceRules.active,
    })
    .from(priceRules)
    .innerJoin(products, eq(products.id, priceRules.productId))
    .orderBy(asc(products.name), asc(priceRules.kind), asc(priceRules.id));
}

export async function createRule(db: Database, principal: Principal, input: z.output<typeof ruleInput>) {
  assertCan(principal, 'manage', { type: 'product' });
  return inTransaction(db, principal, async (tx) => {
    const ids =
      input.kind === 'quantity_discount' ? [input.productId] : [input.productId, input.otherProductId];
    if (input.kind !== 'quantity_discount' && input.productId === input.otherProductId)
      throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
        { path: 'otherProductId', key: 'validation.sameProduct' },
      ]);
    for (const [i, id] of ids.entries()) {
      const [p] = await tx.select({ id: products.id }).from(products).where(eq(products.id, id));
      if (!p)
        throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, [
          { path: i === 0 ? 'productId' : 'otherProductId', key: 'validation.uuid' },
        ]);
    }
    const [row] = await tx
      .insert(priceRules)
      .values({
        kind: input.kind,
        productId: input.productId,
        minQuantity: input.kind === 'quantity_discount' ? input.minQuantity : null,
        discountBp: input.kind === 'quantity_discount' ? input.discountBp : null,
        otherProductId: input.kind === 'quantity_discount' ? null : input.otherProductId,
      })
      .returning();
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'priceRule',
      entityId: row!.id,
      changes: diff(null, row!, ['kind', 'productId', 'minQuantity', 'discountBp', 'otherProductId']),
    });
    return row!;
  });
}

export async function setRuleActive(
  db: Database,
  principal: Principal,
  input: z.output<typeof setRuleActiveInput>,
) {
  assertCan(principal, 'manage', { type: 'product' });
  return inTransaction(db, principal, async (tx) => {
    const [before] = await tx.select().from(priceRules).where(eq(priceRules.id, input.id)).for('update');
    if (!before) throw notFound('entity.priceRule');
    if (before.active === input.active) return before;
    const [row] = await tx
      .update(priceRules)
      .set({ active: input.active, updatedAt: new Date() })
      .where(eq(priceRules.id, input.id))
      .returning();
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'priceRule',
      entityId: row!.id,
      changes: { active: [before.active, input.active] },
    });
    return row!;
  });
}
