/**
 * The sales automation against a real SMTP server on loopback (smtp-server + mailparser) and the
 * real job runner on PGlite / PostgreSQL, with the runner's clock moved forward: the right
 * follow-up mails, once each, also when the runner is replaced midway; no mail once the
 * customer answered; the no-response close; won/lost with their side effects; default deals;
 * customer priority with history.
 */
import {
  accountPriorityHistory,
  activities,
  auditLog,
  documents,
  jobs,
  opportunities,
  orders,
  outboundMails,
  quotes,
} from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { registerMailDelivery } from '../mail/deliver.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp.ts';
import { createMailTransport } from '../mail/transport.ts';
import type { UserPrincipal } from '../principal.ts';
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
import { createDefaultDeals, recomputePriorities, registerAutomation } from './automation.ts';

let t: TestDatabase;
let smtp: TestSmtpServer;
let owner: UserPrincipal;
let manager: UserPrincipal;
let productId: string;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };
const DAY = 86_400_000;

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
  owner = (await makeUser(t.db, { role: 'rep', name: 'Jana Becker', locale: 'de' })).principal;
  manager = (await makeUser(t.db, { role: 'manager' })).principal;
  const product = await callerFor(t.db, manager).caller.product.create({
    sku: 'AUTO-1',
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
  await smtp?.close();
  await t?.destroy();
});
beforeEach(() => {
  smtp.accepted.length = 0;
});

/** A runner as the portal starts it: mail delivery over SMTP plus the automation, on a given clock. */
function startRunner(clock: () => Date, options: { mail?: boolean } = {}) {
  const runner = new JobRunner({ db: t.db, logger: quiet, clock, backoff: () => 60_000 });
  const transport = createMailTransport({
    smtpUrl: smtp.url,
    outboxDir: '/nonexistent',
    from: 'Konsort <vertrieb@konsort.example>',
  });
  if (options.mail !== false) registerMailDelivery(runner, t.db, transport);
  registerAutomation(runner, t.db, { sweepMs: 3_600_000 });
  return {
    runner,
    async drain() {
      // Jobs enqueue jobs (follow-up → mail): run until nothing is due.
      for (let i = 0; i < 10; i++) if ((await runner.drain()) === 0) break;
    },
    async stop() {
      await runner.stop();
      transport.close();
    },
  };
}

async function sentQuote(contactEmail: string | null = 'einkauf@kunde.example') {
  const account = await makeAccount(t.db, owner.userId);
  const contact = await makeContact(t.db, account.id, {
    firstName: 'Anna',
    lastName: 'Schäfer',
    email: contactEmail,
  });
  const deal = await makeOpportunity(t.db, account.id, owner.userId, { stage: 'proposal' });
  await t.db.insert(documents).values({ opportunityId: deal.id, title: 'Leistungsbeschreibung' });
  const rep = callerFor(t.db, owner).caller;
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
  return { account, contact, deal, quote: sent };
}

const mailsTo = (address: string) => smtp.accepted.filter((m) => m.envelopeTo.includes(address));

describe('offer follow-up', () => {
  it('sends each stage once, in the owner’s language, across a runner restart, then closes the deal as lost', async () => {
    const { deal, quote } = await sentQuote('folge@kunde.example');
    const start = quote.sentAt!.getTime();
    let now = start + 3 * DAY + 60_000;
    const clock = () => new Date(now);

    // Runner A only runs the automation: it writes the stage-1 mail, then "dies" before delivery.
    const a = startRunner(clock, { mail: false });
    await a.drain();
    await a.stop();
    expect(mailsTo('folge@kunde.example')).toHaveLength(0);
    const queued = await t.db.select().from(outboundMails).where(eq(outboundMails.status, 'queued'));
    expect(queued.filter((m) => m.dedupeKey.startsWith(`quote-followup:${quote.id}`))).toHaveLength(1);

    // Runner B delivers it; running again delivers nothing more.
    const b = startRunner(clock);
    await b.drain();
    await b.drain();
    expect(mailsTo('folge@kunde.example').map((m) => m.parsed.subject)).toEqual([
      `Ihr Angebot ${quote.number}`,
    ]);
    const first = mailsTo('folge@kunde.example')[0]!;
    expect(first.parsed.text).toContain('Guten Tag Anna Schäfer');
    expect(first.parsed.text).toContain('Jana Becker');
    await b.stop();

    // Day 10 and day 20, each by a fresh runner.
    for (const [day, subject] of [
      [10, `Rückfrage zu Angebot ${quote.number}`],
      [20, `Letzte Erinnerung: Angebot ${quote.number}`],
    ] as const) {
      now = start + day * DAY + 60_000;
      const r = startRunner(clock);
      await r.drain();
      await r.stop();
      expect(mailsTo('folge@kunde.example').at(-1)!.parsed.subject).toBe(subject);
    }
    expect(mailsTo('folge@kunde.example')).toHaveLength(3);
    const [stillOpen] = await t.db.select().from(opportunities).where(eq(opportunities.id, deal.id));
    expect(stillOpen!.stage).toBe('proposal');

    // 7 days after the last stage without an answer: lost, "no_response"; quotes and documents closed.
    now = start + 27 * DAY + 60_000;
    const c = startRunner(clock);
    await c.drain();
    await c.stop();
    const [lost] = await t.db.select().from(opportunities).where(eq(opportunities.id, deal.id));
    expect(lost).toMatchObject({ stage: 'lost', lostReason: 'no_response', probability: 0 });
    const [q] = await t.db.select().from(quotes).where(eq(quotes.id, quote.id));
    expect(q!.status).toBe('expired');
    const docs = await t.db.select().from(documents).where(eq(documents.opportunityId, deal.id));
    expect(docs.every((d) => d.archivedAt !== null)).toBe(true);
    expect(mailsTo('folge@kunde.example')).toHaveLength(3);
    const audit = await t.db
      .select({ actorType: auditLog.actorType })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entity, 'opportunity'),
          eq(auditLog.entityId, deal.id),
          eq(auditLog.action, 'change_stage'),
        ),
      );
    expect(audit).toEqual([{ actorType: 'system' }]);
  });

  it('stops when the customer answers (an inbound activity) or the quote is decided', async () => {
    const answered = await sentQuote('antwort@kunde.example');
    await t.db.insert(activities).values({
      type: 'email',
      subject: 'Re: Angebot',
      opportunityId: answered.deal.id,
      contactId: answered.contact.id,
      ownerId: owner.userId,
      createdAt: new Date(answered.quote.sentAt!.getTime() + 1000),
    });
    const decided = await sentQuote('entschieden@kunde.example');
    await callerFor(t.db, owner).caller.quote.reject({
      id: decided.quote.id,
      version: decided.quote.version,
    });
    const start = Math.min(answered.quote.sentAt!.getTime(), decided.quote.sentAt!.getTime());
    const r = startRunner(() => new Date(start + 40 * DAY));
    await r.drain();
    await r.stop();
    expect(mailsTo('antwort@kunde.example')).toHaveLength(0);
    expect(mailsTo('entschieden@kunde.example')).toHaveLength(0);
    for (const id of [answered.deal.id, decided.deal.id]) {
      const [d] = await t.db.select().from(opportunities).where(eq(opportunities.id, id));
      expect(d!.stage).toBe('proposal');
    }
  });
});

describe('won and lost', () => {
  it('a loss needs a reason from the configured list; lost expires open quotes and archives documents', async () => {
    const { deal, quote } = await sentQuote(null);
    const rep = callerFor(t.db, owner).caller;
    const missing = await failure(rep.automation.closeDeal({ opportunityId: deal.id, outcome: 'lost' }));
    expect(missing.code).toBe('BAD_REQUEST');
    expect(missing.message).toBe('errors.lossReasonRequired');
    const unknown = await failure(
      rep.automation.closeDeal({ opportunityId: deal.id, outcome: 'lost', lossReason: 'weather' }),
    );
    expect(unknown.code).toBe('BAD_REQUEST');
    const [untouched] = await t.db.select().from(opportunities).where(eq(opportunities.id, deal.id));
    expect(untouched!.stage).toBe('proposal');
    await rep.automation.closeDeal({ opportunityId: deal.id, outcome: 'lost', lossReason: 'price' });
    const [lost] = await t.db.select().from(opportunities).where(eq(opportunities.id, deal.id));
    expect(lost).toMatchObject({ stage: 'lost', lostReason: 'price' });
    const [q] = await t.db.select().from(quotes).where(eq(quotes.id, quote.id));
    expect(q!.status).toBe('expired');
    const docs = await t.db.select().from(documents).where(eq(documents.opportunityId, deal.id));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.archivedAt !== null)).toBe(true);
    // Another rep may not close it.
    const other = (await makeUser(t.db, { role: 'rep' })).principal;
    const second = await sentQuote(null);
    expect(
      (
        await failure(
          callerFor(t.db, other).caller.automation.closeDeal({
            opportunityId: second.deal.id,
            outcome: 'won',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });

  it('won: the sent quote is accepted and becomes the order carrying the deal history', async () => {
    const { deal, quote } = await sentQuote(null);
    const supplier = await makePartnerOrg(t.db, { kind: 'supplier' });
    await share(t.db, deal.id, supplier.id, 'view');
    const result = await callerFor(t.db, owner).caller.automation.closeDeal({
      opportunityId: deal.id,
      outcome: 'won',
    });
    expect(result.opportunity.stage).toBe('won');
    const [q] = await t.db.select().from(quotes).where(eq(quotes.id, quote.id));
    expect(q!.status).toBe('accepted');
    const [order] = await t.db.select().from(orders).where(eq(orders.id, q!.orderId!));
    expect(order).toMatchObject({ opportunityId: deal.id, partnerOrgId: supplier.id, totalMinor: 10_000 });
    const history = (order!.document as { dealHistory: { path: string; stages: { to: string }[] } })
      .dealHistory;
    expect(history.path).toBe(`/opportunities/${deal.id}`);
    expect(history.stages.at(-1)!.to).toBe('won');
  });

  it('the sweep applies the side effects to a deal lost before every path closed through closeDealInTx', async () => {
    const { deal, quote } = await sentQuote(null);
    // As an older release (or a hand-written SQL fix) left it: lost, side effects missing.
    await t.db
      .update(opportunities)
      .set({ stage: 'lost', lostReason: 'timing', closedAt: new Date() })
      .where(eq(opportunities.id, deal.id));
    const r = startRunner(() => new Date());
    await r.runner.drain();
    // The sweep is recurring; run it once by hand through its job kind.
    const { sweep } = await import('./automation.ts');
    await sweep(t.db, new Date());
    await r.stop();
    const [q] = await t.db.select().from(quotes).where(eq(quotes.id, quote.id));
    expect(q!.status).toBe('expired');
    const docs = await t.db.select().from(documents).where(eq(documents.opportunityId, deal.id));
    expect(docs.every((d) => d.archivedAt !== null)).toBe(true);
  });
});

describe('default deal and customer priority', () => {
  it('gives a new customer account one deal with the configured estimates, once', async () => {
    const account = await makeAccount(t.db, owner.userId, { type: 'customer', name: 'Neukunde Nord GmbH' });
    await createDefaultDeals(t.db, new Date('2026-11-25T10:00:00Z'));
    await createDefaultDeals(t.db, new Date('2026-11-25T10:01:00Z'));
    const deals = await t.db.select().from(opportunities).where(eq(opportunities.accountId, account.id));
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({
      name: 'Erstauftrag Neukunde Nord GmbH',
      amountMinor: 1_000_000,
      currency: 'EUR',
      probability: 20,
      expectedCloseDate: '2027-02-23',
      source: 'automation',
    });
    const prospect = await makeAccount(t.db, owner.userId, { type: 'prospect' });
    await createDefaultDeals(t.db, new Date());
    expect(
      await t.db.select().from(opportunities).where(eq(opportunities.accountId, prospect.id)),
    ).toHaveLength(0);
  });

  it('computes A/B/C from revenue, pipeline and the strategic flag, with a history of changes', async () => {
    const account = await makeAccount(t.db, owner.userId, { type: 'customer' });
    // Pipeline 3,000,000 × 100 % = 30,000.00 € ≥ B (25,000.00 €) but < A (200,000.00 €).
    await makeOpportunity(t.db, account.id, owner.userId, {
      amountMinor: 3_000_000,
      probability: 100,
      stage: 'negotiation',
    });
    await recomputePriorities(t.db, account.id);
    const m = callerFor(t.db, manager).caller;
    let p = await m.automation.priority({ accountId: account.id });
    expect(p.current!.priority).toBe('B');
    p = await m.automation.setStrategic({ accountId: account.id, strategic: true });
    expect(p.current!.priority).toBe('A');
    expect(p.history.map((h) => [h.fromPriority, h.toPriority])).toEqual([
      ['B', 'A'],
      [null, 'B'],
    ]);
    // Recomputing without a change writes no history.
    await recomputePriorities(t.db, account.id);
    const history = await t.db
      .select()
      .from(accountPriorityHistory)
      .where(eq(accountPriorityHistory.accountId, account.id));
    expect(history).toHaveLength(2);
    expect(
      (
        await failure(
          callerFor(t.db, owner).caller.automation.setStrategic({ accountId: account.id, strategic: false }),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });
});

it('left no job failed', async () => {
  const failed = await t.db.select().from(jobs).where(eq(jobs.status, 'failed'));
  expect(failed).toEqual([]);
});
