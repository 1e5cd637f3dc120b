import { describe, expect, it } from 'vitest';
import type {
  Invoice,
  OutboundDocument,
  PurchaseOrder,
  PurchaseOrderResponse,
  ShipmentNotice,
} from './documents.ts';
import { type EdifactOutboundProfile, generateDocuments, type X12OutboundProfile } from './outbound.ts';
import { codes } from './test-support.ts';
import { translate } from './translate.ts';

const now = new Date('2024-02-01T08:00:00Z');
const x12: X12OutboundProfile = {
  standard: 'x12',
  sender: { qualifier: 'ZZ', id: 'KONSORT' },
  receiver: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
  controlNumbers: { interchange: 1001, group: 55 },
  now,
};
const edifact: EdifactOutboundProfile = {
  standard: 'edifact',
  sender: { id: '4098765000003', qualifier: '14' },
  receiver: { id: '4012345000009', qualifier: '14' },
  controlNumbers: { interchange: 'KON0001001' },
  now,
};

const po: PurchaseOrder = {
  poNumber: 'KON-PO-2024-017',
  poDate: '2024-02-01',
  purpose: 'original',
  currency: 'EUR',
  buyer: {
    name: 'Konsort Vertrieb GmbH',
    id: '4098765000003',
    idQualifier: 'UL',
    address: { street: 'Am Sandtorkai 5', city: 'Hamburg', postalCode: '20457', country: 'DE' },
  },
  seller: { name: 'Schröder & Weiß Elektro GmbH', id: '4260123000004', idQualifier: 'UL' },
  references: [{ qualifier: 'CT', value: 'DEAL-2024-0101' }],
  lines: [
    {
      lineNumber: '1',
      quantity: '12',
      unit: 'EA',
      unitPrice: { decimal: '249.9', minor: 24990, scale: 2 },
      productIds: [
        { qualifier: 'EN', value: '4006381000017' },
        { qualifier: 'VP', value: 'SW-5521' },
      ],
      description: 'Schaltschrank 800×600',
    },
  ],
  totalLines: 1,
};

const response: PurchaseOrderResponse = {
  poNumber: '4500012345',
  poDate: '2024-01-15',
  responseNumber: 'AB-778812',
  responseDate: '2024-01-16',
  status: 'changed',
  currency: 'EUR',
  lines: [
    {
      lineNumber: '1',
      status: 'accepted',
      quantity: '48',
      unit: 'EA',
      unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
      productIds: [{ qualifier: 'BP', value: 'MG-100234' }],
    },
    {
      lineNumber: '2',
      status: 'changed',
      quantity: '8',
      unit: 'CA',
      productIds: [{ qualifier: 'BP', value: 'MG-100877' }],
    },
    { lineNumber: '3', status: 'rejected', quantity: '0', unit: 'KG', productIds: [] },
  ],
};

const shipment: ShipmentNotice = {
  shipmentId: 'LS-2024-000900',
  poNumber: '4500012345',
  shipDate: '2024-01-20',
  status: 'shipped',
  carrier: 'DB Schenker',
  trackingNumber: '00340434161094015902',
  shipTo: { name: 'Müller GmbH Zentrallager', id: '4012345000016', idQualifier: 'UL' },
  lines: [
    {
      lineNumber: '1',
      quantity: '48',
      unit: 'EA',
      productIds: [{ qualifier: 'BP', value: 'MG-100234' }],
      poLineNumber: '1',
    },
  ],
};

const invoice: Invoice = {
  invoiceNumber: 'RE-2024-02001',
  invoiceDate: '2024-01-31',
  poNumber: '4500012345',
  currency: 'EUR',
  lines: [
    {
      lineNumber: '1',
      quantity: '48',
      unit: 'EA',
      unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
      productIds: [{ qualifier: 'BP', value: 'MG-100234' }],
    },
  ],
  totalMinor: 71400,
};

const docs: OutboundDocument[] = [
  { kind: 'purchaseOrder', document: po },
  { kind: 'purchaseOrderResponse', document: response },
  { kind: 'shipmentNotice', document: shipment },
  { kind: 'invoice', document: invoice },
];

describe('generateDocuments', () => {
  it('writes one X12 interchange with a group per functional ID and reads every document back', () => {
    const r = generateDocuments(docs, x12);
    if (!r.ok) throw r.error;
    expect(r.text.match(/GS\*(\w\w)\*[^~]*\*(\d+)\*X\*004010~/g)?.map((g) => g.slice(3, 5))).toEqual([
      'PO',
      'PR',
      'SH',
      'IN',
    ]);
    expect(r.text).toContain('ST*850*0001~');
    expect(r.text).toContain('ST*810*0004~');
    expect(r.text).toContain('TDS*71400~');
    const back = translate(r.text);
    expect(codes(back.report)).toEqual([]);
    expect(back.documents.map((d) => ({ kind: d.kind, document: d.document }))).toEqual(docs);
  });

  it('writes one EDIFACT interchange with a message per document and reads every document back', () => {
    const r = generateDocuments(docs, { ...edifact, association: 'EAN008', messageVersion: 'D01B' });
    if (!r.ok) throw r.error;
    expect(r.text).toContain("UNH+1+ORDERS:D:01B:UN:EAN008'");
    expect(r.text).toContain("UNH+2+ORDRSP:D:01B:UN:EAN008'");
    expect(r.text).toContain("BGM+220+KON-PO-2024-017+9'");
    expect(r.text).toContain("NAD+SU+4260123000004::UL++Schröder & Weiß Elektro GmbH'");
    expect(r.text).toContain("MOA+77:714.00'");
    const back = translate(r.text);
    expect(codes(back.report)).toEqual([]);
    expect(back.documents.map((d) => ({ kind: d.kind, document: d.document }))).toEqual(docs);
  });

  it('writes a decimal comma when the UNA says so', () => {
    const r = generateDocuments([{ kind: 'purchaseOrder', document: po }], {
      ...edifact,
      delimiters: { decimal: ',' },
    });
    if (!r.ok) throw r.error;
    expect(r.text.startsWith("UNA:+,? '")).toBe(true);
    expect(r.text).toContain("PRI+AAA:249,9'");
    expect(translate(r.text).documents[0]?.document).toEqual(po);
  });

  it('refuses invalid documents and X12 data with delimiters', () => {
    const bad = generateDocuments(
      [{ kind: 'purchaseOrder', document: { ...po, poDate: '01.02.2024' } }],
      x12,
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_DOCUMENT' } });
    expect(!bad.ok && bad.error.message).toContain('poDate');
    const star = generateDocuments([{ kind: 'purchaseOrder', document: { ...po, poNumber: 'PO*1' } }], x12);
    expect(star).toMatchObject({
      ok: false,
      error: { code: 'DELIMITER_IN_DATA', segmentTag: 'BEG', elementPosition: 3 },
    });
    const escaped = generateDocuments(
      [{ kind: 'purchaseOrder', document: { ...po, poNumber: "PO*1+2:3'4?" } }],
      edifact,
    );
    expect(escaped.ok && escaped.text).toContain("BGM+220+PO*1?+2?:3?'4??+9'");
  });
});
