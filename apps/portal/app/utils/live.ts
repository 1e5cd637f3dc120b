/**
 * Browser side of the tRPC subscriptions (SSE over /trpc): an EventSource per stream, the
 * superjson envelope unwrapped. EventSource reconnects on its own after a network drop.
 */
import { useEffect, useRef } from 'react';

export function subscriptionUrl(path: string, input?: unknown): string {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return `/trpc/${path}${query}`;
}

/**
 * Calls `onData` with each value the subscription yields, while the component is mounted.
 * Events sent while the connection was down are not replayed: `onReconnect` runs when it is
 * back, to reload what may have been missed.
 */
export function useSubscription<T>(
  url: string | null,
  onData: (value: T) => void,
  onReconnect?: () => void,
): void {
  const handler = useRef(onData);
  handler.current = onData;
  const reconnect = useRef(onReconnect);
  reconnect.current = onReconnect;
  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') return;
    const source = new EventSource(url, { withCredentials: true });
    let opened = false;
    source.onopen = () => {
      if (opened) reconnect.current?.();
      opened = true;
    };
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        const parsed = JSON.parse(event.data) as { json?: T } | T;
        const value = parsed && typeof parsed === 'object' && 'json' in parsed ? parsed.json : parsed;
        if (value !== undefined) handler.current(value as T);
      } catch {
        // tRPC's own control messages (connected, ping) carry no value for us.
      }
    };
    return () => source.close();
  }, [url]);
}
