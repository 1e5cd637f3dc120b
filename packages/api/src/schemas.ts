import { opportunityStages } from '@konsort/db';
import { z } from 'zod';
import { emptyToUndefined, trimmed } from './validation.ts';

/**
 * Input schemas, one per boundary. The same schema validates a Remix form (after the form
 * layer turned strings into values) and a tRPC call, so both reject the same input the same way.
 */
const text = (max: number) => z.preprocess(trimmed, z.string().min(1).max(max));
const optionalText = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().max(max).optional());
const nullableText = (max: number) =>
  z.preprocess(
    (v) => (emptyToUndefined(v) === undefined ? null : trimmed(v)),
    z.string().max(max).nullable(),
  );

export const uuid = z.uuid();
export const countryCode = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
  z.string().regex(/^[A-Z]{2}$/, 'validation.country'),
);
export const currencyCode = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
  z.string().regex(/^[A-Z]{3}$/, 'validation.currency'),
);
const isoDate = z.iso.date();
const email = z.preprocess(emptyToUndefined, z.email().max(254).optional());
const phone = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()/.-]{5,30}$/, 'validation.phone')
    .optional(),
);
const website = z.preprocess(
  (v) => {
    const s = emptyToUndefined(v);
    return typeof s === 'string' && !/^https?:\/\//i.test(s.trim()) ? `https://${s.trim()}` : s;
  },
  z
    .url({ protocol: /^https?$/ })
    .max(300)
    .optional(),
);

/** EU VAT ID shapes (+ CH, GB); the check digit is the tax office's business, the shape is ours. */
const vatPatterns: Record<string, RegExp> = {
  DE: /^DE\d{9}$/,
  AT: /^ATU\d{8}$/,
  CH: /^CHE\d{9}(MWST|TVA|IVA)?$/,
  NL: /^NL\d{9}B\d{2}$/,
  GB: /^GB(\d{9}|\d{12})$/,
  FR: /^FR[0-9A-Z]{2}\d{9}$/,
  IT: /^IT\d{11}$/,
  BE: /^BE[01]\d{9}$/,
  PL: /^PL\d{10}$/,
};
export function isValidVatId(value: string): boolean {
  const v = value.replace(/[\s.-]/g, '').toUpperCase();
  const pattern = vatPatterns[v.slice(0, 2)];
  return pattern ? pattern.test(v) : /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(v);
}
const vatId = z.preprocess((v) => {
  const s = emptyToUndefined(v);
  return typeof s === 'string' ? s.replace(/[\s.-]/g, '').toUpperCase() : s;
}, z.string().refine(isValidVatId, 'validation.vatId').optional());

const postalPatterns: Record<string, RegExp> = {
  DE: /^\d{5}$/,
  AT: /^\d{4}$/,
  CH: /^\d{4}$/,
  NL: /^\d{4} ?[A-Z]{2}$/,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/,
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  PL: /^\d{2}-\d{3}$/,
};

export const accountTypes = ['prospect', 'customer', 'former'] as const;

const accountFields = {
  name: text(200),
  type: z.enum(accountTypes).default('prospect'),
  industry: optionalText(100),
  vatId,
  domain: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'validation.url')
      .optional(),
  ),
  website,
  email,
  phone,
  street: text(200),
  postalCode: text(20),
  city: text(100),
  country: countryCode,
  notes: optionalText(5000),
};

/** Mandatory fields on a new address: name, street, postcode, city, country (TOPIX's rule). */
export const accountInput = z.object(accountFields).superRefine((a, ctx) => {
  const pattern = postalPatterns[a.country];
  if (pattern && !pattern.test(a.postalCode.toUpperCase())) {
    ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'validation.postalCode' });
  }
});
export type AccountInput = z.infer<typeof accountInput>;

export const createAccountInput = accountInput.and(z.object({ ownerId: uuid.optional() }));
export const updateAccountInput = z.object({ id: uuid, data: accountInput });

export const contactInput = z.object({
  accountId: uuid,
  salutation: optionalText(30),
  title: optionalText(50),
  firstName: text(100),
  lastName: text(100),
  position: optionalText(100),
  email,
  phone,
  mobile: phone,
});
export type ContactInput = z.infer<typeof contactInput>;
export const updateContactInput = z.object({ id: uuid, data: contactInput.omit({ accountId: true }) });

export const stageEnum = z.enum(opportunityStages);
export const sortFields = ['updatedAt', 'createdAt', 'name', 'amount', 'expectedCloseDate'] as const;

const opportunityFields = {
  accountId: uuid,
  primaryContactId: z.preprocess(emptyToUndefined, uuid.nullable().optional()),
  name: text(200),
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: currencyCode,
  probability: z.number().int().min(0).max(100).optional(),
  marginMinor: z.number().int().nullable().optional(),
  businessType: z.enum(['new', 'existing']),
  expectedCloseDate: z.preprocess(emptyToUndefined, isoDate.nullable().optional()),
  ownerId: uuid.optional(),
  source: optionalText(100),
  description: nullableText(10_000).optional(),
};

export const opportunityInput = z.object({
  ...opportunityFields,
  currency: currencyCode.default('EUR'),
  businessType: opportunityFields.businessType.default('new'),
});
export type OpportunityInput = z.infer<typeof opportunityInput>;

/** A patch names only what changes: no defaults here, or an edit would reset currency. */
export const opportunityPatch = z.object(opportunityFields).omit({ accountId: true }).partial();
export const updateOpportunityInput = z.object({
  id: uuid,
  /** The version the editor read; a stale one is a CONFLICT, not a silent overwrite. */
  version: z.number().int().positive(),
  data: opportunityPatch,
});

export const changeStageInput = z.object({
  id: uuid,
  stage: stageEnum,
  /** For `lost`: a key of the configured loss reasons (checked against the list in the domain). */
  lostReason: optionalText(40),
});

export const listOpportunitiesInput = z.object({
  q: optionalText(200),
  stages: z.array(stageEnum).max(6).optional(),
  ownerId: uuid.optional(),
  accountId: uuid.optional(),
  mine: z.boolean().optional(),
  includeArchived: z.boolean().optional(),
  closeFrom: isoDate.optional(),
  closeTo: isoDate.optional(),
  sort: z.enum(sortFields).default('updatedAt'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListOpportunitiesInput = z.input<typeof listOpportunitiesInput>;

export const listInput = z.object({
  q: optionalText(200),
  includeArchived: z.boolean().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const idInput = z.object({ id: uuid });

export const passwordSchema = z.string().min(12, 'validation.passwordTooShort').max(200);
export const loginInput = z.object({
  email: z.preprocess(trimmed, z.email().max(254)),
  password: z.string().min(1).max(200),
});
export const createUserInput = z
  .object({
    email: z.preprocess(trimmed, z.email().max(254)),
    name: text(200),
    role: z.enum(['admin', 'manager', 'rep', 'partner_admin', 'partner_member']),
    partnerOrgId: z.preprocess(emptyToUndefined, uuid.optional()),
    password: passwordSchema,
    locale: z.enum(['de', 'en']).default('de'),
  })
  .superRefine((u, ctx) => {
    const partner = u.role === 'partner_admin' || u.role === 'partner_member';
    if (partner !== !!u.partnerOrgId) {
      ctx.addIssue({
        code: 'custom',
        path: ['partnerOrgId'],
        message: partner ? 'validation.required' : 'validation.invalid',
      });
    }
  });
export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});
