import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

/** `test:system`: the suites that need real services (OpenSSH sshd, PostgreSQL). */
export default defineConfig({
  test: {
    ...sharedTestConfig(import.meta.dirname, 'system'),
    include: ['src/**/*.system.test.ts'],
    testTimeout: 120_000,
  },
});
