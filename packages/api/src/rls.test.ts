import { accounts, contacts, opportunities, opportunityShares, pgErrorOf, users } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipalDb } from './rls.ts';
import {
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from './testing/index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe('row-level security, with the policy module bypassed', () => {
  it('shows a partner only its shared deals, their accounts and named contacts', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep' });
    const mine = await makePartnerOrg(t.db);
    const theirs = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_member', partnerOrgId: mine.id });
    const sharedAccount = await makeAccount(t.db, rep.userId);
    const otherAccount = await makeAccount(t.db, rep.userId);
    const contact = await makeContact(t.db, sharedAccount.id);
    const bystander = await makeContact(t.db, sharedAccount.id, { firstName: 'Nicht', lastName: 'Geteilt' });
    const shared = await makeOpportunity(t.db, sharedAccount.id, rep.userId, {
      primaryContactId: contact.id,
    });
    const foreign = await makeOpportunity(t.db, otherAccount.id, rep.userId);
    await share(t.db, shared.id, mine.id, 'view');
    await share(t.db, foreign.id, theirs.id, 'edit');

    // Plain selects with no WHERE at all: only RLS stands between the partner and the rows.
    const seen = await withPrincipalDb(t.db, partner, async (db) => ({
      deals: await db.select({ id: opportunities.id }).from(opportunities),
      accounts: await db.select({ id: accounts.id }).from(accounts),
      contacts: await db.select({ id: contacts.id }).from(contacts),
      shares: await db.select({ org: opportunityShares.partnerOrgId }).from(opportunityShares),
    }));
    expect(seen.deals.map((d) => d.id)).toEqual([shared.id]);
    expect(seen.accounts.map((a) => a.id)).toEqual([sharedAccount.id]);
    expect(seen.contacts.map((c) => c.id)).toEqual([contact.id]);
    expect(seen.contacts.map((c) => c.id)).not.toContain(bystander.id);
    expect(seen.shares.map((s) => s.org)).toEqual([mine.id]);
  });

  it('refuses writes a view share does not allow and columns partners must not read', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep' });
    const org = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id });
    const account = await makeAccount(t.db, rep.userId);
    const viewOnly = await makeOpportunity(t.db, account.id, rep.userId);
    const editable = await makeOpportunity(t.db, account.id, rep.userId);
    await share(t.db, viewOnly.id, org.id, 'view');
    await share(t.db, editable.id, org.id, 'edit');
    const changed = await withPrincipalDb(t.db, partner, (db) =>
      db.update(opportunities).set({ amountMinor: 1 }).where(sql`true`).returning({ id: opportunities.id }),
    );
    expect(changed.map((c) => c.id)).toEqual([editable.id]);
    // Not a co-editable column: refused by the column grant.
    await expect(
      withPrincipalDb(t.db, partner, (db) =>
        db.update(opportunities).set({ marginMinor: 1 }).where(eq(opportunities.id, editable.id)),
      ),
    ).rejects.toSatisfy((e) => pgErrorOf(e)?.code === '42501');
    await expect(
      withPrincipalDb(t.db, partner, (db) => db.execute(sql`select password_hash from users`)),
    ).rejects.toSatisfy((e) => pgErrorOf(e)?.code === '42501');
    const names = await withPrincipalDb(t.db, partner, (db) => db.select({ name: users.name }).from(users));
    expect(names.length).toBeGreaterThan(0);
  });

  it('leaves no partner identity on the connection after the transaction', async () => {
    const org = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
    await withPrincipalDb(t.db, partner, async (db) => db.execute(sql`select 1`));
    const rows = await t.db.execute(
      sql`select current_user as role, current_setting('konsort.partner_org_id', true) as org`,
    );
    const row = ((rows as unknown as { rows?: unknown[] }).rows ?? (rows as unknown as unknown[]))[0] as {
      role: string;
      org: string | null;
    };
    expect(row.role).not.toBe('konsort_partner');
    expect(row.org ?? '').toBe('');
  });
});
