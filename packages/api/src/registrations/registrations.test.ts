import { auditLog, type Database, dealRegistrations, opportunities, opportunityShares } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerUser, UserPrincipal } from '../principal.ts';
import { withPrincipalDb } from '../rls.ts';
import { callerFor, makeAccount, makeOpportunity, makePartnerOrg, makeUser } from '../testing/index.ts';
import { expireRegistrations, type SubmitRegistrationInput } from './registrations.ts';

let t: TestDatabase;
let db: Database;
let manager: UserPrincipal;
let rep: UserPrincipal;
let partnerA: PartnerUser;
let partnerB: PartnerUser;

const code = (c: string) => (e: unknown) => e instanceof TRPCError && e.code === c;
const suffix = () => Math.random().toString(36).slice(2, 8);

function registration(overrides: Partial<SubmitRegistrationInput> = {}): SubmitRegistrationInput {
  return {
    companyName: `Firma ${suffix()} GmbH`,
    contactName: 'Anna Schäfer',
    contactEmail: `anna@${suffix()}.example`,
    estimatedAmountMinor: 4_500_000,
    products: 'CNC-Fräse FZ-200',
    expectedCloseDate: '2027-03-31',
    ...overrides,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  manager = (await makeUser(db, { role: 'manager' })).principal;
  rep = (await makeUser(db, { role: 'rep' })).principal;
  const [orgA, orgB] = await Promise.all([makePartnerOrg(db), makePartnerOrg(db)]);
  partnerA = (await makeUser(db, { role: 'partner_admin', partnerOrgId: orgA.id })).principal as PartnerUser;
  partnerB = (await makeUser(db, { role: 'partner_member', partnerOrgId: orgB.id })).principal as PartnerUser;
});
afterAll(async () => {
  await t?.destroy();
});

const as = (p: UserPrincipal) => callerFor(db, p).caller.registration;

describe('submitting a deal registration', () => {
  it('stores normalised keys, a 90-day expiry and an audit entry', async () => {
    const before = Date.now();
    const reg = await as(partnerA).submit(
      registration({
        companyName: 'Schmidt & Söhne GmbH & Co. KG',
        vatId: 'de 811 907 980',
        contactEmail: 'k.schmidt@Schmidt-Soehne.de',
      }),
    );
    expect(reg).toMatchObject({
      status: 'submitted',
      normalizedName: 'schmidt & soehne',
      vatId: 'DE811907980',
      domain: 'schmidt-soehne.de',
      partnerOrgId: partnerA.partnerOrgId,
    });
    const days = (reg.expiresAt.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, reg.id));
    expect(audit.map((a) => a.action)).toEqual(['create']);
    expect((await as(partnerA).mine()).map((r) => r.id)).toContain(reg.id);
  });

  it('validates the input and refuses staff', async () => {
    await expect(as(partnerA).submit(registration({ companyName: '', vatId: 'XX' }))).rejects.toSatisfy(
      code('BAD_REQUEST'),
    );
    await expect(as(manager).submit(registration())).rejects.toSatisfy(code('FORBIDDEN'));
    await expect(as(manager).mine()).rejects.toSatisfy(code('FORBIDDEN'));
  });

  it('keeps partners apart: by policy, and by RLS alone when the policy is bypassed', async () => {
    const reg = await as(partnerA).submit(registration());
    await expect(as(partnerB).byId({ id: reg.id })).rejects.toSatisfy(code('NOT_FOUND'));
    expect((await as(partnerB).mine()).map((r) => r.id)).not.toContain(reg.id);
    await expect(as(partnerB).candidates({ id: reg.id })).rejects.toSatisfy(code('FORBIDDEN'));
    await expect(as(partnerB).queue()).rejects.toSatisfy(code('FORBIDDEN'));
    // No WHERE at all: only row-level security stands between partner B and A's rows.
    const seenByB = await withPrincipalDb(db, partnerB, (scoped) =>
      scoped
        .select({ id: dealRegistrations.id, org: dealRegistrations.partnerOrgId })
        .from(dealRegistrations),
    );
    expect(seenByB.map((r) => r.id)).not.toContain(reg.id);
    expect(seenByB.every((r) => r.org === partnerB.partnerOrgId)).toBe(true);
    const seenByA = await withPrincipalDb(db, partnerA, (scoped) =>
      scoped.select({ id: dealRegistrations.id }).from(dealRegistrations),
    );
    expect(seenByA.map((r) => r.id)).toContain(reg.id);
    // Nor can B file a registration in A's name.
    await expect(
      withPrincipalDb(db, partnerB, (scoped) =>
        scoped.insert(dealRegistrations).values({
          partnerOrgId: partnerA.partnerOrgId,
          submittedBy: partnerB.userId,
          companyName: 'Untergeschoben GmbH',
          normalizedName: 'untergeschoben',
          contactName: 'X',
          contactEmail: 'x@example.com',
          estimatedAmountMinor: 1,
          products: 'X',
          expiresAt: new Date(),
        }),
      ),
    ).rejects.toThrow();
  });
});

describe('duplicate and conflict candidates', () => {
  it('finds accounts by VAT ID, by domain and by a similar name, their open deals and other partners’ registrations', async () => {
    const tag = suffix();
    const byVat = await makeAccount(db, rep.userId, { name: `Vat Holding ${tag} AG`, vatId: 'DE129273398' });
    const byDomain = await makeAccount(db, rep.userId, { name: `Domain ${tag} KG`, domain: `mm-${tag}.de` });
    const byName = await makeAccount(db, rep.userId, { name: `Müller Maschinenbau ${tag} GmbH` });
    const openDeal = await makeOpportunity(db, byName.id, rep.userId, { stage: 'proposal' });
    const wonDeal = await makeOpportunity(db, byName.id, rep.userId, { stage: 'won' });
    const other = await as(partnerB).submit(
      registration({ companyName: `Mueller Maschinenbau ${tag}`, contactEmail: `info@elsewhere-${tag}.de` }),
    );
    const reg = await as(partnerA).submit(
      registration({
        companyName: `Mueller Maschinenbau ${tag}`,
        vatId: 'DE129273398',
        contactEmail: `einkauf@mm-${tag}.de`,
      }),
    );
    const candidates = await as(manager).candidates({ id: reg.id });
    const find = (id: string) => candidates.find((c) => c.id === id);
    expect(find(byVat.id)).toMatchObject({ kind: 'account', reason: 'vat', score: 1, label: 'vat' });
    expect(find(byDomain.id)).toMatchObject({ kind: 'account', reason: 'domain' });
    expect(find(byName.id)).toMatchObject({ kind: 'account', reason: 'name' });
    expect(find(byName.id)!.score).toBeGreaterThan(0.9);
    expect(find(byName.id)!.label).toMatch(/^name ~[01]\.\d\d$/);
    expect(find(openDeal.id)).toMatchObject({ kind: 'opportunity', accountId: byName.id, reason: 'name' });
    expect(find(wonDeal.id)).toBeUndefined();
    expect(find(other.id)).toMatchObject({
      kind: 'registration',
      partnerOrgId: partnerB.partnerOrgId,
      reason: 'name',
      score: 1,
    });
    // Best first.
    const scores = candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(candidates[0]!.id).toBe(byVat.id);
    // Reps read the queue with candidate counts; the other partner's registration is there too.
    const queue = await as(rep).queue();
    expect(queue.find((q) => q.id === reg.id)?.candidateCount).toBe(candidates.length);
    expect(queue.find((q) => q.id === other.id)).toBeDefined();
    const created = queue.map((q) => q.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('does not report an unrelated company', async () => {
    const reg = await as(partnerA).submit(registration({ companyName: `Zzyzx Quantenoptik ${suffix()}` }));
    const candidates = await as(manager).candidates({ id: reg.id });
    expect(candidates.filter((c) => c.kind !== 'registration')).toEqual([]);
  });
});

describe('reviewing a registration', () => {
  it('approval creates account and qualified deal, shares it for edit, protects the partner; the partner sees the deal', async () => {
    const reg = await as(partnerA).submit(registration({ companyName: `Neukunde ${suffix()} GmbH` }));
    await expect(
      as(rep).approve({ id: reg.id, street: 'A 1', postalCode: '10115', city: 'Berlin', country: 'DE' }),
    ).rejects.toSatisfy(code('FORBIDDEN'));
    await expect(as(manager).approve({ id: reg.id })).rejects.toSatisfy(code('BAD_REQUEST'));
    const result = await as(manager).approve({
      id: reg.id,
      ownerId: rep.userId,
      street: 'Industriestraße 4',
      postalCode: '70173',
      city: 'Stuttgart',
      country: 'de',
    });
    expect(result.registration).toMatchObject({ status: 'approved', opportunityId: result.opportunityId });
    const days = (result.registration.protectedUntil!.getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const [deal] = await db.select().from(opportunities).where(eq(opportunities.id, result.opportunityId));
    expect(deal).toMatchObject({
      accountId: result.accountId,
      stage: 'qualified',
      ownerId: rep.userId,
      amountMinor: 4_500_000,
      expectedCloseDate: '2027-03-31',
      source: 'deal registration',
    });
    const shares = await db
      .select()
      .from(opportunityShares)
      .where(eq(opportunityShares.opportunityId, result.opportunityId));
    expect(shares.map((s) => [s.partnerOrgId, s.access])).toEqual([[partnerA.partnerOrgId, 'edit']]);
    const audit = await db
      .select({ action: auditLog.action, entity: auditLog.entity })
      .from(auditLog)
      .where(eq(auditLog.actorId, manager.userId));
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'create', entity: 'account' },
        { action: 'create', entity: 'opportunity' },
        { action: 'share', entity: 'opportunity' },
        { action: 'approve', entity: 'deal_registration' },
      ]),
    );
    const list = await callerFor(db, partnerA).caller.opportunity.list({});
    expect(list.items.map((d) => d.id)).toContain(result.opportunityId);
    const listB = await callerFor(db, partnerB).caller.opportunity.list({});
    expect(listB.items.map((d) => d.id)).not.toContain(result.opportunityId);
    expect((await as(partnerA).byId({ id: reg.id })).status).toBe('approved');
    // Reviewed once only.
    await expect(as(manager).reject({ id: reg.id, reason: 'zu spät' })).rejects.toSatisfy(code('CONFLICT'));
  });

  it('approval can link an existing account', async () => {
    const account = await makeAccount(db, rep.userId);
    const reg = await as(partnerA).submit(registration());
    const result = await as(manager).approve({ id: reg.id, accountId: account.id });
    expect(result.accountId).toBe(account.id);
  });

  it('rejection requires a reason, which the partner reads', async () => {
    const reg = await as(partnerA).submit(registration());
    await expect(as(manager).reject({ id: reg.id, reason: '  ' })).rejects.toSatisfy(code('BAD_REQUEST'));
    await expect(as(rep).reject({ id: reg.id, reason: 'nein' })).rejects.toSatisfy(code('FORBIDDEN'));
    await as(manager).reject({ id: reg.id, reason: 'Kunde wird bereits direkt betreut' });
    const mine = await as(partnerA).mine();
    expect(mine.find((r) => r.id === reg.id)).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Kunde wird bereits direkt betreut',
    });
  });
});

describe('expiry', () => {
  it('expires submitted and approved registrations past their date, and nothing else', async () => {
    const due = await as(partnerA).submit(registration());
    const approved = await as(partnerA).submit(registration());
    const rejected = await as(partnerA).submit(registration());
    const fresh = await as(partnerA).submit(registration());
    await as(manager).approve({
      id: approved.id,
      street: 'A 1',
      postalCode: '10115',
      city: 'Berlin',
      country: 'DE',
    });
    await as(manager).reject({ id: rejected.id, reason: 'Dublette' });
    const past = new Date(Date.now() - 1000);
    await db
      .update(dealRegistrations)
      .set({ expiresAt: past })
      .where(and(eq(dealRegistrations.partnerOrgId, partnerA.partnerOrgId)));
    await db
      .update(dealRegistrations)
      .set({ expiresAt: new Date(Date.now() + 86_400_000) })
      .where(eq(dealRegistrations.id, fresh.id));
    const expired = await expireRegistrations(db, new Date());
    expect(expired).toEqual(expect.arrayContaining([due.id, approved.id]));
    expect(expired).not.toContain(rejected.id);
    expect(expired).not.toContain(fresh.id);
    const status = async (id: string) =>
      (
        await db
          .select({ s: dealRegistrations.status })
          .from(dealRegistrations)
          .where(eq(dealRegistrations.id, id))
      )[0]!.s;
    expect(await status(due.id)).toBe('expired');
    expect(await status(approved.id)).toBe('expired');
    expect(await status(rejected.id)).toBe('rejected');
    expect(await status(fresh.id)).toBe('submitted');
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, approved.id), eq(auditLog.action, 'expire')));
    expect(audit).toMatchObject({ actorType: 'system', changes: { status: ['approved', 'expired'] } });
    expect(await expireRegistrations(db, new Date())).toEqual([]);
  });
});
