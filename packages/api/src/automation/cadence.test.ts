/** Contact cadence: the overdue list with last contact, due date and target/actual over 90 days. */
import { activities } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../principal.ts';
import { callerFor, failure, makeAccount, makeOpportunity, makeUser } from '../testing/index.ts';
import { cadenceList } from './cadence.ts';

let t: TestDatabase;
let rep: UserPrincipal;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestDatabase();
  rep = (await makeUser(t.db, { role: 'rep' })).principal;
});
afterAll(async () => {
  await t?.destroy();
});

describe('contact cadence', () => {
  it('lists overdue visits and calls with target against actual', async () => {
    const now = new Date();
    const account = await makeAccount(t.db, rep.userId, { name: 'Kadenz GmbH' });
    const deal = await makeOpportunity(t.db, account.id, rep.userId);
    const caller = callerFor(t.db, rep).caller;
    await caller.automation.setCadence({ accountId: account.id, visitEveryDays: 30, callEveryDays: 7 });
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    // Visits 70 and 40 days ago (on the account and on its deal); a call 3 days ago.
    await t.db.insert(activities).values([
      {
        type: 'visit',
        subject: 'Besuch',
        accountId: account.id,
        ownerId: rep.userId,
        doneAt: at(70),
        createdAt: at(70),
      },
      {
        type: 'visit',
        subject: 'Besuch',
        opportunityId: deal.id,
        ownerId: rep.userId,
        doneAt: at(40),
        createdAt: at(40),
      },
      {
        type: 'call',
        subject: 'Anruf',
        accountId: account.id,
        ownerId: rep.userId,
        doneAt: at(3),
        createdAt: at(3),
      },
    ]);
    const overdue = await cadenceList(t.db, rep, { onlyOverdue: true, mine: true }, now);
    // Visit due 10 days ago (last 40 days ago + 30); the call is due in 4 days, so not listed.
    expect(overdue.map((r) => [r.accountName, r.kind, r.overdueDays, r.target, r.actual])).toEqual([
      ['Kadenz GmbH', 'visit', 10, 3, 2],
    ]);
    const all = await cadenceList(t.db, rep, { onlyOverdue: false, mine: true }, now);
    expect(all.find((r) => r.kind === 'call')).toMatchObject({
      everyDays: 7,
      overdueDays: 0,
      target: 12,
      actual: 1,
    });
    const bad = await failure(
      caller.automation.setCadence({ accountId: account.id, visitEveryDays: 0, callEveryDays: null }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    const partner = (await makeUser(t.db, { role: 'partner_member' })).principal;
    expect((await failure(callerFor(t.db, partner).caller.automation.cadence({}))).code).toBe('FORBIDDEN');
  });
});
