/**
 * Business documents: typed JSON produced by `translate` and consumed by the generators.
 * One zod schema per document; types are inferred from the schemas.
 */
import { z } from 'zod';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const DecimalString = z.string().regex(DECIMAL, 'a canonical decimal such as 12.5');
export const IsoDate = z.string().regex(ISO_DATE, 'an ISO date YYYY-MM-DD');

export const MoneySchema = z.object({
  /** Canonical decimal string, e.g. `12.5`. */
  decimal: DecimalString,
  /** Exact integer amount in units of 10^-scale (cents for EUR when scale = 2). */
  minor: z.number().int(),
  /** The currency's minor-unit digits, or more when the value carries more decimals. */
  scale: z.number().int().min(0).max(12),
});
export type MoneyValue = z.infer<typeof MoneySchema>;

export const AddressSchema = z.object({
  street: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});

export const PartySchema = z.object({
  name: z.string().optional(),
  /** Party identifier, e.g. a GLN. */
  id: z.string().optional(),
  /** X12 N103 (e.g. `UL` GLN, `92` buyer-assigned) / EDIFACT NAD 3055 agency (e.g. `9` GS1). */
  idQualifier: z.string().optional(),
  address: AddressSchema.optional(),
});
export type DocumentParty = z.infer<typeof PartySchema>;

export const QualifiedValueSchema = z.object({ qualifier: z.string().min(1), value: z.string().min(1) });
export type QualifiedValue = z.infer<typeof QualifiedValueSchema>;

export const PurposeSchema = z.enum([
  'original',
  'cancellation',
  'change',
  'replace',
  'confirmation',
  'duplicate',
]);
export type Purpose = z.infer<typeof PurposeSchema>;

export const OrderLineSchema = z.object({
  lineNumber: z.string().min(1),
  quantity: DecimalString,
  /** Unit of measure as sent (X12 355, e.g. `EA`; EDIFACT 6411, e.g. `PCE`). */
  unit: z.string(),
  unitPrice: MoneySchema.optional(),
  /** BP buyer's part, VP vendor's part, UP UPC, EN EAN/GTIN, SA supplier's article, SRV GTIN (EANCOM)… */
  productIds: z.array(QualifiedValueSchema),
  description: z.string().optional(),
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const PurchaseOrderSchema = z.object({
  poNumber: z.string().min(1),
  poDate: IsoDate,
  purpose: PurposeSchema,
  currency: z.string().length(3).optional(),
  requestedDeliveryDate: IsoDate.optional(),
  buyer: PartySchema.optional(),
  seller: PartySchema.optional(),
  shipTo: PartySchema.optional(),
  /** REF / RFF; qualifier `CT` is the contract (deal) reference. */
  references: z.array(QualifiedValueSchema),
  lines: z.array(OrderLineSchema).min(1),
  /** CTT01 / CNT 2 as sent. */
  totalLines: z.number().int().min(0).optional(),
});
export type PurchaseOrder = z.infer<typeof PurchaseOrderSchema>;

export const ResponseStatusSchema = z.enum(['accepted', 'changed', 'rejected']);

export const ResponseLineSchema = OrderLineSchema.extend({
  status: ResponseStatusSchema,
});
export type ResponseLine = z.infer<typeof ResponseLineSchema>;

export const PurchaseOrderResponseSchema = z.object({
  poNumber: z.string().min(1),
  poDate: IsoDate.optional(),
  /** Seller's order / response number. */
  responseNumber: z.string().min(1),
  responseDate: IsoDate,
  status: ResponseStatusSchema,
  currency: z.string().length(3).optional(),
  buyer: PartySchema.optional(),
  seller: PartySchema.optional(),
  lines: z.array(ResponseLineSchema),
});
export type PurchaseOrderResponse = z.infer<typeof PurchaseOrderResponseSchema>;

export const ShipmentStatusSchema = z.enum(['shipped', 'cancelled', 'replaced']);

export const ShipmentLineSchema = z.object({
  lineNumber: z.string().min(1),
  quantity: DecimalString,
  unit: z.string(),
  productIds: z.array(QualifiedValueSchema),
  /** Line of the purchase order this refers to, when sent. */
  poLineNumber: z.string().optional(),
});
export type ShipmentLine = z.infer<typeof ShipmentLineSchema>;

export const ShipmentNoticeSchema = z.object({
  shipmentId: z.string().min(1),
  poNumber: z.string().min(1),
  shipDate: IsoDate,
  status: ShipmentStatusSchema,
  carrier: z.string().optional(),
  trackingNumber: z.string().optional(),
  shipFrom: PartySchema.optional(),
  shipTo: PartySchema.optional(),
  lines: z.array(ShipmentLineSchema),
});
export type ShipmentNotice = z.infer<typeof ShipmentNoticeSchema>;

export const InvoiceLineSchema = z.object({
  lineNumber: z.string().min(1),
  quantity: DecimalString,
  unit: z.string(),
  unitPrice: MoneySchema,
  productIds: z.array(QualifiedValueSchema),
  description: z.string().optional(),
});
export type InvoiceLine = z.infer<typeof InvoiceLineSchema>;

export const InvoiceSchema = z.object({
  invoiceNumber: z.string().min(1),
  invoiceDate: IsoDate,
  poNumber: z.string().min(1),
  currency: z.string().length(3),
  buyer: PartySchema.optional(),
  seller: PartySchema.optional(),
  lines: z.array(InvoiceLineSchema),
  /** Invoice total in the currency's minor units (cents). */
  totalMinor: z.number().int(),
});
export type Invoice = z.infer<typeof InvoiceSchema>;

/** An inbound 997 or CONTRL, reduced to what the sender needs to know. */
export const FunctionalAcknowledgementSchema = z.object({
  standard: z.enum(['x12', 'edifact']),
  /** EDIFACT UCI: the interchange acknowledged. */
  interchangeControlNumber: z.string().optional(),
  /** X12 AK1 / EDIFACT UCF: the group acknowledged. */
  groupControlNumber: z.string().optional(),
  functionalId: z.string().optional(),
  status: z.enum(['accepted', 'accepted-with-errors', 'partially-accepted', 'rejected', 'received']),
  errorCodes: z.array(z.string()),
  messages: z.array(
    z.object({
      type: z.string().optional(),
      controlNumber: z.string(),
      status: z.enum(['accepted', 'accepted-with-errors', 'rejected']),
      errorCodes: z.array(z.string()),
    }),
  ),
});
export type FunctionalAcknowledgement = z.infer<typeof FunctionalAcknowledgementSchema>;

export type BusinessDocument =
  | { kind: 'purchaseOrder'; document: PurchaseOrder }
  | { kind: 'purchaseOrderResponse'; document: PurchaseOrderResponse }
  | { kind: 'shipmentNotice'; document: ShipmentNotice }
  | { kind: 'invoice'; document: Invoice }
  | { kind: 'functionalAcknowledgement'; document: FunctionalAcknowledgement };

export type OutboundDocument = Exclude<BusinessDocument, { kind: 'functionalAcknowledgement' }>;

export const PURPOSE_X12: Readonly<Record<Purpose, string>> = {
  original: '00',
  cancellation: '01',
  change: '04',
  replace: '05',
  confirmation: '06',
  duplicate: '07',
};

export const PURPOSE_EDIFACT: Readonly<Record<Purpose, string>> = {
  original: '9',
  cancellation: '1',
  change: '4',
  replace: '5',
  confirmation: '6',
  duplicate: '7',
};

export function purposeFrom(table: Readonly<Record<Purpose, string>>, code: string): Purpose | undefined {
  for (const purpose of PurposeSchema.options) if (table[purpose] === code) return purpose;
  return undefined;
}
