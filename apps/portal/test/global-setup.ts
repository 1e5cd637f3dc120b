import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.ts';

const portal = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The server tests run against the production build, as users get it. Building takes a few
 * seconds; KONSORT_SKIP_BUILD=1 reuses an existing build while iterating on tests.
 */
export default function setup() {
  const built = existsSync(join(portal, 'build/server/index.js'));
  if (testEnv.KONSORT_SKIP_BUILD === '1' && built) return;
  execFileSync(join(portal, 'node_modules/.bin/remix'), ['vite:build', '--logLevel', 'error'], {
    cwd: portal,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
