#!/usr/bin/env -S npx tsx
/**
 * konsort-edi — the EDI bridge's command line. Exit codes: 0 ok, 1 the input is invalid or the
 * portal is unreachable, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { readEnv } from './env.ts';
import { translate, validate } from './grammar/index.ts';
import { createPortalClient } from './portal-client.ts';
import { runOnce, runService } from './service.ts';

export const helpText = `konsort-edi — Konsort's EDI bridge (X12 / EDIFACT over SFTP)

Usage:
  pnpm edi <command> [options]

Commands:
  validate FILE   check an X12 or EDIFACT file: JSON report (interchanges, groups, messages
                  with type/version/control numbers, errors with the standards' codes)
  translate FILE  print the business documents of a file (orders, shipments, invoices) as JSON
  run [--once]    start the bridge: poll every active trading-partner profile's inbox, ingest
                  complete files into the portal, acknowledge, archive. --once processes the
                  current backlog and exits (exit 1 when a file failed)
  ping            check that the portal answers at KONSORT_PORTAL_URL
  help            show this text

Environment:
  KONSORT_PORTAL_URL   tRPC endpoint of the portal (default http://127.0.0.1:3000/trpc)
  KONSORT_API_KEY      API key with scope "edi" (required by run)
  KONSORT_EDI_CONCURRENCY   file operations in flight per profile (default 32)
  KONSORT_EDI_BATCH_SIZE    files per ingest transaction (default 200)
  KONSORT_EDI_STABILITY_MS  run --once: pause between the two listings (default 1000)

Exit codes: 0 ok, 1 invalid input or portal unreachable, 2 usage error.
`;

export async function main(
  argv: string[],
  out: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
  err: Pick<NodeJS.WritableStream, 'write'> = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out.write(helpText);
      return command === undefined ? 2 : 0;
    case 'validate':
    case 'translate': {
      if (rest.length !== 1 || !rest[0] || rest[0].startsWith('-')) {
        err.write(`${command} takes exactly one FILE\n\n${helpText}`);
        return 2;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readFile(rest[0]);
      } catch (e) {
        err.write(`cannot read ${rest[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return 2;
      }
      if (command === 'validate') {
        const report = validate(bytes);
        out.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.valid ? 0 : 1;
      }
      const result = translate(bytes);
      out.write(
        `${JSON.stringify({ valid: result.report.valid, documents: result.documents, rejected: result.rejected }, null, 2)}\n`,
      );
      return result.report.valid && result.rejected.length === 0 ? 0 : 1;
    }
    case 'ping': {
      if (rest.length > 0) {
        err.write(`ping takes no arguments\n\n${helpText}`);
        return 2;
      }
      let env: ReturnType<typeof readEnv>;
      try {
        env = readEnv();
      } catch (e) {
        err.write(`${(e as Error).message}\n`);
        return 2;
      }
      try {
        const me = await createPortalClient(env).auth.me.query();
        out.write(`${JSON.stringify({ ok: true, portal: env.KONSORT_PORTAL_URL, signedIn: me !== null })}\n`);
        return 0;
      } catch (e) {
        err.write(
          `${JSON.stringify({ ok: false, portal: env.KONSORT_PORTAL_URL, error: (e as Error).message })}\n`,
        );
        return 1;
      }
    }
    case 'run': {
      const once = rest.includes('--once');
      const unknown = rest.filter((a) => a !== '--once');
      if (unknown.length > 0) {
        err.write(`run takes only --once, not ${unknown.join(' ')}\n\n${helpText}`);
        return 2;
      }
      let env: ReturnType<typeof readEnv>;
      try {
        env = readEnv();
      } catch (e) {
        err.write(`${(e as Error).message}\n`);
        return 2;
      }
      if (!env.KONSORT_API_KEY) {
        err.write('run needs KONSORT_API_KEY: an API key with scope "edi" (portal: Settings → API keys)\n');
        return 2;
      }
      const client = createPortalClient(env);
      const log = (line: string) => err.write(`${new Date().toISOString()} ${line}\n`);
      const options = {
        client,
        log,
        concurrency: env.KONSORT_EDI_CONCURRENCY,
        batchSize: env.KONSORT_EDI_BATCH_SIZE,
        stabilityWaitMs: env.KONSORT_EDI_STABILITY_MS,
      };
      if (once) {
        try {
          const stats = await runOnce(options);
          out.write(`${JSON.stringify(stats)}\n`);
          return stats.failed > 0 ? 1 : 0;
        } catch (e) {
          err.write(`cannot reach the portal at ${env.KONSORT_PORTAL_URL}: ${(e as Error).message}\n`);
          return 1;
        }
      }
      const stop = new AbortController();
      const shutdown = () => stop.abort();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      log(`konsort-edi: bridge started, portal ${env.KONSORT_PORTAL_URL}`);
      await runService({ ...options, signal: stop.signal });
      log('konsort-edi: stopped');
      return 0;
    }
    default:
      err.write(`unknown command: ${command}\n\n${helpText}`);
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
