import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiKeys, type Database } from '@konsort/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { assertCan } from '../policy/index.ts';
import type { Integration, Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';

export const apiKeyScopes = ['edi', 'crm:read', 'leads'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(apiKeyScopes)).min(1).max(apiKeyScopes.length),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const TOKEN_PATTERN = /^ks_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a key; the token is returned this once and never stored. */
export async function createApiKey(
  db: Database,
  principal: Principal,
  input: z.output<typeof createApiKeyInput>,
) {
  assertCan(principal, 'manage', { type: 'apiKey' });
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const token = `ks_${prefix}_${randomBytes(32).toString('base64url')}`;
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return inTransaction(db, principal, async (tx) => {
    const [key] = await tx
      .insert(apiKeys)
      .values({
        name: input.name,
        prefix,
        tokenHash: sha256(token),
        scopes: [...new Set(input.scopes)],
        createdBy: principal.kind === 'internal' ? principal.userId : null,
        expiresAt,
      })
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes });
    await writeAudit(tx, principal, {
      action: 'create',
      entity: 'api_key',
      entityId: key!.id,
      changes: {
        name: [null, key!.name],
        scopes: [null, key!.scopes],
        expiresAt: [null, expiresAt?.toISOString() ?? null],
      },
    });
    return { ...key!, token };
  });
}

export async function listApiKeys(db: Database, principal: Principal) {
  assertCan(principal, 'manage', { type: 'apiKey' });
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      lastUsedAt: apiKeys.lastUsedAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      createdAt: apiKeys.createdAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'manage', { type: 'apiKey' });
  return inTransaction(db, principal, async (tx) => {
    const now = new Date();
    const [key] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!key) {
      const [exists] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      if (!exists) throw notFound('entity.apiKey');
      return { id };
    }
    await writeAudit(tx, principal, {
      action: 'revoke',
      entity: 'api_key',
      entityId: id,
      changes: { revokedAt: [null, now.toISOString()] },
    });
    return key;
  });
}

/**
 * Resolves a bearer token to an integration principal, or null for anything not a live key.
 * `last_used_at` is written at most once a minute, so a busy integration does not turn every
 * read into a write.
 */
export async function authenticateApiKey(
  db: Database,
  token: string,
  now = new Date(),
): Promise<Integration | null> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const hash = sha256(token);
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.tokenHash, hash));
  if (!key || !timingSafeEqual(Buffer.from(key.tokenHash), Buffer.from(hash))) return null;
  if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, key.id));
  }
  return { kind: 'integration', apiKeyId: key.id, scopes: key.scopes, locale: 'en' };
}
