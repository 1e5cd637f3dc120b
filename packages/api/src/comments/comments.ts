/**
 * Discussion on a deal. Internal comments are for staff; shared ones are also read and written
 * by partners whose organisation holds a share on the deal. @mentions notify, and only people
 * who can read the comment may be mentioned. Deleting is soft (the thread shows the gap); every
 * write is audited with the old and new text.
 */
import {
  type Comment,
  type CommentVisibility,
  comments,
  type Database,
  type Executor,
  opportunities,
  opportunityShares,
  users,
} from '@konsort/db';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { diff, writeAudit } from '../audit.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { subscribe as subscribeDomainEvents } from '../events.ts';
import { LIVE_CHANNELS, liveEvents } from '../notifications/live.ts';
import { notify } from '../notifications/notify.ts';
import { assertCan, can, mayMention, shareAccessSql, visible } from '../policy/index.ts';
import type { Principal, UserPrincipal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { inTransaction } from '../tx.ts';
import { trimmed } from '../validation.ts';

const body = z.preprocess(trimmed, z.string().min(1).max(10_000));
const mentions = z.array(z.uuid()).max(20).default([]);
const visibility = z.enum(['internal', 'shared']);

export const listCommentsInput = z.object({ opportunityId: z.uuid() });
export const createCommentInput = z.object({
  opportunityId: z.uuid(),
  visibility,
  body,
  mentions,
});
export const updateCommentInput = z.object({ id: z.uuid(), body, mentions });
export const deleteCommentInput = z.object({ id: z.uuid() });
export const mentionableInput = z.object({ opportunityId: z.uuid(), visibility });

function person(principal: Principal): UserPrincipal {
  if (principal.kind !== 'internal' && principal.kind !== 'partner') throw forbidden();
  return principal;
}

const dealNotFound = () => notFound('entity.opportunity');
const commentNotFound = () => notFound('entity.comment');

/** The deal as the principal may see it, with its organisation's share; NOT_FOUND otherwise. */
async function dealFor(db: Executor, me: UserPrincipal, opportunityId: string) {
  const [deal] = await db
    .select({
      id: opportunities.id,
      name: opportunities.name,
      share: me.kind === 'partner' ? shareAccessSql(me.partnerOrgId) : sql<null>`null`,
    })
    .from(opportunities)
    .where(
      and(eq(opportunities.id, opportunityId), visible(me).opportunities(), isNull(opportunities.archivedAt)),
    );
  if (!deal) throw dealNotFound();
  return deal;
}

export interface CommentView {
  id: string;
  opportunityId: string;
  visibility: CommentVisibility;
  /** Null once deleted. */
  body: string | null;
  deleted: boolean;
  author: { id: string; name: string };
  mentions: { id: string; name: string }[];
  createdAt: string;
  editedAt: string | null;
  /** The viewer wrote it and may edit or delete it. */
  mine: boolean;
}

async function viewsOf(db: Executor, me: UserPrincipal, rows: Comment[]): Promise<CommentView[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.authorId, ...r.mentions]))];
  const names = new Map(
    ids.length === 0
      ? []
      : (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))).map(
          (u) => [u.id, u.name],
        ),
  );
  return rows.map((r) => {
    const deleted = r.deletedAt !== null;
    return {
      id: r.id,
      opportunityId: r.opportunityId,
      visibility: r.visibility,
      body: deleted ? null : r.body,
      deleted,
      author: { id: r.authorId, name: names.get(r.authorId) ?? '—' },
      mentions: deleted ? [] : r.mentions.map((id) => ({ id, name: names.get(id) ?? '—' })),
      createdAt: r.createdAt.toISOString(),
      editedAt: r.editedAt?.toISOString() ?? null,
      mine: r.authorId === me.userId,
    };
  });
}

/** The thread of a deal, oldest first: staff see all comments, partners the shared ones. */
export async function listComments(
  database: Database,
  principal: Principal,
  input: z.input<typeof listCommentsInput>,
): Promise<CommentView[]> {
  const me = person(principal);
  const { opportunityId } = listCommentsInput.parse(input);
  return withPrincipalDb(database, me, async (db) => {
    const deal = await dealFor(db, me, opportunityId);
    assertCan(me, 'read', { type: 'comment', visibility: 'shared', share: deal.share });
    const rows = await db
      .select()
      .from(comments)
      .where(and(eq(comments.opportunityId, opportunityId), visible(me).comments()))
      .orderBy(asc(comments.createdAt), asc(comments.id))
      .limit(1000);
    return viewsOf(db, me, rows);
  });
}

/** Organisations holding a share on the deal, as far as the principal may know them. */
async function sharedOrgsOf(db: Executor, me: UserPrincipal, opportunityId: string): Promise<string[]> {
  const rows = await db
    .select({ partnerOrgId: opportunityShares.partnerOrgId })
    .from(opportunityShares)
    .where(
      and(
        eq(opportunityShares.opportunityId, opportunityId),
        me.kind === 'partner' ? eq(opportunityShares.partnerOrgId, me.partnerOrgId) : undefined,
      ),
    );
  return rows.map((r) => r.partnerOrgId);
}

/** Active users the principal may @mention in a comment of this visibility on the deal. */
async function mentionCandidates(
  db: Executor,
  me: UserPrincipal,
  opportunityId: string,
  vis: CommentVisibility,
) {
  const orgs = await sharedOrgsOf(db, me, opportunityId);
  const rows = await db
    .select({ id: users.id, name: users.name, partnerOrgId: users.partnerOrgId })
    .from(users)
    .where(
      and(
        eq(users.active, true),
        vis === 'shared' && orgs.length > 0
          ? sql`(${users.partnerOrgId} is null or ${inArray(users.partnerOrgId, orgs)})`
          : isNull(users.partnerOrgId),
      ),
    )
    .orderBy(asc(users.name))
    .limit(2000);
  return rows.filter((u) => u.id !== me.userId && mayMention(me, u, vis, orgs));
}

export async function mentionableUsers(
  database: Database,
  principal: Principal,
  input: z.input<typeof mentionableInput>,
): Promise<{ id: string; name: string }[]> {
  const me = person(principal);
  const { opportunityId, visibility: vis } = mentionableInput.parse(input);
  return withPrincipalDb(database, me, async (db) => {
    const deal = await dealFor(db, me, opportunityId);
    assertCan(me, 'create', { type: 'comment', visibility: vis, share: deal.share });
    return (await mentionCandidates(db, me, opportunityId, vis)).map(({ id, name }) => ({ id, name }));
  });
}

async function checkMentions(
  db: Executor,
  me: UserPrincipal,
  opportunityId: string,
  vis: CommentVisibility,
  ids: string[],
) {
  const wanted = [...new Set(ids)].filter((id) => id !== me.userId);
  if (wanted.length === 0) return [];
  const allowed = new Set((await mentionCandidates(db, me, opportunityId, vis)).map((u) => u.id));
  if (wanted.some((id) => !allowed.has(id))) {
    throw new AppError('BAD_REQUEST', 'errors.mentionNotAllowed', {}, [
      { path: 'mentions', key: 'errors.mentionNotAllowed' },
    ]);
  }
  return wanted;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** Announces a change of a deal's thread to live subscribers, on commit. */
async function announce(
  tx: Executor,
  c: { id: string; opportunityId: string },
  change: 'created' | 'updated' | 'deleted',
) {
  await tx.execute(
    sql`select pg_notify(${LIVE_CHANNELS.comments}, ${JSON.stringify({ id: c.id, opportunityId: c.opportunityId, change })})`,
  );
}

export async function createComment(
  db: Database,
  principal: Principal,
  input: z.input<typeof createCommentInput>,
): Promise<CommentView> {
  const me = person(principal);
  const data = createCommentInput.parse(input);
  return inTransaction(db, me, async (tx) => {
    const deal = await dealFor(tx, me, data.opportunityId);
    assertCan(me, 'create', { type: 'comment', visibility: data.visibility, share: deal.share });
    const mentioned = await checkMentions(tx, me, deal.id, data.visibility, data.mentions);
    const [row] = await tx
      .insert(comments)
      .values({
        opportunityId: deal.id,
        authorId: me.userId,
        visibility: data.visibility,
        body: data.body,
        mentions: mentioned,
      })
      .returning();
    await writeAudit(tx, me, {
      action: 'create',
      entity: 'comment',
      entityId: row!.id,
      changes: diff(null, row!, ['opportunityId', 'visibility', 'body', 'mentions']),
    });
    if (mentioned.length > 0)
      await notify(tx, {
        userIds: mentioned,
        kind: 'comment.mention',
        opportunityId: deal.id,
        params: { author: me.name, deal: deal.name, excerpt: excerpt(data.body), commentId: row!.id },
      });
    await announce(tx, row!, 'created');
    return (await viewsOf(tx, me, [row!]))[0]!;
  });
}

/** The comment for a write by its author; NOT_FOUND when the principal cannot see it. */
async function ownComment(tx: Executor, me: UserPrincipal, id: string, action: 'update' | 'archive') {
  const [row] = await tx
    .select()
    .from(comments)
    .where(and(eq(comments.id, id), visible(me).comments()));
  if (!row) throw commentNotFound();
  const deal = await dealFor(tx, me, row.opportunityId);
  assertCan(me, action, {
    type: 'comment',
    visibility: row.visibility,
    authorId: row.authorId,
    share: deal.share,
  });
  if (row.deletedAt) throw new AppError('CONFLICT', 'errors.commentDeleted');
  return { row, deal };
}

export async function updateComment(
  db: Database,
  principal: Principal,
  input: z.input<typeof updateCommentInput>,
): Promise<CommentView> {
  const me = person(principal);
  const data = updateCommentInput.parse(input);
  return inTransaction(db, me, async (tx) => {
    const { row, deal } = await ownComment(tx, me, data.id, 'update');
    const mentioned = await checkMentions(tx, me, deal.id, row.visibility, data.mentions);
    const now = new Date();
    const [after] = await tx
      .update(comments)
      .set({ body: data.body, mentions: mentioned, editedAt: now, updatedAt: now })
      .where(and(eq(comments.id, row.id), isNull(comments.deletedAt)))
      .returning();
    // Deleted meanwhile by a concurrent request.
    if (!after) throw new AppError('CONFLICT', 'errors.commentDeleted');
    await writeAudit(tx, me, {
      action: 'update',
      entity: 'comment',
      entityId: row.id,
      changes: diff(row, after, ['body', 'mentions']),
    });
    // Only people newly mentioned hear of the edit.
    const added = mentioned.filter((id) => !row.mentions.includes(id));
    if (added.length > 0)
      await notify(tx, {
        userIds: added,
        kind: 'comment.mention',
        opportunityId: deal.id,
        params: { author: me.name, deal: deal.name, excerpt: excerpt(data.body), commentId: row.id },
      });
    await announce(tx, row, 'updated');
    return (await viewsOf(tx, me, [after]))[0]!;
  });
}

export async function deleteComment(
  db: Database,
  principal: Principal,
  input: z.input<typeof deleteCommentInput>,
): Promise<{ id: string }> {
  const me = person(principal);
  const { id } = deleteCommentInput.parse(input);
  return inTransaction(db, me, async (tx) => {
    const { row } = await ownComment(tx, me, id, 'archive');
    const now = new Date();
    const deleted = await tx
      .update(comments)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(comments.id, row.id), isNull(comments.deletedAt)))
      .returning({ id: comments.id });
    if (deleted.length === 0) throw new AppError('CONFLICT', 'errors.commentDeleted');
    await writeAudit(tx, me, {
      action: 'delete',
      entity: 'comment',
      entityId: row.id,
      changes: { body: [row.body, null], deletedAt: [null, now.toISOString()] },
    });
    await announce(tx, row, 'deleted');
    return { id: row.id };
  });
}

export type CommentEvent = { change: 'created' | 'updated' | 'deleted'; comment: CommentView };

/**
 * The deal's thread, live: every committed change the principal may read, re-read under its
 * own scope. The stream ends when the principal loses the deal (share revoked, deal archived).
 */
export async function liveComments(
  db: Database,
  principal: Principal,
  input: z.input<typeof listCommentsInput>,
  signal: AbortSignal | undefined,
): Promise<AsyncGenerator<CommentEvent, void, unknown>> {
  const me = person(principal);
  const { opportunityId } = listCommentsInput.parse(input);
  // Checked before the stream starts, so a refused caller gets an error, not an empty stream.
  const deal = await withPrincipalDb(db, me, (scoped) => dealFor(scoped, me, opportunityId));
  assertCan(me, 'read', { type: 'comment', visibility: 'shared', share: deal.share });
  const event = z.object({
    id: z.uuid(),
    opportunityId: z.uuid(),
    change: z.enum(['created', 'updated', 'deleted']),
  });
  const accessEvent = z.object({ accessChanged: z.literal(true) });
  return liveEvents<CommentEvent>(
    db,
    LIVE_CHANNELS.comments,
    async (payload) => {
      if (accessEvent.safeParse(payload).success) {
        const still = await withPrincipalDb(db, me, (scoped) => dealFor(scoped, me, opportunityId)).catch(
          () => null,
        );
        return still ? null : 'end';
      }
      const e = event.safeParse(payload);
      if (!e.success || e.data.opportunityId !== opportunityId) return null;
      return withPrincipalDb(db, me, async (scoped) => {
        const current = await dealFor(scoped, me, opportunityId).catch(() => null);
        if (!current) return 'end' as const;
        const [row] = await scoped
          .select()
          .from(comments)
          .where(and(eq(comments.id, e.data.id), visible(me).comments()));
        if (!row || !can(me, 'read', { type: 'comment', visibility: row.visibility, share: current.share }))
          return null;
        return { change: e.data.change, comment: (await viewsOf(scoped, me, [row]))[0]! };
      });
    },
    signal,
    (push) =>
      subscribeDomainEvents((domainEvent) => {
        if (domainEvent.type !== 'access.changed') return;
        if (domainEvent.opportunityId && domainEvent.opportunityId !== opportunityId) return;
        push({ accessChanged: true });
      }),
  );
}
