/**
 * In-process domain events, published after a change committed. The collaboration server
 * listens, so a deal changed through tRPC, a Remix form or the EDI bridge reaches every open
 * editor, and a change of access re-checks the open connections at once.
 */
import type { Opportunity } from '@konsort/db';

export type DomainEvent =
  | { type: 'opportunity.changed'; opportunity: Opportunity }
  /** Who may see what changed: a share, an archive, a deactivated user. */
  | { type: 'access.changed'; opportunityId?: string };

type Listener = (event: DomainEvent) => void | Promise<void>;

const listeners = new Set<Listener>();

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Listeners run after the caller's commit; one failing never fails the write or the others. */
export function publish(event: DomainEvent): void {
  for (const listener of listeners) {
    Promise.resolve()
      .then(() => listener(event))
      .catch((err: unknown) => console.error('domain event listener failed', event.type, err));
  }
}
