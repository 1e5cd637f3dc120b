/**
 * The router suite. It runs on PGlite (`pnpm test`) and on PostgreSQL 15 (`pnpm test:system`,
 * KONSORT_TEST_DRIVER=postgres): same tests, same SQL.
 */
import { auditLog, opportunities, opportunityStageHistory } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymous,
  callerFor,
  failure,
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
  TEST_PASSWORD,
} from './testing/index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

const validAccount = {
  name: 'Gößweinstein Pumpen GmbH & Co. KG',
  street: 'Industriestraße 4',
  postalCode: '91327',
  city: 'Gößweinstein',
  country: 'de',
  vatId: 'DE 123 456 789',
  website: 'goessweinstein-pumpen.example',
};

describe('auth', () => {
  it('logs in with the right password and sets an HttpOnly, SameSite=Lax cookie', async () => {
    const { user } = await makeUser(t.db, { role: 'rep', email: 'jana.becker@konsort.example' });
    const { caller, cookies } = callerFor(t.db, anonymous());
    const me = await caller.auth.login({ email: 'Jana.Becker@konsort.example', password: TEST_PASSWORD });
    expect(me.userId).toBe(user.id);
    expect(cookies[0]).toMatch(/^konsort_session=[^;]+;/);
    expect(cookies[0]).toMatch(/HttpOnly/i);
    expect(cookies[0]).toMatch(/SameSite=Lax/i);
    // The cookie brings the session back.
    const { ctx } = callerFor(t.db, anonymous());
    const session = await ctx.auth.fromCookieHeader(cookies[0]!.split(';')[0]);
    expect(session.principal?.userId).toBe(user.id);
  });

  it('rejects a wrong password in the caller’s language and locks after five failures', async () => {
    await makeUser(t.db, { role: 'rep', email: 'lukas@konsort.example' });
    const { caller } = callerFor(t.db, anonymous('de'));
    const first = await failure(caller.auth.login({ email: 'lukas@konsort.example', password: 'wrong' }));
    expect(first.code).toBe('UNAUTHORIZED');
    for (let i = 0; i < 4; i++)
      await failure(caller.auth.login({ email: 'lukas@konsort.example', password: 'wrong' }));
    const locked = await failure(
      caller.auth.login({ email: 'lukas@konsort.example', password: TEST_PASSWORD }),
    );
    expect(locked.code).toBe('TOO_MANY_REQUESTS');
  });

  it('does not tell unknown users from wrong passwords', async () => {
    const { caller } = callerFor(t.db, anonymous());
    const unknown = await failure(caller.auth.login({ email: 'nobody@konsort.example', password: 'x' }));
    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(unknown.message).toBe('errors.invalidCredentials');
  });

  it('ends every session when a user is deactivated or changes the password', async () => {
    const { principal: admin } = await makeUser(t.db, { role: 'admin' });
    const { user } = await makeUser(t.db, { role: 'rep' });
    const { ctx } = callerFor(t.db, anonymous());
    const { cookie } = await ctx.auth.login({ email: user.email, password: TEST_PASSWORD });
    const header = cookie.split(';')[0];
    expect((await ctx.auth.fromCookieHeader(header)).principal).not.toBeNull();
    await callerFor(t.db, admin).caller.user.setActive({ id: user.id, active: false });
    expect((await ctx.auth.fromCookieHeader(header)).principal).toBeNull();
    await callerFor(t.db, admin).caller.user.setActive({ id: user.id, active: true });

    const { cookie: second } = await ctx.auth.login({ email: user.email, password: TEST_PASSWORD });
    const p = (await ctx.auth.fromCookieHeader(second.split(';')[0])).principal!;
    const { caller } = callerFor(t.db, p);
    await caller.auth.changePassword({
      currentPassword: TEST_PASSWORD,
      newPassword: 'a much longer passphrase',
    });
    expect((await ctx.auth.fromCookieHeader(second.split(';')[0])).principal).toBeNull();
  });

  it('lets only an admin create users, and refuses a duplicate e-mail', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep' });
    const { principal: admin } = await makeUser(t.db, { role: 'admin' });
    const input = {
      email: 'neu@konsort.example',
      name: 'Neu',
      role: 'rep' as const,
      password: 'long enough password',
    };
    expect((await failure(callerFor(t.db, rep).caller.user.create(input))).code).toBe('FORBIDDEN');
    await callerFor(t.db, admin).caller.user.create(input);
    const dup = await failure(
      callerFor(t.db, admin).caller.user.create({ ...input, email: 'NEU@konsort.example' }),
    );
    expect(dup.code).toBe('CONFLICT');
    const weak = await failure(callerFor(t.db, admin).caller.user.create({ ...input, password: 'short' }));
    expect(weak.code).toBe('BAD_REQUEST');
  });

  it('refuses anonymous callers', async () => {
    const { caller } = callerFor(t.db, anonymous());
    expect((await failure(caller.opportunity.list({}))).code).toBe('UNAUTHORIZED');
    expect((await failure(caller.account.create(validAccount))).code).toBe('UNAUTHORIZED');
  });
});

describe('accounts', () => {
  it('creates an account, normalising country, VAT ID and website, and audits every field', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await callerFor(t.db, principal).caller.account.create(validAccount);
    expect(account).toMatchObject({
      country: 'DE',
      vatId: 'DE123456789',
      website: 'https://goessweinstein-pumpen.example',
    });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, account.id), eq(auditLog.action, 'create')));
    expect(entry?.changes.name).toEqual([null, validAccount.name]);
    expect(entry?.actorId).toBe(principal.userId);
  });

  it('answers BAD_REQUEST with the zod issues and field errors in German', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep', locale: 'de' });
    const { caller } = callerFor(t.db, principal);
    const err = await failure(
      caller.account.create({ ...validAccount, name: ' ', street: undefined, postalCode: '123' } as never),
    );
    expect(err.code).toBe('BAD_REQUEST');
    const issues = (err.cause as unknown as { issues: { path: PropertyKey[] }[] }).issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['name', 'street']);
    const postal = await failure(caller.account.create({ ...validAccount, postalCode: '123' }));
    expect((postal.cause as unknown as { issues: { message: string }[] }).issues[0]?.message).toBe(
      'validation.postalCode',
    );
  });

  it('finds accounts by search and pages through them with a cursor', async () => {
    const { principal } = await makeUser(t.db, { role: 'manager' });
    const tag = `Suchtest${Date.now()}`;
    for (let i = 0; i < 7; i++)
      await makeAccount(t.db, principal.userId, { name: `${tag} ${String.fromCharCode(65 + i)} AG` });
    const { caller } = callerFor(t.db, principal);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.account.list({ q: tag.toLowerCase(), limit: 3, cursor });
      seen.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a.localeCompare(b)));
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('is a 404 for an unknown id and a 400 for a malformed one', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const { caller } = callerFor(t.db, principal);
    expect((await failure(caller.account.byId({ id: '00000000-0000-4000-8000-000000000000' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(caller.account.byId({ id: 'nope' }))).code).toBe('BAD_REQUEST');
  });

  it('records old → new on update and refuses to archive an account with open deals', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const { caller } = callerFor(t.db, principal);
    const account = await caller.account.create(validAccount);
    await caller.account.update({
      id: account.id,
      data: { ...validAccount, city: 'Pottenstein', postalCode: '91278' },
    });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, account.id), eq(auditLog.action, 'update')));
    expect(entry?.changes).toEqual({ city: ['Gößweinstein', 'Pottenstein'], postalCode: ['91327', '91278'] });
    await makeOpportunity(t.db, account.id, principal.userId);
    expect((await failure(caller.account.archive({ id: account.id }))).code).toBe('CONFLICT');
  });
});

describe('opportunities', () => {
  it('creates a deal in stage lead with its first history row', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const contact = await makeContact(t.db, account.id);
    const deal = await callerFor(t.db, principal).caller.opportunity.create({
      accountId: account.id,
      primaryContactId: contact.id,
      name: 'Rahmenvertrag Ersatzteile 2027',
      amountMinor: 4_500_000,
      expectedCloseDate: '2027-03-31',
    });
    expect(deal).toMatchObject({ stage: 'lead', probability: 10, currency: 'EUR', version: 1 });
    const history = await t.db
      .select()
      .from(opportunityStageHistory)
      .where(eq(opportunityStageHistory.opportunityId, deal.id));
    expect(history).toHaveLength(1);
  });

  it('refuses a contact of another account', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const a = await makeAccount(t.db, principal.userId);
    const b = await makeAccount(t.db, principal.userId);
    const foreign = await makeContact(t.db, b.id);
    const err = await failure(
      callerFor(t.db, principal).caller.opportunity.create({
        accountId: a.id,
        primaryContactId: foreign.id,
        name: 'X',
        amountMinor: 1,
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
  });

  it('moves through stages with history, probability, closedAt and an audit entry', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const deal = await makeOpportunity(t.db, account.id, principal.userId);
    const { caller } = callerFor(t.db, principal);
    await caller.opportunity.changeStage({ id: deal.id, stage: 'proposal' });
    const won = await caller.opportunity.changeStage({ id: deal.id, stage: 'won' });
    expect(won).toMatchObject({ stage: 'won', probability: 100, version: 3 });
    expect(won.closedAt).toBeInstanceOf(Date);
    // A rep cannot reopen a won deal; the manager can.
    expect((await failure(caller.opportunity.changeStage({ id: deal.id, stage: 'lead' }))).code).toBe(
      'CONFLICT',
    );
    const { principal: manager } = await makeUser(t.db, { role: 'manager' });
    const reopened = await callerFor(t.db, manager).caller.opportunity.changeStage({
      id: deal.id,
      stage: 'negotiation',
    });
    expect(reopened.closedAt).toBeNull();
    const stages = await t.db
      .select({ to: opportunityStageHistory.toStage })
      .from(opportunityStageHistory)
      .where(eq(opportunityStageHistory.opportunityId, deal.id))
      .orderBy(opportunityStageHistory.id);
    expect(stages.map((s) => s.to)).toEqual(['proposal', 'won', 'negotiation']);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, deal.id), eq(auditLog.action, 'change_stage')));
    expect(audits[1]?.changes.stage).toEqual(['proposal', 'won']);
  });

  it('refuses a stale version instead of overwriting someone else’s change', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const deal = await makeOpportunity(t.db, account.id, principal.userId);
    const { caller } = callerFor(t.db, principal);
    await caller.opportunity.update({ id: deal.id, version: 1, data: { amountMinor: 99_00 } });
    const err = await failure(
      caller.opportunity.update({ id: deal.id, version: 1, data: { amountMinor: 1 } }),
    );
    expect(err.code).toBe('CONFLICT');
  });

  it('lets a rep edit own deals only; a manager edits all', async () => {
    const { principal: owner } = await makeUser(t.db, { role: 'rep' });
    const { principal: other } = await makeUser(t.db, { role: 'rep' });
    const { principal: manager } = await makeUser(t.db, { role: 'manager' });
    const account = await makeAccount(t.db, owner.userId);
    const deal = await makeOpportunity(t.db, account.id, owner.userId);
    expect(
      (
        await failure(
          callerFor(t.db, other).caller.opportunity.update({ id: deal.id, version: 1, data: { name: 'x' } }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    await callerFor(t.db, manager).caller.opportunity.update({
      id: deal.id,
      version: 1,
      data: { ownerId: other.userId },
    });
  });

  it('pages through every sort in both directions without gaps or duplicates', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const amounts = [5, 5, 5, 10, 20, 20, 30, 40, 40, 50, 60];
    for (const [i, amount] of amounts.entries()) {
      await makeOpportunity(t.db, account.id, principal.userId, {
        amountMinor: amount,
        name: `Sortierung ${i % 3}`,
        expectedCloseDate: i % 4 === 0 ? null : `2027-0${(i % 9) + 1}-15`,
      });
    }
    const { caller } = callerFor(t.db, principal);
    for (const sort of ['updatedAt', 'createdAt', 'name', 'amount', 'expectedCloseDate'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await caller.opportunity.list({
            accountId: account.id,
            sort,
            direction,
            limit: 4,
            cursor,
          });
          ids.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(ids, `${sort} ${direction}`).toHaveLength(amounts.length);
        expect(new Set(ids).size).toBe(amounts.length);
      }
    }
    const byAmount = await caller.opportunity.list({
      accountId: account.id,
      sort: 'amount',
      direction: 'asc',
      limit: 100,
    });
    expect(byAmount.items.map((i) => i.amountMinor)).toEqual(amounts);
    const filtered = await caller.opportunity.list({ accountId: account.id, q: 'sortierung 1', limit: 100 });
    expect(filtered.items.every((i) => i.name === 'Sortierung 1')).toBe(true);
    expect((await failure(caller.opportunity.list({ cursor: 'not-a-cursor' }))).code).toBe('BAD_REQUEST');
  });

  it('pages a partner through every sort in the same order as staff, also after the deals change', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const org = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
    const deals = [];
    for (const [i, amount] of [7, 7, 3, 12, 12, 1, 9, 30].entries()) {
      const deal = await makeOpportunity(t.db, account.id, principal.userId, {
        amountMinor: amount,
        name: `Partnersortierung ${i % 3}`,
        expectedCloseDate: i % 3 === 0 ? null : `2027-0${(i % 7) + 1}-01`,
      });
      await share(t.db, deal.id, org.id, i % 2 ? 'edit' : 'view');
      deals.push(deal);
    }
    // Changes after sharing must reach the sort keys copied onto the shares.
    await t.db
      .update(opportunities)
      .set({
        amountMinor: 100,
        name: 'Partnersortierung 9',
        expectedCloseDate: '2026-12-24',
        updatedAt: new Date(),
      })
      .where(eq(opportunities.id, deals[2]!.id));
    await t.db
      .update(opportunities)
      .set({ expectedCloseDate: null, updatedAt: new Date(Date.now() + 1000) })
      .where(eq(opportunities.id, deals[4]!.id));
    const staff = callerFor(t.db, principal).caller;
    const partnerCaller = callerFor(t.db, partner).caller;
    const pageAll = async (caller: typeof staff, input: Parameters<typeof staff.opportunity.list>[0]) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await caller.opportunity.list({ ...input, limit: 3, cursor });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    for (const sort of ['updatedAt', 'createdAt', 'name', 'amount', 'expectedCloseDate'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const expected = await pageAll(staff, { accountId: account.id, sort, direction });
        expect(await pageAll(partnerCaller, { sort, direction }), `${sort} ${direction}`).toEqual(expected);
      }
    }
    const open = await partnerCaller.opportunity.list({ stages: ['lead'], limit: 100 });
    expect(open.items.every((i) => i.share === 'edit' || i.share === 'view')).toBe(true);
    expect(open.items).toHaveLength(deals.length);
  });

  it('shows the kanban per stage with counts and sums', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    await makeOpportunity(t.db, account.id, principal.userId, { stage: 'proposal', amountMinor: 100 });
    await makeOpportunity(t.db, account.id, principal.userId, { stage: 'proposal', amountMinor: 250 });
    const board = await callerFor(t.db, principal).caller.opportunity.board({ mine: true });
    const proposal = board.find((c) => c.stage === 'proposal')!;
    expect(proposal.count).toBe(2);
    expect(proposal.totals).toEqual([{ currency: 'EUR', amountMinor: 350 }]);
    expect(board.map((c) => c.stage)).toEqual([
      'lead',
      'qualified',
      'proposal',
      'negotiation',
      'won',
      'lost',
    ]);
  });

  it('leaves no partial rows when a write fails halfway', async () => {
    const { principal } = await makeUser(t.db, { role: 'rep' });
    const account = await makeAccount(t.db, principal.userId);
    const count = async () =>
      (
        await t.db
          .select({ n: sql<number>`count(*)::int` })
          .from(opportunities)
          .where(eq(opportunities.accountId, account.id))
      )[0]!.n;
    // Make the audit insert (the last statement of create) fail, as a full disk or a bug would.
    await t.db.execute(sql`create or replace function test_fail_audit() returns trigger language plpgsql as $$
      begin if new.entity = 'opportunity' then raise exception 'audit unavailable'; end if; return new; end $$`);
    await t.db.execute(
      sql`create trigger test_fail_audit before insert on audit_log for each row execute function test_fail_audit()`,
    );
    try {
      const err = await failure(
        callerFor(t.db, principal).caller.opportunity.create({
          accountId: account.id,
          name: 'Halb',
          amountMinor: 1,
        }),
      );
      expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.db.execute(sql`drop trigger test_fail_audit on audit_log`);
    }
    expect(await count()).toBe(0);
    const history = await t.db.execute(
      sql`select count(*)::int as n from opportunity_stage_history h left join opportunities o on o.id = h.opportunity_id where o.id is null`,
    );
    expect(history).toBeTruthy();
  });
});

describe('partners (the policy is ready before sharing arrives)', () => {
  it('sees only deals shared with its organisation, without internal fields', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep' });
    const org = await makePartnerOrg(t.db, { name: 'Nordtech Vertrieb GmbH' });
    const otherOrg = await makePartnerOrg(t.db, { name: 'Hydraulik Schmidt KG' });
    const { principal: partner } = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
    const account = await makeAccount(t.db, rep.userId);
    const shared = await makeOpportunity(t.db, account.id, rep.userId, { marginMinor: 12_345 });
    const foreign = await makeOpportunity(t.db, account.id, rep.userId);
    const hidden = await makeOpportunity(t.db, account.id, rep.userId);
    await share(t.db, shared.id, org.id, 'view');
    await share(t.db, foreign.id, otherOrg.id, 'edit');
    const { caller } = callerFor(t.db, partner);
    const list = await caller.opportunity.list({ limit: 200 });
    expect(list.items.map((i) => i.id)).toEqual([shared.id]);
    expect(list.items[0]?.share).toBe('view');
    const detail = await caller.opportunity.byId({ id: shared.id });
    expect(detail.opportunity.marginMinor).toBeNull();
    expect(detail.permissions.update).toBe(false);
    for (const id of [foreign.id, hidden.id]) {
      expect((await failure(caller.opportunity.byId({ id }))).code).toBe('NOT_FOUND');
    }
    expect(
      (await failure(caller.opportunity.update({ id: shared.id, version: 1, data: { amountMinor: 1 } })))
        .code,
    ).toBe('FORBIDDEN');
    const accountView = await caller.account.byId({ id: account.id });
    expect(accountView.account.vatId).toBeNull();
    expect(accountView.opportunities.map((o) => o.id)).toEqual([shared.id]);
  });

  it('with an edit share changes only the co-editable fields', async () => {
    const { principal: rep } = await makeUser(t.db, { role: 'rep' });
    const org = await makePartnerOrg(t.db);
    const { principal: partner } = await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id });
    const account = await makeAccount(t.db, rep.userId);
    const deal = await makeOpportunity(t.db, account.id, rep.userId);
    await share(t.db, deal.id, org.id, 'edit');
    const { caller } = callerFor(t.db, partner);
    const updated = await caller.opportunity.update({
      id: deal.id,
      version: 1,
      data: { amountMinor: 777_00, description: 'Partner' },
    });
    expect(updated.amountMinor).toBe(777_00);
    expect(
      (await failure(caller.opportunity.update({ id: deal.id, version: 2, data: { name: 'Umbenannt' } })))
        .code,
    ).toBe('FORBIDDEN');
    expect((await failure(caller.opportunity.changeStage({ id: deal.id, stage: 'won' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(caller.account.create(validAccount))).code).toBe('FORBIDDEN');
  });
});
