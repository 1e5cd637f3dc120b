/**
 * The records the route matrix runs against: the people (one per kind of principal, created once
 * with real sessions) and a world of records per case (own, shared and foreign), so an action
 * that archives, shares or approves cannot change what another case sees.
 */
import { randomUUID } from 'node:crypto';
import { normalizeCompanyName } from '@konsort/api';
import {
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
} from '@konsort/api/testing';
import {
  type Account,
  activities,
  type Contact,
  type Database,
  dealRegistrations,
  documents,
  ediMessages,
  ediProfiles,
  leads,
  meetingParticipants,
  meetings,
  type Opportunity,
  orders,
  products,
  quotes,
  quoteVersions,
  type UserRole,
} from '@konsort/db';

export const principals = [
  'anonymous',
  'admin',
  'manager',
  'repOwner',
  'repOther',
  'partnerEdit',
  'partnerView',
  'partnerNone',
] as const;
export type Principal = (typeof principals)[number];
export type Partner = 'partnerEdit' | 'partnerView' | 'partnerNone';
export const partners: readonly Partner[] = ['partnerEdit', 'partnerView', 'partnerNone'];

/**
 * What a request gets: an exact status, `'redirect'` (3xx elsewhere than the login page: the
 * action did its work), or `'login'` (3xx to the login page: not signed in). A 400 means the
 * route let the request through to validation or a domain rule.
 */
export type Outcome = 200 | 400 | 401 | 403 | 404 | 409 | 'redirect' | 'login';
export type Expectation = Partial<Record<Principal, Outcome>> & { default: Outcome };

/** The people, shared by every case. */
export interface People {
  users: Record<Exclude<Principal, 'anonymous'>, { id: string; email: string }>;
  orgs: {
    edit: { id: string; name: string };
    view: { id: string; name: string };
    none: { id: string; name: string };
  };
}

export interface World extends People {
  db: Database;
  /** Unique per world: for names and e-mail addresses that must not collide. */
  tag: string;
  /** Owned by repOwner, with a contact; holds the shared deal and a deal shared with nobody. */
  account: Account;
  contact: Contact;
  /** repOwner's deal, shared edit with orgs.edit and view with orgs.view. */
  deal: Opportunity;
  /** On the same account, shared with nobody: no partner may ever see it. */
  foreignDeal: Opportunity;
  /** repOther's account, contact and deal, shared with nobody. */
  foreignAccount: Account;
  foreignContact: Contact;
  foreignAccountDeal: Opportunity;
  /** A submitted registration of orgs.edit, and one of orgs.none. */
  registrationId: string;
  foreignRegistrationId: string;
  /** A rejected inbound EDI message of orgs.edit (reprocessable). */
  ediMessageId: string;
  /** An active rep nobody else uses: the target of deactivation. */
  spareUser: { id: string; email: string };
  /** repOwner's lead, offered to orgs.edit and waiting for its answer; its contact is hidden until then. */
  leadId: string;
  /** Documents of `deal`: one marked shared with its partners, one internal. */
  sharedDocumentId: string;
  internalDocumentId: string;
  /** A catalogue product and a draft quote (one line) on `deal`: quotes are staff data. */
  productId: string;
  quoteId: string;
  /** repOwner's meeting with repOther invited. */
  meetingId: string;
  /** repOwner's open follow-up call on `deal`, with a reminder: activities are staff data. */
  activityId: string;
  /** Per partner: text that must never appear in a response that partner gets. */
  secrets: Record<Partner, string[]>;
}

export async function makePeople(db: Database): Promise<People> {
  const tag = randomUUID().slice(0, 6);
  const [edit, view, none] = await Promise.all([
    makePartnerOrg(db, { name: `Matrixhandel Edit ${tag} GmbH` }),
    makePartnerOrg(db, { name: `Matrixhandel View ${tag} GmbH`, kind: 'supplier' }),
    makePartnerOrg(db, { name: `Matrixhandel Ohne ${tag} GmbH` }),
  ]);
  const user = async (role: UserRole, partnerOrgId?: string) => {
    const { user } = await makeUser(db, { role, ...(partnerOrgId ? { partnerOrgId } : {}) });
    return { id: user.id, email: user.email };
  };
  return {
    users: {
      admin: await user('admin'),
      manager: await user('manager'),
      repOwner: await user('rep'),
      repOther: await user('rep'),
      partnerEdit: await user('partner_admin', edit!.id),
      partnerView: await user('partner_member', view!.id),
      partnerNone: await user('partner_member', none!.id),
    },
    orgs: {
      edit: { id: edit!.id, name: edit!.name },
      view: { id: view!.id, name: view!.name },
      none: { id: none!.id, name: none!.name },
    },
  };
}

/** Text no partner may see; written into the fields the projection hides. */
const secret = (tag: string, what: string) => `GEHEIM-${tag}-${what}`;

export async function makeWorld(db: Database, people: People): Promise<World> {
  const tag = randomUUID().slice(0, 8);
  const { users, orgs } = people;
  const account = await makeAccount(db, users.repOwner.id, {
    name: `Matrix Kunde ${tag} GmbH`,
    notes: secret(tag, 'account-notes'),
    vatId: `DE${tag.replace(/\D/g, '').padEnd(9, '7')}`,
    email: `${secret(tag, 'account-mail')}@kunde.example`,
    phone: secret(tag, 'account-phone'),
  });
  const contact = await makeContact(db, account.id, {
    firstName: 'Greta',
    lastName: `Kontakt ${tag}`,
    mobile: secret(tag, 'contact-mobile'),
  });
  const deal = await makeOpportunity(db, account.id, users.repOwner.id, {
    name: `Geteilter Deal ${tag}`,
    primaryContactId: contact.id,
    source: secret(tag, 'deal-source'),
  });
  await share(db, deal.id, orgs.edit.id, 'edit');
  await share(db, deal.id, orgs.view.id, 'view');
  const foreignDeal = await makeOpportunity(db, account.id, users.repOwner.id, {
    name: `Interner Deal ${tag}`,
  });
  const foreignAccount = await makeAccount(db, users.repOther.id, { name: `Fremdkunde ${tag} AG` });
  const foreignContact = await makeContact(db, foreignAccount.id, {
    firstName: 'Fritz',
    lastName: `Fremd ${tag}`,
    email: `fremd-${tag}@fremdkunde.example`,
  });
  const foreignAccountDeal = await makeOpportunity(db, foreignAccount.id, users.repOther.id, {
    name: `Fremder Deal ${tag}`,
    primaryContactId: foreignContact.id,
  });
  // Another partner's order on the shared deal: a partner sees its own organisation's orders only.
  await db.insert(orders).values({
    direction: 'inbound',
    partnerOrgId: orgs.view.id,
    accountId: account.id,
    opportunityId: deal.id,
    poNumber: `PO-VIEW-${tag}`,
    currency: 'EUR',
    totalMinor: 1000,
  });
  const registration = async (partnerOrgId: string, submittedBy: string, companyName: string) => {
    const [row] = await db
      .insert(dealRegistrations)
      .values({
        partnerOrgId,
        submittedBy,
        companyName,
        normalizedName: normalizeCompanyName(companyName),
        domain: `${tag}.example`,
        contactName: 'Rita Register',
        contactEmail: `rita@${tag}.example`,
        estimatedAmountMinor: 500_000,
        products: 'Matrixfräse',
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      })
      .returning({ id: dealRegistrations.id });
    return row!.id;
  };
  const registrationId = await registration(
    orgs.edit.id,
    users.partnerEdit.id,
    `Registriert Edit ${tag} GmbH`,
  );
  const foreignRegistrationId = await registration(
    orgs.none.id,
    users.partnerNone.id,
    `Registriert Ohne ${tag} GmbH`,
  );
  const [profile] = await db
    .insert(ediProfiles)
    .values({
      partnerOrgId: orgs.edit.id,
      name: `Matrix-Profil ${tag}`,
      standard: 'x12',
      version: '004010',
      transport: { kind: 'local', root: '/tmp/konsort-route-matrix' },
    })
    .returning({ id: ediProfiles.id });
  const [message] = await db
    .insert(ediMessages)
    .values({
      profileId: profile!.id,
      direction: 'inbound',
      standard: 'x12',
      documentType: '850',
      interchangeControlNumber: '000000001',
      fileName: `matrix-${tag}.edi`,
      fileHash: tag.padEnd(64, '0'),
      status: 'rejected',
      raw: 'ISA*00*',
    })
    .returning({ id: ediMessages.id });
  const [product] = await db
    .insert(products)
    .values({ sku: `MX-${tag}`, name: `Matrixfräse ${tag}`, listPriceMinor: 9900, currency: 'EUR' })
    .returning({ id: products.id });
  const [quote] = await db
    .insert(quotes)
    .values({ opportunityId: deal.id, number: `Q-MATRIX-${tag}`, currency: 'EUR', contactId: contact.id })
    .returning({ id: quotes.id });
  await db.insert(quoteVersions).values({ quoteId: quote!.id, versionNumber: 1 });
  const [meeting] = await db
    .insert(meetings)
    .values({
      uid: `matrix-${tag}@konsort`,
      title: `Matrix-Termin ${tag}`,
      startsAt: new Date('2027-03-02T09:00:00Z'),
      endsAt: new Date('2027-03-02T10:00:00Z'),
      organizerId: users.repOwner.id,
    })
    .returning({ id: meetings.id });
  await db.insert(meetingParticipants).values({
    meetingId: meeting!.id,
    kind: 'internal',
    userId: users.repOther.id,
    email: users.repOther.email,
    name: 'Kollege',
  });
  const [activity] = await db
    .insert(activities)
    .values({
      type: 'call',
      subject: `Matrix-Rückruf ${tag}`,
      accountId: account.id,
      opportunityId: deal.id,
      ownerId: users.repOwner.id,
      createdBy: users.repOwner.id,
      dueAt: new Date('2027-03-02T09:00:00Z'),
      reminderAt: new Date('2027-03-02T08:00:00Z'),
    })
    .returning({ id: activities.id });
  const [sharedDocument, internalDocument] = await db
    .insert(documents)
    .values([
      { opportunityId: deal.id, title: `Leistungsbeschreibung ${tag}`, sharedWithPartners: true },
      { opportunityId: deal.id, title: `Intern-Dokument ${tag}`, textPreview: secret(tag, 'document') },
    ])
    .returning({ id: documents.id });
  const [lead] = await db
    .insert(leads)
    .values({
      companyName: `Matrix Lead ${tag} GmbH`,
      contactName: secret(tag, 'lead-contact'),
      source: 'manual',
      ownerId: users.repOwner.id,
      offeredPartnerOrgId: orgs.edit.id,
      offeredAt: new Date(),
      respondBy: new Date(Date.now() + 7 * 86_400_000),
      offerStatus: 'pending',
    })
    .returning({ id: leads.id });
  const { user: spare } = await makeUser(db, { role: 'rep' });

  const foreign = [
    foreignDeal.name,
    foreignAccount.name,
    foreignAccountDeal.name,
    foreignContact.lastName,
    `Matrix-Profil ${tag}`,
  ];
  const hidden = [
    secret(tag, 'account-notes'),
    secret(tag, 'account-mail'),
    secret(tag, 'account-phone'),
    secret(tag, 'contact-mobile'),
    secret(tag, 'deal-source'),
    secret(tag, 'lead-contact'),
    account.vatId!,
    `Intern-Dokument ${tag}`,
    secret(tag, 'document'),
    `Q-MATRIX-${tag}`,
  ];
  return {
    ...people,
    db,
    tag,
    account,
    contact,
    deal,
    foreignDeal,
    foreignAccount,
    foreignContact,
    foreignAccountDeal,
    registrationId,
    foreignRegistrationId,
    ediMessageId: message!.id,
    spareUser: { id: spare.id, email: spare.email },
    leadId: lead!.id,
    sharedDocumentId: sharedDocument!.id,
    internalDocumentId: internalDocument!.id,
    productId: product!.id,
    quoteId: quote!.id,
    meetingId: meeting!.id,
    activityId: activity!.id,
    secrets: {
      partnerEdit: [
        ...foreign,
        ...hidden,
        orgs.view.name,
        orgs.none.name,
        `PO-VIEW-${tag}`,
        `Registriert Ohne ${tag}`,
      ],
      partnerView: [
        ...foreign,
        ...hidden,
        orgs.edit.name,
        orgs.none.name,
        `Registriert Edit ${tag}`,
        `Registriert Ohne ${tag}`,
      ],
      partnerNone: [
        ...foreign,
        ...hidden,
        deal.name,
        account.name,
        contact.lastName,
        orgs.edit.name,
        orgs.view.name,
        `Registriert Edit ${tag}`,
        `PO-VIEW-${tag}`,
      ],
    },
  };
}

const auditFloors = new WeakMap<World, number>();

/**
 * The world's records as JSON, with the audit entries about them (or naming its tag): equal
 * before and after a request means the request changed nothing. A denied or invalid request
 * must leave it equal.
 */
export async function snapshot(w: World): Promise<string> {
  const { db } = w;
  // Audit rows are searched from the first snapshot of the world on: an index range, not the whole log.
  let floor = auditFloors.get(w);
  if (floor === undefined) {
    const last = await db.query.auditLog.findFirst({
      columns: { id: true },
      orderBy: (t, { desc }) => desc(t.id),
    });
    floor = last?.id ?? 0;
    auditFloors.set(w, floor);
  }
  const from = floor;
  const dealIds = [w.deal.id, w.foreignDeal.id, w.foreignAccountDeal.id];
  const ids = [
    ...dealIds,
    w.account.id,
    w.foreignAccount.id,
    w.contact.id,
    w.foreignContact.id,
    w.registrationId,
    w.foreignRegistrationId,
    w.ediMessageId,
    w.spareUser.id,
    w.leadId,
    w.sharedDocumentId,
    w.internalDocumentId,
    w.productId,
    w.quoteId,
    w.meetingId,
    w.activityId,
  ];
  const [deals, accounts, contacts, shares, registrations, messages, spare, audit, others] =
    await Promise.all([
      db.query.opportunities.findMany({ where: (t, { inArray }) => inArray(t.id, dealIds) }),
      db.query.accounts.findMany({
        where: (t, { inArray }) => inArray(t.id, [w.account.id, w.foreignAccount.id]),
      }),
      db.query.contacts.findMany({
        where: (t, { inArray }) => inArray(t.id, [w.contact.id, w.foreignContact.id]),
      }),
      db.query.opportunityShares.findMany({ where: (t, { inArray }) => inArray(t.opportunityId, dealIds) }),
      db.query.dealRegistrations.findMany({
        where: (t, { inArray }) => inArray(t.id, [w.registrationId, w.foreignRegistrationId]),
      }),
      db.query.ediMessages.findMany({ where: (t, { eq }) => eq(t.id, w.ediMessageId) }),
      db.query.users.findMany({ columns: { active: true }, where: (t, { eq }) => eq(t.id, w.spareUser.id) }),
      db.query.auditLog.findMany({
        columns: { id: true, action: true, entity: true },
        where: (t, { and, gt, inArray, or, sql }) =>
          and(gt(t.id, from), or(inArray(t.entityId, ids), sql`${t.changes}::text like ${`%${w.tag}%`}`)),
      }),
      // The world's other records (documents of its deals, lead, quote, product, meeting): a request
      // that changed one must not leave the world to be reused as if untouched.
      Promise.all([
        db.query.documents.findMany({ where: (t, { inArray }) => inArray(t.opportunityId, dealIds) }),
        db.query.leads.findMany({ where: (t, { eq }) => eq(t.id, w.leadId) }),
        db.query.quotes.findMany({ where: (t, { eq }) => eq(t.id, w.quoteId) }),
        db.query.products.findMany({ where: (t, { eq }) => eq(t.id, w.productId) }),
        db.query.meetings.findMany({ where: (t, { eq }) => eq(t.id, w.meetingId) }),
        db.query.activities.findMany({ where: (t, { eq }) => eq(t.id, w.activityId) }),
      ]),
    ]);
  const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
  return JSON.stringify({
    deals: byId(deals),
    accounts: byId(accounts),
    contacts: byId(contacts),
    shares: [...shares].sort((a, b) =>
      `${a.opportunityId}${a.partnerOrgId}`.localeCompare(`${b.opportunityId}${b.partnerOrgId}`),
    ),
    registrations: byId(registrations),
    messages,
    spare,
    audit: audit.length,
    others: others.map((rows) => [...rows].sort((a, b) => a.id.localeCompare(b.id))),
  });
}
