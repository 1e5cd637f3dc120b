import { configDefaults, defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    ...sharedTestConfig(import.meta.dirname),
    // Real-sshd suites run under `test:system` only (vitest.system.config.ts).
    exclude: [...configDefaults.exclude, 'src/**/*.system.test.ts'],
  },
});
