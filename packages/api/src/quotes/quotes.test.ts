/**
 * Quotes through the tRPC caller on PGlite and PostgreSQL: catalogue, configuration rules in
 * German and English, versions, the status flow, the order an accepted quote becomes, the PDF,
 * and that nothing is half-written when a save is rejected.
 */
import { auditLog, orderLines, orders, quoteLines, quoteVersions } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../i18n/messages.ts';
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
import { quotePdf } from './pdf.ts';

let t: TestDatabase;
let manager: UserPrincipal;
let owner: UserPrincipal;
let otherRep: UserPrincipal;
let partner: UserPrincipal;
let ids: { fraese: string; antrieb: string; bremse: string; service: string };

beforeAll(async () => {
  t = await createTestDatabase();
  manager = (await makeUser(t.db, { role: 'manager' })).principal;
  owner = (await makeUser(t.db, { role: 'rep' })).principal;
  otherRep = (await makeUser(t.db, { role: 'rep' })).principal;
  partner = (await makeUser(t.db, { role: 'partner_admin' })).principal;
  const m = callerFor(t.db, manager).caller;
  const fraese = await m.product.create({
    sku: 'FR-100',
    name: 'Fräse X',
    unit: 'Stk',
    listPriceMinor: 9900,
    currency: 'EUR',
    taxRateBp: 1900,
    active: true,
  });
  const antrieb = await m.product.create({
    sku: 'AN-1',
    name: 'Antrieb A',
    unit: 'Stk',
    listPriceMinor: 1999,
    currency: 'EUR',
    taxRateBp: 1900,
    active: true,
  });
  const bremse = await m.product.create({
    sku: 'BR-1',
    name: 'Bremse B',
    unit: 'Stk',
    listPriceMinor: 1001,
    currency: 'EUR',
    taxRateBp: 1900,
    active: true,
  });
  const service = await m.product.create({
    sku: 'DOC-7',
    name: 'Handbuch',
    unit: 'Stk',
    listPriceMinor: 1250,
    currency: 'EUR',
    taxRateBp: 700,
    active: true,
  });
  ids = { fraese: fraese.id, antrieb: antrieb.id, bremse: bremse.id, service: service.id };
  await m.product.createRule({
    kind: 'quantity_discount',
    productId: fraese.id,
    minQuantity: '10',
    discountBp: 500,
  });
  await m.product.createRule({ kind: 'requires', productId: antrieb.id, otherProductId: bremse.id });
});
afterAll(async () => {
  await t?.destroy();
});

async function dealWithQuote() {
  const account = await makeAccount(t.db, owner.userId);
  const contact = await makeContact(t.db, account.id, { email: 'einkauf@kunde.example' });
  const deal = await makeOpportunity(t.db, account.id, owner.userId, { stage: 'proposal' });
  const quote = await callerFor(t.db, owner).caller.quote.create({
    opportunityId: deal.id,
    contactId: contact.id,
    validUntil: '2026-12-31',
  });
  return { account, contact, deal, quote };
}

describe('product catalogue', () => {
  it('lets leaders maintain it, refuses a duplicate SKU in both languages, and reps only read', async () => {
    const m = callerFor(t.db, manager).caller;
    const dup = await failure(
      m.product.create({
        sku: 'fr-100',
        name: 'Doppelt',
        unit: 'Stk',
        listPriceMinor: 1,
        currency: 'EUR',
        taxRateBp: 1900,
        active: true,
      }),
    );
    expect(dup.code).toBe('CONFLICT');
    expect(translate('en', dup.message)).toBe('A product with this SKU exists already.');
    const deManager = { ...manager, locale: 'de' as const };
    const dupDe = await failure(
      callerFor(t.db, deManager).caller.product.create({
        sku: 'FR-100',
        name: 'Doppelt',
        unit: 'Stk',
        listPriceMinor: 1,
        currency: 'EUR',
        taxRateBp: 1900,
        active: true,
      }),
    );
    expect(translate('de', dupDe.message)).toBe('Ein Produkt mit dieser Artikelnummer gibt es schon.');
    const rep = callerFor(t.db, owner).caller;
    expect((await rep.product.list({})).map((p) => p.sku)).toEqual(
      expect.arrayContaining(['FR-100', 'AN-1']),
    );
    expect(
      (
        await failure(
          rep.product.update({
            id: ids.fraese,
            data: {
              sku: 'FR-100',
              name: 'X',
              unit: 'Stk',
              listPriceMinor: 1,
              currency: 'EUR',
              taxRateBp: 1900,
              active: true,
            },
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(callerFor(t.db, partner).caller.product.list({}))).code).toBe('FORBIDDEN');
  });
});

describe('quotes', () => {
  it('computes totals to the cent as hand-computed, with the quantity rule applied', async () => {
    const { quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    const saved = await rep.quote.save({
      id: quote.id,
      version: quote.version,
      discountBp: 250,
      lines: [
        { productId: ids.fraese, quantity: '12', discountBp: 500 }, // 12 × 99.00 −5 % −5 % (rule) = 1072.17
        { productId: ids.antrieb, quantity: '3' }, // 3 × 19.99 = 59.97
        { productId: ids.bremse, quantity: '2.5' }, // 2.5 × 10.01 = 25.025 → 25.03
        { productId: ids.service, quantity: '4' }, // 4 × 12.50 = 50.00 @ 7 %
        { description: 'Montage vor Ort', quantity: '1', unitPriceMinor: 0, taxRateBp: 1900 },
      ],
    });
    // 19 %: 1072.17 + 59.97 + 25.03 + 0 = 1157.17; −2.5 % = 28.929… → 28.93; base 1128.24; tax 214.3656 → 214.37
    //  7 %: 50.00; −2.5 % = 1.25; base 48.75; tax 3.4125 → 3.41
    expect(saved.totals.lines.map((l) => l.netMinor)).toEqual([107217, 5997, 2503, 5000, 0]);
    expect(saved.totals.taxes).toEqual([
      { rateBp: 1900, baseMinor: 112824, taxMinor: 21437 },
      { rateBp: 700, baseMinor: 4875, taxMinor: 341 },
    ]);
    expect(saved.totals).toMatchObject({
      netBeforeDiscountMinor: 120717,
      discountMinor: 3018,
      netMinor: 117699,
      taxMinor: 21778,
      grossMinor: 139477,
    });
    const detail = await rep.quote.byId({ id: quote.id });
    expect(detail.lines[0]).toMatchObject({
      sku: 'FR-100',
      description: 'Fräse X',
      ruleDiscountBp: 500,
      netMinor: 107217,
    });
    expect(detail.version.grossMinor).toBe(139477);
    expect(detail.editable).toBe(true);
  });

  it('rejects a save that breaks a rule, explains it in de and en, and writes nothing', async () => {
    const { quote } = await dealWithQuote();
    const [before] = await t.db.select().from(quoteVersions).where(eq(quoteVersions.quoteId, quote.id));
    const input = {
      id: quote.id,
      version: quote.version,
      discountBp: 0,
      lines: [{ productId: ids.antrieb, quantity: '1', discountBp: 0 }],
    };
    const en = await failure(callerFor(t.db, owner).caller.quote.save(input));
    expect(en.code).toBe('BAD_REQUEST');
    const cause = en.cause as unknown as {
      key: string;
      params: Record<string, number>;
      fields: { key: string; params: Record<string, string> }[];
    };
    expect(translate('en', cause.key, cause.params)).toBe('The quote breaks 1 configuration rule(s).');
    expect(translate('de', cause.key, cause.params)).toBe('Das Angebot verletzt 1 Konfigurationsregel(n).');
    expect(cause.fields).toEqual([
      {
        path: expect.stringMatching(/^rules\./),
        key: 'quote.ruleRequires',
        params: { product: 'Antrieb A', other: 'Bremse B' },
      },
    ]);
    expect(translate('de', cause.fields[0]!.key, cause.fields[0]!.params)).toBe(
      'Antrieb A erfordert Bremse B im selben Angebot.',
    );
    expect(translate('en', cause.fields[0]!.key, cause.fields[0]!.params)).toBe(
      'Antrieb A requires Bremse B on the same quote.',
    );
    const [after] = await t.db.select().from(quoteVersions).where(eq(quoteVersions.quoteId, quote.id));
    expect(after).toEqual(before);
    expect(await t.db.select().from(quoteLines).where(eq(quoteLines.versionId, before!.id))).toEqual([]);
    // With the required product it saves.
    await callerFor(t.db, owner).caller.quote.save({
      ...input,
      lines: [...input.lines, { productId: ids.bremse, quantity: '1', discountBp: 0 }],
    });
  });

  it('rejects free-text lines without price or tax rate, and a contact of another account', async () => {
    const { quote } = await dealWithQuote();
    const e = await failure(
      callerFor(t.db, owner).caller.quote.save({
        id: quote.id,
        version: quote.version,
        discountBp: 0,
        lines: [{ description: 'Frei', quantity: '1', discountBp: 0 }],
      }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    const other = await dealWithQuote();
    const wrong = await failure(
      callerFor(t.db, owner).caller.quote.save({
        id: quote.id,
        version: quote.version,
        contactId: other.contact.id,
        discountBp: 0,
        lines: [],
      }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    const bad = await failure(
      callerFor(t.db, owner).caller.quote.save({
        id: quote.id,
        version: quote.version,
        discountBp: 0,
        lines: [{ productId: ids.fraese, quantity: '1.2345', discountBp: 0 }],
      }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it('versions: a new version copies the lines, the old one stays read-only as it was', async () => {
    const { quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    const v1 = await rep.quote.save({
      id: quote.id,
      version: quote.version,
      discountBp: 0,
      lines: [{ productId: ids.fraese, quantity: '2', discountBp: 0 }],
    });
    const sent = await rep.quote.send({ id: quote.id, version: v1.quote.version });
    expect(sent.status).toBe('sent');
    // Sent: the content is frozen.
    expect(
      (await failure(rep.quote.save({ id: quote.id, version: sent.version, discountBp: 0, lines: [] }))).code,
    ).toBe('CONFLICT');
    const v2 = await rep.quote.newVersion({ id: quote.id, version: sent.version });
    expect(v2).toMatchObject({ currentVersion: 2, status: 'draft' });
    const copy = await rep.quote.byId({ id: quote.id });
    expect(copy.lines.map((l) => [l.sku, l.quantity, l.netMinor])).toEqual([['FR-100', '2.000', 19800]]);
    await rep.quote.save({
      id: quote.id,
      version: v2.version,
      discountBp: 1000,
      lines: [{ productId: ids.fraese, quantity: '3', discountBp: 0 }],
    });
    const old = await rep.quote.byId({ id: quote.id, versionNumber: 1 });
    expect(old.editable).toBe(false);
    expect(old.lines.map((l) => l.netMinor)).toEqual([19800]);
    expect(old.version.netMinor).toBe(19800);
    const current = await rep.quote.byId({ id: quote.id });
    expect(current.version.netMinor).toBe(26730); // 3 × 99.00 = 297.00 − 10 % = 267.30
    expect(current.versions.map((v) => v.versionNumber)).toEqual([1, 2]);
  });

  it('stale versions conflict; other reps and partners may not write; partners see no quotes', async () => {
    const { deal, quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    await rep.quote.save({ id: quote.id, version: quote.version, discountBp: 0, lines: [] });
    expect(
      (await failure(rep.quote.save({ id: quote.id, version: quote.version, discountBp: 0, lines: [] })))
        .code,
    ).toBe('CONFLICT');
    expect(
      (
        await failure(
          callerFor(t.db, otherRep).caller.quote.save({
            id: quote.id,
            version: quote.version + 1,
            discountBp: 0,
            lines: [],
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    await share(t.db, deal.id, partner.kind === 'partner' ? partner.partnerOrgId : '', 'edit');
    expect(
      (await failure(callerFor(t.db, partner).caller.quote.forOpportunity({ opportunityId: deal.id }))).code,
    ).toBe('FORBIDDEN');
    expect((await failure(callerFor(t.db, partner).caller.quote.byId({ id: quote.id }))).code).toBe(
      'FORBIDDEN',
    );
    // The manager may.
    const list = await callerFor(t.db, otherRep).caller.quote.forOpportunity({ opportunityId: deal.id });
    expect(list.mayEdit).toBe(false);
    expect(list.quotes).toHaveLength(1);
  });

  it('an accepted quote becomes an outbound order to the supplier, linked to the deal, with its lines', async () => {
    const { deal, account, quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    const saved = await rep.quote.save({
      id: quote.id,
      version: quote.version,
      discountBp: 0,
      lines: [
        { productId: ids.fraese, quantity: '10', discountBp: 0 }, // 990.00 −5 % = 940.50
        { productId: ids.service, quantity: '1', discountBp: 0 }, // 12.50 @ 7 %
      ],
    });
    const sent = await rep.quote.send({ id: quote.id, version: saved.quote.version });
    // No supplier on the quote and none shared: the user is told to choose one, nothing changes.
    const noSupplier = await failure(rep.quote.accept({ id: quote.id, version: sent.version }));
    expect(noSupplier.code).toBe('CONFLICT');
    expect(noSupplier.message).toBe('errors.quoteNoSupplier');
    const supplier = await makePartnerOrg(t.db, { kind: 'supplier' });
    await share(t.db, deal.id, supplier.id, 'view');
    const accepted = await rep.quote.accept({ id: quote.id, version: sent.version });
    expect(accepted.status).toBe('accepted');
    const [order] = await t.db.select().from(orders).where(eq(orders.id, accepted.orderId!));
    expect(order).toMatchObject({
      direction: 'outbound',
      partnerOrgId: supplier.id,
      opportunityId: deal.id,
      accountId: account.id,
      poNumber: `${quote.number}-V1`,
      currency: 'EUR',
      totalMinor: 95300,
      status: 'accepted',
    });
    expect(order!.document).toMatchObject({
      source: 'quote',
      quoteId: quote.id,
      grossMinor: 95300 + 17870 + 88,
    });
    const lines = await t.db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, order!.id))
      .orderBy(asc(orderLines.id));
    expect(lines.map((l) => [l.lineNumber, l.productId, l.quantity, l.lineTotalMinor])).toEqual([
      ['1', 'FR-100', '10.0000', 94050],
      ['2', 'DOC-7', '1.0000', 1250],
    ]);
    // The deal's order list shows it; accepting twice is refused.
    const dealOrders = await rep.order.forOpportunity({ opportunityId: deal.id });
    expect(dealOrders.orders.map((o) => o.poNumber)).toEqual([`${quote.number}-V1`]);
    expect((await failure(rep.quote.accept({ id: quote.id, version: accepted.version }))).code).toBe(
      'CONFLICT',
    );
    const audit = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'quote'), eq(auditLog.entityId, quote.id)))
      .orderBy(asc(auditLog.id));
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'send', 'accept']);
  });

  it('rejected and expired quotes are final; an empty draft cannot be sent', async () => {
    const { quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    expect((await failure(rep.quote.send({ id: quote.id, version: quote.version }))).code).toBe('CONFLICT');
    const s = await rep.quote.save({
      id: quote.id,
      version: quote.version,
      discountBp: 0,
      lines: [{ productId: ids.service, quantity: '1', discountBp: 0 }],
    });
    const sent = await rep.quote.send({ id: quote.id, version: s.quote.version });
    const rejected = await rep.quote.reject({ id: quote.id, version: sent.version });
    expect(rejected.status).toBe('rejected');
    expect((await failure(rep.quote.newVersion({ id: quote.id, version: rejected.version }))).code).toBe(
      'CONFLICT',
    );
    expect((await failure(rep.quote.expire({ id: quote.id, version: rejected.version }))).code).toBe(
      'CONFLICT',
    );
  });

  it('renders a PDF with letterhead, number, lines and totals in the chosen language', async () => {
    const { quote } = await dealWithQuote();
    const rep = callerFor(t.db, owner).caller;
    await rep.quote.save({
      id: quote.id,
      version: quote.version,
      discountBp: 0,
      lines: [{ productId: ids.fraese, quantity: '12', discountBp: 0 }], // 1188.00 −5 % = 1128.60
    });
    const { buffer } = await quotePdf(t.db, owner, quote.id, { locale: 'de', compress: false });
    expect(buffer.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(buffer);
    expect(text).toContain('Konsort Demo GmbH');
    expect(text).toContain(`Angebot ${quote.number}`);
    expect(text).toContain('Fräse X');
    expect(text).toContain('1.128,60 €');
    expect(text).toContain('USt. 19 % auf 1.128,60 €');
    expect(text).toContain('1.343,03 €'); // 1128.60 + 214.434 → 214.43
    const api = await rep.quote.pdf({ id: quote.id });
    expect(api.fileName).toBe(`${quote.number}-v1.pdf`);
    expect(Buffer.from(api.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
});

/** The text of an uncompressed pdfkit PDF: hex strings of TJ arrays, decoded as WinAnsi. */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of source.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    const hex = [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
    // Node's small-ICU TextDecoder reads windows-1252 as Latin-1: map 0x80–0x9F ourselves.
    const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    out.push(
      [...Buffer.from(hex, 'hex')]
        .map((b) => (b >= 0x80 && b <= 0x9f ? high[b - 0x80] : String.fromCharCode(b)))
        .join('')
        .replace(/\u00a0/g, ' '),
    );
  }
  return out.join('\n');
}
