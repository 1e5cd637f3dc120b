/**
 * Live delivery over Postgres LISTEN/NOTIFY. Writers call `pg_notify` inside their
 * transaction, so a listener hears of a notification or comment only once it committed, and
 * every portal process connected to the database hears it. One LISTEN per channel per
 * database client, fanned out in process to the subscriptions.
 */
import type { Database } from '@konsort/db';

export const LIVE_CHANNELS = {
  notifications: 'konsort_notifications',
  comments: 'konsort_comments',
} as const;
export type LiveChannel = (typeof LIVE_CHANNELS)[keyof typeof LIVE_CHANNELS];

type Listener = (payload: unknown) => void;

interface ListenClient {
  listen(channel: string, cb: (payload: string) => void): Promise<unknown>;
}

export class LiveHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly started = new Map<string, Promise<unknown>>();

  constructor(private readonly client: ListenClient) {}

  /** Resolves once the LISTEN is in place, so nothing committed after it is missed. */
  async subscribe(channel: LiveChannel, listener: Listener): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    if (!this.started.has(channel)) {
      const targets = set;
      this.started.set(
        channel,
        this.client.listen(channel, (raw) => {
          let payload: unknown;
          try {
            payload = JSON.parse(raw);
          } catch {
            return;
          }
          for (const l of targets) l(payload);
        }),
      );
    }
    await this.started.get(channel);
    return () => {
      set.delete(listener);
    };
  }
}

const hubs = new WeakMap<object, LiveHub>();

/** The hub of the database's client (PGlite instance or postgres.js pool). */
export function liveHubFor(db: Database): LiveHub {
  const client = (db as unknown as { $client?: ListenClient }).$client;
  if (!client || typeof client.listen !== 'function') {
    throw new Error('live updates need the base database, not a transaction');
  }
  let hub = hubs.get(client);
  if (!hub) {
    hub = new LiveHub(client);
    hubs.set(client, hub);
  }
  return hub;
}

/**
 * An async iterable of the events on `channel` that `accept` maps to a value (or skips with
 * null), ended by `signal`. Events are queued while the consumer is busy.
 */
export async function* liveEvents<T>(
  db: Database,
  channel: LiveChannel,
  accept: (payload: unknown) => Promise<T | null | 'end'>,
  signal: AbortSignal | undefined,
  /** Another source of events for `accept` (e.g. in-process access changes); returns its unsubscribe. */
  extraSource?: (push: (payload: unknown) => void) => () => void,
): AsyncGenerator<T, void, unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | null = null;
  const push = (payload: unknown) => {
    queue.push(payload);
    wake?.();
  };
  const unsubscribe = await liveHubFor(db).subscribe(channel, push);
  const unsubscribeExtra = extraSource?.(push);
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      const value = await accept(queue.shift());
      if (value === 'end') return;
      if (value !== null) yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
    unsubscribeExtra?.();
  }
}
