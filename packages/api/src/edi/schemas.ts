/**
 * zod schemas at the EDI API boundary: trading-partner profiles (transport, paths, settings) and
 * what the bridge sends to `edi.ingest` — including the business documents the bridge's grammar
 * produced, re-validated here because the API never trusts the caller's types.
 */
import { z } from 'zod';

const uuid = z.uuid();

/** OpenSSH's fingerprint form `SHA256:<43 base64 chars>` (the prefix is optional here). */
export const hostKeyFingerprint = z
  .string()
  .trim()
  .regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, 'validation.hostKeyFingerprint')
  .transform((v) => `SHA256:${v.replace(/^SHA256:/, '').replace(/=$/, '')}`);

/** Temporary-name suffix partners (and we) upload under before renaming. */
const tempSuffix = z
  .string()
  .regex(/^\.[A-Za-z0-9_-]{1,16}$/)
  .default('.tmp');

export const sftpTransportSchema = z
  .object({
    kind: z.literal('sftp'),
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(22),
    username: z.string().trim().min(1).max(100),
    /** A key file on the bridge host (preferred: the key never passes through the portal). */
    privateKeyPath: z.string().min(1).max(1000).optional(),
    /** The key itself (PEM / OpenSSH format), for deployments without a key file. */
    privateKey: z.string().min(1).max(20_000).optional(),
    /** The partner server's host key, pinned: any other key is refused. */
    hostKeySha256: hostKeyFingerprint,
    tempSuffix,
  })
  .refine((t) => (t.privateKeyPath === undefined) !== (t.privateKey === undefined), {
    message: 'validation.sftpKeySource',
    path: ['privateKeyPath'],
  });

export const localTransportSchema = z.object({
  kind: z.literal('local'),
  /** A folder on the bridge host; inbox/outbox/archive/error paths are relative to it. */
  root: z.string().min(1).max(1000),
  tempSuffix,
});

export const transportSchema = z.discriminatedUnion('kind', [sftpTransportSchema, localTransportSchema]);
export type Transport = z.output<typeof transportSchema>;

/** Interchange identifiers (ISA05–08 / UNB S002–S003) and GS02/03 application codes. */
export const identifiersSchema = z
  .object({
    theirId: z.string().trim().min(1).max(35).optional(),
    theirQualifier: z.string().trim().max(4).optional(),
    ourId: z.string().trim().min(1).max(35).optional(),
    ourQualifier: z.string().trim().max(4).optional(),
    theirApplicationId: z.string().trim().min(1).max(15).optional(),
    ourApplicationId: z.string().trim().min(1).max(15).optional(),
  })
  .strict();

export const settingsSchema = z
  .object({
    /** Send 997 (+TA1 when asked) / CONTRL for every inbound file. */
    acknowledgements: z.boolean().default(true),
    /** Currency assumed when an order carries none. */
    defaultCurrency: z.string().length(3).toUpperCase().optional(),
    /** Partner party ids (GLN, buyer numbers from N1/NAD) → Konsort account id. */
    partyAccounts: z.record(z.string().min(1).max(35), uuid).default({}),
    /** Send the deals shared with the partner as a feed file (CSV or JSON) whenever they change. */
    dealFeed: z.enum(['csv', 'json']).optional(),
    /**
     * Delimiters of the files we send (inbound files declare their own in ISA / UNA): one character
     * each, none a letter or digit, all different. Unset: X12 `*` `>` `~`, EDIFACT `+` `:` `'`.
     */
    delimiters: z
      .object({
        element: z
          .string()
          .regex(/^[^A-Za-z0-9\s]$/, 'validation.delimiter')
          .optional(),
        component: z
          .string()
          .regex(/^[^A-Za-z0-9\s]$/, 'validation.delimiter')
          .optional(),
        segment: z
          .string()
          .regex(/^[^A-Za-z0-9 ]$/, 'validation.delimiter')
          .optional(),
      })
      .strict()
      .refine((d) => new Set(Object.values(d)).size === Object.values(d).length, {
        message: 'validation.delimitersDistinct',
      })
      .optional(),
  })
  .strict();

/** A path below the transport root: relative, no `..`, no backslashes. */
const mailboxPath = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine((p) => !p.split('/').includes('..') && !p.includes('\\') && !p.includes('\0'), {
    message: 'validation.mailboxPath',
  });

export const ediVersions = ['004010', '005010', 'D96A', 'D01B'] as const;

const profileFields = z.object({
  partnerOrgId: uuid,
  name: z.string().trim().min(1).max(100),
  standard: z.enum(['x12', 'edifact']),
  version: z.enum(ediVersions),
  identifiers: identifiersSchema.default({}),
  settings: settingsSchema.default({ acknowledgements: true, partyAccounts: {} }),
  transport: transportSchema,
  inboxPath: mailboxPath.default('inbox'),
  outboxPath: mailboxPath.default('outbox'),
  archivePath: mailboxPath.default('archive'),
  errorPath: mailboxPath.default('error'),
  pollIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
  active: z.boolean().default(true),
});

function versionFitsStandard(p: { standard?: string; version?: string }) {
  if (!p.standard || !p.version) return true;
  return p.standard === 'x12' ? /^\d{6}$/.test(p.version) : /^D\d\d[AB]$/.test(p.version);
}

export const createProfileInput = profileFields.refine(versionFitsStandard, {
  message: 'validation.ediVersion',
  path: ['version'],
});

export const updateProfileInput = z.object({
  id: uuid,
  data: profileFields
    .omit({ partnerOrgId: true })
    .partial()
    .refine(versionFitsStandard, {
      message: 'validation.ediVersion',
      path: ['version'],
    }),
});

// ---------------------------------------------------------------------------------------------
// Business documents (the subset of the grammar's schemas the portal acts on)

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = (max: number) => z.string().max(max);

export const moneySchema = z.object({
  decimal: decimalString,
  minor: z.number().int(),
  scale: z.number().int().min(0).max(12),
});

const partySchema = z.object({
  name: text(350).optional(),
  id: text(80).optional(),
  idQualifier: text(10).optional(),
  address: z
    .object({
      street: text(350).optional(),
      city: text(100).optional(),
      postalCode: text(20).optional(),
      country: text(3).optional(),
    })
    .optional(),
});

const qualifiedValue = z.object({ qualifier: text(10).min(1), value: text(100).min(1) });

export const purchaseOrderSchema = z.object({
  poNumber: text(35).min(1),
  poDate: isoDate,
  purpose: z.enum(['original', 'cancellation', 'change', 'replace', 'confirmation', 'duplicate']),
  currency: z.string().length(3).optional(),
  requestedDeliveryDate: isoDate.optional(),
  buyer: partySchema.optional(),
  seller: partySchema.optional(),
  shipTo: partySchema.optional(),
  references: z.array(qualifiedValue).max(100),
  lines: z
    .array(
      z.object({
        lineNumber: text(20).min(1),
        quantity: decimalString,
        unit: text(10),
        unitPrice: moneySchema.optional(),
        productIds: z.array(qualifiedValue).max(20),
        description: text(500).optional(),
      }),
    )
    .min(1)
    .max(10_000),
  totalLines: z.number().int().min(0).optional(),
});
export type PurchaseOrderInput = z.output<typeof purchaseOrderSchema>;

export const shipmentNoticeSchema = z.object({
  shipmentId: text(35).min(1),
  poNumber: text(35).min(1),
  shipDate: isoDate,
  status: z.enum(['shipped', 'cancelled', 'replaced']),
  carrier: text(100).optional(),
  trackingNumber: text(100).optional(),
  lines: z.array(z.unknown()).max(10_000),
});

export const invoiceSchema = z.object({
  invoiceNumber: text(35).min(1),
  invoiceDate: isoDate,
  poNumber: text(35).min(1),
  currency: z.string().length(3),
  lines: z.array(z.unknown()).max(10_000),
  totalMinor: z.number().int(),
});

const sourceSchema = z.object({
  interchangeControlNumber: text(35),
  messageType: text(10),
  messageControlNumber: text(35),
});

export const translatedDocumentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('purchaseOrder'), document: purchaseOrderSchema, source: sourceSchema }),
  z.object({ kind: z.literal('shipmentNotice'), document: shipmentNoticeSchema, source: sourceSchema }),
  z.object({ kind: z.literal('invoice'), document: invoiceSchema, source: sourceSchema }),
  // Stored with the message, no effect on orders yet.
  z.object({
    kind: z.enum(['purchaseOrderResponse', 'functionalAcknowledgement']),
    document: z.record(z.string(), z.unknown()),
    source: sourceSchema,
  }),
]);
export type TranslatedDocumentInput = z.output<typeof translatedDocumentSchema>;

export const ediErrorSchema = z.object({
  level: text(20).optional(),
  code: text(40),
  message: text(2000),
  segmentPosition: z.number().int().optional(),
  elementPosition: z.number().int().optional(),
  segmentTag: text(10).optional(),
});

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase sha256 hex digest');

export const ingestInput = z.object({
  profileId: uuid,
  fileName: z.string().min(1).max(255),
  fileHash: sha256Hex,
  /** The file as text (decoded by the bridge); EDI files are small, 10 MB at most. */
  raw: z.string().max(10 * 1024 * 1024),
  standard: z.enum(['x12', 'edifact']),
  /** ISA13 / UNB 0020 (several joined by `,` for a mailbag; empty when none could be read). */
  interchangeControlNumber: z.string().max(400),
  senderId: z.string().max(100).optional(),
  receiverId: z.string().max(100).optional(),
  documentType: z.string().min(1).max(40),
  valid: z.boolean(),
  errors: z.array(ediErrorSchema).max(200),
  documents: z.array(translatedDocumentSchema).max(10_000),
  /**
   * The acknowledgement (997/TA1/CONTRL) the bridge built for this file: stored as a queued
   * outbound message in the same transaction as the inbound one, so a message and its
   * acknowledgement exist together or not at all. Ignored for a duplicate (the stored one is returned).
   */
  ack: z
    .object({
      documentType: z.string().min(1).max(40),
      fileName: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[^/\\\0]+$/, 'a file name without folders'),
      raw: z
        .string()
        .min(1)
        .max(10 * 1024 * 1024),
      interchangeControlNumber: z.string().max(400),
    })
    .optional(),
});
export type IngestInput = z.output<typeof ingestInput>;

/** Largest batch `edi.ingestMany` takes: files, and their raw text together. */
export const INGEST_BATCH_MAX_FILES = 500;
export const INGEST_BATCH_MAX_CHARS = 32 * 1024 * 1024;

/** A poll batch: the same per-file payload as `ingest`, for one profile, committed together. */
export const ingestManyInput = z.object({
  profileId: uuid,
  files: z
    .array(ingestInput.omit({ profileId: true }))
    .min(1)
    .max(INGEST_BATCH_MAX_FILES)
    .refine((files) => files.reduce((sum, f) => sum + f.raw.length, 0) <= INGEST_BATCH_MAX_CHARS, {
      message: `at most ${INGEST_BATCH_MAX_CHARS} characters of file text per batch`,
    }),
});

export const markSentManyInput = z.object({
  messageIds: z
    .array(uuid)
    .min(1)
    .max(INGEST_BATCH_MAX_FILES * 2),
});

export const controlNumberKinds = ['interchange', 'group', 'message'] as const;

export const nextControlNumbersInput = z.object({
  profileId: uuid,
  /** How many numbers of each kind to reserve (a file with n interchanges needs n). */
  kinds: z.partialRecord(z.enum(controlNumberKinds), z.number().int().min(1).max(10_000)),
});

export const recordOutboundInput = z.object({
  profileId: uuid,
  documentType: z.string().min(1).max(40),
  fileName: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\\0]+$/, 'a file name without folders'),
  raw: z
    .string()
    .min(1)
    .max(10 * 1024 * 1024),
  interchangeControlNumber: z.string().max(400),
  senderId: z.string().max(100).optional(),
  receiverId: z.string().max(100).optional(),
  /** The inbound message this acknowledges: one outbound message of a type per inbound message. */
  relatedMessageId: uuid.optional(),
  /** The `edi.outbound` item this renders (855/850): one message per item, a re-run gets it back. */
  outboxId: uuid.optional(),
});

export const messagesInput = z.object({
  profileId: uuid.optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  status: z.enum(['received', 'processed', 'rejected', 'duplicate', 'queued', 'sent', 'failed']).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
