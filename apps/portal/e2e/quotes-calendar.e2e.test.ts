/**
 * Quotes and the calendar in real headless Chromium.
 *
 * Quotes: the manager puts two products and a quantity-discount rule into the catalogue; a rep
 * opens one of her deals, writes a quote from the catalogue plus a free-text line, gives a quote
 * discount and reads tax per rate and the totals (figures worked out by hand below); a new
 * version raises a quantity past the rule's threshold and the rule changes that line's price;
 * the PDF is downloaded and its text read back; marked sent, then accepted, the quote becomes an
 * order on the deal, shown on the deal and in /orders.
 *
 * Calendar: a rep invites a colleague and an external guest, sees the meeting in the week and
 * the month view; the invitations arrive at a real SMTP server on loopback (delivered by the
 * portal's own job handler) with an .ics read by ical.js (METHOD:REQUEST); moving the meeting
 * mails an update with a higher SEQUENCE, cancelling it mails METHOD:CANCEL.
 *
 * Any unexpected console error fails a journey.
 */
import { readFileSync } from 'node:fs';
import { JobRunner } from '@konsort/api/jobs';
import { createMailTransport, registerMailDelivery } from '@konsort/api/mail';
import { ICAL, type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from '@konsort/api/testing/mail';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/server.ts';
import { launchChromium, pdfText, query, signedIn } from './harness.ts';

let t: TestServer;
let browser: Browser;
let smtp: TestSmtpServer;

beforeAll(async () => {
  [t, browser, smtp] = await Promise.all([startTestServer(), launchChromium(), startTestSmtpServer()]);
});

afterAll(async () => {
  await browser?.close();
  await smtp?.close();
  await t?.close();
});

const login = (email: string) => {
  const found = t.logins.find((l) => l.email === email);
  if (!found) throw new Error(`no demo login ${email}`);
  return found;
};

/** The text a user reads in an element (innerText: cells and blocks apart), white space runs as one space. */
async function shown(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the rendered text on purpose
  return (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
}

describe('quotes in the browser', () => {
  it('catalogue and rule, a quote with discount and tax, a rule-priced new version, PDF, sent, accepted → order', async () => {
    const manager = login('claudia.neumann@konsort.example');
    const rep = login('jana.becker@konsort.example');

    // The manager maintains the catalogue: two products at different tax rates and a rule
    // "if 5 or more Fräsmodul FM-40, then 10 % off".
    {
      const { context, page, console } = await signedIn(browser, t, manager);
      await page.goto(`${t.url}/products`);
      await page.getByRole('heading', { name: 'Product catalogue' }).waitFor();
      for (const [sku, name, unit, price, tax] of [
        ['E2E-FM40', 'Fräsmodul FM-40', 'pc', '1,249.50', '19'],
        ['E2E-SVB', 'Servicepaket Basis', 'yr', '89.90', '7'],
      ] as const) {
        await page.locator('#sku').fill(sku);
        await page.locator('#name').fill(name);
        await page.locator('#unit').fill(unit);
        await page.locator('#listPrice').fill(price);
        await page.locator('#taxRate').fill(tax);
        await page.getByRole('button', { name: 'Create product' }).click();
        await page.locator('tbody tr', { hasText: sku }).waitFor();
        // The form is fresh after the redirect.
        await page.waitForFunction(() => (document.querySelector('#sku') as HTMLInputElement).value === '');
      }
      expect(await shown(page.locator('tbody tr', { hasText: 'E2E-FM40' }))).toBe(
        'E2E-FM40 Fräsmodul FM-40 pc €1,249.50 19 % Yes',
      );
      expect(await shown(page.locator('tbody tr', { hasText: 'E2E-SVB' }))).toBe(
        'E2E-SVB Servicepaket Basis yr €89.90 7 % Yes',
      );
      await page.locator('#kind').selectOption('quantity_discount');
      await page.locator('#productId').selectOption({ label: 'E2E-FM40 – Fräsmodul FM-40' });
      await page.locator('#minQuantity').fill('5');
      await page.locator('#discount').fill('10');
      await page.getByRole('button', { name: 'Create rule' }).click();
      await page.getByText('Fräsmodul FM-40: from 5 pieces 10 % off').waitFor();
      expect(console.errors).toEqual([]);
      await context.close();
    }

    // One of the rep's open deals in euros.
    const [deal] = await query(
      t,
      `select o.id, o.name from opportunities o join users u on u.id = o.owner_id
        where u.email = $1 and o.stage not in ('won', 'lost') and o.currency = 'EUR' and o.archived_at is null
        order by o.name limit 1`,
      [rep.email],
    );
    expect(deal).toBeDefined();
    const dealId = String(deal!.id);
    const dealName = String(deal!.name);

    const { context, page, console } = await signedIn(browser, t, rep);

    // The rep sees the catalogue and the rule, but may not change them.
    await page.goto(`${t.url}/products`);
    await page.locator('tbody tr', { hasText: 'E2E-FM40' }).waitFor();
    await page.getByText('Fräsmodul FM-40: from 5 pieces 10 % off').waitFor();
    expect(await page.getByRole('button', { name: 'Create product' }).count()).toBe(0);

    // Opens the deal, its quotes, and creates one.
    await page.goto(`${t.url}/opportunities/${dealId}`);
    await page.getByRole('heading', { name: dealName }).waitFor();
    await page.getByRole('link', { name: 'Quotes', exact: true }).click();
    await page.getByRole('heading', { name: `Quotes: ${dealName}` }).waitFor();
    await page.locator('#validUntil').fill('2030-06-30');
    await page.getByRole('button', { name: 'Create quote' }).click();
    await page.waitForURL(/\/quotes\/[0-9a-f-]{36}$/);
    const quoteUrl = page.url();
    const quoteId = quoteUrl.split('/').at(-1)!;
    const [quoteRow] = await query(t, 'select number from quotes where id = $1', [quoteId]);
    const number = String(quoteRow!.number);
    await page.getByRole('heading', { name: `Quote ${number}` }).waitFor();

    // Version 1: 4 × Fräsmodul, 3 × Servicepaket, 2.5 h commissioning as free text; 3 % off.
    const catalogueLabel = 'E2E-FM40 – Fräsmodul FM-40 (€1,249.50)';
    await page.locator('#line-0-productId').selectOption({ label: catalogueLabel });
    await page.locator('#line-0-quantity').fill('4');
    await page.locator('#line-1-productId').selectOption({ label: 'E2E-SVB – Servicepaket Basis (€89.90)' });
    await page.locator('#line-1-quantity').fill('3');
    await page.locator('#line-2-description').fill('Commissioning on site');
    await page.locator('#line-2-unit').fill('h');
    await page.locator('#line-2-quantity').fill('2.5');
    await page.locator('#line-2-unitPrice').fill('95.00');
    await page.locator('#line-2-taxRate').fill('19');
    await page.locator('#discount').fill('3');
    await page.locator('#supplierOrgId').selectOption({ label: 'Hydraulik Schmidt KG' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    const totals = 'dl.max-w-sm';
    const linesTable = 'table:has(th:text-is("#"))';
    // Lines: 4 × 1,249.50 = 4,998.00; 3 × 89.90 = 269.70; 2.5 × 95.00 = 237.50 → 5,505.20.
    // 19 %: 4,998.00 + 237.50 = 5,235.50, 3 % = 157.065 → 157.07, base 5,078.43, VAT 964.9017 → 964.90.
    //  7 %: 269.70, 3 % = 8.091 → 8.09, base 261.61, VAT 18.3127 → 18.31.
    // Discount 165.16; net 5,340.04; gross 5,340.04 + 964.90 + 18.31 = 6,323.25.
    await page.locator(totals, { hasText: '€6,323.25' }).waitFor();
    expect(await shown(page.locator(totals))).toBe(
      'Lines total €5,505.20 Quote discount 3 %: − €165.16 Net €5,340.04 ' +
        'VAT 19 % on €5,078.43 €964.90 VAT 7 % on €261.61 €18.31 Total €6,323.25',
    );
    const lineRows = page.locator(`${linesTable} tbody tr`);
    expect(await lineRows.count()).toBe(3);
    expect(await shown(lineRows.nth(0))).toBe('1 E2E-FM40 – Fräsmodul FM-40 4 pc €1,249.50 19 % €4,998.00');
    expect(await shown(lineRows.nth(2))).toBe('3 Commissioning on site 2.5 h €95.00 19 % €237.50');

    // A new version: five Fräsmodule cross the rule's threshold, so that line is 10 % cheaper.
    await page.getByRole('button', { name: 'New version' }).click();
    await page.getByText('Version 2', { exact: true }).waitFor();
    expect(await shown(page.locator('h3:text-is("Versions") + ul'))).toBe(
      'Version 1 · €6,323.25 · read-only Version 2 · €6,323.25',
    );
    await page.locator('#line-0-quantity').fill('5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // 5 × 1,249.50 × 0.9 = 5,622.75; lines 6,129.95.
    // 19 %: 5,622.75 + 237.50 = 5,860.25, 3 % = 175.8075 → 175.81, base 5,684.44, VAT 1,080.0436 → 1,080.04.
    //  7 %: unchanged, base 261.61, VAT 18.31. Discount 183.90; net 5,946.05; gross 7,044.40.
    await page.locator(totals, { hasText: '€7,044.40' }).waitFor();
    expect(await shown(page.locator(totals))).toBe(
      'Lines total €6,129.95 Quote discount 3 %: − €183.90 Net €5,946.05 ' +
        'VAT 19 % on €5,684.44 €1,080.04 VAT 7 % on €261.61 €18.31 Total €7,044.40',
    );
    expect(await shown(lineRows.nth(0))).toBe(
      '1 E2E-FM40 – Fräsmodul FM-40 5 pc €1,249.50 rule: 10 % 19 % €5,622.75',
    );
    expect(await shown(page.locator('h3:text-is("Versions") + ul'))).toBe(
      'Version 1 · €6,323.25 · read-only Version 2 · €7,044.40',
    );

    // The PDF of version 2: a real download, its text read back.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'PDF', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${number}-v2.pdf`);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1000);
    const printed = pdfText(pdf);
    expect(printed).toContain(`Quote ${number}`);
    expect(printed).toContain('Fräsmodul FM-40');
    expect(printed).toContain('€5,622.75');
    expect(printed).toContain('€5,946.05');
    expect(printed).toContain('€7,044.40');

    // Sent, then accepted: the order exists.
    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await expect.poll(() => shown(page.locator('dl'))).toContain('Status Sent');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Accepted', exact: true }).click();
    await page.locator('dd', { hasText: "created (see the deal's orders)" }).waitFor();
    expect(await shown(page.locator('dl'))).toContain('Status Accepted');
    const orders = await query(
      t,
      'select po_number, total_minor, direction, opportunity_id from orders where opportunity_id = $1',
      [dealId],
    );
    expect(orders).toEqual([
      {
        po_number: `${number}-V2`,
        total_minor: expect.anything(),
        direction: 'outbound',
        opportunity_id: dealId,
      },
    ]);
    expect(Number(orders[0]!.total_minor)).toBe(594605);

    // The order on the deal and in /orders.
    await page.getByRole('link', { name: dealName }).first().click();
    await page.getByRole('heading', { name: dealName }).waitFor();
    const orderCard = page.locator('li', { hasText: `PO ${number}-V2` });
    await orderCard.waitFor();
    expect(await shown(orderCard)).toContain('Hydraulik Schmidt KG');
    expect(await shown(orderCard)).toContain('€5,946.05');
    await page.goto(`${t.url}/orders`);
    const orderRow = page.locator('tbody tr', { hasText: `${number}-V2` });
    await orderRow.waitFor();
    const orderText = await shown(orderRow);
    expect(orderText).toContain(dealName);
    expect(orderText).toContain('€5,946.05');

    expect(console.errors).toEqual([]);
    await context.close();
  });
});

/** Delivers the queued mails over SMTP with the portal's own mail job handler. */
async function deliverMail() {
  const runner = new JobRunner({
    db: t.db.db,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const transport = createMailTransport({
    smtpUrl: smtp.url,
    outboxDir: '/nonexistent',
    from: 'Konsort <kalender@konsort.example>',
  });
  registerMailDelivery(runner, t.db.db, transport);
  try {
    for (let i = 0; i < 10; i++) if ((await runner.drain()) === 0) break;
  } finally {
    await runner.stop();
    transport.close();
  }
}

/** Mails the SMTP server accepted for `address` whose subject is `subject`, delivering until one arrives. */
async function mailsTo(address: string, subject: string): Promise<ReceivedMail[]> {
  const found = () =>
    smtp.accepted.filter((m) => m.envelopeTo.includes(address) && m.parsed.subject === subject);
  await expect
    .poll(
      async () => {
        await deliverMail();
        return found().length;
      },
      { timeout: 15_000, interval: 100 },
    )
    .toBeGreaterThan(0);
  return found();
}

/**
 * The invitation as mail clients read it: the text/calendar part (what shows accept/decline) and
 * the .ics file beside it must be the same calendar; parsed by ical.js.
 */
function invitation(mail: ReceivedMail) {
  const part = mail.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  const file = mail.parsed.attachments.find((a) => a.filename?.endsWith('.ics'));
  if (!part || !file) throw new Error(`no calendar part and .ics file in "${mail.parsed.subject}"`);
  const text = part.content.toString('utf8');
  expect(file.content.toString('utf8')).toBe(text);
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const event = new ICAL.Event(vevent);
  return {
    text,
    filename: file.filename,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    location: event.location,
    status: vevent.getFirstPropertyValue('status'),
    startUtc: event.startDate.toJSDate().toISOString(),
    endUtc: event.endDate.toJSDate().toISOString(),
    organizer: String(vevent.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: vevent
      .getAllProperties('attendee')
      .map((a) => String(a.getFirstValue()).toLowerCase().replace('mailto:', ''))
      .sort(),
  };
}

describe('calendar in the browser', () => {
  it('invites a colleague and a guest, week and month view, .ics REQUEST, moved with a higher SEQUENCE, CANCEL', async () => {
    // Emily writes in English, so the mails are English too.
    const rep = login('emily.clarke@konsort.example');
    const colleague = login('lukas.hoffmann@konsort.example');
    const guest = 'anna.schaefer@kunde.example';
    const title = 'Retrofit review with Schäfer';
    const { context, page, console } = await signedIn(browser, t, rep);

    await page.goto(`${t.url}/calendar`);
    await page.getByRole('heading', { name: /^Calendar: week of / }).waitFor();
    await page.locator('#title').fill(title);
    // Tuesday 5 March 2030, 10:00–11:30 in Berlin (CET, UTC+1).
    await page.locator('#date').fill('2030-03-05');
    await page.locator('#start').fill('10:00');
    await page.locator('#end').fill('11:30');
    await page.locator('#location').fill('Köln, Werk 2');
    await page.getByRole('checkbox', { name: colleague.name }).check();
    await page.locator('#guests').fill(`Anna Schäfer <${guest}>`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.waitForURL(/\/calendar\/[0-9a-f-]{36}$/);
    const meetingId = page.url().split('/').at(-1)!;
    await page.getByRole('heading', { name: title }).waitFor();
    const details = 'dl';
    expect(await shown(page.locator(details))).toContain('When 2030-03-05 10:00–11:30 (Europe/Berlin)');
    expect(await shown(page.locator(details))).toContain('Revision (SEQUENCE) 0');
    const participants = await page.locator('h3:text-is("Participants") + ul > li').allInnerTexts();
    expect(participants.map((p) => p.replace(/\s+/g, ' ').trim()).sort()).toEqual([
      `Anna Schäfer <${guest}> (external)`,
      `${colleague.name} <${colleague.email}> (internal)`,
    ]);

    // The week view: on Tuesday, with its times and place; the month view: the 5th.
    await page.getByRole('link', { name: 'Back to the week' }).click();
    await page.waitForURL(/view=week&date=2030-03-05/);
    const days = page.locator('ol[aria-label] > li');
    const entry = (day: number) => days.nth(day).locator('li', { hasText: title });
    await entry(1).waitFor();
    expect(await days.count()).toBe(7);
    expect(await shown(entry(1))).toBe(`10:00 ${title} 10:00–11:30 · Köln, Werk 2`);
    await page.getByRole('link', { name: 'Month', exact: true }).click();
    await page.getByRole('heading', { name: 'Calendar: March 2030' }).waitFor();
    expect(await days.count()).toBe(42);
    // The grid starts on Monday 25 February: the 5th is cell 8.
    await entry(8).waitFor();
    expect(await days.locator('li', { hasText: title }).count()).toBe(1);

    // Invitations: one each to the colleague and the guest, METHOD:REQUEST, SEQUENCE 0.
    const [meeting] = await query(t, 'select uid from meetings where id = $1', [meetingId]);
    const uid = String(meeting!.uid);
    for (const address of [colleague.email, guest]) {
      const mails = await mailsTo(address, `Invitation: ${title}`);
      expect(mails).toHaveLength(1);
      const invite = invitation(mails[0]!);
      expect(invite).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 0,
        summary: title,
        location: 'Köln, Werk 2',
        status: 'CONFIRMED',
        startUtc: '2030-03-05T09:00:00.000Z',
        endUtc: '2030-03-05T10:30:00.000Z',
        organizer: `mailto:${rep.email}`,
        attendees: [guest, colleague.email].sort(),
      });
      expect(invite.filename).toMatch(/\.ics$/);
      expect(invite.text).toContain('METHOD:REQUEST');
      expect(invite.text).toContain('DTSTART;TZID=Europe/Berlin:20300305T100000');
    }

    // Moved to Thursday afternoon: an update with SEQUENCE 1 to both.
    await page.getByRole('link', { name: `10:00 ${title}` }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    await page.locator('#date').fill('2030-03-07');
    await page.locator('#start').fill('14:00');
    await page.locator('#end').fill('15:00');
    await page.getByRole('button', { name: 'Save and send the update' }).click();
    await expect
      .poll(() => shown(page.locator(details)))
      .toContain('When 2030-03-07 14:00–15:00 (Europe/Berlin)');
    expect(await shown(page.locator(details))).toContain('Revision (SEQUENCE) 1');
    for (const address of [colleague.email, guest]) {
      const mails = await mailsTo(address, `Updated: ${title}`);
      expect(mails).toHaveLength(1);
      expect(invitation(mails[0]!)).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 1,
        startUtc: '2030-03-07T13:00:00.000Z',
        endUtc: '2030-03-07T14:00:00.000Z',
      });
    }
    await page.getByRole('link', { name: 'Back to the week' }).click();
    await entry(3).waitFor();
    expect(await days.locator('li', { hasText: title }).count()).toBe(1);

    // Cancelled: METHOD:CANCEL with SEQUENCE 2 to both, the meeting struck through in the week.
    await page.getByRole('link', { name: `14:00 ${title}` }).click();
    await page.getByRole('button', { name: 'Cancel the meeting' }).click();
    await expect.poll(() => shown(page.locator(details))).toContain('Status Cancelled');
    expect(await page.getByRole('button', { name: 'Save and send the update' }).count()).toBe(0);
    for (const address of [colleague.email, guest]) {
      const mails = await mailsTo(address, `Cancelled: ${title}`);
      expect(mails).toHaveLength(1);
      const cancel = invitation(mails[0]!);
      expect(cancel).toMatchObject({ method: 'CANCEL', uid, sequence: 2, status: 'CANCELLED' });
      expect(cancel.text).toContain('METHOD:CANCEL');
    }
    await page.getByRole('link', { name: 'Back to the week' }).click();
    await entry(3).waitFor();
    expect(await entry(3).getAttribute('class')).toContain('line-through');

    // Each mail exactly once: invitation, update, cancellation to each of the two.
    for (const address of [colleague.email, guest])
      expect(
        smtp.accepted.filter((m) => m.envelopeTo.includes(address)).map((m) => m.parsed.subject),
      ).toEqual([`Invitation: ${title}`, `Updated: ${title}`, `Cancelled: ${title}`]);

    expect(console.errors).toEqual([]);
    await context.close();
  });
});
