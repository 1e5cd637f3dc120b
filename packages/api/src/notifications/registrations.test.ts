import { dealRegistrations, notifications } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobLogger, JobRunner } from '../jobs/runner.ts';
import { callerFor, makePartnerOrg, makeUser } from '../testing/index.ts';
import {
  REGISTRATION_SWEEP_JOB,
  registrationSweepHandler,
  reminderDue,
  sweepRegistrations,
} from './registrations.ts';
import { renderNotification } from './templates.ts';

let t: TestDatabase;
const quiet: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

async function world() {
  const manager = await makeUser(t.db, { role: 'manager' });
  const rep = await makeUser(t.db, { role: 'rep' });
  const org = await makePartnerOrg(t.db, { name: 'Händler Süd GmbH' });
  const submitter = await makeUser(t.db, { role: 'partner_member', partnerOrgId: org.id });
  const orgAdmin = await makeUser(t.db, { role: 'partner_admin', partnerOrgId: org.id });
  const otherOrgUser = await makeUser(t.db, { role: 'partner_admin' });
  const registration = await callerFor(t.db, submitter.principal).caller.registration.submit({
    companyName: `Kunde ${Math.random().toString(36).slice(2, 7)} AG`,
    contactName: 'Eva Kunde',
    contactEmail: 'eva@kunde.example',
    estimatedAmountMinor: 100_000,
    products: 'Fräse',
  });
  return { manager, rep, org, submitter, orgAdmin, otherOrgUser, registration };
}

async function kindsFor(userId: string, registrationId: string) {
  const rows = await t.db.select().from(notifications).where(eq(notifications.userId, userId));
  return rows
    .filter((r) => r.params.registrationId === registrationId)
    .map((r) => (r.kind === 'registration.expiring' ? `${r.kind}:${r.params.days}` : r.kind))
    .sort();
}

describe('registration notifications', () => {
  it('a new submission notifies the managers, not reps or partners', async () => {
    const w = await world();
    expect(await kindsFor(w.manager.user.id, w.registration.id)).toEqual(['registration.submitted']);
    expect(await kindsFor(w.rep.user.id, w.registration.id)).toEqual([]);
    expect(await kindsFor(w.orgAdmin.user.id, w.registration.id)).toEqual([]);
    const [n] = (await callerFor(t.db, w.manager.principal).caller.notification.list({})).items.filter((i) =>
      i.href.endsWith(w.registration.id),
    );
    expect(n?.title).toBe(`New deal registration: ${w.registration.companyName}`);
    expect(n?.body).toContain('Händler Süd GmbH');
  });

  it('reminds the partner 14, 7 and 1 days before expiry, once each, then expires and tells it', async () => {
    const w = await world();
    const expiresAt = new Date(Date.now() + 20 * DAY);
    await t.db
      .update(dealRegistrations)
      .set({ expiresAt })
      .where(eq(dealRegistrations.id, w.registration.id));
    const at = (msBeforeExpiry: number) => new Date(expiresAt.getTime() - msBeforeExpiry);
    const sweep = (now: Date) => t.db.transaction((tx) => sweepRegistrations(tx, now));
    const partnerSide = async () => ({
      submitter: await kindsFor(w.submitter.user.id, w.registration.id),
      admin: await kindsFor(w.orgAdmin.user.id, w.registration.id),
    });

    await sweep(at(15 * DAY));
    expect((await partnerSide()).submitter).toEqual([]);
    await sweep(at(13 * DAY));
    await sweep(at(12 * DAY));
    expect(await partnerSide()).toEqual({
      submitter: ['registration.expiring:14'],
      admin: ['registration.expiring:14'],
    });
    await sweep(at(6 * DAY));
    await sweep(at(0.5 * DAY));
    await sweep(at(0.25 * DAY));
    expect((await partnerSide()).submitter).toEqual([
      'registration.expiring:1',
      'registration.expiring:14',
      'registration.expiring:7',
    ]);
    await sweep(new Date(expiresAt.getTime() + 60_000));
    await sweep(new Date(expiresAt.getTime() + 120_000));
    const [row] = await t.db
      .select()
      .from(dealRegistrations)
      .where(eq(dealRegistrations.id, w.registration.id));
    expect(row?.status).toBe('expired');
    expect((await partnerSide()).admin).toEqual([
      'registration.expired',
      'registration.expiring:1',
      'registration.expiring:14',
      'registration.expiring:7',
    ]);
    expect(await kindsFor(w.otherOrgUser.user.id, w.registration.id)).toEqual([]);
    const partnerList = await callerFor(t.db, w.submitter.principal).caller.notification.list({});
    expect(partnerList.items.map((i) => i.title)).toContain(
      `Registration expired: ${w.registration.companyName}`,
    );
  });

  it('the recurring job runs the sweep once per slot, across runners', async () => {
    const w = await world();
    const now = Date.now() + 1000;
    await t.db
      .update(dealRegistrations)
      .set({ expiresAt: new Date(now - 1000) })
      .where(eq(dealRegistrations.id, w.registration.id));
    const make = () =>
      new JobRunner({ db: t.db, logger: quiet, clock: () => new Date(now) })
        .register(REGISTRATION_SWEEP_JOB, registrationSweepHandler())
        .every(REGISTRATION_SWEEP_JOB, 15 * 60_000);
    await Promise.all([make().drain(), make().drain()]);
    const [row] = await t.db
      .select()
      .from(dealRegistrations)
      .where(eq(dealRegistrations.id, w.registration.id));
    expect(row?.status).toBe('expired');
    const expired = await t.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, 'registration.expired'),
          inArray(notifications.userId, [w.submitter.user.id, w.orgAdmin.user.id]),
        ),
      );
    expect(expired).toHaveLength(2);
  });

  it('picks the smallest reminder a registration is within, and dates read in the reader language', () => {
    expect(reminderDue(20 * DAY)).toBeNull();
    expect(reminderDue(14 * DAY)).toBe(14);
    expect(reminderDue(5 * DAY)).toBe(7);
    expect(reminderDue(DAY / 2)).toBe(1);
    expect(reminderDue(0)).toBeNull();
    const params = { company: 'Kunde AG', days: 7, expiresOn: '2026-12-02T10:00:00.000Z' };
    expect(renderNotification('registration.expiring', params, 'de').body).toContain('02.12.2026');
    expect(renderNotification('registration.expiring', params, 'en').body).toContain('2 Dec 2026');
    expect(renderNotification('registration.expiring', { ...params, days: 1 }, 'de').title).toBe(
      'Registrierung läuft morgen ab: Kunde AG',
    );
  });
});
