#!/usr/bin/env -S npx tsx
/**
 * konsort-edi — the EDI bridge's command line. Exit codes: 0 ok, 1 the input is invalid or the
 * portal is unreachable, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { readEnv } from './env.ts';
import { translate, validate } from './grammar/index.ts';
import { createPortalClient } from './portal-client.ts';

export const helpText = `konsort-edi — Konsort's EDI bridge (X12 / EDIFACT over SFTP)

Usage:
  pnpm edi <command> [options]

Commands:
  validate FILE   check an X12 or EDIFACT file: JSON report (interchanges, groups, messages
                  with type/version/control numbers, errors with the standards' codes)
  translate FILE  print the business documents of a file (orders, shipments, invoices) as JSON
  ping            check that the portal answers at KONSORT_PORTAL_URL
  help            show this text

Environment:
  KONSORT_PORTAL_URL   tRPC endpoint of the portal (default http://127.0.0.1:3000/trpc)
  KONSORT_API_KEY      API key with scope "edi"

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
    default:
      err.write(`unknown command: ${command}\n\n${helpText}`);
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
