/**
 * The bridge service: per trading-partner profile, poll the inbox, take only complete files,
 * and for each: read → sha256 → validate + translate → `edi.ingest` (one transaction in the
 * portal) → acknowledgement (997/TA1 or CONTRL, control numbers from the portal) → archive/ or
 * error/. Every step is safe to repeat after a crash; see README.md "Exactly once".
 */
import { createHash } from 'node:crypto';
import type { EdiProfile, IngestResult, StoredOutbound } from '@konsort/api';
import {
  type AckProfile,
  buildAcknowledgement,
  decodeInput,
  type EdiError,
  type TranslationResult,
  translate,
  type ValidationReport,
} from './grammar/index.ts';
import type { PortalClient } from './portal-client.ts';
import { createLocalTransport } from './transports/local.ts';
import { connectSftp } from './transports/sftp.ts';
import { joinPath, type MailboxEntry, type Transport } from './transports/types.ts';

export type Profile = EdiProfile;
export type Log = (line: string) => void;

export interface FileOutcome {
  name: string;
  status: IngestResult['status'] | 'vanished';
  messageId?: string;
  ack?: string;
  movedTo?: string;
}

export interface PollStats {
  processed: number;
  rejected: number;
  duplicate: number;
  failed: number;
}

export interface ServiceOptions {
  client: PortalClient;
  log?: Log;
  /** Files handled in parallel per profile (each is independent). */
  concurrency?: number;
  /** `--once`: the pause between the two listings that prove a file complete. */
  stabilityWaitMs?: number;
  /** Opens a profile's mailbox; tests may substitute it. */
  openTransport?: (profile: Profile) => Promise<Transport>;
  now?: () => Date;
}

export function openTransport(profile: Profile): Promise<Transport> {
  const t = profile.transport;
  if (t.kind === 'local') return Promise.resolve(createLocalTransport(t.root));
  return connectSftp(t);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Only complete files: no temp names, and size + mtime unchanged since the previous listing. */
export class CompletenessGate {
  private previous = new Map<string, string>();
  constructor(private readonly tempSuffixes: readonly string[]) {}

  candidates(entries: MailboxEntry[]): MailboxEntry[] {
    return entries.filter((e) => !this.tempSuffixes.some((s) => e.name.endsWith(s)));
  }

  /** Records this listing and returns the files that look the same as in the previous one. */
  stable(entries: MailboxEntry[]): MailboxEntry[] {
    const next = new Map<string, string>();
    const out: MailboxEntry[] = [];
    for (const e of this.candidates(entries)) {
      const signature = `${e.size}:${e.mtimeMs}`;
      next.set(e.name, signature);
      if (this.previous.get(e.name) === signature) out.push(e);
    }
    this.previous = next;
    return out;
  }

  forget(name: string) {
    this.previous.delete(name);
  }
}

function allErrors(result: TranslationResult): EdiError[] {
  const { report } = result;
  const errors: EdiError[] = [...report.errors];
  for (const ic of report.interchanges) {
    errors.push(...ic.errors);
    for (const g of ic.groups) {
      errors.push(...g.errors);
      for (const m of g.messages) errors.push(...m.errors);
    }
  }
  for (const r of result.rejected) if (r.errors.some((e) => e.code === 'MAPPING')) errors.push(...r.errors);
  return errors.slice(0, 200);
}

function party(p: { id: string; qualifier: string } | undefined) {
  return p ? (p.qualifier ? `${p.qualifier}:${p.id}` : p.id) : undefined;
}

function documentTypes(report: ValidationReport): string {
  const types = new Set(
    report.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.messages.map((m) => m.type))),
  );
  return [...types].join(',').slice(0, 40) || 'unknown';
}

/** The text of a file for the portal's raw view: decoded like the grammar decodes it. */
function rawText(bytes: Buffer): string {
  const decoded = decodeInput(bytes);
  return decoded.error
    ? `(undecodable: ${decoded.error.message})\n${bytes.toString('latin1')}`
    : decoded.text;
}

function reasonText(name: string, errors: EdiError[], extra: string[]): string {
  const lines = errors.map(
    (e) => `${e.level} ${e.code}: ${e.message}${e.segmentTag ? ` (segment ${e.segmentTag})` : ''}`,
  );
  return `${name} was not accepted.\n\n${[...lines, ...extra].join('\n')}\n`;
}

/** What `edi.ingest` receives for a translated file. */
function ingestPayload(
  profile: Profile,
  result: TranslationResult,
  file: { fileName: string; fileHash: string; raw: string },
) {
  const { report } = result;
  const valid = report.valid && result.rejected.length === 0;
  const first = report.interchanges[0];
  return {
    profileId: profile.id,
    ...file,
    standard: report.standard === 'unknown' ? profile.standard : report.standard,
    interchangeControlNumber: report.interchanges
      .map((ic) => ic.controlNumber)
      .join(',')
      .slice(0, 400),
    senderId: party(first?.sender),
    receiverId: party(first?.receiver),
    documentType: documentTypes(report),
    valid,
    errors: allErrors(result).map((e) => ({
      level: e.level,
      code: e.code,
      message: e.message.slice(0, 2000),
      ...(e.segmentPosition !== undefined ? { segmentPosition: e.segmentPosition } : {}),
      ...(e.elementPosition !== undefined ? { elementPosition: e.elementPosition } : {}),
      ...(e.segmentTag !== undefined ? { segmentTag: e.segmentTag } : {}),
    })),
    documents: valid
      ? result.documents.map((d) => ({
          ...d,
          source: {
            interchangeControlNumber: d.source.interchangeControlNumber,
            messageType: d.source.messageType,
            messageControlNumber: d.source.messageControlNumber,
          },
        }))
      : [],
  };
}

/**
 * Control numbers for acknowledgements, reserved from the portal in blocks (one call per block,
 * not per file). Numbers of a block left unused when the bridge stops are skipped: control
 * numbers must be unique, not gapless.
 */
export class ControlNumberPool {
  private next = { interchange: 0, group: 0 };
  private left = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: PortalClient,
    private readonly profileId: string,
    private readonly block = 64,
  ) {}

  /** `n` consecutive interchange (and group) numbers; returns the first of each. */
  take(n: number): Promise<{ interchange: number; group: number }> {
    const result = this.lock.then(async () => {
      if (this.left < n) {
        const size = Math.max(this.block, n);
        const reserved = await this.client.edi.nextControlNumbers.mutate({
          profileId: this.profileId,
          kinds: { interchange: size, group: size },
        });
        this.next = { interchange: reserved.interchange ?? 1, group: reserved.group ?? 1 };
        this.left = size;
      }
      const taken = { ...this.next };
      this.next = { interchange: this.next.interchange + n, group: this.next.group + n };
      this.left -= n;
      return taken;
    });
    this.lock = result.catch(() => {});
    return result;
  }
}

/** Builds the acknowledgement for a report (nothing when there is no interchange to answer). */
async function buildAck(profile: Profile, report: ValidationReport, numbers: ControlNumberPool, now: Date) {
  const count = report.interchanges.filter((ic) => ic.standard === profile.standard).length;
  if (count === 0) return undefined;
  const reserved = await numbers.take(count);
  const ids = profile.identifiers;
  const us = ids.ourId ? { id: ids.ourId, qualifier: ids.ourQualifier ?? '' } : undefined;
  const them = ids.theirId ? { id: ids.theirId, qualifier: ids.theirQualifier ?? '' } : undefined;
  const parties = { ...(us ? { sender: us } : {}), ...(them ? { receiver: them } : {}), now };
  const ackProfile: AckProfile =
    profile.standard === 'x12'
      ? { standard: 'x12', controlNumbers: reserved, ...parties }
      : { standard: 'edifact', controlNumbers: { interchange: reserved.interchange }, ...parties };
  const ack = buildAcknowledgement(report, ackProfile);
  const first = ack.acknowledgements[0];
  if (!first) return undefined;
  const kind = first.kind === 'TA1+997' ? '997' : first.kind;
  return {
    documentType: kind,
    fileName: `${kind}_${first.controlNumber}.edi`,
    raw: ack.text,
    interchangeControlNumber: ack.acknowledgements.map((a) => a.controlNumber).join(','),
  };
}

/**
 * One inbound file, start to end. Safe to run again at any point: the portal recognises the
 * file (`duplicate`) and hands back the acknowledgement it stored; outbound writes and moves are
 * idempotent.
 */
export async function processFile(
  client: PortalClient,
  profile: Profile,
  transport: Transport,
  name: string,
  opts: { now?: () => Date; numbers?: ControlNumberPool } = {},
): Promise<FileOutcome> {
  const now = opts.now?.() ?? new Date();
  const path = joinPath(profile.inboxPath, name);
  const bytes = await transport.read(path);
  if (!bytes) return { name, status: 'vanished' };
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  const defaultCurrency = profile.settings.defaultCurrency;
  const result = translate(bytes, defaultCurrency ? { defaultCurrency } : {});
  const { report } = result;
  const errors = allErrors(result);
  const built = profile.settings.acknowledgements
    ? await buildAck(profile, report, opts.numbers ?? new ControlNumberPool(client, profile.id, 1), now)
    : undefined;
  const ingested = await client.edi.ingest.mutate({
    ...ingestPayload(profile, result, { fileName: name, fileHash, raw: rawText(bytes) }),
    ...(built ? { ack: built } : {}),
  });

  // For a duplicate this is the acknowledgement stored the first time, not the one just built.
  const ack: StoredOutbound | null = ingested.ack;
  if (ack && ack.status !== 'sent') {
    await transport.writeAtomic(profile.outboxPath, ack.fileName, ack.raw, profile.transport.tempSuffix);
    await client.edi.markSent.mutate({ messageId: ack.messageId });
  }

  const rejected =
    ingested.status === 'rejected' ||
    (ingested.status === 'duplicate' && ingested.storedStatus === 'rejected');
  let movedTo: string | null;
  if (rejected) {
    const extra = ack ? [] : ['No acknowledgement could be built: the file holds no readable interchange.'];
    await transport.writeAtomic(
      profile.errorPath,
      `${name}.reason.txt`,
      reasonText(
        name,
        errors.length > 0
          ? errors
          : [
              {
                level: 'message',
                code: 'REJECTED',
                message: 'Rejected by the portal (see the EDI monitor).',
              },
            ],
        extra,
      ),
      profile.transport.tempSuffix,
    );
    movedTo = await transport.move(path, profile.errorPath);
  } else {
    movedTo = await transport.move(path, joinPath(profile.archivePath, now.toISOString().slice(0, 10)));
  }
  return {
    name,
    status: ingested.status,
    messageId: ingested.messageId,
    ...(ack ? { ack: ack.fileName } : {}),
    ...(movedTo ? { movedTo } : {}),
  };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

function count(stats: PollStats, outcome: FileOutcome) {
  if (outcome.status === 'processed') stats.processed++;
  else if (outcome.status === 'rejected') stats.rejected++;
  else if (outcome.status === 'duplicate') stats.duplicate++;
}

async function processBatch(
  opts: ServiceOptions,
  profile: Profile,
  transport: Transport,
  entries: MailboxEntry[],
  stats: PollStats,
  failed: Set<string>,
  numbers: ControlNumberPool,
) {
  const log = opts.log ?? (() => {});
  const ordered = [...entries].sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  await pool(ordered, opts.concurrency ?? 8, async (entry) => {
    try {
      const outcome = await processFile(opts.client, profile, transport, entry.name, {
        numbers,
        ...(opts.now ? { now: opts.now } : {}),
      });
      count(stats, outcome);
      log(`${profile.name}: ${entry.name} → ${outcome.status}${outcome.ack ? ` (ack ${outcome.ack})` : ''}`);
    } catch (e) {
      stats.failed++;
      failed.add(entry.name);
      log(
        `${profile.name}: ${entry.name} failed, left in the inbox for the next poll: ${(e as Error).message}`,
      );
    }
  });
}

/** Re-runs messages an admin marked for reprocessing, from their stored text. */
async function reprocessPending(opts: ServiceOptions, profile: Profile, stats: PollStats) {
  const pending = await opts.client.edi.pending.query({ profileId: profile.id });
  for (const m of pending) {
    const defaultCurrency = profile.settings.defaultCurrency;
    const result = translate(m.raw, defaultCurrency ? { defaultCurrency } : {});
    const outcome = await opts.client.edi.ingest.mutate(
      ingestPayload(profile, result, { fileName: m.fileName, fileHash: m.fileHash, raw: m.raw }),
    );
    count(stats, { name: m.fileName, status: outcome.status });
    opts.log?.(`${profile.name}: reprocessed ${m.fileName} → ${outcome.status}`);
  }
}

const emptyStats = (): PollStats => ({ processed: 0, rejected: 0, duplicate: 0, failed: 0 });

/**
 * `--once`: work through the profile's current backlog and return. A file is taken when two
 * listings `stabilityWaitMs` apart show it unchanged; it repeats until the inbox has nothing
 * complete left (files that failed are not retried within the same run).
 */
export async function drainProfile(opts: ServiceOptions, profile: Profile): Promise<PollStats> {
  const stats = emptyStats();
  const transport = await (opts.openTransport ?? openTransport)(profile);
  const gate = new CompletenessGate([profile.transport.tempSuffix, '.tmp', '.part']);
  const failed = new Set<string>();
  const numbers = new ControlNumberPool(opts.client, profile.id);
  try {
    await reprocessPending(opts, profile, stats);
    for (let idle = 0; idle < 20; ) {
      const first = gate
        .candidates(await transport.list(profile.inboxPath))
        .filter((e) => !failed.has(e.name));
      if (first.length === 0) break;
      gate.stable(first);
      await sleep(opts.stabilityWaitMs ?? 1_000);
      const stable = gate.stable(await transport.list(profile.inboxPath)).filter((e) => !failed.has(e.name));
      if (stable.length === 0) {
        idle++;
        continue;
      }
      idle = 0;
      await processBatch(opts, profile, transport, stable, stats, failed, numbers);
    }
  } finally {
    await transport.close();
  }
  return stats;
}

/** `--once` over every active profile. */
export async function runOnce(opts: ServiceOptions): Promise<PollStats> {
  const total = emptyStats();
  for (const profile of await opts.client.edi.profiles.query()) {
    try {
      const stats = await drainProfile(opts, profile);
      for (const k of Object.keys(total) as (keyof PollStats)[]) total[k] += stats[k];
    } catch (e) {
      total.failed++;
      opts.log?.(`${profile.name}: ${(e as Error).message}`);
    }
  }
  return total;
}

/** Polls one profile at its interval until `signal` aborts; the connection is reopened after errors. */
async function pollProfile(opts: ServiceOptions, profile: Profile, signal: AbortSignal) {
  const log = opts.log ?? (() => {});
  const gate = new CompletenessGate([profile.transport.tempSuffix, '.tmp', '.part']);
  let transport: Transport | null = null;
  const numbers = new ControlNumberPool(opts.client, profile.id);
  while (!signal.aborted) {
    try {
      transport ??= await (opts.openTransport ?? openTransport)(profile);
      await reprocessPending(opts, profile, emptyStats());
      const stable = gate.stable(await transport.list(profile.inboxPath));
      if (stable.length > 0) {
        const failed = new Set<string>();
        await processBatch(opts, profile, transport, stable, emptyStats(), failed, numbers);
        for (const name of failed) gate.forget(name);
      }
    } catch (e) {
      log(`${profile.name}: poll failed: ${(e as Error).message}`);
      await transport?.close().catch(() => {});
      transport = null;
    }
    await sleep(profile.pollIntervalSeconds * 1000, signal);
  }
  await transport?.close().catch(() => {});
}

/**
 * The long-running service: one poll loop per active profile; the profile list is reloaded every
 * `refreshMs` so new, changed and deactivated profiles take effect without a restart.
 */
export async function runService(opts: ServiceOptions & { signal: AbortSignal; refreshMs?: number }) {
  const log = opts.log ?? (() => {});
  const loops = new Map<string, { updatedAt: string; stop: AbortController; done: Promise<void> }>();
  while (!opts.signal.aborted) {
    try {
      const profiles = await opts.client.edi.profiles.query();
      const seen = new Set<string>();
      for (const profile of profiles) {
        seen.add(profile.id);
        const stamp = new Date(profile.updatedAt).toISOString();
        const running = loops.get(profile.id);
        if (running && running.updatedAt === stamp) continue;
        running?.stop.abort();
        await running?.done;
        const stop = new AbortController();
        opts.signal.addEventListener('abort', () => stop.abort(), { once: true });
        log(`${profile.name}: polling ${profile.transport.kind} every ${profile.pollIntervalSeconds}s`);
        loops.set(profile.id, { updatedAt: stamp, stop, done: pollProfile(opts, profile, stop.signal) });
      }
      for (const [id, running] of loops) {
        if (seen.has(id)) continue;
        running.stop.abort();
        await running.done;
        loops.delete(id);
      }
    } catch (e) {
      log(`cannot load the EDI profiles from the portal: ${(e as Error).message}`);
    }
    await sleep(opts.refreshMs ?? 60_000, opts.signal);
  }
  await Promise.all([...loops.values()].map((l) => l.done));
}
