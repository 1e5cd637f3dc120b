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
  generateDocuments,
  type TranslationResult,
  translate,
  type ValidationReport,
} from './grammar/index.ts';
import type { PortalClient } from './portal-client.ts';
import { createLocalTransport } from './transports/local.ts';
import { connectSftp } from './transports/sftp.ts';
import { joinPath, type MailboxEntry, type Transport } from './transports/types.ts';

export type Profile = EdiProfile;
/** One file's outcome in an `edi.ingestMany` batch (`failed`: rolled back alone, left in the inbox). */
type IngestManyResult = Awaited<ReturnType<PortalClient['edi']['ingestMany']['mutate']>>['results'][number];
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
  /** SFTP/file operations kept in flight per profile (reads, acknowledgement uploads, moves). */
  concurrency?: number;
  /** Files per `edi.ingestMany` call, i.e. per transaction (1–500, default 200). */
  batchSize?: number;
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
  const numbers = opts.numbers ?? new ControlNumberPool(client, profile.id, 1);
  const file = await prepareFile(profile, transport, name, numbers, now);
  if (!file) return { name, status: 'vanished' };
  const ingested = await client.edi.ingest.mutate(file.payload);

  // For a duplicate this is the acknowledgement stored the first time, not the one just built.
  const ack: StoredOutbound | null = ingested.ack;
  if (ack && ack.status !== 'sent') {
    await transport.writeAtomic(profile.outboxPath, ack.fileName, ack.raw, profile.transport.tempSuffix);
    await client.edi.markSent.mutate({ messageId: ack.messageId });
  }

  return fileAway(profile, transport, name, file.path, ingested, file.errors, now);
}

/** Moves an ingested file to archive/<day>/ — or, rejected, to error/ beside `<name>.reason.txt`. */
async function fileAway(
  profile: Profile,
  transport: Transport,
  name: string,
  path: string,
  ingested: IngestResult,
  errors: EdiError[],
  now: Date,
): Promise<FileOutcome> {
  const ack = ingested.ack;
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

/** A file read and translated, its acknowledgement built: what one batch entry of `ingestMany` needs. */
interface PreparedFile {
  name: string;
  path: string;
  errors: EdiError[];
  payload: ReturnType<typeof ingestPayload> & { ack?: NonNullable<Awaited<ReturnType<typeof buildAck>>> };
}

async function prepareFile(
  profile: Profile,
  transport: Transport,
  name: string,
  numbers: ControlNumberPool,
  now: Date,
): Promise<PreparedFile | null> {
  const path = joinPath(profile.inboxPath, name);
  const bytes = await transport.read(path);
  if (!bytes) return null;
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  const defaultCurrency = profile.settings.defaultCurrency;
  const result = translate(bytes, defaultCurrency ? { defaultCurrency } : {});
  const built = profile.settings.acknowledgements
    ? await buildAck(profile, result.report, numbers, now)
    : undefined;
  return {
    name,
    path,
    errors: allErrors(result),
    payload: {
      ...ingestPayload(profile, result, { fileName: name, fileHash, raw: rawText(bytes) }),
      ...(built ? { ack: built } : {}),
    },
  };
}

/** Batches of `ingestMany` stay well below the API's limits (500 files, 32 Mi characters). */
const BATCH_MAX_CHARS = 16 * 1024 * 1024;

function splitBySize(files: PreparedFile[], maxFiles: number): PreparedFile[][] {
  const out: PreparedFile[][] = [];
  let current: PreparedFile[] = [];
  let chars = 0;
  for (const f of files) {
    const size = f.payload.raw.length + (f.payload.ack?.raw.length ?? 0);
    if (current.length > 0 && (current.length >= maxFiles || chars + size > BATCH_MAX_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(f);
    chars += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * One poll's stable files, in batches: the files of a batch are read with several SFTP requests in
 * flight (the next batch is read while the current one is committed), ingested by ONE
 * `edi.ingestMany` call (one transaction), their acknowledgements uploaded (temp name + rename) and
 * marked sent with one call, and only then moved to archive/ or error/. A crash anywhere leaves the
 * not-yet-moved files in the inbox; the next run sends them again and gets `duplicate` back with the
 * stored acknowledgement, exactly as for a single file (see README.md "Exactly once").
 */
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
  const concurrency = opts.concurrency ?? 32;
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 200, 500));
  const ordered = [...entries].sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  const chunks: MailboxEntry[][] = [];
  for (let i = 0; i < ordered.length; i += batchSize) chunks.push(ordered.slice(i, i + batchSize));

  const fail = (name: string, why: string) => {
    stats.failed++;
    failed.add(name);
    log(`${profile.name}: ${name} failed, left in the inbox for the next poll: ${why}`);
  };

  const read = async (chunk: MailboxEntry[]) => {
    const now = opts.now?.() ?? new Date();
    const prepared: PreparedFile[] = [];
    await pool(chunk, concurrency, async (entry) => {
      try {
        const file = await prepareFile(profile, transport, entry.name, numbers, now);
        if (file) prepared.push(file);
      } catch (e) {
        fail(entry.name, (e as Error).message);
      }
    });
    const position = new Map(chunk.map((e, i) => [e.name, i]));
    return prepared.sort((a, b) => position.get(a.name)! - position.get(b.name)!);
  };

  // Three stages on three batches at once: read batch k+1, ingest batch k, and upload the
  // acknowledgements of and move batch k−1 — each batch's own stages still strictly in order.
  let reading: Promise<PreparedFile[]> | null = chunks[0] ? read(chunks[0]) : null;
  let finishing: Promise<void> = Promise.resolve();
  for (let c = 0; reading; c++) {
    const prepared = await reading;
    reading = chunks[c + 1] ? read(chunks[c + 1]!) : null;
    for (const batch of splitBySize(prepared, batchSize)) {
      const ingested = await ingestBatch(opts, profile, batch, fail);
      await finishing;
      finishing = ingested ? finishBatch(opts, profile, transport, ingested, stats, fail) : Promise.resolve();
    }
  }
  await finishing;
}

/** One `edi.ingestMany` call: the batch's single transaction. `null` when the call failed. */
async function ingestBatch(
  opts: ServiceOptions,
  profile: Profile,
  batch: PreparedFile[],
  fail: (name: string, why: string) => void,
): Promise<{ file: PreparedFile; result: IngestManyResult }[] | null> {
  try {
    const { results } = await opts.client.edi.ingestMany.mutate({
      profileId: profile.id,
      files: batch.map(({ payload: { profileId: _p, ...file } }) => file),
    });
    return batch.map((file, i) => ({ file, result: results[i]! }));
  } catch (e) {
    for (const f of batch) fail(f.name, (e as Error).message);
    return null;
  }
}

/** After the commit: acknowledgements uploaded and marked sent, then the files moved out of the inbox. */
async function finishBatch(
  opts: ServiceOptions,
  profile: Profile,
  transport: Transport,
  ingested: { file: PreparedFile; result: IngestManyResult }[],
  stats: PollStats,
  fail: (name: string, why: string) => void,
) {
  const log = opts.log ?? (() => {});
  const concurrency = opts.concurrency ?? 32;
  const now = opts.now?.() ?? new Date();
  // Acknowledgements first (for a duplicate: the one stored the first time), then one markSentMany.
  const done: { file: PreparedFile; result: IngestResult }[] = [];
  const sent: string[] = [];
  await pool(ingested, concurrency, async ({ file, result }) => {
    if (result.status === 'failed') return fail(file.name, result.error);
    const ack = result.ack;
    try {
      if (ack && ack.status !== 'sent') {
        await transport.writeAtomic(profile.outboxPath, ack.fileName, ack.raw, profile.transport.tempSuffix);
        sent.push(ack.messageId);
      }
      done.push({ file, result });
    } catch (e) {
      fail(file.name, `acknowledgement not written: ${(e as Error).message}`);
    }
  });
  if (sent.length > 0) {
    try {
      await opts.client.edi.markSentMany.mutate({ messageIds: sent });
    } catch (e) {
      // Left in the inbox: the next run gets `duplicate`, finds the uploaded file and marks it sent.
      for (const { file } of done.splice(0))
        fail(file.name, `acknowledgement not marked sent: ${(e as Error).message}`);
    }
  }

  // Only now, after the commit and the acknowledgements, the files leave the inbox.
  await pool(done, concurrency, async ({ file, result }) => {
    try {
      const outcome = await fileAway(profile, transport, file.name, file.path, result, file.errors, now);
      count(stats, outcome);
      log(`${profile.name}: ${file.name} → ${outcome.status}${outcome.ack ? ` (ack ${outcome.ack})` : ''}`);
    } catch (e) {
      fail(file.name, `not moved out of the inbox: ${(e as Error).message}`);
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

type OutboundItem = Awaited<ReturnType<PortalClient['edi']['outbound']['mutate']>>[number];

/** An 855/850 outbox item rendered with the grammar, for the partner's standard and identifiers. */
async function renderOutbound(profile: Profile, item: OutboundItem, numbers: ControlNumberPool, now: Date) {
  const kind = item.kind === 'orderResponse' ? 'purchaseOrderResponse' : 'purchaseOrder';
  const ids = profile.identifiers;
  if (!ids.theirId) {
    throw new Error(
      'the profile names no partner interchange id (identifiers.theirId): cannot address an outbound interchange',
    );
  }
  const sender = { id: ids.ourId ?? 'KONSORT', qualifier: ids.ourQualifier ?? 'ZZ' };
  const receiver = { id: ids.theirId, qualifier: ids.theirQualifier ?? 'ZZ' };
  const reserved = await numbers.take(1);
  const delimiters = profile.settings.delimiters;
  // The portal's JSON document; `generateDocuments` checks it against the grammar's schema first.
  const docs = [{ kind, document: item.document }] as unknown as Parameters<typeof generateDocuments>[0];
  const result =
    profile.standard === 'x12'
      ? generateDocuments(docs, {
          standard: 'x12',
          sender,
          receiver,
          ...(ids.ourApplicationId ? { applicationSender: ids.ourApplicationId } : {}),
          ...(ids.theirApplicationId ? { applicationReceiver: ids.theirApplicationId } : {}),
          version: profile.version === '005010' ? '005010' : '004010',
          ...(delimiters ? { delimiters } : {}),
          ackRequested: profile.settings.acknowledgements,
          lineBreak: true,
          now,
          controlNumbers: reserved,
        })
      : generateDocuments(docs, {
          standard: 'edifact',
          sender,
          receiver,
          messageVersion: profile.version,
          ...(delimiters ? { delimiters } : {}),
          ackRequested: profile.settings.acknowledgements,
          lineBreak: true,
          now,
          controlNumbers: { interchange: reserved.interchange },
        });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  const type =
    profile.standard === 'x12'
      ? kind === 'purchaseOrder'
        ? '850'
        : '855'
      : kind === 'purchaseOrder'
        ? 'ORDERS'
        : 'ORDRSP';
  const controlNumber = String(reserved.interchange).padStart(9, '0');
  return {
    documentType: type,
    fileName: `${type}_${controlNumber}.edi`,
    raw: result.text,
    interchangeControlNumber: controlNumber,
    ...(ids.ourId ? { senderId: `${sender.qualifier}:${sender.id}` } : {}),
    receiverId: `${receiver.qualifier}:${receiver.id}`,
  };
}

/**
 * The profile's outbound queue (`edi.outbound`: order responses, orders for won deals, deal
 * feeds): each item rendered once and recorded against its outbox id (a re-run gets the stored
 * file back, never a second one with new control numbers), written under a temporary name and
 * renamed, then marked sent. An item that fails stays queued for the next poll.
 */
export async function sendOutbound(
  opts: ServiceOptions,
  profile: Profile,
  transport: Transport,
  numbers: ControlNumberPool,
  stats: PollStats,
) {
  const log = opts.log ?? (() => {});
  const items = await opts.client.edi.outbound.mutate({ profileId: profile.id });
  for (const item of items) {
    try {
      let message: (Pick<StoredOutbound, 'messageId' | 'fileName' | 'raw'> & { status: string }) | null =
        item.message;
      if (!message) {
        const rendered = await renderOutbound(profile, item, numbers, opts.now?.() ?? new Date());
        message = await opts.client.edi.recordOutbound.mutate({
          profileId: profile.id,
          outboxId: item.id,
          ...rendered,
        });
      }
      if (message.status !== 'sent') {
        await transport.writeAtomic(
          profile.outboxPath,
          message.fileName,
          message.raw,
          profile.transport.tempSuffix,
        );
        await opts.client.edi.markSent.mutate({ messageId: message.messageId });
      }
      log(`${profile.name}: sent ${item.kind} ${message.fileName}`);
    } catch (e) {
      stats.failed++;
      log(
        `${profile.name}: outbound ${item.kind} ${item.id} not sent, retried on the next poll: ${(e as Error).message}`,
      );
    }
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
    await sendOutbound(opts, profile, transport, numbers, stats);
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
      await sendOutbound(opts, profile, transport, numbers, emptyStats());
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
