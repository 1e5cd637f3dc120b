/**
 * The bridge end to end over the local-folder transport against a real portal: the app router
 * over HTTP on a test database (PGlite, or PostgreSQL with KONSORT_TEST_DRIVER=postgres), the
 * bridge talking to it only through its tRPC client with an `edi` API key.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EdiTestPortal,
  makeAccount,
  makeOpportunity,
  share,
  startEdiTestPortal,
} from '@konsort/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalClient, type PortalClient } from './portal-client.ts';
import { CompletenessGate, type Profile, processFile, runOnce } from './service.ts';
import { createLocalTransport } from './transports/local.ts';
import { backoffMs } from './transports/sftp.ts';
import type { Transport } from './transports/types.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

let portal: EdiTestPortal;
let client: PortalClient;
let root: string;
let profile: Profile;
let accountId: string;
let dealId: string;

beforeAll(async () => {
  portal = await startEdiTestPortal();
  client = createPortalClient({ KONSORT_PORTAL_URL: portal.url, KONSORT_API_KEY: portal.apiKey });
  root = await mkdtemp(join(tmpdir(), 'konsort-edi-'));
  if (portal.admin.kind !== 'internal') throw new Error('expected an internal admin');
  const account = await makeAccount(portal.db, portal.admin.userId, { name: 'Müller GmbH' });
  const deal = await makeOpportunity(portal.db, account.id, portal.admin.userId, {
    name: 'DEAL-2024-0042',
    stage: 'won',
    amountMinor: 150_000,
  });
  await share(portal.db, deal.id, portal.partnerOrgId, 'view');
  accountId = account.id;
  dealId = deal.id;
  profile = await portal.createProfile({
    name: 'Müller X12',
    standard: 'x12',
    version: '004010',
    identifiers: { theirId: 'MUELLERGMBH', theirQualifier: 'ZZ', ourId: 'KONSORT', ourQualifier: 'ZZ' },
    settings: { acknowledgements: true, partyAccounts: {} },
    transport: { kind: 'local', root },
    pollIntervalSeconds: 1,
  });
});
afterAll(async () => {
  await portal?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const list = async (dir: string) => (await readdir(join(root, dir)).catch(() => [] as string[])).sort();

async function drop(fixtureName: string, as: string) {
  await mkdir(join(root, 'inbox'), { recursive: true });
  await copyFile(fixture(fixtureName), join(root, 'inbox', as));
}

describe('bridge over a local mailbox', () => {
  it('turns a dropped 850 into an order linked to account and deal, sends a 997 and archives the file', async () => {
    await drop('x12/850-004010-valid.edi', 'po-1.edi');
    const stats = await runOnce({ client, stabilityWaitMs: 30 });
    expect(stats).toEqual({ processed: 1, rejected: 0, duplicate: 0, failed: 0 });
    const orders = await portal.orders();
    expect(orders).toEqual([
      expect.objectContaining({
        poNumber: '4500012345',
        accountId,
        opportunityId: dealId,
        status: 'received',
      }),
    ]);
    expect(await list('inbox')).toEqual([]);
    const day = new Date().toISOString().slice(0, 10);
    expect(await list(`archive/${day}`)).toEqual(['po-1.edi']);
    const acks = await list('outbox');
    expect(acks).toHaveLength(1);
    const ack = await readFile(join(root, 'outbox', acks[0]!), 'utf8');
    expect(ack).toContain('ST*997*');
    expect(ack).toContain('AK1*PO*101');
    expect(ack).toMatch(/AK9\*A\*1\*1\*1/);
    const messages = await portal.messages();
    expect(messages.map((m) => [m.direction, m.status, m.documentType])).toEqual([
      ['inbound', 'processed', '850'],
      ['outbound', 'sent', '997'],
    ]);
  });

  it('takes the same file dropped again (under another name) as a duplicate: one order, archived', async () => {
    await drop('x12/850-004010-valid.edi', 'po-1-again.edi');
    const stats = await runOnce({ client, stabilityWaitMs: 30 });
    expect(stats.duplicate).toBe(1);
    expect(await portal.orders()).toHaveLength(1);
    expect(await list('inbox')).toEqual([]);
  });

  it('moves a malformed file to error/ with the reason and sends a negative acknowledgement', async () => {
    const acksBefore = await list('outbox');
    await drop('x12/850-truncated-no-iea.edi', 'broken.edi');
    const stats = await runOnce({ client, stabilityWaitMs: 30 });
    expect(stats.rejected).toBe(1);
    expect(await list('error')).toEqual(['broken.edi', 'broken.edi.reason.txt']);
    const reason = await readFile(join(root, 'error', 'broken.edi.reason.txt'), 'utf8');
    expect(reason).toMatch(/interchange 023/);
    const newAcks = (await list('outbox')).filter((a) => !acksBefore.includes(a));
    expect(newAcks).toHaveLength(1);
    const ack = await readFile(join(root, 'outbox', newAcks[0]!), 'utf8');
    expect(ack).toMatch(/TA1\*\d+\*\d+\*\d+\*R\*023/);
    expect(await portal.orders()).toHaveLength(1);
  });

  it('skips temp names and files still growing; takes them once complete', async () => {
    await mkdir(join(root, 'inbox'), { recursive: true });
    await writeFile(join(root, 'inbox', 'upload.edi.tmp'), 'ISA*00*');
    const stats = await runOnce({ client, stabilityWaitMs: 10 });
    expect(stats).toEqual({ processed: 0, rejected: 0, duplicate: 0, failed: 0 });
    expect(await list('inbox')).toEqual(['upload.edi.tmp']);
    await rm(join(root, 'inbox', 'upload.edi.tmp'));

    const gate = new CompletenessGate(['.tmp']);
    const a = { name: 'a.edi', size: 10, mtimeMs: 1 };
    expect(gate.stable([a, { name: 'b.edi.tmp', size: 1, mtimeMs: 1 }])).toEqual([]);
    expect(gate.stable([{ ...a, size: 20, mtimeMs: 2 }])).toEqual([]);
    expect(gate.stable([{ ...a, size: 20, mtimeMs: 2 }])).toEqual([{ ...a, size: 20, mtimeMs: 2 }]);
  });

  it('re-runs safely after a crash mid-acknowledgement and after a crash before the archive move', async () => {
    const before = (await portal.orders()).length;
    const acksBefore = await list('outbox');
    const real = createLocalTransport(root);
    // File A: the bridge dies after writing the acknowledgement's temp file (cut short), before the rename.
    await copyFile(fixture('x12/850-005010-valid.edi'), join(root, 'inbox', 'a.edi'));
    const dyingInAck: Transport = {
      ...real,
      writeAtomic: async (dir, name) => {
        await writeFile(join(root, dir, `${name}.tmp`), 'ISA*cut');
        throw new Error('simulated crash while uploading the acknowledgement');
      },
    };
    await expect(processFile(client, profile, dyingInAck, 'a.edi')).rejects.toThrow(/simulated crash/);
    // File B: the bridge dies after the portal committed and the ack went out, before archiving.
    const b = (await readFile(fixture('x12/850-004010-valid.edi'), 'utf8'))
      .replaceAll('000000101', '000000777')
      .replace('4500012345', '4500099999');
    await writeFile(join(root, 'inbox', 'b.edi'), b);
    const dyingInMove: Transport = {
      ...real,
      move: () => Promise.reject(new Error('simulated crash before archiving')),
    };
    await expect(processFile(client, profile, dyingInMove, 'b.edi')).rejects.toThrow(/simulated crash/);
    expect(await list('inbox')).toEqual(['a.edi', 'b.edi']);

    const stats = await runOnce({ client, stabilityWaitMs: 30 });
    expect(stats).toEqual({ processed: 0, rejected: 0, duplicate: 2, failed: 0 });
    expect(await portal.orders()).toHaveLength(before + 2);
    const acksAfter = (await list('outbox')).filter((a) => !acksBefore.includes(a));
    // One acknowledgement per file, complete, the temp file replaced by the rename.
    expect(acksAfter).toHaveLength(2);
    for (const name of acksAfter) {
      expect(name).toMatch(/^997_\d{9}\.edi$/);
      expect(await readFile(join(root, 'outbox', name), 'utf8')).toMatch(/IEA\*1\*\d{9}~/);
    }
    expect(await list('inbox')).toEqual([]);
    const inbound = (await portal.messages()).filter((m) => m.direction === 'inbound');
    expect(inbound.filter((m) => m.fileName === 'a.edi' || m.fileName === 'b.edi')).toHaveLength(2);
  });

  it('refuses a bridge without a valid key', async () => {
    const stranger = createPortalClient({
      KONSORT_PORTAL_URL: portal.url,
      KONSORT_API_KEY: `ks_abcdefgh_${'x'.repeat(43)}`,
    });
    await expect(stranger.edi.profiles.query()).rejects.toThrow();
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter and a cap', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffMs(0, opts, () => 0.999)).toBe(99);
    expect(backoffMs(3, opts, () => 0.5)).toBe(400);
    expect(backoffMs(10, opts, () => 0.999)).toBe(999);
    expect(backoffMs(10, opts, () => 0)).toBe(0);
  });
});
