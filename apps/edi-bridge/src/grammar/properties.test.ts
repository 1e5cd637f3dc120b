import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAcknowledgement } from './ack.ts';
import type { DocumentParty, OrderLine, PurchaseOrder } from './documents.ts';
import { canonicalDecimal, currencyDigits, formatMinor, toMoney } from './money.ts';
import { generateDocuments } from './outbound.ts';
import { allErrors, fixture } from './test-support.ts';
import { translate } from './translate.ts';
import type { ValidationReport } from './types.ts';
import { validate } from './validate.ts';

const now = new Date('2024-03-01T09:00:00Z');

/** The invariant every report must keep, whatever the input. */
function checkReport(report: ValidationReport): void {
  const errors = allErrors(report);
  if (!report.valid) expect(errors.length).toBeGreaterThan(0);
  else expect(errors).toEqual([]);
  for (const e of errors) {
    expect(typeof e.code).toBe('string');
    expect(e.code.length).toBeGreaterThan(0);
    expect(e.message.length).toBeGreaterThan(5);
    expect(['interchange', 'group', 'message', 'segment', 'element']).toContain(e.level);
  }
  for (const ic of report.interchanges) {
    for (const g of ic.groups)
      for (const m of g.messages)
        if (m.status === 'rejected')
          expect(m.errors.length + g.errors.length + ic.errors.length).toBeGreaterThan(0);
  }
}

/** Runs the whole inbound pipeline; nothing may throw. */
function pipeline(input: Uint8Array | string): void {
  const report = validate(input);
  checkReport(report);
  const t = translate(input);
  for (const r of t.rejected) expect(r.errors.length).toBeGreaterThan(0);
  buildAcknowledgement(report, { standard: 'x12', controlNumbers: { interchange: 1, group: 1 }, now });
  buildAcknowledgement(report, { standard: 'edifact', controlNumbers: { interchange: 1 }, now });
}

// --- arbitraries ------------------------------------------------------------------------------

const SAFE = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüßéèçø0123456789 -./,&()'];
const EDIFACT_SPECIAL = [...SAFE, '+', ':', "'", '?', '*'];

const text = (chars: string[], max = 30) =>
  fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const isoDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2079-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const decimal = (maxScale: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: maxScale }))
    .map(([n, s]) => canonicalDecimal(formatMinor(n, s)) ?? '0');

function party(chars: string[]): fc.Arbitrary<DocumentParty> {
  return fc
    .record(
      {
        name: text(chars, 40),
        id: fc.stringMatching(/^\d{13}$/),
        idQualifier: fc.constantFrom('UL', '92', '9', 'ZZ'),
        street: text(chars),
        city: text(chars, 20),
        postalCode: fc.stringMatching(/^\d{5}$/),
        country: fc.constantFrom('DE', 'AT', 'CH', 'NL'),
      },
      { requiredKeys: [] },
    )
    .filter((p) => p.name !== undefined || p.id !== undefined)
    .map(({ street, city, postalCode, country, id, idQualifier, name }) => {
      const out: DocumentParty = {};
      if (name !== undefined) out.name = name;
      if (id !== undefined) {
        out.id = id;
        out.idQualifier = idQualifier ?? 'UL';
      }
      const address = Object.fromEntries(
        Object.entries({ street, city, postalCode, country }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(address).length > 0) out.address = address;
      return out;
    });
}

function purchaseOrder(chars: string[]): fc.Arbitrary<PurchaseOrder> {
  const currency = fc.option(fc.constantFrom('EUR', 'USD', 'CHF', 'JPY'), { nil: undefined });
  return currency.chain((cur) => {
    const line = fc.record(
      {
        quantity: decimal(3),
        unit: fc.constantFrom('EA', 'CA', 'KG', 'PCE', 'CT'),
        price: fc.option(decimal(4), { nil: undefined }),
        productIds: fc.array(
          fc.record({
            qualifier: fc.constantFrom('BP', 'VP', 'EN', 'UP', 'SA', 'IN'),
            value: text(chars, 20),
          }),
          { maxLength: 5 },
        ),
        description: fc.option(text(chars, 60), { nil: undefined }),
      },
      { requiredKeys: ['quantity', 'unit', 'productIds'] },
    );
    return fc
      .record({
        poNumber: text(chars, 20),
        poDate: isoDate,
        purpose: fc.constantFrom(
          'original',
          'cancellation',
          'change',
          'replace',
          'confirmation',
          'duplicate',
        ),
        requestedDeliveryDate: fc.option(isoDate, { nil: undefined }),
        buyer: fc.option(party(chars), { nil: undefined }),
        seller: fc.option(party(chars), { nil: undefined }),
        shipTo: fc.option(party(chars), { nil: undefined }),
        references: fc.array(
          fc.record({ qualifier: fc.constantFrom('CT', 'DP', 'VN', 'AAN'), value: text(chars, 25) }),
          { maxLength: 3 },
        ),
        lines: fc.array(line, { minLength: 1, maxLength: 6 }),
      })
      .map((r) => {
        const lines: OrderLine[] = r.lines.map((l, k) => {
          const out: OrderLine = {
            lineNumber: String(k + 1),
            quantity: l.quantity,
            unit: l.unit,
            productIds: l.productIds,
          };
          if (l.price !== undefined) {
            const m = toMoney(l.price, currencyDigits(cur));
            if (m) out.unitPrice = m;
          }
          if (l.description !== undefined) out.description = l.description;
          return out;
        });
        const po: PurchaseOrder = {
          poNumber: r.poNumber,
          poDate: r.poDate,
          purpose: r.purpose,
          references: r.references,
          lines,
          totalLines: lines.length,
        };
        if (cur) po.currency = cur;
        if (r.requestedDeliveryDate) po.requestedDeliveryDate = r.requestedDeliveryDate;
        if (r.buyer) po.buyer = r.buyer;
        if (r.seller) po.seller = r.seller;
        if (r.shipTo) po.shipTo = r.shipTo;
        return po;
      });
  });
}

/** Segment-shaped noise inside a real envelope, so the validator's deeper paths are exercised. */
const x12Noise = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'GS',
        'ST',
        'SE',
        'GE',
        'IEA',
        'BEG',
        'PO1',
        'N1',
        'CTT',
        'TA1',
        'REF',
        'X',
        'ZZZZ',
        '',
      ),
      fc.array(
        fc.oneof(
          fc.constantFrom('', '1', '0001', '850', '20240115', '1030', 'X', '004010', '4X'),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 8 },
      ),
    ),
    { maxLength: 25 },
  )
  .map(
    (segs) =>
      `ISA*00*          *00*          *ZZ*A              *ZZ*B              *240115*1030*U*00401*000000001*0*P*>~\n${segs
        .map(([t, els]) => [t, ...els].join('*'))
        .join('~\n')}~`,
  );

const edifactNoise = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'UNG',
        'UNE',
        'UNH',
        'UNT',
        'UNZ',
        'BGM',
        'DTM',
        'QTY',
        'LIN',
        'PRI',
        'NAD',
        'UNS',
        'CNT',
        'XX',
        '',
      ),
      fc.array(
        fc.oneof(
          fc.constantFrom('', '1', 'ORDERS:D:96A:UN', '220', '137:20240115:102', '21:4:PCE', 'R1'),
          fc.string({ maxLength: 6 }),
        ),
        {
          maxLength: 6,
        },
      ),
    ),
    { maxLength: 25 },
  )
  .map(
    (segs) =>
      `UNA:+.? 'UNB+UNOC:3+A:14+B:14+240115:1030+R1'${segs.map(([t, els]) => [t, ...els].join('+')).join("'")}'`,
  );

// --- properties -------------------------------------------------------------------------------

describe('properties', () => {
  it('(a) random bytes and strings never crash the validator; every reject has coded errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => pipeline(bytes)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => pipeline(s)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => pipeline(`ISA${s}`)),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => pipeline(`UNA:+.? '${s}`)),
      { numRuns: 100 },
    );
  });

  it('(a) segment-shaped noise inside real envelopes never crashes and is always explained', () => {
    fc.assert(
      fc.property(x12Noise, (s) => pipeline(s)),
      { numRuns: 250 },
    );
    fc.assert(
      fc.property(edifactNoise, (s) => pipeline(s)),
      { numRuns: 250 },
    );
  });

  it('(b) X12 850: generate → parse → translate returns the same purchase order', () => {
    const delimiters = fc.constantFrom(
      { element: '*', component: '>', repetition: '^', segment: '~' },
      { element: '|', component: '\\', repetition: '!', segment: '\n' },
      { element: '\x1d', component: '\x1f', repetition: '\x7f', segment: '\x15' },
    );
    fc.assert(
      fc.property(
        purchaseOrder(SAFE),
        delimiters,
        fc.constantFrom('004010' as const, '005010' as const),
        fc.boolean(),
        (po, d, version, lineBreak) => {
          const r = generateDocuments([{ kind: 'purchaseOrder', document: po }], {
            standard: 'x12',
            sender: { qualifier: 'ZZ', id: 'KONSORT' },
            receiver: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
            controlNumbers: { interchange: 1, group: 1 },
            version,
            delimiters: d,
            lineBreak: lineBreak && d.segment !== '\n',
            now,
          });
          if (!r.ok) throw r.error;
          const bytes = new TextEncoder().encode(r.text);
          const t = translate(bytes);
          expect(t.report.valid).toBe(true);
          expect(t.rejected).toEqual([]);
          expect(t.documents[0]?.document).toEqual(po);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("(b) EDIFACT ORDERS with + : ' ? * in the data: generate → parse → translate returns the same order", () => {
    const variants = fc.constantFrom(
      { syntax: { id: 'UNOC', version: 3 }, una: true, delimiters: {} },
      { syntax: { id: 'UNOC', version: 4 }, una: false, delimiters: {} },
      {
        syntax: { id: 'UNOC', version: 4 },
        una: true,
        delimiters: { element: '|', component: '^', release: '\\', segment: '~', decimal: ',' },
      },
    );
    fc.assert(
      fc.property(
        purchaseOrder(EDIFACT_SPECIAL),
        variants,
        fc.constantFrom('D96A', 'D01B'),
        fc.boolean(),
        (po, v, dir, cp1252) => {
          const r = generateDocuments([{ kind: 'purchaseOrder', document: po }], {
            standard: 'edifact',
            sender: { id: '4012345000009', qualifier: '14' },
            receiver: { id: '4098765000003', qualifier: '14' },
            controlNumbers: { interchange: 'ORD1' },
            messageVersion: dir,
            now,
            ...v,
          });
          if (!r.ok) throw r.error;
          // Umlauts survive both byte encodings partners use for UNOC.
          const bytes = cp1252
            ? Uint8Array.from([...r.text].map((c) => c.charCodeAt(0)))
            : new TextEncoder().encode(r.text);
          const t = translate(bytes);
          expect(t.report.valid).toBe(true);
          expect(t.rejected).toEqual([]);
          expect(t.documents[0]?.document).toEqual(po);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('(c) the X12 generator refuses any value containing a delimiter', () => {
    const d = { element: '*', component: '>', repetition: '^', segment: '~' };
    const field = fc.constantFrom('poNumber', 'buyerName', 'productId', 'description', 'reference');
    fc.assert(
      fc.property(
        purchaseOrder(SAFE),
        text(SAFE, 10),
        fc.constantFrom('*', '>', '^', '~', '\n', '\r'),
        field,
        (po, base, bad, where) => {
          const value = `${base}${bad}${base}`;
          const line = po.lines[0] as OrderLine;
          const doc: PurchaseOrder =
            where === 'poNumber'
              ? { ...po, poNumber: value }
              : where === 'buyerName'
                ? { ...po, buyer: { name: value } }
                : where === 'productId'
                  ? { ...po, lines: [{ ...line, productIds: [{ qualifier: 'BP', value }] }] }
                  : where === 'description'
                    ? { ...po, lines: [{ ...line, description: value }] }
                    : { ...po, references: [{ qualifier: 'CT', value }] };
          const r = generateDocuments([{ kind: 'purchaseOrder', document: doc }], {
            standard: 'x12',
            sender: { qualifier: 'ZZ', id: 'KONSORT' },
            receiver: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
            controlNumbers: { interchange: 1, group: 1 },
            version: '005010',
            delimiters: d,
            now,
          });
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.error.code).toBe('DELIMITER_IN_DATA');
            expect(r.error.value).toContain(bad);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(d) truncations, byte flips, deletions and insertions of valid fixtures never crash', () => {
    const files = [
      'x12/850-004010-valid.edi',
      'x12/856-004010-valid.edi',
      'x12/810-004010-valid.edi',
      'x12/mailbag-two-delimiter-sets.edi',
      'x12/850-wrapped-80-columns.edi',
      'x12/850-binary-delimiters.edi',
      'edifact/orders-d96a-valid.edi',
      'edifact/orders-d01b-syntax4-escapes-valid.edi',
      'edifact/invoic-d96a-valid.edi',
      'edifact/mailbag-two-una-delimiter-sets.edi',
      'edifact/orders-unoc-windows1252-umlauts.edi',
    ].map((f) => fixture(f));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 40 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
      }),
      fc.record({
        kind: fc.constant('duplicate' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 80 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (fileIndex, mutations) => {
          let bytes = files[fileIndex] as Uint8Array;
          for (const m of mutations) {
            const at = bytes.length === 0 ? 0 : m.at % bytes.length;
            switch (m.kind) {
              case 'truncate':
                bytes = bytes.slice(0, at);
                break;
              case 'flip':
                bytes = Uint8Array.from(bytes);
                if (bytes.length > 0) bytes[at] = m.byte;
                break;
              case 'delete':
                bytes = Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at + m.length)]);
                break;
              case 'insert':
                bytes = Uint8Array.from([...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)]);
                break;
              case 'duplicate':
                bytes = Uint8Array.from([...bytes.slice(0, at + m.length), ...bytes.slice(at)]);
                break;
            }
          }
          pipeline(bytes);
        },
      ),
      { numRuns: 400 },
    );
  });
});
