/**
 * A partner's SFTP server as the mailbox (ssh2-sftp-client 12). Key authentication only; the
 * server's host key is pinned — `hostVerifier` is always set and refuses every key whose SHA256
 * fingerprint is not the profile's. Connecting retries with jittered exponential backoff (the
 * library has none), except when the host key is wrong: that is refused at once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import SftpClient from 'ssh2-sftp-client';
import { baseName, joinPath, type MailboxEntry, type Transport } from './types.ts';

export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  privateKeyPath?: string | undefined;
  privateKey?: string | undefined;
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export class HostKeyMismatchError extends Error {
  override readonly name = 'HostKeyMismatchError';
  constructor(host: string, expected: string, actual: string) {
    super(
      `The SFTP server ${host} presented host key ${actual}, but the profile pins ${expected}: refusing to connect. If the partner really changed its key, update the profile's hostKeySha256.`,
    );
  }
}

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Full jitter: a random delay in [0, min(max, base·2^attempt)). */
export function backoffMs(
  attempt: number,
  opts: Pick<RetryOptions, 'baseMs' | 'maxMs'>,
  random = Math.random,
) {
  return Math.floor(random() * Math.min(opts.maxMs, opts.baseMs * 2 ** attempt));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function normalisedPin(pin: string): string {
  return `SHA256:${pin.replace(/^SHA256:/, '').replace(/=+$/, '')}`;
}

export async function connectSftp(
  settings: SftpSettings,
  retry: RetryOptions = { attempts: 5, baseMs: 250, maxMs: 8_000 },
): Promise<Transport> {
  const privateKey = settings.privateKey ?? (await readFile(settings.privateKeyPath ?? ''));
  const pinned = normalisedPin(settings.hostKeySha256);
  let lastError: unknown;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    let mismatch: HostKeyMismatchError | null = null;
    const client = new SftpClient('konsort-edi');
    try {
      const raw = await client.connect({
        host: settings.host,
        port: settings.port,
        username: settings.username,
        privateKey,
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) => {
          const actual = fingerprintOf(key);
          if (actual === pinned) return true;
          mismatch = new HostKeyMismatchError(settings.host, pinned, actual);
          return false;
        },
      });
      return wrap(client, raw);
    } catch (e) {
      await client.end().catch(() => {});
      if (mismatch) throw mismatch;
      lastError = e;
      if (attempt + 1 < retry.attempts) await sleep(backoffMs(attempt, retry));
    }
  }
  throw new Error(
    `cannot connect to sftp://${settings.username}@${settings.host}:${settings.port} after ${retry.attempts} attempts: ${(lastError as Error)?.message ?? lastError}`,
  );
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 2 || code === 'ENOENT' || /no such file/i.test(String((e as Error).message));
}

/** ssh2's SFTP channel under the client: the hot per-file calls go to it directly. */
type SftpChannel = Awaited<ReturnType<SftpClient['connect']>>;

/**
 * Per-file operations on the raw channel: each is a plain SFTP request sequence (open/read/close,
 * open/write/close, rename), so many can be in flight on one connection — ssh2 matches replies by
 * request id — without the wrapper's per-call listeners on the client.
 */
function channelOps(channel: SftpChannel) {
  return {
    readFile: (path: string) =>
      new Promise<Buffer>((resolve, reject) =>
        channel.readFile(path, (err, data) => (err ? reject(err) : resolve(data))),
      ),
    writeFile: (path: string, data: Buffer) =>
      new Promise<void>((resolve, reject) =>
        channel.writeFile(path, data, (err) => (err ? reject(err) : resolve())),
      ),
    rename: (from: string, to: string) =>
      new Promise<void>((resolve, reject) =>
        channel.rename(from, to, (err) => (err ? reject(err) : resolve())),
      ),
    unlink: (path: string) =>
      new Promise<void>((resolve, reject) => channel.unlink(path, (err) => (err ? reject(err) : resolve()))),
  };
}

function wrap(client: SftpClient, channel: SftpChannel): Transport {
  const ops = channelOps(channel);
  const exists = async (path: string) => (await client.exists(path)) !== false;
  // Folders seen or made on this connection, as promises: one round trip less per file on a large
  // backlog, and the many uploads of one batch wait for one check instead of each making its own.
  const knownDirs = new Map<string, Promise<void>>();
  const ensureDir = (dir: string) => {
    let known = knownDirs.get(dir);
    if (!known) {
      known = (async () => {
        if ((await client.exists(dir)) === 'd') return;
        try {
          await client.mkdir(dir, true);
        } catch (e) {
          // Another process may have made it meanwhile.
          if ((await client.exists(dir)) !== 'd') throw e;
        }
      })();
      knownDirs.set(dir, known);
      known.catch(() => knownDirs.delete(dir));
    }
    return known;
  };
  return {
    async list(dir) {
      if ((await client.exists(dir)) !== 'd') return [];
      const items = await client.list(dir);
      return items
        .filter((i) => i.type === '-')
        .map((i): MailboxEntry => ({ name: i.name, size: i.size, mtimeMs: i.modifyTime }));
    },
    async read(path) {
      try {
        return await ops.readFile(path);
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },
    async writeAtomic(dir, name, data, tempSuffix) {
      const target = joinPath(dir, name);
      await ensureDir(dir);
      const temp = `${target}${tempSuffix}`;
      // A temp file left by a crashed attempt may be cut short: write the whole content again.
      await ops.writeFile(temp, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
      try {
        await ops.rename(temp, target);
      } catch (e) {
        // Plain SFTP rename fails when the target exists: then an earlier attempt got there first
        // (no `exists` round trip before the upload: on a backlog that is the common case's cost).
        if (!(await exists(target))) throw e;
        await ops.unlink(temp).catch(() => {});
      }
    },
    async move(from, toDir) {
      await ensureDir(toDir);
      const target = joinPath(toDir, baseName(from));
      try {
        await ops.rename(from, target);
        return target;
      } catch (e) {
        // One rename is the common case; only a failure pays for finding out why.
        if (!(await exists(from))) return null;
        if (!(await exists(target))) throw e;
      }
      const suffixed = `${target}.${Date.now()}`;
      try {
        await ops.rename(from, suffixed);
      } catch (e) {
        if (!(await exists(from))) return null;
        throw e;
      }
      return suffixed;
    },
    async close() {
      await client.end();
    },
  };
}
