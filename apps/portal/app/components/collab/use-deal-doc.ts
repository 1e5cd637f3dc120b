/**
 * The browser side of a deal's live document: a y-websocket `WebsocketProvider` on
 * `ws(s)://<host>/collab`, room `opportunity:<id>`, created only in the browser (an effect), never
 * during server rendering. Exposes the Y.Map `fields`, my entry of Y.Map `errors`, the presence of
 * the others (awareness) and the connection status.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isLiveField, type LiveField, type LiveValues } from '../../utils/collab-fields.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'closed';

export interface PeerPrincipal {
  kind: string;
  role: string;
  name: string;
  userId: string;
}

export interface Peer {
  clientId: number;
  principal: PeerPrincipal;
  field: LiveField | null;
}

/** What the server wrote into Y.Map `errors` for my client id when it reverted an edit. */
export interface LiveFieldError {
  field: LiveField;
  reason: string;
  message: string;
  at: string;
}

export interface RemoteChange {
  fields: LiveField[];
  seq: number;
}

export interface DealDoc {
  status: ConnectionStatus;
  /** True once the first sync with the server finished (values are the document's). */
  synced: boolean;
  values: LiveValues;
  peers: Peer[];
  /** Errors the server reported for my edits (removed from the document once read). */
  errors: Partial<Record<LiveField, LiveFieldError>>;
  /** The fields last changed by someone else (for the live region and highlighting). */
  remoteChange: RemoteChange | null;
  setField<K extends LiveField>(field: K, value: LiveValues[K]): void;
  setFocus(field: LiveField | null): void;
  dismissError(field: LiveField): void;
}

function isPrincipal(value: unknown): value is PeerPrincipal {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.userId === 'string' && typeof p.role === 'string';
}

function readValues(map: Y.Map<unknown>, fallback: LiveValues): LiveValues {
  const get = <K extends LiveField>(key: K, ok: (v: unknown) => boolean): LiveValues[K] => {
    const v = map.get(key);
    return (map.has(key) && ok(v) ? v : fallback[key]) as LiveValues[K];
  };
  const str = (v: unknown) => typeof v === 'string';
  const num = (v: unknown) => typeof v === 'number';
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  return {
    name: get('name', str),
    amountMinor: get('amountMinor', num),
    expectedCloseDate: get('expectedCloseDate', strOrNull),
    probability: get('probability', num),
    description: get('description', strOrNull),
  };
}

function readPeers(provider: WebsocketProvider): Peer[] {
  const me = provider.awareness.clientID;
  const peers: Peer[] = [];
  for (const [clientId, state] of provider.awareness.getStates()) {
    if (clientId === me) continue;
    const principal: unknown = state.principal;
    if (!isPrincipal(principal)) continue;
    peers.push({ clientId, principal, field: isLiveField(state.field) ? state.field : null });
  }
  return peers.sort((a, b) => a.principal.name.localeCompare(b.principal.name) || a.clientId - b.clientId);
}

export function collabUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

export function useDealDoc(opportunityId: string, initial: LiveValues): DealDoc {
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [synced, setSynced] = useState(false);
  const [values, setValues] = useState<LiveValues>(initial);
  const [peers, setPeers] = useState<Peer[]>([]);
  const [errors, setErrors] = useState<Partial<Record<LiveField, LiveFieldError>>>({});
  const [remoteChange, setRemoteChange] = useState<RemoteChange | null>(null);
  const providerRef = useRef<WebsocketProvider | null>(null);
  const initialRef = useRef(initial);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabUrl(window.location), `opportunity:${opportunityId}`, doc, {
      // The server is the authority (permissions, validation): no tab-to-tab shortcut past it.
      disableBc: true,
      maxBackoffTime: 5000,
    });
    providerRef.current = provider;
    const fields = doc.getMap<unknown>('fields');
    const errorMap = doc.getMap<unknown>('errors');
    const myKey = String(doc.clientID);
    let seq = 0;

    const onFields = (event: Y.YMapEvent<unknown>) => {
      setValues(readValues(fields, initialRef.current));
      if (!event.transaction.local) {
        const changed = [...event.keysChanged].filter(isLiveField);
        if (changed.length > 0) setRemoteChange({ fields: changed, seq: ++seq });
      }
    };
    const onErrors = () => {
      const entry = errorMap.get(myKey);
      if (typeof entry !== 'object' || entry === null) return;
      const e = entry as Record<string, unknown>;
      if (isLiveField(e.field) && typeof e.reason === 'string') {
        const error: LiveFieldError = {
          field: e.field,
          reason: e.reason,
          message: typeof e.message === 'string' ? e.message : '',
          at: typeof e.at === 'string' ? e.at : '',
        };
        setErrors((prev) => ({ ...prev, [error.field]: error }));
      }
      // Read once: clear my entry so it is not shown again after a reload.
      errorMap.delete(myKey);
    };
    const onStatus = ({ status: s }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      // A connection the server ended for good (access revoked, session gone) stays "closed".
      setStatus((prev) =>
        prev === 'closed' ? prev : s === 'connected' ? 'live' : s === 'connecting' ? 'connecting' : 'offline',
      );
    };
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      setSynced(true);
      setValues(readValues(fields, initialRef.current));
      onErrors();
    };
    const onClosed = () => setStatus('closed');
    const onAwareness = () => setPeers(readPeers(provider));

    fields.observe(onFields);
    errorMap.observe(onErrors);
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('closed', onClosed);
    provider.awareness.on('change', onAwareness);
    provider.awareness.setLocalStateField('field', null);
    return () => {
      fields.unobserve(onFields);
      errorMap.unobserve(onErrors);
      provider.awareness.off('change', onAwareness);
      provider.destroy();
      doc.destroy();
      providerRef.current = null;
    };
  }, [opportunityId]);

  const setField = useCallback(<K extends LiveField>(field: K, value: LiveValues[K]) => {
    const provider = providerRef.current;
    if (!provider) return;
    const fields = provider.doc.getMap<unknown>('fields');
    if (fields.get(field) === value) return;
    fields.set(field, value);
  }, []);

  const setFocus = useCallback((field: LiveField | null) => {
    providerRef.current?.awareness.setLocalStateField('field', field);
  }, []);

  const dismissError = useCallback((field: LiveField) => {
    setErrors((prev) => {
      if (!prev[field]) return prev;
      const next = { ...prev };
      delete next[field];
      return next;
    });
  }, []);

  return { status, synced, values, peers, errors, remoteChange, setField, setFocus, dismissError };
}
