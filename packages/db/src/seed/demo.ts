/**
 * Builds the demo data set as plain rows, without touching a database: the same `now` gives the
 * same rows (ids included), so the data can be tested for consistency on its own and inserted in
 * a handful of multi-row statements.
 */
import type {
  accounts,
  activities,
  auditLog,
  contacts,
  OpportunityStage,
  opportunities,
  opportunityShares,
  opportunityStageHistory,
  partnerOrgs,
  users,
} from '../schema/index.ts';
import {
  ACCOUNTS,
  type AccountSpec,
  CALL_NOTES,
  CONTACTS_PER_ACCOUNT_PATTERN,
  type Country,
  DEMO_USERS,
  FIRST_NAMES,
  LAST_NAMES,
  LOST_REASONS_DE,
  LOST_REASONS_EN,
  NOTE_TEXTS,
  OPPORTUNITY_TEMPLATES_DE,
  OPPORTUNITY_TEMPLATES_EN,
  PARTNER_ORGS,
  type PartnerKey,
  POSITIONS_DE,
  POSITIONS_EN,
  type RepKey,
  SOURCES_DE,
  SOURCES_EN,
  TASK_SUBJECTS,
  type TaskTemplate,
  VISIT_NOTES,
} from './data.ts';
import { Rng } from './random.ts';
import { generateVatId } from './vat.ts';

type PartnerOrgRow = typeof partnerOrgs.$inferInsert & { id: string };
type UserRow = typeof users.$inferInsert & { id: string };
type AccountRow = typeof accounts.$inferInsert & { id: string; createdAt: Date };
type ContactRow = typeof contacts.$inferInsert & { id: string };
type OpportunityRow = typeof opportunities.$inferInsert & {
  id: string;
  stage: OpportunityStage;
  ownerId: string;
  createdAt: Date;
  updatedAt: Date;
};
type StageHistoryRow = typeof opportunityStageHistory.$inferInsert;
type ShareRow = typeof opportunityShares.$inferInsert;
type ActivityRow = typeof activities.$inferInsert;
type AuditRow = typeof auditLog.$inferInsert;

export interface DemoData {
  partnerOrgs: PartnerOrgRow[];
  users: UserRow[];
  accounts: AccountRow[];
  contacts: ContactRow[];
  opportunities: OpportunityRow[];
  stageHistory: StageHistoryRow[];
  shares: ShareRow[];
  activities: ActivityRow[];
  audit: AuditRow[];
}

/** Probability that goes with each stage; the API keeps the same mapping. */
export const STAGE_PROBABILITY: Record<OpportunityStage, number> = {
  lead: 10,
  qualified: 25,
  proposal: 50,
  negotiation: 75,
  won: 100,
  lost: 0,
};

/** Exactly this many opportunities per stage (120 in all). */
export const STAGE_QUOTAS: Record<OpportunityStage, number> = {
  lead: 18,
  qualified: 20,
  proposal: 22,
  negotiation: 16,
  won: 26,
  lost: 18,
};

const OPEN_PIPELINE = ['lead', 'qualified', 'proposal', 'negotiation'] as const;
type OpenStage = (typeof OPEN_PIPELINE)[number];

export const DEMO_SHARES = { dealer: 8, supplier: 5, both: 1 } as const;
const TASKS_PER_REP = 10;
const LOGGED_PER_REP = { call: 6, visit: 3, email: 4, meeting: 2, note: 3 } as const;
const MANAGER_TASKS = 2;

const totalOpportunities = Object.values(STAGE_QUOTAS).reduce((a, b) => a + b, 0);
const loggedPerRep = Object.values(LOGGED_PER_REP).reduce((a, b) => a + b, 0);
const reps = DEMO_USERS.filter((u) => u.role === 'rep').length;

/** What `seedDemo` creates, table by table (the test holds the seed to it). */
export const DEMO_COUNTS = {
  partnerOrgs: PARTNER_ORGS.length,
  users: DEMO_USERS.length,
  accounts: ACCOUNTS.length,
  contacts:
    (ACCOUNTS.length / CONTACTS_PER_ACCOUNT_PATTERN.length) *
    CONTACTS_PER_ACCOUNT_PATTERN.reduce((a, b) => a + b, 0),
  opportunities: totalOpportunities,
  opportunityShares: DEMO_SHARES.dealer + DEMO_SHARES.supplier,
  activities: reps * (TASKS_PER_REP + loggedPerRep) + MANAGER_TASKS,
  auditLog: 1,
} as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Time: everything is relative to `now`, on working days and working hours (German time).

function workTime(now: Date, dayOffset: number, rng: Rng): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + dayOffset * DAY);
  const weekday = day.getUTCDay();
  if (weekday === 6) day.setTime(day.getTime() - DAY);
  if (weekday === 0) day.setTime(day.getTime() + DAY);
  // 07:00–16:45 UTC is 08:00–18:45 in Germany all year round.
  return new Date(day.getTime() + rng.int(7, 16) * HOUR + rng.int(0, 3) * 15 * 60_000);
}

function pastTime(now: Date, minDaysAgo: number, maxDaysAgo: number, rng: Rng): Date {
  const at = workTime(now, -rng.int(minDaysAgo, maxDaysAgo), rng);
  return at.getTime() < now.getTime() ? at : new Date(now.getTime() - rng.int(10, 180) * 60_000);
}

function futureTime(now: Date, minDays: number, maxDays: number, rng: Rng): Date {
  const at = workTime(now, rng.int(minDays, maxDays), rng);
  return at.getTime() > now.getTime() ? at : new Date(now.getTime() + rng.int(1, 6) * HOUR);
}

function between(from: Date, to: Date, rng: Rng): Date {
  return new Date(from.getTime() + Math.floor(rng.float() * Math.max(0, to.getTime() - from.getTime())));
}

/** A moment in [from, to] during working hours when the window allows it (people don't call at 3 a.m.). */
function workBetween(from: Date, to: Date, rng: Rng): Date {
  const raw = between(from, to, rng);
  const snapped = workTime(raw, 0, rng);
  return snapped.getTime() >= from.getTime() && snapped.getTime() <= to.getTime() ? snapped : raw;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

// ---------------------------------------------------------------------------------------------
// People and numbers

type Language = 'de' | 'en';
const languageOf = (country: Country): Language => (country === 'GB' || country === 'NL' ? 'en' : 'de');
const currencyOf = (country: Country) => (country === 'CH' ? 'CHF' : country === 'GB' ? 'GBP' : 'EUR');
/** Rough list-price conversion from the EUR price book. */
const FX_FROM_EUR: Record<string, number> = { EUR: 1, CHF: 0.94, GBP: 0.85 };

/** ASCII local part for an e-mail address: Müller → mueller, Voß → voss, René → rene, O'Connor → oconnor. */
export function emailLocalPart(...parts: string[]): string {
  return parts
    .map((p) =>
      p
        .replace(/ä/g, 'ae')
        .replace(/ö/g, 'oe')
        .replace(/ü/g, 'ue')
        .replace(/Ä/g, 'Ae')
        .replace(/Ö/g, 'Oe')
        .replace(/Ü/g, 'Ue')
        .replace(/ß/g, 'ss')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, ''),
    )
    .join('.');
}

function mainPhone(spec: AccountSpec, rng: Rng): { main: string; extension: () => string } {
  switch (spec.country) {
    case 'DE':
    case 'AT': {
      const trunk = `${spec.phonePrefix} ${rng.int(2, 9)}${rng.digits(rng.int(3, 5))}`;
      return { main: `${trunk}-0`, extension: () => `${trunk}-${rng.int(10, 399)}` };
    }
    case 'CH': {
      const swiss = () => `${spec.phonePrefix} ${rng.int(200, 899)} ${rng.digits(2)} ${rng.digits(2)}`;
      return { main: swiss(), extension: swiss };
    }
    case 'GB': {
      // Ofcom reserves 0121/0113 496 0000–0999 for fiction.
      const drama = () => `${spec.phonePrefix} 0${rng.digits(3)}`;
      return { main: drama(), extension: drama };
    }
    case 'NL': {
      const dutch = () => `${spec.phonePrefix} ${rng.int(2, 8)}${rng.digits(6)}`;
      return { main: dutch(), extension: dutch };
    }
  }
}

function mobilePhone(country: Country, rng: Rng): string {
  switch (country) {
    case 'DE':
      return `+49 ${rng.pick(['151', '160', '170', '171', '172', '176'])} ${rng.int(1, 9)}${rng.digits(7)}`;
    case 'AT':
      return `+43 ${rng.pick(['664', '676', '699'])} ${rng.int(1, 9)}${rng.digits(6)}`;
    case 'CH':
      return `+41 ${rng.pick(['76', '78', '79'])} ${rng.int(200, 899)} ${rng.digits(2)} ${rng.digits(2)}`;
    case 'GB':
      return `+44 7700 900${rng.digits(3)}`;
    case 'NL':
      return `+31 6 ${rng.int(1, 9)}${rng.digits(7)}`;
  }
}

/** "Herrn Dr. Köhler" / "Frau Gruber" (dative, as in "Telefonat mit …", "Rückruf …"), or "Sarah Taylor". */
function contactName(contact: ContactRow, language: Language): string {
  if (language === 'en') return `${contact.firstName} ${contact.lastName}`;
  const salutation = contact.salutation === 'Herr' ? 'Herrn' : contact.salutation;
  return [salutation, contact.title, contact.lastName].filter(Boolean).join(' ');
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

const say = (t: TaskTemplate, language: Language) => t[language];

// ---------------------------------------------------------------------------------------------

export function buildDemoData(now: Date, passwordHashes: readonly string[]): DemoData {
  if (passwordHashes.length !== DEMO_USERS.length)
    throw new Error('one password hash per demo user expected');
  const ids = new Rng('konsort-demo:ids');
  const rng = {
    accounts: new Rng('konsort-demo:accounts'),
    contacts: new Rng('konsort-demo:contacts'),
    opportunities: new Rng('konsort-demo:opportunities'),
    shares: new Rng('konsort-demo:shares'),
    activities: new Rng('konsort-demo:activities'),
  };

  // Organisations and users. Created "long ago": before the oldest account below.
  const founded = new Date(now.getTime() - 3 * 365 * DAY);
  const orgIds = new Map<PartnerKey, string>();
  const orgRows: PartnerOrgRow[] = PARTNER_ORGS.map((spec) => {
    const id = ids.uuid();
    orgIds.set(spec.key, id);
    return {
      id,
      name: spec.name,
      kind: spec.kind,
      tier: spec.tier,
      vatId: generateVatId('DE', rng.accounts),
      domain: spec.domain,
      createdAt: founded,
      updatedAt: founded,
    };
  });

  const userIds = new Map<string, string>();
  const userRows: UserRow[] = DEMO_USERS.map((spec, i) => {
    const id = ids.uuid();
    userIds.set(spec.key, id);
    return {
      id,
      email: spec.email,
      name: spec.name,
      role: spec.role,
      partnerOrgId: spec.partner ? (orgIds.get(spec.partner) ?? null) : null,
      passwordHash: passwordHashes[i] as string,
      locale: spec.locale,
      createdAt: founded,
      updatedAt: founded,
    };
  });
  const userId = (key: string): string => {
    const id = userIds.get(key);
    if (!id) throw new Error(`unknown demo user ${key}`);
    return id;
  };
  const repKeys: RepKey[] = ['jana', 'lukas', 'emily'];
  const repLanguage: Record<RepKey, Language> = { jana: 'de', lukas: 'de', emily: 'en' };

  // Accounts and contacts. createdAt is fixed up once the opportunities are known.
  const accountRows: AccountRow[] = [];
  const contactRows: ContactRow[] = [];
  const contactsByAccount = new Map<string, ContactRow[]>();
  const specByAccount = new Map<string, AccountSpec>();
  const pattern = rng.contacts.shuffle(
    Array.from(
      { length: ACCOUNTS.length },
      (_, i) => CONTACTS_PER_ACCOUNT_PATTERN[i % CONTACTS_PER_ACCOUNT_PATTERN.length] as number,
    ),
  );

  ACCOUNTS.forEach((spec, index) => {
    const id = ids.uuid();
    const r = rng.accounts;
    const phone = mainPhone(spec, r);
    const row: AccountRow = {
      id,
      name: spec.name,
      type: spec.type,
      industry: spec.industry,
      vatId: generateVatId(spec.country, r),
      domain: spec.domain,
      website: `https://www.${spec.domain}`,
      email: `${languageOf(spec.country) === 'en' ? 'sales' : r.pick(['info', 'einkauf', 'kontakt'])}@${spec.domain}`,
      phone: phone.main,
      street: spec.street,
      postalCode: spec.postalCode,
      city: spec.city,
      country: spec.country,
      ownerId: userId(spec.owner),
      notes: spec.notes ?? null,
      createdAt: founded,
      updatedAt: founded,
    };
    accountRows.push(row);
    specByAccount.set(id, spec);

    const c = rng.contacts;
    const region = spec.country === 'GB' ? 'en' : spec.country === 'NL' ? 'nl' : 'dach';
    const lastNamePool =
      spec.country === 'AT'
        ? [...LAST_NAMES.at, ...LAST_NAMES.de.slice(0, 12)]
        : spec.country === 'CH'
          ? [...LAST_NAMES.ch, ...LAST_NAMES.de.slice(0, 12)]
          : spec.country === 'GB'
            ? LAST_NAMES.en
            : spec.country === 'NL'
              ? LAST_NAMES.nl
              : LAST_NAMES.de;
    const used = new Set<string>();
    const list: ContactRow[] = [];
    const count = pattern[index] as number;
    for (let j = 0; j < count; j++) {
      const female = c.chance(0.42);
      const firstName = c.pick(FIRST_NAMES[region][female ? 'f' : 'm']);
      let lastName = c.pick(lastNamePool);
      while (used.has(lastName)) lastName = c.pick(lastNamePool);
      used.add(lastName);
      // Decision maker first, then purchasing, then the technical people.
      const slot = j === 0 ? c.int(0, 2) : j === 1 ? c.int(3, 4) : c.int(5, 9);
      const english = region !== 'dach';
      const positionPair = POSITIONS_DE[slot] as readonly [string, string];
      const titleRoll = c.float();
      const title = english
        ? titleRoll < 0.05
          ? 'Dr'
          : null
        : titleRoll < 0.12
          ? 'Dr.'
          : titleRoll < 0.16
            ? 'Dr.-Ing.'
            : spec.country === 'AT' && titleRoll < 0.3
              ? c.pick(['DI', 'Ing.', 'Mag.'])
              : null;
      const createdAt = founded;
      const contact: ContactRow = {
        id: ids.uuid(),
        accountId: id,
        salutation: english ? (female ? 'Ms' : 'Mr') : female ? 'Frau' : 'Herr',
        title,
        firstName,
        lastName,
        position: english ? (POSITIONS_EN[slot] as string) : positionPair[female ? 1 : 0],
        email: `${emailLocalPart(firstName, lastName)}@${spec.domain}`,
        phone: phone.extension(),
        mobile: c.chance(0.7) ? mobilePhone(spec.country, c) : null,
        createdAt,
        updatedAt: createdAt,
      };
      list.push(contact);
      contactRows.push(contact);
    }
    contactsByAccount.set(id, list);
  });

  // Opportunities: every account gets one, the rest go mostly to customers.
  const o = rng.opportunities;
  const accountOfOpportunity: AccountRow[] = accountRows.slice();
  const weights = accountRows.map((a) => [a, a.type === 'customer' ? 3 : 1.5] as const);
  while (accountOfOpportunity.length < totalOpportunities) accountOfOpportunity.push(o.weighted(weights));

  // Stages by quota; "won" only where the account is a customer (a won deal makes one).
  const stageOf = new Array<OpportunityStage>(totalOpportunities);
  const customerSlots = o.shuffle(
    accountOfOpportunity.map((a, i) => (a.type === 'customer' ? i : -1)).filter((i) => i >= 0),
  );
  if (customerSlots.length < STAGE_QUOTAS.won) throw new Error('not enough customer deals for the won quota');
  const wonSlots = new Set(customerSlots.slice(0, STAGE_QUOTAS.won));
  for (const i of wonSlots) stageOf[i] = 'won';
  const otherStages = o.shuffle(
    (Object.keys(STAGE_QUOTAS) as OpportunityStage[])
      .filter((s) => s !== 'won')
      .flatMap((s) => Array.from({ length: STAGE_QUOTAS[s] }, () => s)),
  );
  for (let i = 0, k = 0; i < totalOpportunities; i++)
    if (!wonSlots.has(i)) stageOf[i] = otherStages[k++] as OpportunityStage;

  const opportunityRows: OpportunityRow[] = [];
  const historyRows: StageHistoryRow[] = [];
  const namesByAccount = new Map<string, Set<string>>();

  accountOfOpportunity.forEach((account, i) => {
    const spec = specByAccount.get(account.id) as AccountSpec;
    const stage = stageOf[i] as OpportunityStage;
    const language = languageOf(spec.country);
    const ownerKey: RepKey = o.chance(0.9) ? spec.owner : o.pick(repKeys.filter((k) => k !== spec.owner));
    const ownerId = userId(ownerKey);
    const closed = stage === 'won' || stage === 'lost';

    // Dates first: the name ("… 2027") and the history hang on them.
    let createdAt: Date;
    let closedAt: Date | null = null;
    let expectedClose: Date;
    if (closed) {
      createdAt = pastTime(now, 45, 365, o);
      const daysOpen = Math.floor((now.getTime() - createdAt.getTime()) / DAY);
      closedAt = workTime(createdAt, o.int(14, Math.max(15, Math.min(200, daysOpen - 2))), o);
      if (closedAt.getTime() >= now.getTime()) closedAt = new Date(now.getTime() - DAY);
      expectedClose = closedAt;
    } else {
      // Young leads close late; deals in negotiation are old and sometimes already overdue.
      const windows: Record<OpenStage, readonly [number, number, number, number]> = {
        lead: [1, 90, 30, 270],
        qualified: [10, 200, 14, 240],
        proposal: [20, 280, -20, 180],
        negotiation: [30, 330, -25, 90],
      };
      const [minAgo, maxAgo, minAhead, maxAhead] = windows[stage as OpenStage];
      createdAt = pastTime(now, minAgo, maxAgo, o);
      expectedClose = workTime(now, o.int(minAhead, maxAhead), o);
    }

    const templates = language === 'en' ? OPPORTUNITY_TEMPLATES_EN : OPPORTUNITY_TEMPLATES_DE;
    const names = namesByAccount.get(account.id) ?? new Set<string>();
    namesByAccount.set(account.id, names);
    const closeYear = expectedClose.getUTCFullYear() + (expectedClose.getUTCMonth() >= 9 ? 1 : 0);
    let template = o.pick(templates);
    let values: Record<string, string | number> = {};
    let name = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      template = o.pick(templates);
      values = {
        n: o.int(1, 5),
        year: closeYear,
        hall: o.pick(['A', 'B', 'C', 'D', 'E', 'F']),
        city: spec.city,
        k: o.int(2, 8),
        built: o.int(1986, 2008),
      };
      name = fill(template.name, values);
      if (!names.has(name)) break;
    }
    if (names.has(name)) name = `${name} (${names.size + 1})`;
    names.add(name);

    // Log-uniform amounts: many small deals, a few big ones; rounded to 100 currency units.
    const currency = currencyOf(spec.country);
    const eur = template.minEur * (template.maxEur / template.minEur) ** o.float();
    const amountMinor = Math.round((eur * (FX_FROM_EUR[currency] ?? 1)) / 100) * 100 * 100;
    const marginMinor = o.chance(0.6)
      ? Math.round((amountMinor * o.between(0.14, 0.36)) / 10_000) * 10_000
      : null;

    // Stage history: a monotonic walk up the pipeline ending in the current stage, 1–4 rows.
    const path = stagePath(stage, o);
    const end = closedAt ?? new Date(now.getTime() - o.int(1, 48) * HOUR);
    const points = [createdAt];
    const middle = Array.from({ length: path.length - 1 }, () => workBetween(createdAt, end, o)).sort(
      (a, b) => a.getTime() - b.getTime(),
    );
    points.push(...middle);
    if (closedAt && path.length > 1) points[points.length - 1] = closedAt;
    const id = ids.uuid();
    path.forEach((toStage, k) => {
      historyRows.push({
        opportunityId: id,
        fromStage: k === 0 ? null : (path[k - 1] as OpportunityStage),
        toStage,
        changedBy: ownerId,
        changedAt: points[k] as Date,
      });
    });
    const lastChange = points[points.length - 1] as Date;
    const updatedAt = closedAt ?? (o.chance(0.5) ? workBetween(lastChange, now, o) : lastChange);

    const contacts = contactsByAccount.get(account.id) ?? [];
    const primary = o.chance(0.5) ? contacts[0] : o.pick(contacts);
    const description = fill(o.pick(template.descriptions), values);

    opportunityRows.push({
      id,
      accountId: account.id,
      primaryContactId: primary?.id ?? null,
      name,
      stage,
      amountMinor,
      currency,
      probability: STAGE_PROBABILITY[stage],
      marginMinor,
      businessType: account.type === 'customer' ? 'existing' : 'new',
      expectedCloseDate: isoDate(expectedClose),
      ownerId,
      source: o.pick(language === 'en' ? SOURCES_EN : SOURCES_DE),
      description,
      lostReason: stage === 'lost' ? o.pick(language === 'en' ? LOST_REASONS_EN : LOST_REASONS_DE) : null,
      closedAt,
      version: path.length + (updatedAt.getTime() > lastChange.getTime() ? 1 : 0),
      createdAt,
      updatedAt,
    });
  });

  // An account exists before its first deal, its contacts with it.
  for (const account of accountRows) {
    const first = opportunityRows
      .filter((op) => op.accountId === account.id)
      .reduce((min, op) => minDate(min, op.createdAt), now);
    const createdAt = workTime(
      first,
      -rng.accounts.int(account.type === 'customer' ? 200 : 5, account.type === 'customer' ? 700 : 60),
      rng.accounts,
    );
    account.createdAt = createdAt;
    account.updatedAt = workBetween(createdAt, now, rng.accounts);
    for (const contact of contactsByAccount.get(account.id) ?? []) {
      const contactCreated = new Date(createdAt.getTime() + rng.contacts.int(0, 72) * HOUR);
      contact.createdAt = contactCreated;
      contact.updatedAt = workBetween(contactCreated, now, rng.contacts);
    }
  }

  // Shares: the dealer (north German reseller) gets Jana's open deals first; the supplier is
  // brought in on pump-heavy deals; one deal is shared with both.
  const s = rng.shares;
  const openForSharing = opportunityRows.filter((op) =>
    ['qualified', 'proposal', 'negotiation'].includes(op.stage),
  );
  const janaFirst = [
    ...s.shuffle(openForSharing.filter((op) => op.ownerId === userId('jana'))),
    ...s.shuffle(openForSharing.filter((op) => op.ownerId !== userId('jana'))),
  ];
  const dealerPicks = janaFirst.slice(0, DEMO_SHARES.dealer);
  const pumpish = /pump|Pumpe|Ersatzteil|spare|Dosier|Dosing|Druckerhöhung/i;
  const supplierCandidates = s.shuffle(
    opportunityRows.filter((op) => op.stage !== 'lost' && op.stage !== 'lead' && !dealerPicks.includes(op)),
  );
  const supplierPicks = [
    dealerPicks[0] as OpportunityRow,
    ...[
      ...supplierCandidates.filter((op) => pumpish.test(op.name as string)),
      ...supplierCandidates.filter((op) => !pumpish.test(op.name as string)),
    ].slice(0, DEMO_SHARES.supplier - DEMO_SHARES.both),
  ];
  const shareRows: ShareRow[] = [];
  const addShares = (picks: OpportunityRow[], partner: PartnerKey, edits: number) => {
    const access = s.shuffle(picks.map((_, i) => (i < edits ? 'edit' : 'view') as 'edit' | 'view'));
    picks.forEach((op, i) => {
      const createdAt = workBetween(op.createdAt, minDate(op.closedAt ?? now, now), s);
      shareRows.push({
        opportunityId: op.id,
        partnerOrgId: orgIds.get(partner) as string,
        access: access[i] as 'edit' | 'view',
        sharedBy: op.ownerId,
        createdAt,
        updatedAt: createdAt,
      });
    });
  };
  addShares(dealerPicks, 'dealer', 5);
  addShares(supplierPicks, 'supplier', 2);

  // Activities: each rep's to-do list (overdue, this week, later, done) and logged contact.
  const a = rng.activities;
  const activityRows: ActivityRow[] = [];
  const contactOf = (op: OpportunityRow): ContactRow | undefined => {
    const list = contactsByAccount.get(op.accountId) ?? [];
    return list.find((c) => c.id === op.primaryContactId) ?? list[0];
  };
  for (const rep of repKeys) {
    const ownerId = userId(rep);
    const language = repLanguage[rep];
    const mine = opportunityRows.filter((op) => op.ownerId === ownerId);
    const open = mine.filter((op) => !op.closedAt);
    const subjectFor = (op: OpportunityRow, template: TaskTemplate) => {
      const contact = contactOf(op);
      return fill(say(template, language), { contact: contact ? contactName(contact, language) : '' });
    };
    const link = (op: OpportunityRow, withOpportunity = true) => ({
      accountId: op.accountId,
      opportunityId: withOpportunity ? op.id : null,
      contactId: contactOf(op)?.id ?? null,
      ownerId,
    });

    const taskPlan: ('overdue' | 'week' | 'later' | 'done')[] = [
      'overdue',
      'overdue',
      'overdue',
      'week',
      'week',
      'week',
      'later',
      'later',
      'done',
      'done',
    ];
    const subjects = a.shuffle(TASK_SUBJECTS);
    taskPlan.forEach((kind, i) => {
      const op = a.pick(open.length > 0 ? open : mine);
      let dueAt: Date;
      let doneAt: Date | null = null;
      if (kind === 'overdue') dueAt = pastTime(now, 1, 14, a);
      else if (kind === 'week') dueAt = futureTime(now, 0, 4, a);
      else if (kind === 'later') dueAt = futureTime(now, 7, 30, a);
      else {
        dueAt = pastTime(now, 2, 40, a);
        // Done on the due day, up to 90 minutes early; never before the task existed.
        doneAt = new Date(dueAt.getTime() - a.int(0, 3) * 30 * 60_000);
      }
      const createdAt = new Date(minDate(dueAt, now).getTime() - a.int(1, 10) * DAY);
      activityRows.push({
        id: ids.uuid(),
        type: 'task',
        subject: subjectFor(op, subjects[i % subjects.length] as TaskTemplate),
        body: null,
        ...link(op),
        dueAt,
        doneAt,
        createdAt,
        updatedAt: doneAt ?? createdAt,
      });
    });

    const logged = (
      type: 'call' | 'visit' | 'email' | 'meeting' | 'note',
      count: number,
      make: (
        op: OpportunityRow,
        at: Date,
        i: number,
      ) => { subject: string; body: string | null; future?: boolean },
    ) => {
      for (let i = 0; i < count; i++) {
        const op = a.pick(mine);
        const window = minDate(op.closedAt ?? now, now);
        let at = workBetween(op.createdAt, window, a);
        if (at.getTime() >= now.getTime()) at = new Date(now.getTime() - HOUR);
        const made = make(op, at, i);
        const when = made.future ? futureTime(now, 2, 21, a) : at;
        // A few logged items belong to the account only (no deal in particular).
        const withOpportunity = made.future ? true : a.chance(0.8);
        const target = made.future ? a.pick(open.length > 0 ? open : mine) : op;
        activityRows.push({
          id: ids.uuid(),
          type,
          subject: made.subject,
          body: made.body,
          ...link(target, withOpportunity),
          dueAt: type === 'note' ? null : when,
          doneAt: type === 'note' || made.future ? null : when,
          createdAt: made.future ? new Date(now.getTime() - a.int(1, 5) * DAY) : at,
          updatedAt: made.future ? new Date(now.getTime() - a.int(0, 1) * HOUR) : at,
        });
      }
    };
    const accountName = (op: OpportunityRow) =>
      accountRows.find((acc) => acc.id === op.accountId)?.name ?? '';
    const annualOrIntro = (op: OpportunityRow) => {
      const customer = accountRows.find((acc) => acc.id === op.accountId)?.type === 'customer';
      if (language === 'en')
        return `${customer ? 'Annual review' : 'Introductory meeting'} ${accountName(op)}`;
      return `${customer ? 'Jahresgespräch' : 'Kennenlerntermin'} ${accountName(op)}`;
    };
    logged('call', LOGGED_PER_REP.call, (op) => {
      const contact = contactOf(op);
      const who = contact ? contactName(contact, language) : accountName(op);
      return {
        subject: language === 'en' ? `Call with ${who}` : `Telefonat mit ${who}`,
        body: fill(say(a.pick(CALL_NOTES), language), { contact: who }),
      };
    });
    logged('visit', LOGGED_PER_REP.visit, (op, _at, i) => ({
      subject: language === 'en' ? `Site visit ${accountName(op)}` : `Besuch vor Ort: ${accountName(op)}`,
      body: i < LOGGED_PER_REP.visit - 1 ? say(a.pick(VISIT_NOTES), language) : null,
      future: i === LOGGED_PER_REP.visit - 1,
    }));
    logged('email', LOGGED_PER_REP.email, (op, at) => {
      const offer = `ANG-${at.getUTCFullYear()}-${String(a.int(1, 999)).padStart(4, '0')}`;
      return a.chance(0.6)
        ? {
            subject: language === 'en' ? `Quote ${offer} sent` : `Angebot ${offer} versendet`,
            body:
              language === 'en'
                ? `Quote for "${op.name}" sent as PDF, valid for 60 days.`
                : `Angebot zu „${op.name}“ als PDF versendet, gültig 60 Tage.`,
          }
        : {
            subject: language === 'en' ? 'Question on lead time' : 'Rückfrage Lieferzeit',
            body:
              language === 'en'
                ? 'Customer asks whether delivery within 6 weeks is possible.'
                : 'Kunde fragt, ob Lieferung innerhalb von 6 Wochen möglich ist.',
          };
    });
    logged('meeting', LOGGED_PER_REP.meeting, (op, _at, i) => ({
      subject:
        i === 0
          ? annualOrIntro(op)
          : language === 'en'
            ? 'Online meeting: technical alignment'
            : 'Online-Termin: technische Abstimmung',
      body: null,
      future: i === 1,
    }));
    logged('note', LOGGED_PER_REP.note, () => ({
      subject: language === 'en' ? 'Note' : 'Notiz',
      body: say(a.pick(NOTE_TEXTS), language),
    }));
  }
  const managerId = userId('manager');
  activityRows.push(
    {
      id: ids.uuid(),
      type: 'task',
      subject: 'Forecast mit dem Team durchgehen',
      body: 'Pipeline je Vertriebsmitarbeiter prüfen, überfällige Abschlussdaten klären.',
      ownerId: managerId,
      dueAt: new Date(now.getTime() + a.int(4, 48) * HOUR),
      createdAt: new Date(now.getTime() - 3 * DAY),
      updatedAt: new Date(now.getTime() - 3 * DAY),
    },
    {
      id: ids.uuid(),
      type: 'task',
      subject: 'Partner-Dealregistrierungen von Nordtech prüfen',
      body: null,
      ownerId: managerId,
      dueAt: pastTime(now, 1, 3, a),
      createdAt: new Date(now.getTime() - 6 * DAY),
      updatedAt: new Date(now.getTime() - 6 * DAY),
    },
  );

  const audit: AuditRow[] = [
    {
      at: now,
      actorType: 'system',
      actorId: null,
      action: 'seed',
      entity: 'database',
      entityId: 'demo',
      changes: {
        partnerOrgs: [0, orgRows.length],
        users: [0, userRows.length],
        accounts: [0, accountRows.length],
        contacts: [0, contactRows.length],
        opportunities: [0, opportunityRows.length],
        opportunityShares: [0, shareRows.length],
        activities: [0, activityRows.length],
      },
    },
  ];

  return {
    partnerOrgs: orgRows,
    users: userRows,
    accounts: accountRows,
    contacts: contactRows,
    opportunities: opportunityRows,
    stageHistory: historyRows,
    shares: shareRows,
    activities: activityRows,
    audit,
  };
}

/**
 * The walk a deal took to reach `stage`: stages only move forward, may skip one (an existing
 * customer asking straight for a quote), and a lost deal is lost from wherever it stood.
 */
export function stagePath(stage: OpportunityStage, rng: Rng): OpportunityStage[] {
  if (stage === 'won') {
    return rng.chance(0.6)
      ? ['qualified', 'proposal', 'negotiation', 'won']
      : ['proposal', 'negotiation', 'won'];
  }
  if (stage === 'lost') {
    const reached = rng.weighted<OpenStage>([
      ['lead', 1],
      ['qualified', 3],
      ['proposal', 4],
      ['negotiation', 2],
    ]);
    const upTo = OPEN_PIPELINE.indexOf(reached);
    const start = Math.max(0, upTo - rng.int(0, 2));
    return [...OPEN_PIPELINE.slice(start, upTo + 1), 'lost'];
  }
  const upTo = OPEN_PIPELINE.indexOf(stage);
  const start = upTo > 0 && rng.chance(0.3) ? 1 : 0;
  return OPEN_PIPELINE.slice(start, upTo + 1);
}
