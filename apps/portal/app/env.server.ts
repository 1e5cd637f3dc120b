import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root (apps/portal/app → ../../..): default home of the `.data` directory. */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  KONSORT_DATA_DIR: z.string().min(1).default(resolve(repoRoot, '.data')),
  KONSORT_PUBLIC_URL: z.string().url().optional(),
  KONSORT_SECURE_COOKIES: bool.optional(),
  KONSORT_SEED: bool.default(true),
  /** Run the EDI bridge beside the portal on a local-folder mailbox (`<data dir>/edi/…`). */
  KONSORT_EDI_BRIDGE: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Outgoing mail server, `smtp://user:pass@host:587` or `smtps://…`; unset = .eml files in `<data dir>/outbox`. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  /** The From header of every mail Konsort sends. */
  MAIL_FROM: z.string().min(3).default('Konsort <no-reply@konsort.local>'),
  /** Run background jobs (mail, reminders) in this process. */
  KONSORT_JOBS: bool.default(true),
});

export interface Env {
  nodeEnv: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  secureCookies: boolean;
  seed: boolean;
  ediBridge: boolean;
  logLevel: string;
  /** SMTP server for outgoing mail; undefined → .eml files in `mailOutboxDir`. */
  smtpUrl: string | undefined;
  mailOutboxDir: string;
  mailFrom: string;
  jobs: boolean;
}

/** The one place that reads process.env in the portal. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw = envSchema.parse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  );
  const production = raw.NODE_ENV === 'production';
  return {
    nodeEnv: raw.NODE_ENV,
    production,
    port: raw.PORT,
    host: raw.HOST,
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.KONSORT_DATA_DIR,
    publicUrl: raw.KONSORT_PUBLIC_URL,
    // Secure cookies need HTTPS; a plain-http production preview would otherwise never log in.
    secureCookies:
      raw.KONSORT_SECURE_COOKIES ?? (production && !!raw.KONSORT_PUBLIC_URL?.startsWith('https')),
    seed: raw.KONSORT_SEED,
    ediBridge: raw.KONSORT_EDI_BRIDGE,
    logLevel: raw.LOG_LEVEL ?? (raw.NODE_ENV === 'test' ? 'warn' : 'info'),
    smtpUrl: raw.SMTP_URL,
    mailOutboxDir: resolve(raw.KONSORT_DATA_DIR, 'outbox'),
    mailFrom: raw.MAIL_FROM,
    jobs: raw.KONSORT_JOBS,
  };
}

/** The environment for a child process the portal starts (the EDI bridge), plus its own settings. */
export function childEnvironment(extra: Record<string, string>, source: NodeJS.ProcessEnv = process.env) {
  return { ...source, ...extra };
}
