import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobs, outboundMails } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { withPrincipalDb } from '../rls.ts';
import { makeUser } from '../testing/index.ts';
import { registerMailDelivery } from './deliver.ts';
import { enqueueMail } from './enqueue-mail.ts';
import { startTestSmtpServer, type TestSmtpServer } from './test-smtp.ts';
import { createMailTransport } from './transport.ts';

let t: TestDatabase;
let smtp: TestSmtpServer;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };
const FROM = 'Konsort <no-reply@konsort.example>';

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
});
afterAll(async () => {
  await smtp?.close();
  await t?.destroy();
});
beforeEach(async () => {
  await t.db.delete(outboundMails);
  await t.db.delete(jobs);
  smtp.accepted.length = 0;
  smtp.rejectWith(null);
});

function smtpRunner(options: { clock?: () => Date; workerId?: string; batchSize?: number } = {}) {
  const transport = createMailTransport({ smtpUrl: smtp.url, outboxDir: '/nonexistent', from: FROM });
  const runner = new JobRunner({ db: t.db, logger: quiet, backoff: () => 60_000, ...options });
  return { runner: registerMailDelivery(runner, t.db, transport), transport };
}

const calendar = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Konsort//Test//EN',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:termin-1@konsort.example',
  'DTSTAMP:20261125T100000Z',
  'DTSTART:20261201T090000Z',
  'DTEND:20261201T100000Z',
  'SUMMARY:Besprechung Müller',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

async function mailRow(dedupeKey: string) {
  const [row] = await t.db.select().from(outboundMails).where(eq(outboundMails.dedupeKey, dedupeKey));
  return row!;
}

describe('mail over SMTP', () => {
  it('delivers a mail written in a committed transaction, with its fixed Message-ID, HTML and calendar invitation', async () => {
    await t.db.transaction((tx) =>
      enqueueMail(tx, {
        to: 'anna@mueller.example',
        subject: 'Einladung: Besprechung Müller',
        text: 'Hallo Anna,\nanbei die Einladung.',
        html: '<p>Hallo Anna,</p><p>anbei die Einladung.</p>',
        attachments: [
          { filename: 'invite.ics', contentType: 'text/calendar', content: calendar, method: 'REQUEST' },
          { filename: 'agenda.txt', contentType: 'text/plain', content: 'Punkt 1' },
        ],
        dedupeKey: 'invite-1',
        locale: 'de',
      }),
    );
    const { runner, transport } = smtpRunner();
    expect(await runner.drain()).toBe(1);
    transport.close();

    expect(smtp.accepted).toHaveLength(1);
    const [{ parsed, envelopeTo }] = smtp.accepted as [(typeof smtp.accepted)[number]];
    const row = await mailRow('invite-1');
    expect(row.status).toBe('sent');
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(parsed.messageId).toBe(row.messageId);
    expect(envelopeTo).toEqual(['anna@mueller.example']);
    expect(parsed.subject).toBe('Einladung: Besprechung Müller');
    expect(parsed.text?.trim()).toBe('Hallo Anna,\nanbei die Einladung.');
    expect(parsed.html).toContain('<p>Hallo Anna,</p>');
    expect(parsed.from?.text).toContain('no-reply@konsort.example');
    expect(parsed.headers.get('content-language')).toBe('de');
    const ics = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    const vevent = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent(
      'vevent',
    );
    expect(vevent?.getFirstPropertyValue('uid')).toBe('termin-1@konsort.example');
    expect(vevent?.getFirstPropertyValue('summary')).toBe('Besprechung Müller');
    expect(parsed.attachments.find((a) => a.filename === 'agenda.txt')?.content.toString()).toBe('Punkt 1');
  });

  it('sends nothing for a rolled-back transaction, and once per dedupe key', async () => {
    await t.db
      .transaction(async (tx) => {
        await enqueueMail(tx, { to: 'a@x.example', subject: 'Weg', text: 'x', dedupeKey: 'gone' });
        throw new Error('rollback');
      })
      .catch(() => {});
    for (let i = 0; i < 3; i++)
      await enqueueMail(t.db, { to: 'b@x.example', subject: `Einmal ${i}`, text: 'x', dedupeKey: 'once' });
    const { runner, transport } = smtpRunner();
    await runner.drain();
    await enqueueMail(t.db, { to: 'b@x.example', subject: 'Später', text: 'x', dedupeKey: 'once' });
    await runner.drain();
    transport.close();
    expect(smtp.accepted.map((m) => m.parsed.subject)).toEqual(['Einmal 0']);
  });

  it('rejects bad input with nothing written: header injection, bad address, no dedupe key', async () => {
    await expect(
      enqueueMail(t.db, {
        to: 'a@x.example',
        subject: 'Hi\r\nBcc: evil@x.example',
        text: 'x',
        dedupeKey: 'k1',
      }),
    ).rejects.toThrow();
    await expect(
      enqueueMail(t.db, { to: 'not an address', subject: 'Hi', text: 'x', dedupeKey: 'k2' }),
    ).rejects.toThrow();
    await expect(
      enqueueMail(t.db, { to: 'a@x.example', subject: 'Hi', text: 'x', dedupeKey: '' }),
    ).rejects.toThrow();
    expect(await t.db.select().from(outboundMails)).toHaveLength(0);
    expect(await t.db.select().from(jobs)).toHaveLength(0);
  });

  it('a restart across the run (a second runner taking over dead leases) sends each mail exactly once', async () => {
    for (let i = 0; i < 12; i++)
      await enqueueMail(t.db, {
        to: `kunde${i}@x.example`,
        subject: `Mail ${i}`,
        text: `Nr. ${i}`,
        dedupeKey: `r-${i}`,
      });
    const a = smtpRunner({ workerId: 'A', batchSize: 4 });
    expect(await a.runner.runOnce()).toBe(4);
    // A's next batch reaches the server, which leaves the DATA unanswered; then A "dies".
    smtp.hold(4);
    const aBatch = a.runner.runOnce();
    await expect.poll(() => smtp.held(), { timeout: 10_000 }).toBe(4);

    // The replacement process starts; A's leases (120 s) have passed by its clock.
    const later = () => new Date(Date.now() + 180_000);
    const b = smtpRunner({ workerId: 'B', clock: later, batchSize: 4 });
    expect(await b.runner.drain()).toBe(8);
    // A's connections finally get an answer: a temporary failure, which A cannot record.
    await smtp.release(false);
    await aBatch;
    a.transport.close();
    b.transport.close();

    const rows = await t.db.select().from(outboundMails);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const ids = smtp.accepted.map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(12);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.messageId)));
    expect(new Set(smtp.accepted.map((m) => m.parsed.subject))).toEqual(
      new Set(Array.from({ length: 12 }, (_, i) => `Mail ${i}`)),
    );
    // A's late failure was fenced by its lost lease: the jobs stay done.
    expect((await t.db.select().from(jobs)).every((j) => j.status === 'done')).toBe(true);
  });

  it('the one edge: a crash between SMTP acceptance and commit resends with the same Message-ID', async () => {
    await enqueueMail(t.db, { to: 'edge@x.example', subject: 'Kante', text: 'x', dedupeKey: 'edge' });
    const a = smtpRunner({ workerId: 'A' });
    smtp.hold(1);
    const aRun = a.runner.runOnce();
    await expect.poll(() => smtp.held(), { timeout: 10_000 }).toBe(1);
    // B takes over after A's lease and delivers; then the server accepts A's copy too.
    const b = smtpRunner({ workerId: 'B', clock: () => new Date(Date.now() + 180_000) });
    expect(await b.runner.drain()).toBe(1);
    await smtp.release(true);
    await aRun;
    a.transport.close();
    b.transport.close();
    const ids = smtp.accepted.map((m) => m.parsed.messageId);
    const row = await mailRow('edge');
    expect(ids).toEqual([row.messageId, row.messageId]);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a permanent rejection (5xx) fails the mail at once; a server that is down is retried later', async () => {
    await enqueueMail(t.db, {
      to: 'nobody@x.example',
      subject: 'Unzustellbar',
      text: 'x',
      dedupeKey: 'bounce',
    });
    smtp.rejectWith(550);
    const { runner, transport } = smtpRunner();
    await runner.drain();
    expect(await mailRow('bounce')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await t.db.select().from(jobs))[0]?.status).toBe('failed');
    smtp.rejectWith(null);
    transport.close();

    await enqueueMail(t.db, { to: 'later@x.example', subject: 'Später', text: 'x', dedupeKey: 'down' });
    const dead = createMailTransport({
      smtpUrl: 'smtp://127.0.0.1:1',
      outboxDir: '/nonexistent',
      from: FROM,
    });
    let now = Date.now() + 1000;
    const offline = registerMailDelivery(
      new JobRunner({ db: t.db, logger: quiet, clock: () => new Date(now), backoff: () => 60_000 }),
      t.db,
      dead,
    );
    await offline.drain();
    expect(await mailRow('down')).toMatchObject({ status: 'queued', attempts: 1 });
    now += 61_000;
    const online = smtpRunner({ clock: () => new Date(now) });
    await online.runner.drain();
    online.transport.close();
    expect(await mailRow('down')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.accepted.map((m) => m.parsed.subject)).toEqual(['Später']);
  });

  it("a partner's transaction may enqueue mail but not read anybody's", async () => {
    const partner = await makeUser(t.db, { role: 'partner_admin' });
    await withPrincipalDb(t.db, partner.principal, async (db) => {
      await enqueueMail(db, { to: 'neu@partner.example', subject: 'Einladung', text: 'x', dedupeKey: 'inv' });
      await expect(db.transaction((sp) => sp.select().from(outboundMails))).rejects.toThrow();
    });
    const { runner, transport } = smtpRunner();
    await runner.drain();
    transport.close();
    expect(smtp.accepted.map((m) => m.envelopeTo)).toEqual([['neu@partner.example']]);
  });
});

describe('mail to .eml files (development default)', () => {
  it('writes one .eml per mail into the outbox, named by its Message-ID', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'konsort-outbox-'));
    try {
      await enqueueMail(t.db, { to: 'dev@x.example', subject: 'Lokal', text: 'Grüße', dedupeKey: 'file-1' });
      const transport = createMailTransport({ outboxDir: outbox, from: FROM });
      expect(transport.kind).toBe('file');
      await registerMailDelivery(new JobRunner({ db: t.db, logger: quiet }), t.db, transport).drain();
      const files = await readdir(outbox);
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(await readFile(join(outbox, files[0]!)));
      const row = await mailRow('file-1');
      expect(parsed.messageId).toBe(row.messageId);
      expect(parsed.subject).toBe('Lokal');
      expect(parsed.text?.trim()).toBe('Grüße');
      expect(row.transportResponse).toBe(join(outbox, files[0]!));
    } finally {
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
