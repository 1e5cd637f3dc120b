/**
 * The EDI monitor's reads: one message with its stored text, errors and acknowledgement, and the
 * header figures (last 24 hours by direction and status, the backlog still to process or send).
 * Readable by whoever may read the message log (policy resource `ediProfile`, action `read`).
 */
import { type Database, ediMessages, ediProfiles, partnerOrgs } from '@konsort/db';
import { and, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { assertCan, can } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { timestampParam } from '../tx.ts';
import { ediErrorSchema } from './schemas.ts';

export type EdiMessageError = z.output<typeof ediErrorSchema>;

const storedErrors = z.array(z.unknown());

/** Stored errors as the monitor shows them; an entry that does not fit the schema keeps its text. */
function presentErrors(value: unknown): EdiMessageError[] {
  const list = storedErrors.safeParse(value);
  if (!list.success) return [];
  return list.data.map((entry) => {
    const parsed = ediErrorSchema.safeParse(entry);
    return parsed.success ? parsed.data : { code: 'UNKNOWN', message: JSON.stringify(entry) };
  });
}

export async function getMessage(db: Database, principal: Principal, id: string) {
  assertCan(principal, 'read', { type: 'ediProfile' });
  const [row] = await db
    .select({
      message: ediMessages,
      profileName: ediProfiles.name,
      partnerOrgId: ediProfiles.partnerOrgId,
      partnerOrgName: partnerOrgs.name,
    })
    .from(ediMessages)
    .innerJoin(ediProfiles, eq(ediProfiles.id, ediMessages.profileId))
    .innerJoin(partnerOrgs, eq(partnerOrgs.id, ediProfiles.partnerOrgId))
    .where(eq(ediMessages.id, id));
  if (!row) throw notFound('EDI message');
  const m = row.message;
  const [related] = m.relatedMessageId
    ? await db
        .select({
          id: ediMessages.id,
          direction: ediMessages.direction,
          documentType: ediMessages.documentType,
          fileName: ediMessages.fileName,
          status: ediMessages.status,
        })
        .from(ediMessages)
        .where(eq(ediMessages.id, m.relatedMessageId))
    : [];
  return {
    id: m.id,
    profileId: m.profileId,
    profileName: row.profileName,
    partnerOrgId: row.partnerOrgId,
    partnerOrgName: row.partnerOrgName,
    direction: m.direction,
    standard: m.standard,
    documentType: m.documentType,
    interchangeControlNumber: m.interchangeControlNumber,
    senderId: m.senderId,
    receiverId: m.receiverId,
    fileName: m.fileName,
    fileHash: m.fileHash,
    status: m.status,
    errors: presentErrors(m.errors),
    raw: m.raw,
    processedAt: m.processedAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    /** Inbound: the acknowledgement sent for it; outbound: the message it acknowledges. */
    related: related ?? null,
    canReprocess:
      m.direction === 'inbound' &&
      m.status === 'rejected' &&
      can(principal, 'update', { type: 'ediProfile' }),
  };
}

export type EdiMessageDetail = Awaited<ReturnType<typeof getMessage>>;

/** Counts of the last 24 hours by direction and status, and the backlog (any age). */
export async function ediStats(db: Database, principal: Principal, now: Date = new Date()) {
  assertCan(principal, 'read', { type: 'ediProfile' });
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const recent = await db
    .select({
      direction: ediMessages.direction,
      status: ediMessages.status,
      count: sql<number>`count(*)::int`,
    })
    .from(ediMessages)
    .where(sql`${ediMessages.createdAt} >= ${timestampParam(since)}`)
    .groupBy(ediMessages.direction, ediMessages.status)
    .orderBy(ediMessages.direction, ediMessages.status);
  const [backlog] = await db
    .select({
      inbound: sql<number>`count(*) filter (where ${ediMessages.direction} = 'inbound')::int`,
      outbound: sql<number>`count(*) filter (where ${ediMessages.direction} = 'outbound')::int`,
    })
    .from(ediMessages)
    .where(
      or(
        and(eq(ediMessages.direction, 'inbound'), eq(ediMessages.status, 'received')),
        and(eq(ediMessages.direction, 'outbound'), eq(ediMessages.status, 'queued')),
      ),
    );
  const inbound = backlog?.inbound ?? 0;
  const outbound = backlog?.outbound ?? 0;
  const total = (status: string) =>
    recent.filter((r) => r.status === status).reduce((sum, r) => sum + r.count, 0);
  return {
    since,
    last24h: recent,
    processed24h: total('processed'),
    rejected24h: total('rejected'),
    /** Inbound messages waiting for (re)processing and outbound files not yet sent. */
    backlog: { inbound, outbound, total: inbound + outbound },
  };
}

export type EdiStats = Awaited<ReturnType<typeof ediStats>>;
