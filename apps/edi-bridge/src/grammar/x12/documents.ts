/**
 * X12 850 / 855 / 856 / 810 / 997 ↔ business documents.
 */
import {
  type BusinessDocument,
  type DocumentParty,
  type FunctionalAcknowledgement,
  type Invoice,
  type OrderLine,
  PURPOSE_X12,
  type PurchaseOrder,
  type PurchaseOrderResponse,
  purposeFrom,
  type QualifiedValue,
  type ResponseLine,
  type ShipmentLine,
  type ShipmentNotice,
} from '../documents.ts';
import { EdiGenerateError, type SegmentSpec } from '../generate-error.ts';
import { compact, type MessageView, money, opt, partyOrUndefined, type ReadContext } from '../mapping.ts';
import { currencyDigits, formatMinor, impliedDecimal, toMinorUnits } from '../money.ts';
import { compactDate } from '../util.ts';

// --- reading ---------------------------------------------------------------------------------

/** Qualifier/value pairs from element `from` on (PO106/PO107…, LIN02/LIN03…). */
function pairs(m: MessageView, i: number, from: number): QualifiedValue[] {
  const out: QualifiedValue[] = [];
  for (let e = from; e < from + 24; e += 2) {
    const qualifier = m.v(i, e);
    const value = m.v(i, e + 1);
    if (qualifier === '' && value === '') {
      if (m.v(i, e + 2) === '' && m.v(i, e + 3) === '') break;
      continue;
    }
    if (qualifier !== '' && value !== '') out.push({ qualifier, value });
  }
  return out;
}

interface PartyState {
  parties: Map<string, DocumentParty>;
  current: DocumentParty | undefined;
}

function readParty(m: MessageView, i: number, tag: string, st: PartyState): boolean {
  switch (tag) {
    case 'N1': {
      const p: DocumentParty = { name: opt(m.v(i, 2)), idQualifier: opt(m.v(i, 3)), id: opt(m.v(i, 4)) };
      const role = m.v(i, 1);
      if (!st.parties.has(role)) st.parties.set(role, p);
      st.current = p;
      return true;
    }
    case 'N2':
      if (st.current) st.current.name = [st.current.name, m.v(i, 1), m.v(i, 2)].filter(Boolean).join(' ');
      return true;
    case 'N3':
      if (st.current) {
        st.current.address = {
          ...st.current.address,
          street: [m.v(i, 1), m.v(i, 2)].filter(Boolean).join(' '),
        };
      }
      return true;
    case 'N4':
      if (st.current) {
        st.current.address = {
          ...st.current.address,
          city: opt(m.v(i, 1)),
          postalCode: opt(m.v(i, 3)),
          country: opt(m.v(i, 4)),
        };
      }
      return true;
    default:
      return false;
  }
}

function party(st: PartyState, ...roles: string[]): DocumentParty | undefined {
  for (const r of roles) {
    const p = st.parties.get(r);
    if (p) return partyOrUndefined(p);
  }
  return undefined;
}

interface RawLine {
  index: number;
  lineNumber: string;
  quantity: string;
  unit: string;
  price: string;
  productIds: QualifiedValue[];
  description?: string;
  ack?: { code: string; quantity: string; unit: string };
}

function readPo1(m: MessageView, i: number, n: number): RawLine {
  return {
    index: i,
    lineNumber: m.v(i, 1) || String(n),
    quantity: m.decimal(i, m.v(i, 2) || '0', 'PO102 quantity'),
    unit: m.v(i, 3),
    price: m.v(i, 4),
    productIds: pairs(m, i, 6),
  };
}

export function read850(m: MessageView, ctx: ReadContext): PurchaseOrder {
  const st: PartyState = { parties: new Map(), current: undefined };
  const references: QualifiedValue[] = [];
  const lines: RawLine[] = [];
  let poNumber = '';
  let poDate = '';
  let purpose: PurchaseOrder['purpose'] | undefined;
  let currency: string | undefined;
  let requestedDeliveryDate: string | undefined;
  let totalLines: number | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    const tag = m.tag(i);
    if (readParty(m, i, tag, st)) continue;
    const line = lines[lines.length - 1];
    switch (tag) {
      case 'BEG':
        purpose = purposeFrom(PURPOSE_X12, m.v(i, 1));
        if (!purpose)
          m.fail(i, `BEG01 purpose code "${m.v(i, 1)}" is not supported (00, 01, 04, 05, 06, 07).`);
        poNumber = m.v(i, 3);
        poDate = m.date(i, m.v(i, 5), 'BEG05');
        break;
      case 'CUR':
        currency ??= opt(m.v(i, 2));
        break;
      case 'REF':
        if (lines.length === 0 && m.v(i, 1) && (m.v(i, 2) || m.v(i, 3))) {
          references.push({ qualifier: m.v(i, 1), value: m.v(i, 2) || m.v(i, 3) });
        }
        break;
      case 'DTM':
        if (lines.length === 0 && m.v(i, 1) === '002') requestedDeliveryDate = m.date(i, m.v(i, 2), 'DTM02');
        break;
      case 'PO1':
        lines.push(readPo1(m, i, lines.length + 1));
        break;
      case 'PID':
        if (line && line.description === undefined && m.v(i, 5)) line.description = m.v(i, 5);
        break;
      case 'CTT':
        totalLines = Number(m.v(i, 1));
        break;
      default:
        break;
    }
  }
  if (!poNumber) m.fail(m.range.start, 'BEG segment missing.');
  const cur = currency ?? ctx.defaultCurrency;
  return compact({
    poNumber,
    poDate,
    purpose: purpose ?? 'original',
    currency,
    requestedDeliveryDate,
    buyer: party(st, 'BY', 'BT'),
    seller: party(st, 'SE', 'VN', 'SU'),
    shipTo: party(st, 'ST'),
    references,
    lines: lines.map((l) => orderLine(m, l, cur)),
    totalLines: totalLines !== undefined && Number.isFinite(totalLines) ? totalLines : undefined,
  });
}

function orderLine(m: MessageView, l: RawLine, currency: string | undefined): OrderLine {
  return compact({
    lineNumber: l.lineNumber,
    quantity: l.quantity,
    unit: l.unit,
    unitPrice: l.price ? money(m, l.index, l.price, currency, 'unit price') : undefined,
    productIds: l.productIds,
    description: l.description,
  });
}

const ACK_STATUS: Readonly<Record<string, ResponseLine['status']>> = {
  IA: 'accepted',
  IB: 'accepted',
  AC: 'accepted',
  IC: 'changed',
  IQ: 'changed',
  IP: 'changed',
  IS: 'changed',
  DR: 'changed',
  IR: 'rejected',
  ID: 'rejected',
  R1: 'rejected',
  R2: 'rejected',
};

const BAK_STATUS: Readonly<Record<string, PurchaseOrderResponse['status']>> = {
  AD: 'accepted',
  AK: 'accepted',
  AT: 'accepted',
  AC: 'changed',
  AE: 'changed',
  RD: 'rejected',
  RJ: 'rejected',
  RF: 'rejected',
};

export function read855(m: MessageView, ctx: ReadContext): PurchaseOrderResponse {
  const st: PartyState = { parties: new Map(), current: undefined };
  const lines: RawLine[] = [];
  let poNumber = '';
  let poDate: string | undefined;
  let responseNumber = '';
  let responseDate = '';
  let status: PurchaseOrderResponse['status'] = 'accepted';
  let currency: string | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    const tag = m.tag(i);
    if (readParty(m, i, tag, st)) continue;
    const line = lines[lines.length - 1];
    switch (tag) {
      case 'BAK': {
        const s = BAK_STATUS[m.v(i, 2)];
        if (!s) m.fail(i, `BAK02 acknowledgment type "${m.v(i, 2)}" is not supported.`);
        status = s;
        poNumber = m.v(i, 3);
        poDate = m.date(i, m.v(i, 4), 'BAK04');
        responseNumber = m.v(i, 8) || poNumber;
        responseDate = m.v(i, 9) ? m.date(i, m.v(i, 9), 'BAK09') : poDate;
        break;
      }
      case 'CUR':
        currency ??= opt(m.v(i, 2));
        break;
      case 'PO1':
        lines.push(readPo1(m, i, lines.length + 1));
        break;
      case 'PID':
        if (line && line.description === undefined && m.v(i, 5)) line.description = m.v(i, 5);
        break;
      case 'ACK':
        if (line && !line.ack) line.ack = { code: m.v(i, 1), quantity: m.v(i, 2), unit: m.v(i, 3) };
        break;
      default:
        break;
    }
  }
  const cur = currency ?? ctx.defaultCurrency;
  return compact({
    poNumber,
    poDate,
    responseNumber,
    responseDate,
    status,
    currency,
    buyer: party(st, 'BY', 'BT'),
    seller: party(st, 'SE', 'VN', 'SU'),
    lines: lines.map((l): ResponseLine => {
      const base = orderLine(m, l, cur);
      const code = l.ack?.code ?? '';
      const quantity = l.ack?.quantity ? m.decimal(l.index, l.ack.quantity, 'ACK02 quantity') : base.quantity;
      return { ...base, quantity, unit: l.ack?.unit || base.unit, status: ACK_STATUS[code] ?? 'accepted' };
    }),
  });
}

const BSN_STATUS: Readonly<Record<string, ShipmentNotice['status']>> = {
  '00': 'shipped',
  '06': 'shipped',
  '07': 'shipped',
  '01': 'cancelled',
  '05': 'replaced',
};

export function read856(m: MessageView): ShipmentNotice {
  const st: PartyState = { parties: new Map(), current: undefined };
  const lines: ShipmentLine[] = [];
  let shipmentId = '';
  let shipDate = '';
  let status: ShipmentNotice['status'] = 'shipped';
  let carrier: string | undefined;
  let trackingNumber: string | undefined;
  let poNumber = '';
  let current: ShipmentLine | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    const tag = m.tag(i);
    if (readParty(m, i, tag, st)) continue;
    switch (tag) {
      case 'BSN': {
        const s = BSN_STATUS[m.v(i, 1)];
        if (!s) m.fail(i, `BSN01 purpose code "${m.v(i, 1)}" is not supported.`);
        status = s;
        shipmentId = m.v(i, 2);
        shipDate = m.date(i, m.v(i, 3), 'BSN03');
        break;
      }
      case 'DTM':
        if (m.v(i, 1) === '011') shipDate = m.date(i, m.v(i, 2), 'DTM02');
        break;
      case 'TD5':
        carrier ??= opt(m.v(i, 5)) ?? opt(m.v(i, 3));
        break;
      case 'REF': {
        const q = m.v(i, 1);
        if (current && q === 'LI') current.poLineNumber = opt(m.v(i, 2));
        else if (!current && (q === 'CN' || q === '2I')) trackingNumber ??= opt(m.v(i, 2));
        break;
      }
      case 'PRF':
        if (!poNumber) poNumber = m.v(i, 1);
        break;
      case 'HL':
        current = undefined;
        break;
      case 'LIN':
        current = {
          lineNumber: m.v(i, 1) || String(lines.length + 1),
          quantity: '0',
          unit: '',
          productIds: pairs(m, i, 2),
        };
        lines.push(current);
        break;
      case 'SN1':
        if (current) {
          current.quantity = m.decimal(i, m.v(i, 2), 'SN102 quantity');
          current.unit = m.v(i, 3);
        }
        break;
      default:
        break;
    }
  }
  if (!poNumber) m.fail(m.range.start, 'No PRF segment: the shipment does not reference a purchase order.');
  return compact({
    shipmentId,
    poNumber,
    shipDate,
    status,
    carrier,
    trackingNumber,
    shipFrom: party(st, 'SF', 'SU'),
    shipTo: party(st, 'ST'),
    lines: lines.map((l) => compact(l)),
  });
}

export function read810(m: MessageView, ctx: ReadContext): Invoice {
  const st: PartyState = { parties: new Map(), current: undefined };
  const lines: RawLine[] = [];
  let invoiceNumber = '';
  let invoiceDate = '';
  let poNumber = '';
  let currency: string | undefined;
  let total: { raw: string; index: number } | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    const tag = m.tag(i);
    if (readParty(m, i, tag, st)) continue;
    const line = lines[lines.length - 1];
    switch (tag) {
      case 'BIG':
        invoiceDate = m.date(i, m.v(i, 1), 'BIG01');
        invoiceNumber = m.v(i, 2);
        poNumber = m.v(i, 4);
        break;
      case 'CUR':
        currency ??= opt(m.v(i, 2));
        break;
      case 'IT1':
        lines.push({
          index: i,
          lineNumber: m.v(i, 1) || String(lines.length + 1),
          quantity: m.decimal(i, m.v(i, 2) || '0', 'IT102 quantity'),
          unit: m.v(i, 3),
          price: m.v(i, 4),
          productIds: pairs(m, i, 6),
        });
        break;
      case 'PID':
        if (line && line.description === undefined && m.v(i, 5)) line.description = m.v(i, 5);
        break;
      case 'TDS':
        total = { raw: m.v(i, 1), index: i };
        break;
      default:
        break;
    }
  }
  const cur = currency ?? ctx.defaultCurrency;
  if (!cur) m.fail(m.range.start, 'No CUR segment and no default currency for this partner.');
  if (!poNumber) m.fail(m.range.start, 'BIG04 (purchase order number) is missing.');
  if (!total) m.fail(m.range.start, 'TDS segment missing.');
  const decimal = impliedDecimal(total.raw, 2);
  const totalMinor = decimal === undefined ? undefined : toMinorUnits(decimal, currencyDigits(cur));
  if (totalMinor === undefined)
    m.fail(total.index, `TDS01 "${total.raw}" cannot be expressed in ${cur} minor units.`);
  return compact({
    invoiceNumber,
    invoiceDate,
    poNumber,
    currency: cur,
    buyer: party(st, 'BY', 'BT'),
    seller: party(st, 'SE', 'RI', 'VN', 'SU'),
    lines: lines.map((l) =>
      compact({
        lineNumber: l.lineNumber,
        quantity: l.quantity,
        unit: l.unit,
        unitPrice: money(m, l.index, l.price || '0', cur, 'IT104 unit price'),
        productIds: l.productIds,
        description: l.description,
      }),
    ),
    totalMinor,
  });
}

const AK_STATUS: Readonly<Record<string, FunctionalAcknowledgement['status']>> = {
  A: 'accepted',
  E: 'accepted-with-errors',
  P: 'partially-accepted',
  R: 'rejected',
  M: 'rejected',
  W: 'rejected',
  X: 'rejected',
};

export function read997(m: MessageView): FunctionalAcknowledgement {
  const messages: FunctionalAcknowledgement['messages'] = [];
  let groupControlNumber: string | undefined;
  let functionalId: string | undefined;
  let status: FunctionalAcknowledgement['status'] = 'accepted';
  let errorCodes: string[] = [];
  let current: FunctionalAcknowledgement['messages'][number] | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    switch (m.tag(i)) {
      case 'AK1':
        functionalId = m.v(i, 1);
        groupControlNumber = m.v(i, 2);
        break;
      case 'AK2':
        current = { type: m.v(i, 1), controlNumber: m.v(i, 2), status: 'accepted', errorCodes: [] };
        messages.push(current);
        break;
      case 'AK3':
        if (current && m.v(i, 4)) current.errorCodes.push(`AK3:${m.v(i, 4)}`);
        break;
      case 'AK4':
        if (current && m.v(i, 3)) current.errorCodes.push(`AK4:${m.v(i, 3)}`);
        break;
      case 'AK5': {
        if (current) {
          const s = AK_STATUS[m.v(i, 1)] ?? 'rejected';
          current.status = s === 'partially-accepted' ? 'rejected' : s === 'received' ? 'accepted' : s;
          for (let e = 2; e <= 6; e++) if (m.v(i, e)) current.errorCodes.push(m.v(i, e));
        }
        break;
      }
      case 'AK9':
        status = AK_STATUS[m.v(i, 1)] ?? 'rejected';
        errorCodes = [5, 6, 7, 8, 9].map((e) => m.v(i, e)).filter(Boolean);
        break;
      default:
        break;
    }
  }
  return compact({
    standard: 'x12' as const,
    groupControlNumber,
    functionalId,
    status,
    errorCodes,
    messages,
  });
}

/** Reads a transaction set into its document; undefined for types we do not translate. */
export function readX12Document(
  m: MessageView,
  type: string,
  ctx: ReadContext,
): BusinessDocument | undefined {
  switch (type) {
    case '850':
      return { kind: 'purchaseOrder', document: read850(m, ctx) };
    case '855':
      return { kind: 'purchaseOrderResponse', document: read855(m, ctx) };
    case '856':
      return { kind: 'shipmentNotice', document: read856(m) };
    case '810':
      return { kind: 'invoice', document: read810(m, ctx) };
    case '997':
      return { kind: 'functionalAcknowledgement', document: read997(m) };
    default:
      return undefined;
  }
}

// --- writing ---------------------------------------------------------------------------------

function partySegments(role: string, p: DocumentParty | undefined): SegmentSpec[] {
  if (!p) return [];
  const out: SegmentSpec[] = [['N1', role, p.name ?? '', p.id ? (p.idQualifier ?? '92') : '', p.id ?? '']];
  const a = p.address;
  if (a?.street) out.push(['N3', a.street]);
  if (a && (a.city || a.postalCode || a.country))
    out.push(['N4', a.city ?? '', '', a.postalCode ?? '', a.country ?? '']);
  return out;
}

function idPairs(ids: ReadonlyArray<QualifiedValue>, tag: string): string[] {
  if (ids.length > 10) {
    throw new EdiGenerateError(
      'INVALID_DOCUMENT',
      `${tag} can carry at most 10 product IDs, got ${ids.length}.`,
      { segmentTag: tag },
    );
  }
  return ids.flatMap((p) => [p.qualifier, p.value]);
}

function lineSegments(tag: 'PO1' | 'IT1', l: OrderLine): SegmentSpec[] {
  const out: SegmentSpec[] = [
    [tag, l.lineNumber, l.quantity, l.unit, l.unitPrice?.decimal ?? '', '', ...idPairs(l.productIds, tag)],
  ];
  if (l.description) out.push(['PID', 'F', '', '', '', l.description]);
  return out;
}

export function write850(po: PurchaseOrder): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    ['BEG', PURPOSE_X12[po.purpose], 'SA', po.poNumber, '', compactDate(po.poDate)],
  ];
  if (po.currency) segs.push(['CUR', 'BY', po.currency]);
  for (const r of po.references) segs.push(['REF', r.qualifier, r.value]);
  if (po.requestedDeliveryDate) segs.push(['DTM', '002', compactDate(po.requestedDeliveryDate)]);
  segs.push(
    ...partySegments('BY', po.buyer),
    ...partySegments('SE', po.seller),
    ...partySegments('ST', po.shipTo),
  );
  for (const l of po.lines) segs.push(...lineSegments('PO1', l));
  segs.push(['CTT', String(po.lines.length)]);
  return segs;
}

const BAK_CODE: Readonly<Record<PurchaseOrderResponse['status'], string>> = {
  accepted: 'AD',
  changed: 'AC',
  rejected: 'RD',
};
const ACK_CODE: Readonly<Record<ResponseLine['status'], string>> = {
  accepted: 'IA',
  changed: 'IC',
  rejected: 'IR',
};

export function write855(r: PurchaseOrderResponse): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    [
      'BAK',
      '00',
      BAK_CODE[r.status],
      r.poNumber,
      compactDate(r.poDate ?? r.responseDate),
      '',
      '',
      '',
      r.responseNumber,
      compactDate(r.responseDate),
    ],
  ];
  if (r.currency) segs.push(['CUR', 'SE', r.currency]);
  segs.push(...partySegments('BY', r.buyer), ...partySegments('SE', r.seller));
  for (const l of r.lines) {
    segs.push(...lineSegments('PO1', l));
    segs.push(['ACK', ACK_CODE[l.status], l.quantity, l.unit]);
  }
  segs.push(['CTT', String(r.lines.length)]);
  return segs;
}

const BSN_CODE: Readonly<Record<ShipmentNotice['status'], string>> = {
  shipped: '00',
  cancelled: '01',
  replaced: '05',
};

export function write856(s: ShipmentNotice): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    ['BSN', BSN_CODE[s.status], s.shipmentId, compactDate(s.shipDate), '0000'],
    ['HL', '1', '', 'S'],
  ];
  if (s.carrier) segs.push(['TD5', '', '', '', '', s.carrier]);
  if (s.trackingNumber) segs.push(['REF', 'CN', s.trackingNumber]);
  segs.push(['DTM', '011', compactDate(s.shipDate)]);
  segs.push(...partySegments('SF', s.shipFrom), ...partySegments('ST', s.shipTo));
  segs.push(['HL', '2', '1', 'O'], ['PRF', s.poNumber]);
  let hl = 2;
  for (const l of s.lines) {
    hl++;
    segs.push(['HL', String(hl), '2', 'I'], ['LIN', l.lineNumber, ...idPairs(l.productIds, 'LIN')]);
    segs.push(['SN1', '', l.quantity, l.unit]);
    if (l.poLineNumber) segs.push(['REF', 'LI', l.poLineNumber]);
  }
  segs.push(['CTT', String(hl)]);
  return segs;
}

export function write810(inv: Invoice): SegmentSpec[] {
  const scale = currencyDigits(inv.currency);
  const total = formatMinor(inv.totalMinor, scale);
  const n2 = impliedN2(total);
  const segs: SegmentSpec[] = [['BIG', compactDate(inv.invoiceDate), inv.invoiceNumber, '', inv.poNumber]];
  segs.push(['CUR', 'SE', inv.currency]);
  segs.push(...partySegments('BY', inv.buyer), ...partySegments('SE', inv.seller));
  for (const l of inv.lines) segs.push(...lineSegments('IT1', l));
  segs.push(['TDS', n2]);
  segs.push(['CTT', String(inv.lines.length)]);
  return segs;
}

/** Decimal → X12 N2 digits (implied two decimals), refusing values with more decimals. */
function impliedN2(decimal: string): string {
  const minor = toMinorUnits(decimal, 2);
  if (minor === undefined) {
    throw new EdiGenerateError('INVALID_DOCUMENT', `TDS01 is N2: ${decimal} has more than two decimals.`, {
      segmentTag: 'TDS',
    });
  }
  return String(minor);
}

export const X12_FUNCTIONAL_ID: Readonly<Record<string, string>> = {
  '850': 'PO',
  '855': 'PR',
  '856': 'SH',
  '810': 'IN',
  '997': 'FA',
};

export function writeX12Document(doc: BusinessDocument): { type: string; segments: SegmentSpec[] } {
  switch (doc.kind) {
    case 'purchaseOrder':
      return { type: '850', segments: write850(doc.document) };
    case 'purchaseOrderResponse':
      return { type: '855', segments: write855(doc.document) };
    case 'shipmentNotice':
      return { type: '856', segments: write856(doc.document) };
    case 'invoice':
      return { type: '810', segments: write810(doc.document) };
    default:
      throw new EdiGenerateError('INVALID_DOCUMENT', `Cannot generate a ${doc.kind} as an X12 document.`);
  }
}
