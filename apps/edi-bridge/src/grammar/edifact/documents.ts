/**
 * EDIFACT ORDERS / ORDRSP / DESADV / INVOIC / CONTRL ↔ business documents (D96A, D01B; EANCOM
 * subsets read the same way).
 */
import {
  type BusinessDocument,
  type DocumentParty,
  type FunctionalAcknowledgement,
  type Invoice,
  type OrderLine,
  PURPOSE_EDIFACT,
  type PurchaseOrder,
  type PurchaseOrderResponse,
  purposeFrom,
  type QualifiedValue,
  type ResponseLine,
  type ShipmentLine,
  type ShipmentNotice,
} from '../documents.ts';
import { EdiGenerateError, type SegmentSpec } from '../generate-error.ts';
import {
  compact,
  GTIN_QUALIFIERS,
  type MessageView,
  money,
  opt,
  partyOrUndefined,
  type ReadContext,
} from '../mapping.ts';
import { currencyDigits, formatMinor, toMinorUnits } from '../money.ts';
import { compactDate } from '../util.ts';

// --- reading ---------------------------------------------------------------------------------

function joinComponents(m: MessageView, i: number, e: number): string | undefined {
  const parts: string[] = [];
  for (let c = 1; c <= 5; c++) {
    const v = m.c(i, e, c);
    if (v) parts.push(v);
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function readNad(m: MessageView, i: number): DocumentParty {
  const name = joinComponents(m, i, 4) ?? joinComponents(m, i, 3);
  return {
    id: opt(m.c(i, 2, 1)),
    idQualifier: opt(m.c(i, 2, 3)) ?? opt(m.c(i, 2, 2)),
    name,
    address: {
      street: joinComponents(m, i, 5),
      city: opt(m.v(i, 6)),
      postalCode: opt(m.v(i, 8)),
      country: opt(m.v(i, 9)),
    },
  };
}

/** DTM C507 → ISO date, honouring the format qualifier (102, 203, 101…). */
function dtmDate(m: MessageView, i: number): string {
  const value = m.c(i, 1, 2);
  const format = m.c(i, 1, 3);
  if (format === '101') return m.date(i, value.slice(0, 6), 'DTM date');
  return m.date(i, value.slice(0, 8), 'DTM date');
}

interface RawLine {
  index: number;
  lineNumber: string;
  action: string;
  quantity: string;
  unit: string;
  price?: { raw: string; index: number; qualifier: string };
  productIds: QualifiedValue[];
  description?: string;
  poLineNumber?: string;
}

interface Common {
  parties: Map<string, DocumentParty>;
  references: QualifiedValue[];
  dates: Map<string, string>;
  currency?: string;
  lines: RawLine[];
  docNumber: string;
  docFunction: string;
  docIndex: number;
  counts: Map<string, string>;
  amounts: Map<string, { raw: string; index: number }>;
  carrier?: string;
}

/** One pass collecting what every message type uses; `quantityQualifiers` picks QTY. */
function collect(m: MessageView, quantityQualifiers: readonly string[]): Common {
  const st: Common = {
    parties: new Map(),
    references: [],
    dates: new Map(),
    lines: [],
    docNumber: '',
    docFunction: '',
    docIndex: m.range.start,
    counts: new Map(),
    amounts: new Map(),
  };
  let summary = false;
  let lastRef: string | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    const tag = m.tag(i);
    const line = st.lines[st.lines.length - 1];
    switch (tag) {
      case 'BGM':
        st.docNumber = m.c(i, 2, 1);
        st.docFunction = m.v(i, 3);
        st.docIndex = i;
        break;
      case 'DTM': {
        const q = m.c(i, 1, 1);
        if (!line) {
          const key = q === '171' && lastRef ? `171:${lastRef}` : q;
          if (!st.dates.has(key)) st.dates.set(key, dtmDate(m, i));
        }
        break;
      }
      case 'RFF': {
        const q = m.c(i, 1, 1);
        const v = m.c(i, 1, 2);
        if (line) {
          if (q === 'ON' && m.c(i, 1, 3)) line.poLineNumber = m.c(i, 1, 3);
        } else if (q && v) {
          st.references.push({ qualifier: q, value: v });
          lastRef = q;
        }
        break;
      }
      case 'NAD':
        if (!line && !st.parties.has(m.v(i, 1))) st.parties.set(m.v(i, 1), readNad(m, i));
        break;
      case 'CUX':
        st.currency ??= opt(m.c(i, 1, 2));
        break;
      case 'TDT':
        st.carrier ??= opt(m.c(i, 5, 4)) ?? opt(m.c(i, 5, 1));
        break;
      case 'LIN': {
        const ids: QualifiedValue[] = [];
        if (m.c(i, 3, 1)) ids.push({ qualifier: m.c(i, 3, 2) || 'EN', value: m.c(i, 3, 1) });
        st.lines.push({
          index: i,
          lineNumber: m.v(i, 1) || String(st.lines.length + 1),
          action: m.v(i, 2),
          quantity: '',
          unit: '',
          productIds: ids,
        });
        break;
      }
      case 'PIA':
        if (line) {
          for (let e = 2; e <= 6; e++) {
            const value = m.c(i, e, 1);
            if (value) line.productIds.push({ qualifier: m.c(i, e, 2) || 'SA', value });
          }
        }
        break;
      case 'IMD':
        if (line && line.description === undefined) {
          const d = [m.c(i, 3, 4), m.c(i, 3, 5)].filter(Boolean).join('');
          if (d) line.description = d;
        }
        break;
      case 'QTY':
        if (line && quantityQualifiers.includes(m.c(i, 1, 1)) && line.quantity === '') {
          line.quantity = m.decimal(i, m.c(i, 1, 2), 'QTY quantity');
          line.unit = m.c(i, 1, 3);
        }
        break;
      case 'PRI': {
        const q = m.c(i, 1, 1);
        if (line && m.c(i, 1, 2) && (!line.price || (q === 'AAA' && line.price.qualifier !== 'AAA'))) {
          line.price = { raw: m.c(i, 1, 2), index: i, qualifier: q };
        }
        break;
      }
      case 'UNS':
        summary = true;
        break;
      case 'CNT':
        st.counts.set(m.c(i, 1, 1), m.c(i, 1, 2));
        break;
      case 'MOA':
        if (summary || !line) {
          const q = m.c(i, 1, 1);
          if (!st.amounts.has(q)) st.amounts.set(q, { raw: m.c(i, 1, 2), index: i });
        }
        break;
      default:
        break;
    }
  }
  return st;
}

function party(st: Common, ...roles: string[]): DocumentParty | undefined {
  for (const r of roles) {
    const p = st.parties.get(r);
    if (p) return partyOrUndefined(p);
  }
  return undefined;
}

function orderLine(m: MessageView, l: RawLine, currency: string | undefined): OrderLine {
  return compact({
    lineNumber: l.lineNumber,
    quantity: l.quantity || '0',
    unit: l.unit,
    unitPrice: l.price ? money(m, l.price.index, l.price.raw, currency, 'PRI price') : undefined,
    productIds: l.productIds,
    description: l.description,
  });
}

function intCount(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+(\.0*)?$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

export function readOrders(m: MessageView, ctx: ReadContext): PurchaseOrder {
  const st = collect(m, ['21', '1', '12', '192']);
  if (!st.docNumber) m.fail(st.docIndex, 'BGM document number (C106 1004) is missing.');
  const purpose = st.docFunction === '' ? 'original' : purposeFrom(PURPOSE_EDIFACT, st.docFunction);
  if (!purpose)
    m.fail(st.docIndex, `BGM message function "${st.docFunction}" is not supported (9, 1, 4, 5, 6, 7).`);
  const poDate = st.dates.get('137') ?? st.dates.get('4');
  if (!poDate) m.fail(st.docIndex, 'DTM+137 (document date) is missing.');
  const cur = st.currency ?? ctx.defaultCurrency;
  return compact({
    poNumber: st.docNumber,
    poDate,
    purpose,
    currency: st.currency,
    requestedDeliveryDate: st.dates.get('2'),
    buyer: party(st, 'BY'),
    seller: party(st, 'SU', 'SE'),
    shipTo: party(st, 'DP', 'ST'),
    references: st.references,
    lines: st.lines.map((l) => orderLine(m, l, cur)),
    totalLines: intCount(st.counts.get('2')),
  });
}

const ORDRSP_STATUS: Readonly<Record<string, PurchaseOrderResponse['status']>> = {
  '29': 'accepted',
  '4': 'changed',
  '27': 'rejected',
  '34': 'changed',
  '12': 'rejected',
};
const LIN_STATUS: Readonly<Record<string, ResponseLine['status']>> = {
  '5': 'accepted',
  '3': 'changed',
  '6': 'changed',
  '7': 'rejected',
  '2': 'rejected',
};

export function readOrdrsp(m: MessageView, ctx: ReadContext): PurchaseOrderResponse {
  const st = collect(m, ['21', '113', '12', '1']);
  const status = ORDRSP_STATUS[st.docFunction];
  if (!status) m.fail(st.docIndex, `BGM response type "${st.docFunction}" is not supported (29, 4, 27).`);
  const poNumber = st.references.find((r) => r.qualifier === 'ON')?.value;
  if (!poNumber) m.fail(st.docIndex, 'RFF+ON (order number) is missing.');
  const responseDate = st.dates.get('137');
  if (!responseDate) m.fail(st.docIndex, 'DTM+137 (document date) is missing.');
  const cur = st.currency ?? ctx.defaultCurrency;
  return compact({
    poNumber,
    poDate: st.dates.get('171:ON'),
    responseNumber: st.docNumber || poNumber,
    responseDate,
    status,
    currency: st.currency,
    buyer: party(st, 'BY'),
    seller: party(st, 'SU', 'SE'),
    lines: st.lines.map(
      (l): ResponseLine => ({ ...orderLine(m, l, cur), status: LIN_STATUS[l.action] ?? 'accepted' }),
    ),
  });
}

const DESADV_STATUS: Readonly<Record<string, ShipmentNotice['status']>> = {
  '9': 'shipped',
  '': 'shipped',
  '7': 'shipped',
  '1': 'cancelled',
  '5': 'replaced',
};

export function readDesadv(m: MessageView): ShipmentNotice {
  const st = collect(m, ['12', '1', '21']);
  const status = DESADV_STATUS[st.docFunction];
  if (!status) m.fail(st.docIndex, `BGM message function "${st.docFunction}" is not supported (9, 1, 5).`);
  if (!st.docNumber) m.fail(st.docIndex, 'BGM document number is missing.');
  const poNumber = st.references.find((r) => r.qualifier === 'ON')?.value;
  if (!poNumber) m.fail(st.docIndex, 'RFF+ON (order number) is missing.');
  const shipDate = st.dates.get('11') ?? st.dates.get('137');
  if (!shipDate) m.fail(st.docIndex, 'DTM+11 (despatch date) is missing.');
  const lines: ShipmentLine[] = st.lines.map((l) =>
    compact({
      lineNumber: l.lineNumber,
      quantity: l.quantity || '0',
      unit: l.unit,
      productIds: l.productIds,
      poLineNumber: l.poLineNumber,
    }),
  );
  return compact({
    shipmentId: st.docNumber,
    poNumber,
    shipDate,
    status,
    carrier: st.carrier,
    trackingNumber: st.references.find(
      (r) => r.qualifier === 'CN' || r.qualifier === 'BN' || r.qualifier === 'AAS',
    )?.value,
    shipFrom: party(st, 'SF', 'SU', 'CZ'),
    shipTo: party(st, 'ST', 'DP'),
    lines,
  });
}

export function readInvoic(m: MessageView, ctx: ReadContext): Invoice {
  const st = collect(m, ['47', '12', '46', '21']);
  if (!st.docNumber) m.fail(st.docIndex, 'BGM invoice number is missing.');
  const invoiceDate = st.dates.get('137') ?? st.dates.get('3');
  if (!invoiceDate) m.fail(st.docIndex, 'DTM+137 (invoice date) is missing.');
  const poNumber = st.references.find((r) => r.qualifier === 'ON')?.value;
  if (!poNumber) m.fail(st.docIndex, 'RFF+ON (order number) is missing.');
  const cur = st.currency ?? ctx.defaultCurrency;
  if (!cur) m.fail(st.docIndex, 'No CUX segment and no default currency for this partner.');
  const total = st.amounts.get('77') ?? st.amounts.get('86') ?? st.amounts.get('39');
  if (!total) m.fail(st.docIndex, 'MOA+77 (invoice amount) is missing.');
  const totalMinor = toMinorUnits(total.raw, currencyDigits(cur), m.L.delimiters.decimal);
  if (totalMinor === undefined)
    m.fail(total.index, `MOA amount "${total.raw}" cannot be expressed in ${cur} minor units.`);
  return compact({
    invoiceNumber: st.docNumber,
    invoiceDate,
    poNumber,
    currency: cur,
    buyer: party(st, 'BY', 'IV'),
    seller: party(st, 'SU', 'SE', 'II'),
    lines: st.lines.map((l) =>
      compact({
        lineNumber: l.lineNumber,
        quantity: l.quantity || '0',
        unit: l.unit,
        unitPrice: money(m, l.price?.index ?? l.index, l.price?.raw ?? '0', cur, 'PRI price'),
        productIds: l.productIds,
        description: l.description,
      }),
    ),
    totalMinor,
  });
}

const CONTRL_ACTION: Readonly<Record<string, FunctionalAcknowledgement['status']>> = {
  '4': 'rejected',
  '7': 'accepted',
  '8': 'received',
};

export function readContrl(m: MessageView): FunctionalAcknowledgement {
  let interchangeControlNumber: string | undefined;
  let groupControlNumber: string | undefined;
  let status: FunctionalAcknowledgement['status'] = 'received';
  const errorCodes: string[] = [];
  const messages: FunctionalAcknowledgement['messages'] = [];
  let current: FunctionalAcknowledgement['messages'][number] | undefined;
  for (let i = m.bodyStart; i < m.bodyEnd; i++) {
    switch (m.tag(i)) {
      case 'UCI':
        interchangeControlNumber = m.v(i, 1);
        status = CONTRL_ACTION[m.v(i, 4)] ?? 'rejected';
        if (m.v(i, 5)) errorCodes.push(m.v(i, 5));
        break;
      case 'UCF':
        groupControlNumber ??= m.v(i, 1);
        if (m.v(i, 5)) errorCodes.push(m.v(i, 5));
        break;
      case 'UCM': {
        const action = m.v(i, 3);
        current = {
          type: opt(m.c(i, 2, 1)),
          controlNumber: m.v(i, 1),
          status: action === '4' ? 'rejected' : 'accepted',
          errorCodes: m.v(i, 4) ? [m.v(i, 4)] : [],
        };
        messages.push(compact(current));
        break;
      }
      case 'UCS':
        if (current && m.v(i, 2)) current.errorCodes.push(`UCS:${m.v(i, 2)}`);
        break;
      case 'UCD':
        if (current && m.v(i, 1)) current.errorCodes.push(`UCD:${m.v(i, 1)}`);
        break;
      default:
        break;
    }
  }
  if (status === 'accepted' && messages.some((x) => x.status === 'rejected')) status = 'partially-accepted';
  return compact({
    standard: 'edifact' as const,
    interchangeControlNumber,
    groupControlNumber,
    status,
    errorCodes,
    messages,
  });
}

export function readEdifactDocument(
  m: MessageView,
  type: string,
  ctx: ReadContext,
): BusinessDocument | undefined {
  switch (type) {
    case 'ORDERS':
      return { kind: 'purchaseOrder', document: readOrders(m, ctx) };
    case 'ORDRSP':
      return { kind: 'purchaseOrderResponse', document: readOrdrsp(m, ctx) };
    case 'DESADV':
      return { kind: 'shipmentNotice', document: readDesadv(m) };
    case 'INVOIC':
      return { kind: 'invoice', document: readInvoic(m, ctx) };
    case 'CONTRL':
      return { kind: 'functionalAcknowledgement', document: readContrl(m) };
    default:
      return undefined;
  }
}

// --- writing ---------------------------------------------------------------------------------

export interface EdifactWriteOptions {
  /** Decimal mark from the UNA (default `.`). */
  decimal?: string;
}

function num(decimal: string, o: EdifactWriteOptions): string {
  return o.decimal === ',' ? decimal.replace('.', ',') : decimal;
}

function dtm(qualifier: string, iso: string): SegmentSpec {
  return ['DTM', [qualifier, compactDate(iso), '102']];
}

function nad(role: string, p: DocumentParty | undefined): SegmentSpec[] {
  if (!p) return [];
  const a = p.address;
  return [
    [
      'NAD',
      role,
      p.id ? [p.id, '', p.idQualifier ?? ''] : '',
      '',
      p.name ?? '',
      a?.street ?? '',
      a?.city ?? '',
      '',
      a?.postalCode ?? '',
      a?.country ?? '',
    ],
  ];
}

function lineIds(
  l: { lineNumber: string; productIds: ReadonlyArray<QualifiedValue> },
  action = '',
): SegmentSpec[] {
  const [first, ...rest] = l.productIds;
  const inLin = first && GTIN_QUALIFIERS.has(first.qualifier) ? first : undefined;
  const pia = inLin ? rest : l.productIds;
  const out: SegmentSpec[] = [['LIN', l.lineNumber, action, inLin ? [inLin.value, inLin.qualifier] : '']];
  for (let k = 0; k < pia.length; k += 5) {
    out.push(['PIA', '1', ...pia.slice(k, k + 5).map((p) => [p.value, p.qualifier])]);
  }
  return out;
}

function orderLineSegments(
  l: OrderLine,
  qtyQualifier: string,
  o: EdifactWriteOptions,
  action = '',
): SegmentSpec[] {
  const out = lineIds(l, action);
  if (l.description) out.push(['IMD', 'F', '', ['', '', '', l.description]]);
  out.push(['QTY', [qtyQualifier, num(l.quantity, o), l.unit]]);
  if (l.unitPrice) out.push(['PRI', ['AAA', num(l.unitPrice.decimal, o)]]);
  return out;
}

export function writeOrders(po: PurchaseOrder, o: EdifactWriteOptions = {}): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    ['BGM', '220', po.poNumber, PURPOSE_EDIFACT[po.purpose]],
    dtm('137', po.poDate),
  ];
  if (po.requestedDeliveryDate) segs.push(dtm('2', po.requestedDeliveryDate));
  for (const r of po.references) segs.push(['RFF', [r.qualifier, r.value]]);
  segs.push(...nad('BY', po.buyer), ...nad('SU', po.seller), ...nad('DP', po.shipTo));
  if (po.currency) segs.push(['CUX', ['2', po.currency, '9']]);
  for (const l of po.lines) segs.push(...orderLineSegments(l, '21', o));
  segs.push(['UNS', 'S'], ['CNT', ['2', String(po.lines.length)]]);
  return segs;
}

const ORDRSP_CODE: Readonly<Record<PurchaseOrderResponse['status'], string>> = {
  accepted: '29',
  changed: '4',
  rejected: '27',
};
const LIN_CODE: Readonly<Record<ResponseLine['status'], string>> = {
  accepted: '5',
  changed: '3',
  rejected: '7',
};

export function writeOrdrsp(r: PurchaseOrderResponse, o: EdifactWriteOptions = {}): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    ['BGM', '231', r.responseNumber, ORDRSP_CODE[r.status]],
    dtm('137', r.responseDate),
  ];
  segs.push(['RFF', ['ON', r.poNumber]]);
  if (r.poDate) segs.push(dtm('171', r.poDate));
  segs.push(...nad('BY', r.buyer), ...nad('SU', r.seller));
  if (r.currency) segs.push(['CUX', ['2', r.currency, '9']]);
  for (const l of r.lines) segs.push(...orderLineSegments(l, '21', o, LIN_CODE[l.status]));
  segs.push(['UNS', 'S'], ['CNT', ['2', String(r.lines.length)]]);
  return segs;
}

const DESADV_CODE: Readonly<Record<ShipmentNotice['status'], string>> = {
  shipped: '9',
  cancelled: '1',
  replaced: '5',
};

export function writeDesadv(s: ShipmentNotice, o: EdifactWriteOptions = {}): SegmentSpec[] {
  const segs: SegmentSpec[] = [
    ['BGM', '351', s.shipmentId, DESADV_CODE[s.status]],
    dtm('137', s.shipDate),
    dtm('11', s.shipDate),
  ];
  segs.push(['RFF', ['ON', s.poNumber]]);
  if (s.trackingNumber) segs.push(['RFF', ['CN', s.trackingNumber]]);
  segs.push(...nad('SF', s.shipFrom), ...nad('ST', s.shipTo));
  if (s.carrier) segs.push(['TDT', '20', '', '', '', ['', '', '', s.carrier]]);
  segs.push(['CPS', '1']);
  for (const l of s.lines) {
    segs.push(...lineIds(l));
    segs.push(['QTY', ['12', num(l.quantity, o), l.unit]]);
    if (l.poLineNumber) segs.push(['RFF', ['ON', s.poNumber, l.poLineNumber]]);
  }
  segs.push(['CNT', ['2', String(s.lines.length)]]);
  return segs;
}

export function writeInvoic(inv: Invoice, o: EdifactWriteOptions = {}): SegmentSpec[] {
  const scale = currencyDigits(inv.currency);
  const segs: SegmentSpec[] = [['BGM', '380', inv.invoiceNumber, '9'], dtm('137', inv.invoiceDate)];
  segs.push(['RFF', ['ON', inv.poNumber]]);
  segs.push(...nad('BY', inv.buyer), ...nad('SU', inv.seller));
  segs.push(['CUX', ['2', inv.currency, '4']]);
  for (const l of inv.lines) segs.push(...orderLineSegments(l, '47', o));
  segs.push(['UNS', 'S'], ['CNT', ['2', String(inv.lines.length)]]);
  segs.push(['MOA', ['77', num(formatMinor(inv.totalMinor, scale), o)]]);
  return segs;
}

export const EDIFACT_MESSAGE_TYPE: Readonly<Record<string, string>> = {
  purchaseOrder: 'ORDERS',
  purchaseOrderResponse: 'ORDRSP',
  shipmentNotice: 'DESADV',
  invoice: 'INVOIC',
};

export function writeEdifactDocument(
  doc: BusinessDocument,
  o: EdifactWriteOptions = {},
): { type: string; segments: SegmentSpec[] } {
  switch (doc.kind) {
    case 'purchaseOrder':
      return { type: 'ORDERS', segments: writeOrders(doc.document, o) };
    case 'purchaseOrderResponse':
      return { type: 'ORDRSP', segments: writeOrdrsp(doc.document, o) };
    case 'shipmentNotice':
      return { type: 'DESADV', segments: writeDesadv(doc.document, o) };
    case 'invoice':
      return { type: 'INVOIC', segments: writeInvoic(doc.document, o) };
    default:
      throw new EdiGenerateError('INVALID_DOCUMENT', `Cannot generate a ${doc.kind} as an EDIFACT message.`);
  }
}
