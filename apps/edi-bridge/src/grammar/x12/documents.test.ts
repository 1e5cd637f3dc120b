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

const muellerBuyer = { name: 'Müller GmbH', id: '4012345000009', idQualifier: 'UL' };
const konsortSeller = { name: 'Konsort Vertrieb GmbH', id: '4098765000003', idQualifier: 'UL' };

describe('X12 documents', () => {
  it('maps an 850 (004010) to a PurchaseOrder', () => {
    const doc = only('x12/850-004010-valid.edi');
    expect(doc.kind).toBe('purchaseOrder');
    expect(doc.source).toMatchObject({
      standard: 'x12',
      interchangeControlNumber: '000000101',
      groupControlNumber: '101',
      messageType: '850',
      messageControlNumber: '0001',
      sender: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
    });
    expect(doc.document).toEqual({
      poNumber: '4500012345',
      poDate: '2024-01-15',
      purpose: 'original',
      currency: 'EUR',
      requestedDeliveryDate: '2024-02-01',
      buyer: {
        ...muellerBuyer,
        address: { street: 'Hohe Straße 12', city: 'Köln', postalCode: '50667', country: 'DE' },
      },
      seller: konsortSeller,
      shipTo: {
        name: 'Müller GmbH Zentrallager',
        id: '4012345000016',
        idQualifier: 'UL',
        address: { street: 'Industriestraße 7', city: 'Köln', postalCode: '50996', country: 'DE' },
      },
      references: [
        { qualifier: 'CT', value: 'DEAL-2024-0042' },
        { qualifier: 'DP', value: '038' },
      ],
      lines: [
        {
          lineNumber: '1',
          quantity: '48',
          unit: 'EA',
          unitPrice: { decimal: '12.5', minor: 1250, scale: 2 },
          productIds: [
            { qualifier: 'BP', value: 'MG-100234' },
            { qualifier: 'VP', value: 'KV-8812' },
            { qualifier: 'EN', value: '4006381000017' },
          ],
          description: 'Schraube M8x40 verzinkt, 100 Stk.',
        },
        {
          lineNumber: '2',
          quantity: '10',
          unit: 'CA',
          unitPrice: { decimal: '89.9', minor: 8990, scale: 2 },
          productIds: [
            { qualifier: 'BP', value: 'MG-100877' },
            { qualifier: 'VP', value: 'KV-2201' },
            { qualifier: 'EN', value: '4006381000024' },
          ],
          description: 'Kabelbinder schwarz 200mm',
        },
        {
          lineNumber: '3',
          quantity: '2.5',
          unit: 'KG',
          unitPrice: { decimal: '7.125', minor: 7125, scale: 3 },
          productIds: [
            { qualifier: 'BP', value: 'MG-300010' },
            { qualifier: 'VP', value: 'KV-0091' },
          ],
          description: 'Montagepaste',
        },
      ],
      totalLines: 3,
    });
  });

  it('maps an 850 (005010) and the same order from binary-delimiter, wrapped and newline variants', () => {
    const doc = only('x12/850-005010-valid.edi');
    expect(doc.document).toMatchObject({
      poNumber: '4500012399',
      poDate: '2024-03-12',
      references: [{ qualifier: 'CT', value: 'DEAL-2024-0057' }],
    });
    expect(doc.source.messageVersion).toBe('005010');
    expect(only('x12/850-binary-delimiters.edi').document).toEqual(doc.document);
    const reference = only('x12/850-004010-valid.edi').document;
    expect(only('x12/850-wrapped-80-columns.edi').document).toEqual(reference);
    expect(only('x12/850-newline-terminator.edi').document).toEqual(reference);
  });

  it('maps an 855 to a PurchaseOrderResponse with line statuses', () => {
    const doc = only('x12/855-004010-valid.edi');
    expect(doc.kind).toBe('purchaseOrderResponse');
    expect(doc.document).toMatchObject({
      poNumber: '4500012345',
      poDate: '2024-01-15',
      responseNumber: 'AB-778812',
      responseDate: '2024-01-16',
      status: 'changed',
      currency: 'EUR',
    });
    if (doc.kind !== 'purchaseOrderResponse') throw new Error('kind');
    expect(
      doc.document.lines.map((l) => [l.lineNumber, l.status, l.quantity, l.unit, l.unitPrice?.minor]),
    ).toEqual([
      ['1', 'accepted', '48', 'EA', 1250],
      ['2', 'changed', '8', 'CA', 8990],
      ['3', 'rejected', '0', 'KG', 7125],
    ]);
  });

  it('maps an 856 to a ShipmentNotice', () => {
    const doc = only('x12/856-004010-valid.edi');
    expect(doc.kind).toBe('shipmentNotice');
    expect(doc.document).toMatchObject({
      shipmentId: 'LS-2024-000815',
      poNumber: '4500012345',
      shipDate: '2024-01-18',
      status: 'shipped',
      carrier: 'DHL Freight',
      trackingNumber: 'JJD0099887766',
      shipFrom: konsortSeller,
      shipTo: { name: 'Müller GmbH Zentrallager', address: { city: 'Köln' } },
      lines: [
        {
          lineNumber: '1',
          quantity: '48',
          unit: 'EA',
          poLineNumber: '1',
          productIds: [
            { qualifier: 'BP', value: 'MG-100234' },
            { qualifier: 'VP', value: 'KV-8812' },
          ],
        },
        {
          lineNumber: '2',
          quantity: '8',
          unit: 'CA',
          poLineNumber: '2',
          productIds: [
            { qualifier: 'BP', value: 'MG-100877' },
            { qualifier: 'VP', value: 'KV-2201' },
          ],
        },
      ],
    });
  });

  it('maps an 810 to an Invoice with the N2 total in minor units', () => {
    const doc = only('x12/810-004010-valid.edi');
    expect(doc.kind).toBe('invoice');
    expect(doc.document).toMatchObject({
      invoiceNumber: 'RE-2024-01987',
      invoiceDate: '2024-01-25',
      poNumber: '4500012345',
      currency: 'EUR',
      buyer: muellerBuyer,
      seller: konsortSeller,
      totalMinor: 131920,
    });
    if (doc.kind !== 'invoice') throw new Error('kind');
    expect(doc.document.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      ['48', { decimal: '12.5', minor: 1250, scale: 2 }],
      ['8', { decimal: '89.9', minor: 8990, scale: 2 }],
    ]);
  });

  it('maps a 997 to a FunctionalAcknowledgement', () => {
    const doc = only('x12/997-004010-valid.edi');
    expect(doc.document).toEqual({
      standard: 'x12',
      functionalId: 'PO',
      groupControlNumber: '101',
      status: 'partially-accepted',
      errorCodes: [],
      messages: [
        { type: '850', controlNumber: '0001', status: 'accepted', errorCodes: [] },
        { type: '850', controlNumber: '0002', status: 'rejected', errorCodes: ['AK3:8', 'AK4:6', '5'] },
      ],
    });
  });

  it('translates every interchange of a mailbag', () => {
    const r = translate(fixture('x12/mailbag-two-delimiter-sets.edi'));
    expect(r.documents.map((d) => [d.kind, d.source.interchangeIndex])).toEqual([
      ['purchaseOrder', 0],
      ['purchaseOrderResponse', 1],
    ]);
  });

  it('does not translate rejected messages and says why', () => {
    const r = translate(fixture('x12/850-se02-st02-mismatch.edi'));
    expect(r.documents).toEqual([]);
    expect(r.rejected).toMatchObject([{ source: { messageControlNumber: '0001' }, errors: [{ code: '3' }] }]);
    const truncated = translate(fixture('x12/850-truncated-no-iea.edi'));
    expect(truncated.documents).toEqual([]);
    expect(truncated.rejected[0]?.errors.map((e) => e.code)).toEqual(['3']);
    const dup = translate(fixture('x12/mailbag-duplicate-isa13.edi'));
    expect(dup.documents).toHaveLength(1);
    expect(dup.rejected[0]?.errors.map((e) => e.code)).toEqual(['025']);
  });

  it('reports mapping problems of accepted messages', () => {
    const text = new TextDecoder()
      .decode(fixture('x12/850-004010-valid.edi'))
      .replace('BEG*00*SA', 'BEG*99*SA');
    const r = translate(text);
    expect(r.documents).toEqual([]);
    expect(r.rejected[0]?.errors[0]).toMatchObject({
      level: 'message',
      code: 'MAPPING',
      segmentTag: 'BEG',
      segmentPosition: 2,
    });
  });

  it('uses the partner default currency when an 810 has no CUR', () => {
    const text = new TextDecoder()
      .decode(fixture('x12/810-004010-valid.edi'))
      .replace('CUR*SE*EUR~\n', '')
      .replace('SE*12*0001', 'SE*11*0001');
    expect(translate(text).rejected[0]?.errors[0]?.message).toContain('default currency');
    const r = translate(text, { defaultCurrency: 'EUR' });
    expect(r.documents[0]?.document).toMatchObject({ currency: 'EUR', totalMinor: 131920 });
  });
});
