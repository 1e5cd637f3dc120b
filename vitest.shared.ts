import { basename } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Settings every package's vitest config shares: generous timeouts for the real services, and
 * under CI a JSON report per package and suite for `.ci/summary.mjs`.
 */
export function sharedTestConfig(
  packageDir: string,
  suite: 'unit' | 'system' = 'unit',
): ViteUserConfig['test'] {
  const reportDir = process.env.KONSORT_TEST_REPORT_DIR;
  const driver = process.env.KONSORT_TEST_DRIVER === 'postgres' ? 'postgres' : 'pglite';
  return {
    testTimeout: 30_000,
    hookTimeout: 180_000,
    reporters: reportDir ? ['default', 'json'] : ['default'],
    ...(reportDir
      ? { outputFile: { json: `${reportDir}/${basename(packageDir)}-${suite}-${driver}.json` } }
      : {}),
  };
}
