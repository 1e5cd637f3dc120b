/**
 * The typed tRPC client, for the EDI bridge and other integrations. Type-only import of the
 * router: no server code reaches a client bundle.
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from './root.ts';

export type { AppRouter };

export function createKonsortClient(options: { url: string; headers?: () => Record<string, string> }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({ url: options.url, transformer: superjson, headers: options.headers ?? (() => ({})) }),
    ],
  });
}
