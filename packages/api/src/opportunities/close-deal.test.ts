/**
 * Every path that closes a deal goes through `closeDealInTx`: a loss needs a reason from the
 * configured list (refused in the caller's language, nothing written), and won/lost carry their
 * side effects exactly once (quotes, order, documents, stage history, audit). PGlite and
 * PostgreSQL (KONSORT_TEST_DRIVER=postgres).
 */
import {
  auditLog,
  documents,
  opportunities,
  opportunityStageHistory,
  orders,
  quotes,
  type Transaction,
} from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../principal.ts';
import { appRouter } from '../root.ts';
import {
  callerFor,
  failure,
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '../testing/index.ts';
import { closeDealInTx } from './close-deal.ts';

let t: TestDatabase;
let owner: UserPrincipal;
let ownerEn: UserPrincipal;
let manager: UserPrincipal;
let productId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  owner = (await makeUser(t.db, { role: 'rep', locale: 'de' })).principal;
  ownerEn = (await makeUser(t.db, { role: 'rep', locale: 'en' })).principal;
  manager = (await makeUser(t.db, { role: 'manager' })).principal;
  const product = await callerFor(t.db, manager).caller.product.create({
    sku: 'CLOSE-1',
    name: 'Fräse',
    unit: 'Stk',
    listPriceMinor: 10_000,
    currency: 'EUR',
    taxRateBp: 1900,
    active: true,
  });
  productId = product.id;
});
afterAll(async () => {
  await t?.destroy();
});

/** A deal in negotiation with a sent quote, a draft quote and a document. */
async function openDeal(principal: UserPrincipal = owner) {
  const account = await makeAccount(t.db, principal.userId);
  const contact = await makeContact(t.db, account.id, { firstName: 'Anna', lastName: 'Schäfer' });
  const deal = await makeOpportunity(t.db, account.id, principal.userId, { stage: 'negotiation' });
  await t.db.insert(documents).values({ opportunityId: deal.id, title: 'Leistungsbeschreibung' });
  const rep = callerFor(t.db, principal).caller;
  const quote = await rep.quote.create({
    opportunityId: deal.id,
    contactId: contact.id,
    validUntil: '2027-01-31',
  });
  const saved = await rep.quote.save({
    id: quote.id,
    version: quote.version,
    discountBp: 0,
    lines: [{ productId, quantity: '1' }],
  });
  const sent = await rep.quote.send({ id: quote.id, version: saved.quote.version });
  const draft = await rep.quote.create({ opportunityId: deal.id, contactId: contact.id });
  return { deal, sent, draft };
}

/** Everything a close writes, to compare before and after a refused attempt. */
async function snapshot(dealId: string) {
  const [deal] = await t.db.select().from(opportunities).where(eq(opportunities.id, dealId));
  return {
    deal,
    quotes: await t.db
      .select({ id: quotes.id, status: quotes.status, version: quotes.version })
      .from(quotes)
      .where(eq(quotes.opportunityId, dealId))
      .orderBy(quotes.id),
    documents: await t.db
      .select({ id: documents.id, archivedAt: documents.archivedAt })
      .from(documents)
      .where(eq(documents.opportunityId, dealId)),
    history: await t.db
      .select({ to: opportunityStageHistory.toStage })
      .from(opportunityStageHistory)
      .where(eq(opportunityStageHistory.opportunityId, dealId)),
    audits: (
      await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(auditLog)
        .where(sql`${auditLog.entityId} = ${dealId} or ${auditLog.entity} in ('quote', 'document', 'order')`)
    )[0]!.n,
  };
}

/** The call over the tRPC HTTP handler, so the error is formatted as a client receives it. */
async function changeStageOverHttp(principal: UserPrincipal, input: Record<string, unknown>) {
  const { ctx } = callerFor(t.db, principal);
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    router: appRouter,
    req: new Request('http://konsort.test/trpc/opportunity.changeStage', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ json: input }),
    }),
    createContext: () => ctx,
  });
  const body = (await response.json()) as {
    error: { json: { message: string; data: { code: string; fieldErrors: Record<string, string> } } };
  };
  return { status: response.status, error: body.error.json };
}

const changeStageAudits = (dealId: string) =>
  t.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entity, 'opportunity'),
        eq(auditLog.entityId, dealId),
        eq(auditLog.action, 'change_stage'),
      ),
    );

describe('lost through the stage change (board, stage form, opportunity.changeStage)', () => {
  it('refuses a missing or unlisted reason in the caller’s language and writes nothing', async () => {
    const { deal } = await openDeal();
    const { deal: english } = await openDeal(ownerEn);
    const before = await snapshot(deal.id);
    const missing = await changeStageOverHttp(owner, { id: deal.id, stage: 'lost' });
    expect(missing.status).toBe(400);
    expect(missing.error.message).toBe('Bitte einen Verlustgrund aus der Liste wählen.');
    expect(missing.error.data.fieldErrors).toEqual({
      lostReason: 'Bitte einen Verlustgrund aus der Liste wählen.',
    });
    // Free text, as the old form took it, is not a listed reason.
    const freeText = await changeStageOverHttp(owner, { id: deal.id, stage: 'lost', lostReason: 'zu teuer' });
    expect(freeText.status).toBe(400);
    expect(freeText.error.data.fieldErrors.lostReason).toBe('Bitte einen Verlustgrund aus der Liste wählen.');

    const unknown = await changeStageOverHttp(ownerEn, {
      id: english.id,
      stage: 'lost',
      lostReason: 'weather',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.error.message).toBe('Choose a loss reason from the list.');

    expect(await snapshot(deal.id)).toEqual(before);
  });

  it('closes with a listed reason: quotes expired, documents archived, history and audit once', async () => {
    const { deal, sent, draft } = await openDeal();
    const rep = callerFor(t.db, owner).caller;
    const lost = await rep.opportunity.changeStage({ id: deal.id, stage: 'lost', lostReason: 'competitor' });
    expect(lost).toMatchObject({ stage: 'lost', lostReason: 'competitor', probability: 0 });
    expect(lost.closedAt).toBeInstanceOf(Date);
    // The same move again (a double drop, a reload) changes nothing.
    await rep.opportunity.changeStage({ id: deal.id, stage: 'lost', lostReason: 'price' });

    const after = await snapshot(deal.id);
    expect(after.deal).toMatchObject({ stage: 'lost', lostReason: 'competitor', version: deal.version + 1 });
    expect(after.quotes.map((q) => [q.id, q.status]).sort()).toEqual(
      [
        [sent.id, 'expired'],
        [draft.id, 'expired'],
      ].sort(),
    );
    expect(after.documents.every((d) => d.archivedAt !== null)).toBe(true);
    expect(after.history.filter((h) => h.to === 'lost')).toHaveLength(1);
    const audits = await changeStageAudits(deal.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.changes).toMatchObject({
      stage: ['negotiation', 'lost'],
      lostReason: [null, 'competitor'],
      probability: [deal.probability, 0],
    });
    const expiries = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'quote'), eq(auditLog.entityId, sent.id)));
    expect(expiries.filter((a) => JSON.stringify(a.changes).includes('expired'))).toHaveLength(1);
  });

  it('takes the reasons from the configured list', async () => {
    const admin = (await makeUser(t.db, { role: 'admin' })).principal;
    const settings = callerFor(t.db, admin).caller.automation;
    const original = (await settings.settings()).lossReasons;
    await settings.updateSetting({
      key: 'lossReasons',
      value: [
        { key: 'tender_lost', label: { de: 'Ausschreibung verloren', en: 'Tender lost' } },
        { key: 'no_response', label: { de: 'Keine Rückmeldung', en: 'No response' } },
      ],
    });
    try {
      const rep = callerFor(t.db, owner).caller;
      const { deal } = await openDeal();
      const removed = await failure(
        rep.opportunity.changeStage({ id: deal.id, stage: 'lost', lostReason: 'price' }),
      );
      expect(removed.code).toBe('BAD_REQUEST');
      const lost = await rep.opportunity.changeStage({
        id: deal.id,
        stage: 'lost',
        lostReason: 'tender_lost',
      });
      expect(lost.lostReason).toBe('tender_lost');
    } finally {
      await settings.updateSetting({ key: 'lossReasons', value: original });
    }
  });

  it('a side effect that fails leaves nothing half-written', async () => {
    const { deal } = await openDeal();
    const before = await snapshot(deal.id);
    // A real failure inside the transaction, after the deal row and its audit were written.
    await t.db.execute(
      sql.raw(`create function close_test_fail() returns trigger language plpgsql as $$
      begin raise exception 'archive refused'; end $$`),
    );
    await t.db.execute(
      sql.raw(`create trigger close_test_fail before update on documents for each row
        when (new.opportunity_id = '${deal.id}') execute function close_test_fail()`),
    );
    try {
      const err = await failure(
        callerFor(t.db, owner).caller.opportunity.changeStage({
          id: deal.id,
          stage: 'lost',
          lostReason: 'price',
        }),
      );
      expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.db.execute(sql.raw('drop trigger close_test_fail on documents'));
      await t.db.execute(sql.raw('drop function close_test_fail()'));
    }
    expect(await snapshot(deal.id)).toEqual(before);
  });
});

describe('won through the stage change', () => {
  it('accepts the sent quote into the order once; won → lost needs a reopening first', async () => {
    const { deal, sent } = await openDeal();
    const supplier = await makePartnerOrg(t.db, { kind: 'supplier' });
    await share(t.db, deal.id, supplier.id, 'view');
    const rep = callerFor(t.db, owner).caller;
    const won = await rep.opportunity.changeStage({ id: deal.id, stage: 'won' });
    expect(won).toMatchObject({ stage: 'won', probability: 100, lostReason: null });
    await rep.opportunity.changeStage({ id: deal.id, stage: 'won' });
    const [quote] = await t.db.select().from(quotes).where(eq(quotes.id, sent.id));
    expect(quote!.status).toBe('accepted');
    const dealOrders = await t.db.select().from(orders).where(eq(orders.opportunityId, deal.id));
    expect(dealOrders).toHaveLength(1);
    expect(dealOrders[0]!.id).toBe(quote!.orderId);
    expect(await changeStageAudits(deal.id)).toHaveLength(1);

    const before = await snapshot(deal.id);
    const switched = await failure(
      rep.opportunity.changeStage({ id: deal.id, stage: 'lost', lostReason: 'price' }),
    );
    expect(switched.code).toBe('CONFLICT');
    expect(await snapshot(deal.id)).toEqual(before);
  });

  it('automation.closeDeal and the stage change are the same close', async () => {
    const { deal } = await openDeal();
    const rep = callerFor(t.db, owner).caller;
    const missing = await failure(rep.automation.closeDeal({ opportunityId: deal.id, outcome: 'lost' }));
    expect(missing.code).toBe('BAD_REQUEST');
    await rep.automation.closeDeal({ opportunityId: deal.id, outcome: 'lost', lossReason: 'timing' });
    // Already lost: the stage change is a no-op, not a second close.
    await rep.opportunity.changeStage({ id: deal.id, stage: 'lost', lostReason: 'timing' });
    expect(await changeStageAudits(deal.id)).toHaveLength(1);
  });

  it('closeDealInTx itself refuses a loss without a listed reason (the no-response job passes one)', async () => {
    const { deal } = await openDeal();
    const err = await t.db
      .transaction((tx: Transaction) => closeDealInTx(tx, owner, deal.id, 'lost', null))
      .then(
        () => null,
        (e: unknown) => e as { key: string },
      );
    expect(err?.key).toBe('errors.lossReasonRequired');
    const done = await t.db.transaction((tx: Transaction) =>
      closeDealInTx(tx, owner, deal.id, 'lost', 'no_response'),
    );
    expect(done.opportunity).toMatchObject({ stage: 'lost', lostReason: 'no_response' });
  });
});
