import { z } from 'zod';
import { currencyCode } from '../schemas.ts';

const year = z.coerce.number().int().min(2000).max(2100);
const amountMinor = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const businessType = z.enum(['new', 'existing']);

export const setAnnualTargetInput = z.object({
  userId: z.uuid(),
  year,
  businessType,
  currency: currencyCode.default('EUR'),
  annualMinor: amountMinor,
  /** Twelve relative weights (e.g. seasonality); equal months when omitted. */
  weights: z
    .array(z.number().min(0).max(1_000_000))
    .length(12, 'validation.weights')
    .refine((w) => w.some((x) => x > 0), 'validation.weights')
    .optional(),
});

export const setMonthTargetInput = z.object({
  userId: z.uuid(),
  year,
  month: z.coerce.number().int().min(1).max(12),
  businessType,
  currency: currencyCode.default('EUR'),
  amountMinor,
});

export const listTargetsInput = z.object({
  year,
  /** Leaders may filter by rep; a rep always gets their own. */
  userId: z.uuid().optional(),
});
