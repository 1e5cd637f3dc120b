import { z } from 'zod';

/** The benchmarks' environment, validated once. */
export const benchEnv = z
  .object({
    /** Server to create the benchmark database on (it is dropped and recreated). */
    KONSORT_BENCH_ADMIN_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    KONSORT_BENCH_DEALS: z.coerce.number().int().positive().default(100_000),
    KONSORT_BENCH_ITERATIONS: z.coerce.number().int().positive().default(400),
  })
  .parse(process.env);
