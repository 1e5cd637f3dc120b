/**
 * Admin-editable settings, one validated JSON document per key in `automation_settings`. A
 * missing row means the default below; a stored row is parsed with the same schema on every
 * read, so a bad value can never reach the automation.
 */
import { automationSettings, type Database, type Executor } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../audit.ts';
import { assertCan } from '../policy/index.ts';
import type { Principal } from '../principal.ts';
import { currencyCode } from '../schemas.ts';
import { inTransaction } from '../tx.ts';
import { requestPriorityRecomputeAll } from './priority-jobs.ts';

const line = (max: number) => z.string().trim().max(max);
const bilingual = (max: number) => z.object({ de: line(max).min(1), en: line(max).min(1) });

export const letterheadSchema = z.object({
  companyName: line(200).min(1),
  street: line(200),
  postalCode: line(20),
  city: line(100),
  country: line(100),
  phone: line(50),
  email: line(200),
  website: line(200),
  vatId: line(50),
  registerNumber: line(100),
  bank: line(300),
});

export const defaultDealSchema = z.object({
  enabled: z.boolean(),
  /** `{account}` is replaced by the account's name. */
  nameTemplate: bilingual(200),
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: currencyCode,
  probability: z.number().int().min(0).max(100),
  expectedCloseDays: z.number().int().min(0).max(3650),
});

export const followUpStageSchema = z.object({
  day: z.number().int().min(1).max(365),
  /** Placeholders: {quoteNumber}, {contactName}, {dealName}, {senderName}, {validUntil}. */
  subject: bilingual(200),
  body: bilingual(5000),
});
export const followUpSchema = z
  .object({
    enabled: z.boolean(),
    stages: z.array(followUpStageSchema).max(10),
    /** Days after the last stage without an answer until the deal closes as lost ("no response"). */
    closeAfterDays: z.number().int().min(0).max(365),
  })
  .refine((v) => v.stages.every((s, i) => i === 0 || s.day > v.stages[i - 1]!.day), {
    message: 'validation.stagesAscending',
    path: ['stages'],
  });

export const lossReasonsSchema = z
  .array(
    z.object({
      key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'validation.reasonKey'),
      label: bilingual(100),
    }),
  )
  .min(1)
  .max(30)
  .refine((list) => new Set(list.map((r) => r.key)).size === list.length, {
    message: 'validation.duplicateKey',
  })
  .refine((list) => list.some((r) => r.key === 'no_response'), { message: 'validation.noResponseReason' });

/**
 * Customer priority: A if any A criterion holds, else B if any B criterion holds, else C.
 * Revenue = won deals of the last 12 months; pipeline = open deals weighted by probability;
 * both in the account's deals' currency as stored (minor units, compared per currency EUR).
 */
export const priorityCriteriaSchema = z.object({
  a: z.object({
    minRevenueMinor: z.number().int().min(0).nullable(),
    minPipelineMinor: z.number().int().min(0).nullable(),
    strategic: z.boolean(),
  }),
  b: z.object({
    minRevenueMinor: z.number().int().min(0).nullable(),
    minPipelineMinor: z.number().int().min(0).nullable(),
    strategic: z.boolean(),
  }),
});

export const settingSchemas = {
  letterhead: letterheadSchema,
  defaultDeal: defaultDealSchema,
  followUp: followUpSchema,
  lossReasons: lossReasonsSchema,
  priority: priorityCriteriaSchema,
} as const;
export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };

export const settingDefaults: Settings = {
  letterhead: {
    companyName: 'Konsort Demo GmbH',
    street: 'Am Sandtorkai 1',
    postalCode: '20457',
    city: 'Hamburg',
    country: 'Deutschland',
    phone: '+49 40 123456-0',
    email: 'vertrieb@konsort.example',
    website: 'www.konsort.example',
    vatId: 'DE123456789',
    registerNumber: 'Amtsgericht Hamburg HRB 123456',
    bank: 'Hamburger Sparkasse · IBAN DE12 2005 0550 1234 5678 90 · BIC HASPDEHHXXX',
  },
  defaultDeal: {
    enabled: true,
    nameTemplate: { de: 'Erstauftrag {account}', en: 'First order {account}' },
    amountMinor: 1_000_000,
    currency: 'EUR',
    probability: 20,
    expectedCloseDays: 90,
  },
  followUp: {
    enabled: true,
    closeAfterDays: 7,
    stages: [
      {
        day: 3,
        subject: { de: 'Ihr Angebot {quoteNumber}', en: 'Your quote {quoteNumber}' },
        body: {
          de: 'Guten Tag {contactName},\n\nhaben Sie unser Angebot {quoteNumber} erhalten? Bei Fragen sind wir gern für Sie da.\n\nMit freundlichen Grüßen\n{senderName}',
          en: 'Dear {contactName},\n\ndid you receive our quote {quoteNumber}? We are happy to answer any questions.\n\nKind regards\n{senderName}',
        },
      },
      {
        day: 10,
        subject: { de: 'Rückfrage zu Angebot {quoteNumber}', en: 'Following up on quote {quoteNumber}' },
        body: {
          de: 'Guten Tag {contactName},\n\nwir möchten nachfragen, ob Sie unser Angebot {quoteNumber} prüfen konnten. Es ist gültig bis {validUntil}.\n\nMit freundlichen Grüßen\n{senderName}',
          en: 'Dear {contactName},\n\nwe would like to ask whether you had a chance to review quote {quoteNumber}. It is valid until {validUntil}.\n\nKind regards\n{senderName}',
        },
      },
      {
        day: 20,
        subject: { de: 'Letzte Erinnerung: Angebot {quoteNumber}', en: 'Last reminder: quote {quoteNumber}' },
        body: {
          de: 'Guten Tag {contactName},\n\nohne Ihre Rückmeldung schließen wir das Angebot {quoteNumber} in Kürze ab.\n\nMit freundlichen Grüßen\n{senderName}',
          en: 'Dear {contactName},\n\nwithout an answer from you we will close quote {quoteNumber} shortly.\n\nKind regards\n{senderName}',
        },
      },
    ],
  },
  lossReasons: [
    { key: 'price', label: { de: 'Preis', en: 'Price' } },
    { key: 'competitor', label: { de: 'Wettbewerber', en: 'Competitor' } },
    { key: 'no_budget', label: { de: 'Kein Budget', en: 'No budget' } },
    { key: 'timing', label: { de: 'Zeitpunkt', en: 'Timing' } },
    { key: 'no_response', label: { de: 'Keine Rückmeldung', en: 'No response' } },
  ],
  priority: {
    a: { minRevenueMinor: 10_000_000, minPipelineMinor: 20_000_000, strategic: true },
    b: { minRevenueMinor: 1_000_000, minPipelineMinor: 2_500_000, strategic: false },
  },
};

/** Reads one setting without a policy check: for the automation's own jobs and domain code. */
export async function readSetting<K extends SettingKey>(db: Executor, key: K): Promise<Settings[K]> {
  const [row] = await db.select().from(automationSettings).where(eq(automationSettings.key, key));
  if (!row) return settingDefaults[key];
  const parsed = settingSchemas[key].safeParse(row.value);
  // A stored value that no longer parses (an older shape) falls back rather than breaking mail.
  return (parsed.success ? parsed.data : settingDefaults[key]) as Settings[K];
}

export async function getSettings(db: Database, principal: Principal): Promise<Settings> {
  assertCan(principal, 'read', { type: 'automation' });
  const entries = await Promise.all(
    (Object.keys(settingSchemas) as SettingKey[]).map(async (k) => [k, await readSetting(db, k)] as const),
  );
  return Object.fromEntries(entries) as Settings;
}

export const updateSettingInput = z.discriminatedUnion('key', [
  z.object({ key: z.literal('letterhead'), value: letterheadSchema }),
  z.object({ key: z.literal('defaultDeal'), value: defaultDealSchema }),
  z.object({ key: z.literal('followUp'), value: followUpSchema }),
  z.object({ key: z.literal('lossReasons'), value: lossReasonsSchema }),
  z.object({ key: z.literal('priority'), value: priorityCriteriaSchema }),
]);

export async function updateSetting(
  db: Database,
  principal: Principal,
  input: z.output<typeof updateSettingInput>,
) {
  assertCan(principal, 'manage', { type: 'automation' });
  return inTransaction(db, principal, async (tx) => {
    const before = await readSetting(tx, input.key);
    await tx
      .insert(automationSettings)
      .values({
        key: input.key,
        value: input.value,
        updatedBy: principal.kind === 'internal' ? principal.userId : null,
      })
      .onConflictDoUpdate({
        target: automationSettings.key,
        set: {
          value: input.value,
          updatedBy: principal.kind === 'internal' ? principal.userId : null,
          updatedAt: new Date(),
        },
      });
    await writeAudit(tx, principal, {
      action: 'update',
      entity: 'automationSetting',
      entityId: input.key,
      changes: { value: [before, input.value] },
    });
    // New criteria: every account's class follows right after, not on the hourly sweep.
    if (input.key === 'priority') await requestPriorityRecomputeAll(tx);
    return input.value;
  });
}
