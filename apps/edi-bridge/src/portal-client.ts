/**
 * The bridge's only way into Konsort: a typed tRPC client. It imports the router's *type*
 * from @konsort/api — never its code or the database — so the bridge can run on another host.
 */
import type { AppRouter } from '@konsort/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { BridgeEnv } from './env.ts';

export function createPortalClient(env: Pick<BridgeEnv, 'KONSORT_PORTAL_URL' | 'KONSORT_API_KEY'>) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: env.KONSORT_PORTAL_URL,
        transformer: superjson,
        headers: () => (env.KONSORT_API_KEY ? { authorization: `Bearer ${env.KONSORT_API_KEY}` } : {}),
      }),
    ],
  });
}

export type PortalClient = ReturnType<typeof createPortalClient>;
