import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.ts';
import { partnerOrgs } from './partners.ts';

export const userRole = pgEnum('user_role', ['admin', 'manager', 'rep', 'partner_admin', 'partner_member']);
export const locale = pgEnum('locale', ['de', 'en']);

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    /** Set for partner roles only; a CHECK keeps internal users and partner users apart. */
    partnerOrgId: uuid('partner_org_id').references(() => partnerOrgs.id, { onDelete: 'restrict' }),
    passwordHash: text('password_hash').notNull(),
    locale: locale('locale').notNull().default('de'),
    active: boolean('active').notNull().default(true),
    /** Bumped on password change / deactivation; sessions carry no copy, they are deleted instead. */
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
    index('users_partner_org_idx').on(t.partnerOrgId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Failed-login throttle, keyed by normalised e-mail and by client address. Kept in the database
 * (not memory) so a restart or a second process does not reset an attacker's counter.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
});

export type User = typeof users.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
export type Locale = (typeof locale.enumValues)[number];
