import { z } from 'zod';

/** The bridge's whole configuration, validated once at start; nothing else reads process.env. */
export const envSchema = z.object({
  /** The portal's tRPC endpoint: the bridge talks to Konsort only through it. */
  KONSORT_PORTAL_URL: z.url().default('http://127.0.0.1:3000/trpc'),
  /** API key with scope `edi`, sent as a bearer token. */
  KONSORT_API_KEY: z.string().min(20).optional(),
  /** SFTP/file operations in flight per profile (reads, acknowledgement uploads, moves). */
  KONSORT_EDI_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** Files per `edi.ingestMany` call, i.e. per portal transaction. */
  KONSORT_EDI_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  /** `run --once`: milliseconds between the two listings that prove a file complete. */
  KONSORT_EDI_STABILITY_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
});

export type BridgeEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): BridgeEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${problems}`);
  }
  return parsed.data;
}
