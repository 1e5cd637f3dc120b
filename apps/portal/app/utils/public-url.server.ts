import { readEnv } from '../env.server.ts';

/**
 * The base of links in e-mails: KONSORT_PUBLIC_URL when set, else the origin this request came
 * to (same-origin POSTs only reach actions, see the CSRF check), e.g. on a developer's machine.
 */
export function publicBaseUrl(request: Request): string {
  return readEnv().publicUrl ?? new URL(request.url).origin;
}
