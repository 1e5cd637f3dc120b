/**
 * Crash safety: a server killed with SIGKILL mid-edit loses no update any client saw broadcast.
 * The server runs in a child process against PostgreSQL (KONSORT_TEST_DRIVER=postgres) or a
 * PGlite data directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@konsort/db';
import { createTestDatabase, testDriver } from '@konsort/db/testing';
import { afterAll, expect, it } from 'vitest';
import { connectClient, synced, type TestClient } from './test-helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '../..');
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Child {
  child: ChildProcess;
  /** The pid of the node process that runs the server (tsx starts it as its own child). */
  pid: number;
  base: string;
  fixture: { userId: string; docName: string } | null;
}

function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(join(packageDir, 'node_modules/.bin/tsx'), [join(here, 'collab-test-server.ts')], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let serverPid = 0;
  cleanups.push(() => {
    if (serverPid) {
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        serverPid = Number(m[2]);
        const f = /FIXTURE (.*)\n/.exec(out);
        const fixture = f ? (JSON.parse(f[1]!) as Child['fixture']) : null;
        resolve({ child, pid: serverPid, base: `ws://127.0.0.1:${m[1]}/collab`, fixture });
      }
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`server exited (${code} ${signal}): ${stderr} ${out}`)),
    );
  });
}

it('kill -9 mid-edit: every update a client saw broadcast is there after restart', async () => {
  let env: Record<string, string>;
  if (testDriver() === 'postgres') {
    const handle = await createTestDatabase('postgres');
    cleanups.push(() => handle.destroy());
    if (handle.raw.kind !== 'postgres') throw new Error('expected postgres');
    env = { COLLAB_DB_URL: handle.raw.url };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'konsort-collab-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Created and migrated here (PGlite is single-process: closed before the server opens it).
    const handle = await openDatabase({ dataDir: dir });
    await handle.close();
    env = { COLLAB_PGLITE_DIR: dir, COLLAB_MIGRATE: '0' };
  }
  // A small compaction threshold, so kills also land around compactions.
  env.COLLAB_COMPACT_AFTER = '40';
  const first = await startChild({ ...env, COLLAB_FIXTURE: '1' });
  const fixture = first.fixture!;
  const headers = { 'x-test-user': fixture.userId };
  const clients: TestClient[] = [0, 1, 2].map(() => connectClient(first.base, fixture.docName, headers));
  await Promise.all(clients.map((c) => synced(c)));
  let editing = true;
  const writers = clients.map(async (c, i) => {
    for (let n = 0; editing; n++) {
      c.doc.getArray<string>('log').push([`${i}:${n}`]);
      await new Promise((r) => setTimeout(r, 4));
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(first.pid, 'SIGKILL');
  // What each client received from the others came through the server's broadcast.
  const observed = new Set<string>();
  clients.forEach((c, i) => {
    for (const entry of c.doc.getArray<string>('log').toArray()) {
      if (!entry.startsWith(`${i}:`)) observed.add(entry);
    }
  });
  editing = false;
  await Promise.all(writers);
  // No reconnect to the new server: it must not get the lost updates back from the clients.
  for (const c of clients) c.destroy();
  expect(observed.size).toBeGreaterThan(30);

  const second = await startChild(env);
  const fresh = connectClient(second.base, fixture.docName, headers);
  await synced(fresh);
  const after = new Set(fresh.doc.getArray<string>('log').toArray());
  const missing = [...observed].filter((e) => !after.has(e));
  expect(missing).toEqual([]);
  fresh.destroy();
  const exited = new Promise((r) => second.child.once('exit', r));
  process.kill(second.pid, 'SIGTERM');
  await exited;
}, 60_000);
