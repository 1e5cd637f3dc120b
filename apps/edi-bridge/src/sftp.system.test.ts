/**
 * The bridge against a real OpenSSH sshd on loopback (`test:system`): the partner uploads with
 * the real `sftp` client, the bridge polls over SFTP with a pinned host key, a bridge process is
 * killed with SIGKILL mid-backlog and restarted, and a 1,000-file backlog goes through.
 *
 * Needs /usr/sbin/sshd and the `sftp` client. Under CI a missing sshd fails the suite; locally
 * it is skipped with a note.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callerFor, type EdiTestPortal, makeUser, startEdiTestPortal } from '@konsort/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from './grammar/index.ts';
import { createPortalClient, type PortalClient } from './portal-client.ts';
import { drainProfile, type Profile, runOnce } from './service.ts';
import { haveSshd, partnerUpload, SSHD, type Sshd, startSshd } from './testing/sshd.ts';
import { connectSftp, HostKeyMismatchError } from './transports/sftp.ts';

if (!haveSshd && process.env.CI) throw new Error(`${SSHD} is missing: the SFTP system suite cannot run`);

const appDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A valid 850 with its own interchange control number and PO number. */
let template = '';
function order(n: number): { name: string; text: string } {
  const icn = String(100_000 + n).padStart(9, '0');
  return {
    name: `po-${n}.edi`,
    text: template.replaceAll('000000101', icn).replace('4500012345', `PO-${n}`),
  };
}

const list = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort();

describe.skipIf(!haveSshd)('bridge over SFTP against a real OpenSSH sshd', () => {
  let dir: string;
  let sshd: Sshd;
  let portal: EdiTestPortal;
  let client: PortalClient;
  let profile: Profile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'konsort-sshd-'));
    template = await readFile(fixture('x12/850-004010-valid.edi'), 'utf8');
    [sshd, portal] = await Promise.all([startSshd(dir), startEdiTestPortal()]);
    client = createPortalClient({ KONSORT_PORTAL_URL: portal.url, KONSORT_API_KEY: portal.apiKey });
    profile = await portal.createProfile({
      name: 'Müller SFTP',
      standard: 'x12',
      version: '004010',
      identifiers: { theirId: 'MUELLERGMBH', theirQualifier: 'ZZ', ourId: 'KONSORT', ourQualifier: 'ZZ' },
      settings: { acknowledgements: true, partyAccounts: {} },
      transport: {
        kind: 'sftp',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        privateKeyPath: sshd.bridgeKey,
        hostKeySha256: sshd.fingerprint,
      },
      pollIntervalSeconds: 1,
    });
  });
  afterAll(async () => {
    await sshd?.stop();
    await portal?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes a file the partner uploaded with sftp: the order appears, the 997 lands in outbox/', async () => {
    await partnerUpload(sshd, [order(1)]);
    const stats = await runOnce({ client, stabilityWaitMs: 100 });
    expect(stats).toEqual({ processed: 1, rejected: 0, duplicate: 0, failed: 0 });
    expect((await portal.orders()).map((o) => o.poNumber)).toEqual(['PO-1']);
    const acks = await list(join(sshd.home, 'outbox'));
    expect(acks).toHaveLength(1);
    expect(await readFile(join(sshd.home, 'outbox', acks[0]!), 'utf8')).toContain('ST*997*');
    expect(await list(join(sshd.home, 'inbox'))).toEqual([]);
    expect(await list(join(sshd.home, 'archive', new Date().toISOString().slice(0, 10)))).toEqual([
      'po-1.edi',
    ]);
  });

  it('refuses a server whose host key is not the pinned one, and processes nothing', async () => {
    await partnerUpload(sshd, [order(2)]);
    const wrong = `SHA256:${createHash('sha256').update('another key').digest('base64').replace(/=+$/, '')}`;
    if (profile.transport.kind !== 'sftp') throw new Error('expected an sftp profile');
    const settings = { ...profile.transport, hostKeySha256: wrong };
    await expect(connectSftp(settings, { attempts: 3, baseMs: 10, maxMs: 50 })).rejects.toThrow(
      HostKeyMismatchError,
    );
    await expect(drainProfile({ client }, { ...profile, transport: settings })).rejects.toThrow(
      /refusing to connect/,
    );
    expect(await list(join(sshd.home, 'inbox'))).toEqual(['po-2.edi']);
    expect(await portal.orders()).toHaveLength(1);
    await runOnce({ client, stabilityWaitMs: 100 });
    expect(await portal.orders()).toHaveLength(2);
  });

  it('an order accepted in the portal goes back over SFTP as an 855 under its final name', async () => {
    await partnerUpload(sshd, [order(3)]);
    await runOnce({ client, stabilityWaitMs: 100 });
    const placed = (await portal.orders()).find((o) => o.poNumber === 'PO-3');
    expect(placed).toBeDefined();
    const before = await list(join(sshd.home, 'outbox'));
    const rep = (await makeUser(portal.db, { role: 'rep' })).principal;
    await callerFor(portal.db, rep).caller.order.respond({ id: placed!.id, status: 'accepted' });
    const stats = await runOnce({ client, stabilityWaitMs: 100 });
    expect(stats.failed).toBe(0);
    const added = (await list(join(sshd.home, 'outbox'))).filter((n) => !before.includes(n));
    expect(added).toEqual([expect.stringMatching(/^855_\d{9}\.edi$/)]);
    const text = await readFile(join(sshd.home, 'outbox', added[0]!), 'utf8');
    expect(translate(text).documents[0]).toMatchObject({
      kind: 'purchaseOrderResponse',
      document: { poNumber: 'PO-3', status: 'accepted' },
    });
  });

  it('kill -9 mid-batch, three times, and restart: every file exactly once, none lost', async () => {
    // Small batches (20 files per ingest transaction) so the kills land inside the batch path:
    // while a batch's transaction runs, between its commit and its acknowledgements, mid-upload, or
    // while its files are moved — the delay after each commit is random.
    const files = Array.from({ length: 300 }, (_, i) => order(1000 + i));
    await partnerUpload(sshd, files);
    const ours = async () => (await portal.orders()).filter((o) => /^PO-1\d{3}$/.test(o.poNumber)).length;
    const env = {
      ...process.env,
      KONSORT_PORTAL_URL: portal.url,
      KONSORT_API_KEY: portal.apiKey,
      KONSORT_EDI_STABILITY_MS: '100',
      KONSORT_EDI_CONCURRENCY: '8',
      KONSORT_EDI_BATCH_SIZE: '20',
    };
    const atKills: number[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const seen = await ours();
      const bridge: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run'], {
        cwd: appDir,
        env,
        stdio: 'ignore',
      });
      const deadline = Date.now() + 60_000;
      while ((await ours()) <= seen) {
        if (Date.now() > deadline) throw new Error('the bridge processed nothing');
        if (bridge.exitCode !== null) throw new Error(`the bridge exited with ${bridge.exitCode}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
      bridge.kill('SIGKILL');
      await new Promise((r) => bridge.once('exit', r));
      atKills.push(await ours());
    }
    expect(atKills.at(-1)).toBeLessThan(files.length);

    const restart = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--once'], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    restart.stdout?.on('data', (d) => {
      out += String(d);
    });
    const code = await new Promise((r) => restart.once('exit', r));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ failed: 0 });

    const orders = await portal.orders();
    const poNumbers = orders.map((o) => o.poNumber).filter((p) => /^PO-1\d{3}$/.test(p));
    expect(poNumbers).toHaveLength(files.length);
    expect(new Set(poNumbers).size).toBe(files.length);
    const messages = await portal.messages();
    const inbound = messages.filter((m) => m.direction === 'inbound' && /^po-1\d{3}\.edi$/.test(m.fileName));
    expect(inbound).toHaveLength(files.length);
    expect(inbound.every((m) => m.status === 'processed')).toBe(true);
    expect(await list(join(sshd.home, 'inbox'))).toEqual([]);
    const archived = await list(join(sshd.home, 'archive', new Date().toISOString().slice(0, 10)));
    expect(archived.filter((n) => /^po-1\d{3}\.edi$/.test(n))).toHaveLength(files.length);
    // One acknowledgement per file, each uploaded once under its final name and marked sent.
    const outbox = await list(join(sshd.home, 'outbox'));
    expect(outbox.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const acks = messages.filter((m) => m.direction === 'outbound');
    expect(acks.every((m) => m.status === 'sent')).toBe(true);
    expect(acks.length).toBe(outbox.length);
    expect(new Set(acks.map((m) => m.fileName)).size).toBe(acks.length);
  });

  it('works through a 1,000-file backlog', async () => {
    const files = Array.from({ length: 1000 }, (_, i) => order(5000 + i));
    await partnerUpload(sshd, files);
    const before = (await portal.orders()).length;
    const started = performance.now();
    const stats = await runOnce({ client, stabilityWaitMs: 200, concurrency: 8 });
    const seconds = (performance.now() - started) / 1000;
    expect(stats).toEqual({ processed: 1000, rejected: 0, duplicate: 0, failed: 0 });
    expect((await portal.orders()).length - before).toBe(1000);
    expect(await list(join(sshd.home, 'inbox'))).toEqual([]);
    console.info(`1,000-file SFTP backlog: ${seconds.toFixed(1)} s, ${(1000 / seconds).toFixed(0)} files/s`);
    expect(seconds).toBeLessThan(60);
  });
});
