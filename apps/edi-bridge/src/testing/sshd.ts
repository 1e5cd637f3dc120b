/**
 * A real OpenSSH `sshd` on loopback for the SFTP system suite and the `edi` benchmark: fresh
 * ed25519 host, partner and bridge keys, key-only auth, `internal-sftp` chrooted-by-directory
 * to `home`. Test and benchmark support only; the bridge's runtime never imports it.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';
export const haveSshd = existsSync(SSHD);

export interface Sshd {
  port: number;
  /** The SFTP root on disk: what the partner and the bridge see as `/`. */
  home: string;
  partnerKey: string;
  bridgeKey: string;
  /** The host key's `SHA256:…` fingerprint, as a profile pins it. */
  fingerprint: string;
  username: string;
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

export async function startSshd(dir: string): Promise<Sshd> {
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
    username: userInfo().username,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

/** The partner's ERP uploading with OpenSSH's `sftp` client: temp name, then rename. */
export async function partnerUpload(sshd: Sshd, files: { name: string; text: string }[], dir = 'inbox') {
  const staging = await mkdtemp(join(tmpdir(), 'partner-'));
  const commands = [`-mkdir ${dir}`, `cd ${dir}`];
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
        `${sshd.username}@127.0.0.1`,
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
