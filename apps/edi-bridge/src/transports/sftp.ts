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
      await client.connect({
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
      return wrap(client);
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

function wrap(client: SftpClient): Transport {
  const exists = async (path: string) => (await client.exists(path)) !== false;
  // Folders seen or made on this connection: one round trip less per file on a large backlog.
  const knownDirs = new Set<string>();
  const ensureDir = async (dir: string) => {
    if (knownDirs.has(dir)) return;
    if ((await client.exists(dir)) !== 'd') {
      try {
        await client.mkdir(dir, true);
      } catch (e) {
        // Another file of the same batch may have made it meanwhile.
        if ((await client.exists(dir)) !== 'd') throw e;
      }
    }
    knownDirs.add(dir);
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
        const data = await client.get(path);
        return Buffer.isBuffer(data) ? data : Buffer.from(String(data));
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },
    async writeAtomic(dir, name, data, tempSuffix) {
      const target = joinPath(dir, name);
      if (await exists(target)) return;
      await ensureDir(dir);
      const temp = `${target}${tempSuffix}`;
      // A temp file left by a crashed attempt may be cut short: write the whole content again.
      await client.put(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), temp);
      try {
        await client.rename(temp, target);
      } catch (e) {
        // Plain SFTP rename fails when the target exists: then another attempt got there first.
        if (!(await exists(target))) throw e;
        await client.delete(temp, true);
      }
    },
    async move(from, toDir) {
      if (!(await exists(from))) return null;
      await ensureDir(toDir);
      let target = joinPath(toDir, baseName(from));
      if (await exists(target)) target = `${target}.${Date.now()}`;
      try {
        await client.rename(from, target);
      } catch (e) {
        if (!(await exists(from))) return null;
        throw e;
      }
      return target;
    },
    async close() {
      await client.end();
    },
  };
}
