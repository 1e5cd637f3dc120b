import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support.ts';
import { translate } from '../translate.ts';

function only(file: string) {
  const r = translate(fixture(file));
  expect(r.rejected).toEqual([]);
  expect(r.documents).toHaveLength(1);
  const doc = r.documents[0];
  if (!doc) throw new Error('no document');
  return doc;
}

describe('EDIFACT documents', () => {
  it('maps ORDERS D96A to a PurchaseOrder', () => {
    const doc = only('edifact/orders-d96a-valid.edi');
    expect(doc.source).toMatchObject({
      standard: 'edifact',
      interchangeControlNumber: 'ORD0000123',
      messageType: 'ORDERS',
      messageVersion: 'D96A',
    });
    expect(doc.document).toEqual({
      poNumber: '4500012345',
      poDate: '2024-01-15',
      purpose: 'original',
      currency: 'EUR',
      requestedDeliveryDate: '2024-02-01',
      buyer: {
        id: '4012345000009',
        idQualifier: '9',
        name: 'Müller GmbH',
        address: { street: 'Hohe Straße 12', city: 'Köln', postalCode: '50667', country: 'DE' },
      },
      seller: {
        id: '4098765000003',
        idQualifier: '9',
        name: 'Konsort Vertrieb GmbH',
        address: { street: 'Am Sandtorkai 5', city: 'Hamburg', postalCode: '20457', country: 'DE' },
      },
      shipTo: {
        id: '4012345000016',
        idQualifier: '9',
        name: 'Müller GmbH Zentrallager',
        address: { street: 'Industriestraße 7', city: 'Köln', postalCode: '50996', country: 'DE' },
      },
      references: [{ qualifier: 'CT', value: 'DEAL-2024-0042' }],
      lines: [
        {
          lineNumber: '1',
          quantity: '48',
          unit: 'PCE',
          unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
          productIds: [
            { qualifier: 'EN', value: '4006381000017' },
            { qualifier: 'BP', value: 'MG-100234' },
            { qualifier: 'SA', value: 'KV-8812' },
          ],
          description: 'Schraube M8x40 verzinkt, 100 Stk.',
        },
        {
          lineNumber: '2',
          quantity: '10',
          unit: 'CT',
          unitPrice: { decimal: '89.9', minor: 8990, scale: 2 },
          productIds: [
            { qualifier: 'EN', value: '4006381000024' },
            { qualifier: 'BP', value: 'MG-100877' },
            { qualifier: 'SA', value: 'KV-2201' },
          ],
          description: 'Kabelbinder schwarz 200mm',
        },
      ],
      totalLines: 2,
    });
  });

  it('maps ORDERS D01B (syntax 4) with escaped service characters', () => {
    const doc = only('edifact/orders-d01b-syntax4-escapes-valid.edi');
    expect(doc.source.messageVersion).toBe('D01B');
    expect(doc.document).toMatchObject({
      poNumber: '4500012399',
      poDate: '2024-03-12',
      buyer: { name: 'Meier + Söhne KG', address: { city: 'München' } },
      references: [{ qualifier: 'CT', value: 'DEAL-2024-0057' }],
      lines: [
        {
          quantity: '100',
          unit: 'PCE',
          unitPrice: { decimal: '0.45', minor: 45, scale: 2 },
          productIds: [
            { qualifier: 'EN', value: '4006381000031' },
            { qualifier: 'BP', value: 'MS-4711:A' },
          ],
          description: "Unterlegscheibe Ø 8:4 mm, Größe 10*20, O'Brien",
        },
      ],
    });
  });

  it('maps EANCOM ORDERS (EAN008) with GTINs (SRV) and parties by GLN only', () => {
    const doc = only('edifact/orders-eancom-d96a-ean008-valid.edi');
    expect(doc.document).toEqual({
      poNumber: 'PO-77881',
      poDate: '2024-02-20',
      purpose: 'original',
      currency: 'EUR',
      requestedDeliveryDate: '2024-02-27',
      buyer: { id: '4012345000009', idQualifier: '9' },
      seller: { id: '4098765000003', idQualifier: '9' },
      shipTo: { id: '4012345000016', idQualifier: '9' },
      references: [],
      lines: [
        {
          lineNumber: '1',
          quantity: '24',
          unit: '',
          unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
          productIds: [{ qualifier: 'SRV', value: '4006381000017' }],
        },
        {
          lineNumber: '2',
          quantity: '6',
          unit: '',
          productIds: [
            { qualifier: 'SRV', value: '4006381000048' },
            { qualifier: 'SA', value: 'KV-5520' },
          ],
        },
      ],
      totalLines: 2,
    });
  });

  it('maps a Windows-1252 UNOC order with umlauts', () => {
    const doc = only('edifact/orders-unoc-windows1252-umlauts.edi');
    expect(doc.document).toMatchObject({
      buyer: { name: 'Müller GmbH & Söhne', address: { street: 'Bäckerstraße 4', city: 'Köln' } },
      lines: [{}, { description: 'Kabelbinder weiß, Größe 200mm' }],
    });
  });

  it('maps ORDRSP to a PurchaseOrderResponse', () => {
    const doc = only('edifact/ordrsp-d96a-valid.edi');
    expect(doc.document).toMatchObject({
      poNumber: '4500012345',
      poDate: '2024-01-15',
      responseNumber: 'AB-778812',
      responseDate: '2024-01-16',
      status: 'changed',
      currency: 'EUR',
    });
    if (doc.kind !== 'purchaseOrderResponse') throw new Error('kind');
    expect(doc.document.lines.map((l) => [l.lineNumber, l.status, l.quantity, l.unit])).toEqual([
      ['1', 'accepted', '48', 'PCE'],
      ['2', 'changed', '8', 'CT'],
      ['3', 'rejected', '0', 'KGM'],
    ]);
  });

  it('maps DESADV to a ShipmentNotice', () => {
    const doc = only('edifact/desadv-d96a-valid.edi');
    expect(doc.document).toEqual({
      shipmentId: 'LS-2024-000815',
      poNumber: '4500012345',
      shipDate: '2024-01-18',
      status: 'shipped',
      carrier: 'DHL Freight',
      trackingNumber: 'JJD0099887766',
      shipFrom: { id: '4098765000003', idQualifier: '9', name: 'Konsort Vertrieb GmbH' },
      shipTo: {
        id: '4012345000016',
        idQualifier: '9',
        name: 'Müller GmbH Zentrallager',
        address: { street: 'Industriestraße 7', city: 'Köln', postalCode: '50996', country: 'DE' },
      },
      lines: [
        {
          lineNumber: '1',
          quantity: '48',
          unit: 'PCE',
          poLineNumber: '1',
          productIds: [
            { qualifier: 'EN', value: '4006381000017' },
            { qualifier: 'BP', value: 'MG-100234' },
          ],
        },
        {
          lineNumber: '2',
          quantity: '8',
          unit: 'CT',
          poLineNumber: '2',
          productIds: [{ qualifier: 'EN', value: '4006381000024' }],
        },
      ],
    });
  });

  it('maps INVOIC to an Invoice with MOA+77 as total', () => {
    const doc = only('edifact/invoic-d96a-valid.edi');
    expect(doc.document).toMatchObject({
      invoiceNumber: 'RE-2024-01987',
      invoiceDate: '2024-01-25',
      poNumber: '4500012345',
      currency: 'EUR',
      totalMinor: 156985,
      buyer: { name: 'Müller GmbH' },
      seller: { name: 'Konsort Vertrieb GmbH' },
    });
    if (doc.kind !== 'invoice') throw new Error('kind');
    expect(doc.document.lines.map((l) => [l.quantity, l.unitPrice.minor, l.description])).toEqual([
      ['48', 1250, 'Schraube M8x40 verzinkt, 100 Stk.'],
      ['8', 8990, undefined],
    ]);
  });

  it('maps CONTRL to a FunctionalAcknowledgement', () => {
    expect(only('edifact/contrl-valid.edi').document).toEqual({
      standard: 'edifact',
      interchangeControlNumber: 'ORD0000123',
      status: 'accepted',
      errorCodes: [],
      messages: [{ type: 'ORDERS', controlNumber: '1', status: 'accepted', errorCodes: [] }],
    });
  });

  it('reads a decimal comma from a UNA mailbag', () => {
    const r = translate(fixture('edifact/mailbag-two-una-delimiter-sets.edi'));
    expect(r.documents.map((d) => d.kind)).toEqual(['purchaseOrder', 'purchaseOrderResponse']);
    const rsp = r.documents[1];
    if (rsp?.kind !== 'purchaseOrderResponse') throw new Error('kind');
    expect(rsp.document.lines[0]?.unitPrice).toEqual({ decimal: '12.5', minor: 1250, scale: 2 });
  });

  it('rejects truncated and duplicated interchanges with their codes', () => {
    const t = translate(fixture('edifact/orders-truncated-no-unz.edi'));
    expect(t.documents).toEqual([]);
    expect(t.rejected[0]?.errors.map((e) => e.code)).toEqual(['13']);
    const d = translate(fixture('edifact/orders-duplicate-interchange.edi'));
    expect(d.documents).toHaveLength(1);
    expect(d.rejected[0]?.errors.map((e) => e.code)).toEqual(['26']);
  });
});
