/**
 * The EDI monitor's reads (`edi.messageById`, `edi.stats`) on PGlite and PostgreSQL
 * (`KONSORT_TEST_DRIVER=postgres`): raw text, errors with their codes, the acknowledgement link,
 * counts of the last 24 hours and the backlog.
 */
import { randomUUID } from 'node:crypto';
import { ediMessages } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration, Principal } from '../principal.ts';
import { callerFor, failure, makePartnerOrg, makeUser } from '../testing/index.ts';

let t: TestDatabase;
let admin: Principal;
let manager: Principal;
const bridge: Integration = { kind: 'integration', apiKeyId: randomUUID(), scopes: ['edi'], locale: 'en' };

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.db, { role: 'admin' })).principal;
  manager = (await makeUser(t.db, { role: 'manager' })).principal;
});
afterAll(async () => {
  await t?.destroy();
});

const raw = 'ISA*00*          *00*          *ZZ*MUELLER <&>    *ZZ*KONSORT~GS*PO~';

async function rejectedWithAck() {
  const org = await makePartnerOrg(t.db, { name: `Müller ${randomUUID().slice(0, 4)}` });
  const profile = await callerFor(t.db, admin).caller.edi.createProfile({
    partnerOrgId: org.id,
    name: 'Müller X12',
    standard: 'x12',
    version: '004010',
    transport: { kind: 'local', root: '/tmp/edi-monitor-test' },
  });
  const icn = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  const result = await callerFor(t.db, bridge).caller.edi.ingest({
    profileId: profile.id,
    fileName: `po-${icn}.edi`,
    fileHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    raw,
    standard: 'x12',
    interchangeControlNumber: icn,
    documentType: '850',
    valid: false,
    errors: [
      { level: 'interchange', code: 'TA1:023', message: 'Improper (premature) end-of-file (transmission)' },
      { level: 'segment', code: 'AK3:8', message: 'Segment has data element errors', segmentPosition: 3 },
    ],
    documents: [],
    ack: {
      documentType: 'TA1',
      fileName: `ta1-${icn}.edi`,
      raw: 'ISA*…*TA1~',
      interchangeControlNumber: icn,
    },
  });
  return { org, profile, result };
}

describe('edi.messageById', () => {
  it('returns the raw text, the errors with their codes and the acknowledgement both ways', async () => {
    const { org, result } = await rejectedWithAck();
    const message = await callerFor(t.db, manager).caller.edi.messageById({ id: result.messageId });
    expect(message).toMatchObject({
      id: result.messageId,
      direction: 'inbound',
      status: 'rejected',
      documentType: '850',
      raw,
      partnerOrgName: org.name,
      profileName: 'Müller X12',
      related: { id: result.ack!.messageId, direction: 'outbound', documentType: 'TA1', status: 'queued' },
      // A manager reads the log but may not reprocess.
      canReprocess: false,
    });
    expect(message.errors.map((e) => e.code)).toEqual(['TA1:023', 'AK3:8']);
    expect(message.errors[1]).toMatchObject({ segmentPosition: 3, level: 'segment' });
    const asAdmin = await callerFor(t.db, admin).caller.edi.messageById({ id: result.messageId });
    expect(asAdmin.canReprocess).toBe(true);
    const ack = await callerFor(t.db, admin).caller.edi.messageById({ id: result.ack!.messageId });
    expect(ack.related?.id).toBe(result.messageId);
    expect(ack.canReprocess).toBe(false);
  });

  it('keeps a stored error that does not fit the schema readable', async () => {
    const { result } = await rejectedWithAck();
    await t.db
      .update(ediMessages)
      .set({ errors: ['legacy text'] })
      .where(eq(ediMessages.id, result.messageId));
    const message = await callerFor(t.db, admin).caller.edi.messageById({ id: result.messageId });
    expect(message.errors).toEqual([{ code: 'UNKNOWN', message: '"legacy text"' }]);
  });

  it('answers NOT_FOUND for an unknown id and FORBIDDEN for a rep and a partner', async () => {
    const { org, result } = await rejectedWithAck();
    expect((await failure(callerFor(t.db, admin).caller.edi.messageById({ id: randomUUID() }))).code).toBe(
      'NOT_FOUND',
    );
    const rep = (await makeUser(t.db, { role: 'rep' })).principal;
    const partner = (await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id })).principal;
    for (const p of [rep, partner]) {
      expect((await failure(callerFor(t.db, p).caller.edi.messageById({ id: result.messageId }))).code).toBe(
        'FORBIDDEN',
      );
    }
  });
});

describe('edi.stats', () => {
  it('counts the last 24 hours by direction and status, and the backlog', async () => {
    const { edi: caller } = callerFor(t.db, manager).caller;
    const before = await caller.stats();
    const { result } = await rejectedWithAck();
    const after = await caller.stats();
    expect(after.rejected24h).toBe(before.rejected24h + 1);
    const count = (s: typeof after, direction: string, status: string) =>
      s.last24h.find((r) => r.direction === direction && r.status === status)?.count ?? 0;
    expect(count(after, 'inbound', 'rejected')).toBe(count(before, 'inbound', 'rejected') + 1);
    expect(count(after, 'outbound', 'queued')).toBe(count(before, 'outbound', 'queued') + 1);
    // The queued acknowledgement is backlog; so is the message once marked for reprocessing.
    expect(after.backlog.outbound).toBe(before.backlog.outbound + 1);
    await callerFor(t.db, admin).caller.edi.reprocess({ id: result.messageId });
    const queued = await caller.stats();
    expect(queued.backlog.inbound).toBe(before.backlog.inbound + 1);
    expect(queued.backlog.total).toBe(queued.backlog.inbound + queued.backlog.outbound);
    // Older than a day: not in the counts, still in the backlog.
    await t.db
      .update(ediMessages)
      .set({ createdAt: new Date(Date.now() - 2 * 24 * 60 * 60 * 1000) })
      .where(eq(ediMessages.id, result.messageId));
    const later = await caller.stats();
    expect(count(later, 'inbound', 'received')).toBe(count(queued, 'inbound', 'received') - 1);
    expect(later.backlog.inbound).toBe(queued.backlog.inbound);
  });

  it('is refused to a rep', async () => {
    const rep = (await makeUser(t.db, { role: 'rep' })).principal;
    expect((await failure(callerFor(t.db, rep).caller.edi.stats())).code).toBe('FORBIDDEN');
  });
});
