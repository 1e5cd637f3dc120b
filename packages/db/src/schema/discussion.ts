import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { opportunities } from './opportunities.ts';

/** In-app notifications; row-level security lets a partner user read only its own. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'cascade' }),
    params: jsonb('params').$type<Record<string, string | number>>().notNull().default({}),
    /** Once per user and key (e.g. one expiry reminder per registration and day count). */
    dedupeKey: text('dedupe_key'),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
    uniqueIndex('notifications_dedupe_idx').on(t.userId, t.dedupeKey),
  ],
);

export type Notification = typeof notifications.$inferSelect;

/** Per user and kind: e-mail on or off. No row means the default (on). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    email: boolean('email').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export const commentVisibilities = ['internal', 'shared'] as const;
export const commentVisibility = pgEnum('comment_visibility', commentVisibilities);

/** Discussion on a deal: internal comments for staff, shared ones also for partners holding a share. */
export const comments = pgTable(
  'comments',
  {
    id: id(),
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    visibility: commentVisibility('visibility').notNull(),
    body: text('body').notNull(),
    /** Users notified by name; each could see the comment when it was written. */
    mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
    editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [index('comments_opportunity_idx').on(t.opportunityId, t.createdAt)],
);

export type Comment = typeof comments.$inferSelect;
export type CommentVisibility = (typeof commentVisibilities)[number];
