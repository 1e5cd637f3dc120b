/**
 * The bridge against a real OpenSSH sshd on loopback (`test:system`): the partner uploads with
 * the real `sftp` client, the bridge polls over SFTP with a pinned host key, a bridge process is
 * killed with SIGKILL mid-backlog and restarted, and a 1,000-file backlog goes through.
 *
 * Needs /usr/sbin/sshd and the `sftp` client. Under CI a missing sshd fails the suite; locally
 * it is skipped with a note.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type EdiTestPortal, startEdiTestPortal } from '@konsort/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalClient, type PortalClient } from './portal-client.ts';
import { drainProfile, type Profile, runOnce } from './service.ts';
import { connectSftp, HostKeyMismatchError } from './transports/sftp.ts';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const haveSshd = existsSync(SSHD);
if (!haveSshd && process.env.CI) throw new Error(`${SSHD} is missing: the SFTP system suite cannot run`);

const appDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface Sshd {
  port: number;
  home: string;
  partnerKey: string;
  bridgeKey: string;
  fingerprint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startSshd(dir: string): Promise<Sshd> {
  await mkdir('/run/sshd', { recursive: true });
  const key = async (name: string) => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    return join(dir, name);
  };
  const [hostKey, partnerKey, bridgeKey] = await Promise.all([
    key('host_key'),
    key('partner_key'),
    key('bridge_key'),
  ]);
  const pub = async (k: string) => readFile(`${k}.pub`, 'utf8');
  await writeFile(join(dir, 'authorized_keys'), `${await pub(partnerKey)}${await pub(bridgeKey)}`);
  const blob = Buffer.from((await pub(hostKey)).split(' ')[1]!, 'base64');
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      `Subsystem sftp internal-sftp -d ${home}`,
      'MaxSessions 50',
      'MaxStartups 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) throw new Error(`sshd did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    home,
    partnerKey,
    bridgeKey,
    fingerprint,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The partner's ERP uploading with OpenSSH's sftp client: temp name, then rename. */
async function partnerUpload(sshd: Sshd, files: { name: string; text: string }[]) {
  const staging = await mkdtemp(join(tmpdir(), 'partner-'));
  const commands = ['-mkdir inbox', 'cd inbox'];
  for (const f of files) {
    await writeFile(join(staging, f.name), f.text);
    commands.push(`put ${join(staging, f.name)} ${f.name}.tmp`, `rename ${f.name}.tmp ${f.name}`);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'sftp',
      [
        '-b',
        '-',
        '-i',
        sshd.partnerKey,
        '-P',
        String(sshd.port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        `${userInfo().username}@127.0.0.1`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sftp exited ${code}: ${stderr}`)),
    );
    child.stdin?.end(`${commands.join('\n')}\n`);
  });
  await rm(staging, { recursive: true, force: true });
}

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
      settings: { acknowledgements: true, partyAccounts: {} },
      transport: {
        kind: 'sftp',
        host: '127.0.0.1',
        port: sshd.port,
        username: userInfo().username,
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

  it('kill -9 mid-backlog and restart: every file exactly once, none lost', async () => {
    const files = Array.from({ length: 100 }, (_, i) => order(1000 + i));
    await partnerUpload(sshd, files);
    const before = (await portal.orders()).length;
    const env = {
      ...process.env,
      KONSORT_PORTAL_URL: portal.url,
      KONSORT_API_KEY: portal.apiKey,
      KONSORT_EDI_STABILITY_MS: '100',
      KONSORT_EDI_CONCURRENCY: '4',
    };
    const bridge: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run'], {
      cwd: appDir,
      env,
      stdio: 'ignore',
    });
    const deadline = Date.now() + 60_000;
    while ((await portal.orders()).length - before < 15) {
      if (Date.now() > deadline) throw new Error('the bridge processed nothing');
      if (bridge.exitCode !== null) throw new Error(`the bridge exited with ${bridge.exitCode}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    bridge.kill('SIGKILL');
    await new Promise((r) => bridge.once('exit', r));
    const atKill = (await portal.orders()).length - before;
    expect(atKill).toBeLessThan(files.length);

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
    const inbound = (await portal.messages()).filter(
      (m) => m.direction === 'inbound' && /^po-1\d{3}\.edi$/.test(m.fileName),
    );
    expect(inbound).toHaveLength(files.length);
    expect(inbound.every((m) => m.status === 'processed')).toBe(true);
    expect(await list(join(sshd.home, 'inbox'))).toEqual([]);
    const outbox = await list(join(sshd.home, 'outbox'));
    expect(outbox.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const acked = (await portal.messages()).filter((m) => m.direction === 'outbound' && m.status === 'sent');
    expect(acked.length).toBe(outbox.length);
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
