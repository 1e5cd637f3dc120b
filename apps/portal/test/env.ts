import { z } from 'zod';

/** The environment of the portal's test harnesses (server tests and browser journeys), validated once. */
export const testEnv = z
  .object({
    /** Reuse an existing production build while iterating on tests (`1`). */
    KONSORT_SKIP_BUILD: z.enum(['0', '1']).default('0'),
    /** Debian's Chromium unless told otherwise. */
    CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
    /** A folder for the journeys' screenshots; none taken when unset. */
    KONSORT_E2E_SCREENSHOTS: z.string().min(1).optional(),
  })
  .parse(process.env);
