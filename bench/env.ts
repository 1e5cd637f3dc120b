import { z } from 'zod';

/** The benchmarks' environment, validated once. */
export const benchEnv = z
  .object({
    /** Server to create the benchmark database on (it is dropped and recreated). */
    KONSORT_BENCH_ADMIN_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    KONSORT_BENCH_DEALS: z.coerce.number().int().positive().default(100_000),
    KONSORT_BENCH_ITERATIONS: z.coerce.number().int().positive().default(400),
    /** partner-list: deals in the table (the issue asks for 1M) and shares of the measured partner. */
    KONSORT_BENCH_PARTNER_DEALS: z.coerce.number().int().positive().default(1_000_000),
    KONSORT_BENCH_PARTNER_SHARES: z.coerce.number().int().positive().default(2_000),
  })
  .parse(process.env);
