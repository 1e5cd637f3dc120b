import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { locale, userRole, users } from './auth.ts';
import { id, timestamps } from './columns.ts';
import { partnerOrgs } from './partners.ts';

/**
 * An invitation to join Konsort by e-mail link. Only the SHA-256 of the random token is kept
 * (a 256-bit secret needs no slow hash); the link is single use, expires, can be revoked and
 * re-sent (which issues a new token and voids the old one). A partner admin's invitations
 * are its organisation's: row-level security keeps them there.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    partnerOrgId: uuid('partner_org_id').references(() => partnerOrgs.id, { onDelete: 'cascade' }),
    locale: locale('locale').notNull().default('de'),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('invitations_token_hash_idx').on(t.tokenHash),
    // One open invitation per address: a second invite is a re-send, not a parallel link.
    uniqueIndex('invitations_open_email_idx')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index('invitations_partner_org_idx').on(t.partnerOrgId, t.createdAt),
    check(
      'invitations_partner_role_org',
      sql`(${t.role} in ('partner_admin', 'partner_member')) = (${t.partnerOrgId} is not null)`,
    ),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
