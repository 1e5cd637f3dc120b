/**
 * The authorization matrix: every procedure of the app router, called as every kind of
 * principal against own, shared and foreign records. A procedure without an entry fails the
 * test, so nothing reaches the API unreviewed. Each call runs in a transaction that is rolled
 * back, so the calls cannot influence each other.
 */
import { type Database, documents, type Opportunity, users } from '@konsort/db';
import { createTestDatabase, type TestDatabase } from '@konsort/db/testing';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteUser } from './invitations/invitations.ts';
import { captureLead, offerLead } from './leads/leads.ts';
import type { Principal } from './principal.ts';
import { appRouter } from './root.ts';
import {
  anonymous,
  callerFor,
  makeAccount,
  makeContact,
  makeOpportunity,
  makePartnerOrg,
  makeUser,
  share,
  TEST_PASSWORD,
} from './testing/index.ts';

const roles = [
  'anonymous',
  'admin',
  'manager',
  'repOwner',
  'repOther',
  'partnerEdit',
  'partnerView',
  'partnerNone',
  'integration',
] as const;
type Role = (typeof roles)[number];
type Outcome = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND';

interface World {
  principals: Record<Role, Principal>;
  accountId: string;
  contactId: string;
  deal: Opportunity;
  partnerEditOrgId: string;
  otherUserId: string;
  ownerEmail: string;
  ediProfileId: string;
  registrationId: string;
  /** A shared comment on the deal by its owner. */
  commentId: string;
  /** A lead offered to the edit partner's organisation, pending. */
  leadId: string;
  /** An open invitation into the edit partner's organisation. */
  invitationId: string;
  /** A partner member of the edit partner's organisation (its partner admin manages it). */
  partnerEditMemberId: string;
  /** A document of the deal, marked shared with the deal's partners. */
  documentId: string;
  /** A follow-up task on the deal, owned by repOwner. */
  activityId: string;
  /** A catalogue product with a rule, and a draft quote on the deal (quotes, products). */
  quoteWorld: { productId: string; ruleId: string; quoteId: string; quoteVersion: number };
  /** repOwner's meeting with repOther invited (calendar). */
  meeting: { id: string; sequence: number };
}

type Entry = {
  input: (w: World) => unknown;
  expect: Partial<Record<Role, Outcome>> & { default: Outcome };
};

const people = { anonymous: 'UNAUTHORIZED', integration: 'UNAUTHORIZED' } as const;
const staffOnly = {
  ...people,
  partnerEdit: 'FORBIDDEN',
  partnerView: 'FORBIDDEN',
  partnerNone: 'FORBIDDEN',
} as const;
const adminOnly = {
  ...staffOnly,
  manager: 'FORBIDDEN',
  repOwner: 'FORBIDDEN',
  repOther: 'FORBIDDEN',
} as const;
/** Writes on the shared deal: owner and leaders yes, the other rep no, partners by share. */
const dealWrite = {
  ...people,
  repOther: 'FORBIDDEN',
  partnerEdit: 'FORBIDDEN',
  partnerView: 'FORBIDDEN',
  partnerNone: 'NOT_FOUND',
} as const;

const accountInput = {
  name: 'Matrix GmbH',
  street: 'Teststraße 1',
  postalCode: '10115',
  city: 'Berlin',
  country: 'DE',
};

const unknownId = '00000000-0000-4000-8000-000000000000';
/** Calls only the EDI bridge (an API key with scope edi) makes. */
const bridgeOnly = {
  anonymous: 'UNAUTHORIZED',
  admin: 'FORBIDDEN',
  manager: 'FORBIDDEN',
  repOwner: 'FORBIDDEN',
  repOther: 'FORBIDDEN',
  partnerEdit: 'FORBIDDEN',
  partnerView: 'FORBIDDEN',
  partnerNone: 'FORBIDDEN',
} as const;
const ediAdmin = { ...adminOnly, integration: 'FORBIDDEN' } as const;
const ediReaders = { ...adminOnly, manager: 'ok', integration: 'ok' } as const;
/** A team's administration: the admin, and a partner admin for its own organisation. */
const teamAdmins = { ...adminOnly, partnerEdit: 'ok' } as const;
/** Answering a lead offer: only the organisation it is offered to. */
const offeredPartner = {
  ...people,
  admin: 'FORBIDDEN',
  manager: 'FORBIDDEN',
  repOwner: 'FORBIDDEN',
  repOther: 'FORBIDDEN',
  partnerView: 'NOT_FOUND',
  partnerNone: 'NOT_FOUND',
} as const;
const badToken = 'x'.repeat(43);

const matrix: Record<string, Entry> = {
  'auth.me': { input: () => undefined, expect: { default: 'ok' } },
  'auth.login': {
    input: (w) => ({ email: w.ownerEmail, password: TEST_PASSWORD }),
    expect: { default: 'ok' },
  },
  'auth.logout': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'auth.changePassword': {
    input: () => ({ currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase' }),
    expect: { ...people, default: 'ok' },
  },
  'user.list': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'user.partnerOrgs': { input: () => undefined, expect: { ...adminOnly, default: 'ok' } },
  'user.create': {
    input: () => ({
      email: 'matrix-new@konsort.example',
      name: 'Neu',
      role: 'rep',
      password: 'a long enough password',
    }),
    expect: { ...adminOnly, default: 'ok' },
  },
  'user.setActive': {
    input: (w) => ({ id: w.otherUserId, active: false }),
    expect: { ...adminOnly, default: 'ok' },
  },
  'account.list': { input: () => ({}), expect: { anonymous: 'UNAUTHORIZED', default: 'ok' } },
  'account.byId': {
    input: (w) => ({ id: w.accountId }),
    expect: { anonymous: 'UNAUTHORIZED', partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'account.create': { input: () => accountInput, expect: { ...staffOnly, default: 'ok' } },
  'account.update': {
    input: (w) => ({ id: w.accountId, data: { ...accountInput, name: 'Umbenannt GmbH' } }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'account.archive': {
    // The account still has an open deal: even allowed principals meet a CONFLICT; what
    // matters here is who gets past the policy.
    input: (w) => ({ id: w.accountId }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'contact.list': { input: () => ({}), expect: { ...people, default: 'ok' } },
  'contact.byId': {
    input: (w) => ({ id: w.contactId }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'contact.create': {
    input: (w) => ({ accountId: w.accountId, firstName: 'Max', lastName: 'Muster' }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'contact.update': {
    input: (w) => ({ id: w.contactId, data: { firstName: 'Maxi', lastName: 'Muster' } }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'contact.archive': { input: (w) => ({ id: w.contactId }), expect: { ...staffOnly, default: 'ok' } },
  'opportunity.list': { input: () => ({}), expect: { anonymous: 'UNAUTHORIZED', default: 'ok' } },
  'opportunity.board': { input: () => ({}), expect: { ...people, default: 'ok' } },
  'opportunity.byId': {
    input: (w) => ({ id: w.deal.id }),
    expect: { anonymous: 'UNAUTHORIZED', partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'opportunity.create': {
    input: (w) => ({ accountId: w.accountId, name: 'Matrix-Deal', amountMinor: 100 }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'opportunity.update': {
    input: (w) => ({ id: w.deal.id, version: w.deal.version, data: { amountMinor: 4242 } }),
    expect: { ...dealWrite, partnerEdit: 'ok', default: 'ok' },
  },
  'opportunity.changeStage': {
    input: (w) => ({ id: w.deal.id, stage: 'proposal' }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'opportunity.archive': { input: (w) => ({ id: w.deal.id }), expect: { ...dealWrite, default: 'ok' } },
  'opportunity.timeline': { input: (w) => ({ id: w.deal.id }), expect: { ...staffOnly, default: 'ok' } },
  'opportunity.asOf': {
    input: (w) => ({ id: w.deal.id, at: new Date().toISOString() }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'dashboard.get': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'apiKey.list': { input: () => undefined, expect: { ...adminOnly, default: 'ok' } },
  'apiKey.create': {
    input: () => ({ name: 'Matrix', scopes: ['edi'] }),
    expect: { ...adminOnly, default: 'ok' },
  },
  'apiKey.revoke': {
    input: () => ({ id: '00000000-0000-4000-8000-000000000000' }),
    expect: { ...adminOnly, default: 'NOT_FOUND' },
  },
  'edi.profiles': { input: () => ({}), expect: { ...ediReaders, default: 'ok' } },
  'edi.createProfile': {
    input: (w) => ({
      partnerOrgId: w.partnerEditOrgId,
      name: 'Matrix EDIFACT',
      standard: 'edifact',
      version: 'D96A',
      transport: { kind: 'local', root: '/tmp/konsort-matrix' },
    }),
    expect: { ...ediAdmin, default: 'ok' },
  },
  'edi.updateProfile': {
    input: (w) => ({ id: w.ediProfileId, data: { pollIntervalSeconds: 120 } }),
    expect: { ...ediAdmin, default: 'ok' },
  },
  'edi.ingest': {
    input: (w) => ({
      profileId: w.ediProfileId,
      fileName: 'matrix.edi',
      fileHash: 'a'.repeat(64),
      raw: 'garbage',
      standard: 'x12',
      interchangeControlNumber: '',
      documentType: 'unknown',
      valid: false,
      errors: [],
      documents: [],
    }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.ingestMany': {
    input: (w) => ({
      profileId: w.ediProfileId,
      files: [
        {
          fileName: 'matrix-batch.edi',
          fileHash: 'b'.repeat(64),
          raw: 'garbage',
          standard: 'x12',
          interchangeControlNumber: '',
          documentType: 'unknown',
          valid: false,
          errors: [],
          documents: [],
        },
      ],
    }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.markSentMany': {
    input: () => ({ messageIds: [unknownId] }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.outbound': {
    input: (w) => ({ profileId: w.ediProfileId }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.nextControlNumbers': {
    input: (w) => ({ profileId: w.ediProfileId, kinds: { interchange: 1 } }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.recordOutbound': {
    input: (w) => ({
      profileId: w.ediProfileId,
      documentType: '997',
      fileName: 'ack.edi',
      raw: 'ISA…',
      interchangeControlNumber: '000000001',
    }),
    expect: { ...bridgeOnly, default: 'ok' },
  },
  'edi.markSent': {
    input: () => ({ messageId: unknownId }),
    expect: { ...bridgeOnly, default: 'NOT_FOUND' },
  },
  'edi.pending': { input: (w) => ({ profileId: w.ediProfileId }), expect: { ...bridgeOnly, default: 'ok' } },
  'edi.messages': { input: () => ({}), expect: { ...ediReaders, default: 'ok' } },
  'edi.reprocess': { input: () => ({ id: unknownId }), expect: { ...ediAdmin, default: 'NOT_FOUND' } },
  'edi.messageById': {
    input: () => ({ id: unknownId }),
    expect: { ...ediReaders, manager: 'NOT_FOUND', integration: 'NOT_FOUND', default: 'NOT_FOUND' },
  },
  'edi.stats': { input: () => undefined, expect: { ...ediReaders, default: 'ok' } },
  'order.forOpportunity': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'order.list': { input: () => ({}), expect: { ...people, default: 'ok' } },
  'order.partners': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'order.respond': {
    input: () => ({ id: unknownId, status: 'accepted' }),
    expect: { ...staffOnly, default: 'NOT_FOUND' },
  },
  'registration.submit': {
    input: () => ({
      companyName: 'Neu Kunde GmbH',
      contactName: 'Max Muster',
      contactEmail: 'max@neu-kunde.de',
      estimatedAmountMinor: 100,
      products: 'Fräse',
    }),
    expect: {
      ...people,
      admin: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      repOwner: 'FORBIDDEN',
      repOther: 'FORBIDDEN',
      default: 'ok',
    },
  },
  'registration.mine': {
    input: () => undefined,
    expect: {
      ...people,
      admin: 'FORBIDDEN',
      manager: 'FORBIDDEN',
      repOwner: 'FORBIDDEN',
      repOther: 'FORBIDDEN',
      default: 'ok',
    },
  },
  'registration.byId': {
    input: (w) => ({ id: w.registrationId }),
    expect: { ...people, partnerView: 'NOT_FOUND', partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'registration.candidates': {
    input: (w) => ({ id: w.registrationId }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'registration.queue': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'registration.approve': {
    input: (w) => ({ id: w.registrationId, accountId: w.accountId }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'registration.reject': {
    input: (w) => ({ id: w.registrationId, reason: 'Dublette' }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'product.list': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'product.byId': { input: (w) => ({ id: w.quoteWorld.productId }), expect: { ...staffOnly, default: 'ok' } },
  'product.create': {
    input: () => ({
      sku: 'MATRIX-2',
      name: 'Neu',
      unit: 'Stk',
      listPriceMinor: 1,
      currency: 'EUR',
      taxRateBp: 700,
    }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'product.update': {
    input: (w) => ({
      id: w.quoteWorld.productId,
      data: {
        sku: 'MATRIX-1',
        name: 'Umbenannt',
        unit: 'Stk',
        listPriceMinor: 2,
        currency: 'EUR',
        taxRateBp: 1900,
      },
    }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'product.rules': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'product.createRule': {
    input: (w) => ({
      kind: 'quantity_discount',
      productId: w.quoteWorld.productId,
      minQuantity: '5',
      discountBp: 100,
    }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'product.setRuleActive': {
    input: (w) => ({ id: w.quoteWorld.ruleId, active: false }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  // Quotes are staff data: partners get FORBIDDEN even on a deal shared with them.
  'quote.forOpportunity': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'quote.byId': { input: (w) => ({ id: w.quoteWorld.quoteId }), expect: { ...staffOnly, default: 'ok' } },
  'quote.pdf': { input: (w) => ({ id: w.quoteWorld.quoteId }), expect: { ...staffOnly, default: 'ok' } },
  'quote.create': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.save': {
    input: (w) => ({
      id: w.quoteWorld.quoteId,
      version: w.quoteWorld.quoteVersion,
      discountBp: 0,
      lines: [{ productId: w.quoteWorld.productId, quantity: '1' }],
    }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.newVersion': {
    input: (w) => ({ id: w.quoteWorld.quoteId, version: w.quoteWorld.quoteVersion }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.send': {
    input: (w) => ({ id: w.quoteWorld.quoteId, version: w.quoteWorld.quoteVersion }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.accept': {
    input: (w) => ({ id: w.quoteWorld.quoteId, version: w.quoteWorld.quoteVersion }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.reject': {
    input: (w) => ({ id: w.quoteWorld.quoteId, version: w.quoteWorld.quoteVersion }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'quote.expire': {
    input: (w) => ({ id: w.quoteWorld.quoteId, version: w.quoteWorld.quoteVersion }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'activity.create': {
    input: (w) => ({ type: 'note', subject: 'Matrix', opportunityId: w.deal.id, done: true }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'activity.update': {
    input: (w) => ({ id: w.activityId, data: { subject: 'Matrix geändert' } }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'activity.complete': {
    input: (w) => ({ id: w.activityId }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'activity.delete': {
    input: (w) => ({ id: w.activityId }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'activity.timeline': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'activity.followUps': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'target.list': { input: () => ({ year: 2026 }), expect: { ...staffOnly, default: 'ok' } },
  'target.setAnnual': {
    input: (w) => ({ userId: w.otherUserId, year: 2026, businessType: 'new', annualMinor: 1_200 }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'target.setMonth': {
    input: (w) => ({ userId: w.otherUserId, year: 2026, month: 3, businessType: 'new', amountMinor: 100 }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  // Reports are staff-only; a rep's figures cover their own deals (decision 011).
  'report.pipeline': { input: () => ({ groupBy: 'partner' }), expect: { ...staffOnly, default: 'ok' } },
  'report.gantt': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.kpis': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.forecast': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.revenue': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.lossReasons': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.partners': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'report.csv': {
    input: () => ({ report: 'forecast', params: {} }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'document.list': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'document.byId': {
    input: (w) => ({ id: w.documentId }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'document.create': {
    input: (w) => ({ opportunityId: w.deal.id, title: 'Angebot' }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'document.rename': {
    input: (w) => ({ id: w.documentId, title: 'Umbenannt' }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'document.setShared': {
    input: (w) => ({ id: w.documentId, shared: false }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'document.archive': { input: (w) => ({ id: w.documentId }), expect: { ...dealWrite, default: 'ok' } },
  'document.exportHtml': {
    input: (w) => ({ id: w.documentId }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'document.exportPdf': {
    input: (w) => ({ id: w.documentId }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'invitation.create': {
    input: (w) => ({
      email: 'matrix-new-invite@partner.example',
      name: 'Neu',
      role: 'partner_member',
      partnerOrgId: w.partnerEditOrgId,
    }),
    expect: { ...teamAdmins, default: 'ok' },
  },
  'invitation.list': { input: () => ({}), expect: { ...teamAdmins, default: 'ok' } },
  'invitation.revoke': { input: (w) => ({ id: w.invitationId }), expect: { ...teamAdmins, default: 'ok' } },
  'invitation.resend': { input: (w) => ({ id: w.invitationId }), expect: { ...teamAdmins, default: 'ok' } },
  'invitation.byToken': { input: () => ({ token: badToken }), expect: { default: 'NOT_FOUND' } },
  'invitation.accept': {
    input: () => ({ token: badToken, name: 'Niemand', password: 'a long enough password' }),
    expect: { default: 'NOT_FOUND' },
  },
  'invitation.team': {
    input: () => ({}),
    expect: { ...people, manager: 'FORBIDDEN', repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'invitation.setMemberActive': {
    input: (w) => ({ id: w.partnerEditMemberId, active: false }),
    expect: { ...teamAdmins, default: 'ok' },
  },
  'invitation.setMemberRole': {
    input: (w) => ({ id: w.partnerEditMemberId, role: 'partner_admin' }),
    expect: { ...teamAdmins, default: 'ok' },
  },
  'lead.capture': {
    input: () => ({ companyName: 'Matrix Neu GmbH' }),
    // The world's API key has scope edi, not leads.
    expect: { ...staffOnly, integration: 'FORBIDDEN', default: 'ok' },
  },
  'lead.list': { input: () => ({}), expect: { ...people, default: 'ok' } },
  'lead.byId': {
    input: (w) => ({ id: w.leadId }),
    expect: { ...people, partnerView: 'NOT_FOUND', partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'lead.qualify': { input: (w) => ({ id: w.leadId }), expect: { ...staffOnly, default: 'ok' } },
  'lead.disqualify': {
    input: (w) => ({ id: w.leadId, reason: 'Spam' }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'lead.assign': {
    input: (w) => ({ id: w.leadId, ownerId: w.otherUserId }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'lead.offer': {
    input: (w) => ({ id: w.leadId, partnerOrgId: w.partnerEditOrgId }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'lead.respond': {
    input: (w) => ({ id: w.leadId, accept: false, reason: 'Kein Bedarf' }),
    expect: { ...offeredPartner, default: 'ok' },
  },
  'lead.convert': {
    input: (w) => ({ id: w.leadId, accountId: w.accountId }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'lead.importCsv': {
    input: () => ({ csv: 'Firma;E-Mail\nMatrix CSV GmbH;info@matrix-csv.example\n' }),
    expect: { ...staffOnly, integration: 'FORBIDDEN', default: 'ok' },
  },
  'lead.partnerOptions': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'gdpr.export': {
    input: (w) => ({ kind: 'contact', id: w.contactId }),
    expect: { ...adminOnly, default: 'ok' },
  },
  'gdpr.erase': {
    input: (w) => ({ kind: 'contact', id: w.contactId }),
    expect: { ...adminOnly, default: 'ok' },
  },
  // Comments: whoever sees the deal reads and writes (partners: shared ones); edit/delete by the author only.
  'comment.list': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'comment.create': {
    input: (w) => ({ opportunityId: w.deal.id, visibility: 'shared', body: 'Matrix' }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'comment.mentionable': {
    input: (w) => ({ opportunityId: w.deal.id, visibility: 'shared' }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  'comment.update': {
    input: (w) => ({ id: w.commentId, body: 'Geändert' }),
    expect: { ...people, partnerNone: 'NOT_FOUND', repOwner: 'ok', default: 'FORBIDDEN' },
  },
  'comment.delete': {
    input: (w) => ({ id: w.commentId }),
    expect: { ...people, partnerNone: 'NOT_FOUND', repOwner: 'ok', default: 'FORBIDDEN' },
  },
  'comment.live': {
    input: (w) => ({ opportunityId: w.deal.id }),
    expect: { ...people, partnerNone: 'NOT_FOUND', default: 'ok' },
  },
  // Notifications are per person: every signed-in user works on their own, nobody on others'.
  'notification.list': { input: () => ({}), expect: { ...people, default: 'ok' } },
  'notification.unreadCount': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'notification.markRead': { input: () => ({ ids: [unknownId] }), expect: { ...people, default: 'ok' } },
  'notification.markAllRead': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'notification.preferences': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'notification.setPreference': {
    input: () => ({ kind: 'comment.mention', email: false }),
    expect: { ...people, default: 'ok' },
  },
  'notification.live': { input: () => undefined, expect: { ...people, default: 'ok' } },
  'automation.settings': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'automation.updateSetting': {
    input: () => ({
      key: 'lossReasons',
      value: [
        { key: 'price', label: { de: 'Preis', en: 'Price' } },
        { key: 'no_response', label: { de: 'Keine Rückmeldung', en: 'No response' } },
      ],
    }),
    expect: { ...adminOnly, default: 'ok' },
  },
  'automation.closeDeal': {
    input: (w) => ({ opportunityId: w.deal.id, outcome: 'lost', lossReason: 'price' }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'automation.priority': {
    input: (w) => ({ accountId: w.accountId }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'automation.setStrategic': {
    input: (w) => ({ accountId: w.accountId, strategic: true }),
    expect: { ...staffOnly, repOwner: 'FORBIDDEN', repOther: 'FORBIDDEN', default: 'ok' },
  },
  'automation.setCadence': {
    input: (w) => ({ accountId: w.accountId, visitEveryDays: 30, callEveryDays: 7 }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'automation.cadence': { input: () => ({}), expect: { ...staffOnly, default: 'ok' } },
  'automation.accounts': { input: () => ({ q: 'Matrix' }), expect: { ...staffOnly, default: 'ok' } },
  'calendar.list': {
    input: () => ({ from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-03-08T00:00:00Z') }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'calendar.byId': { input: (w) => ({ id: w.meeting.id }), expect: { ...staffOnly, default: 'ok' } },
  'calendar.create': {
    input: () => ({
      title: 'Neuer Termin',
      startsAt: new Date('2027-03-03T09:00:00Z'),
      endsAt: new Date('2027-03-03T10:00:00Z'),
      participants: { userIds: [], contactIds: [], emails: [] },
    }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'calendar.update': {
    input: (w) => ({
      id: w.meeting.id,
      sequence: w.meeting.sequence,
      title: 'Verschoben',
      startsAt: new Date('2027-03-04T09:00:00Z'),
      endsAt: new Date('2027-03-04T10:00:00Z'),
      participants: { userIds: [], contactIds: [], emails: [] },
    }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'calendar.cancel': {
    input: (w) => ({ id: w.meeting.id, sequence: w.meeting.sequence }),
    expect: { ...staffOnly, repOther: 'FORBIDDEN', default: 'ok' },
  },
  'share.list': { input: (w) => ({ opportunityId: w.deal.id }), expect: { ...dealWrite, default: 'ok' } },
  'share.set': {
    input: (w) => ({ opportunityId: w.deal.id, partnerOrgId: w.partnerEditOrgId, access: 'view' }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'share.revoke': {
    input: (w) => ({ opportunityId: w.deal.id, partnerOrgId: w.partnerEditOrgId }),
    expect: { ...dealWrite, default: 'ok' },
  },
  'csvImport.upload': {
    input: () => ({
      entity: 'account',
      fileName: 'matrix.csv',
      contentBase64: Buffer.from('Name;Straße;PLZ;Ort;Land\nMatrix GmbH;Weg 1;10115;Berlin;DE\n').toString(
        'base64',
      ),
    }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'csvImport.list': { input: () => undefined, expect: { ...staffOnly, default: 'ok' } },
  'csvImport.byId': { input: () => ({ id: unknownId }), expect: { ...staffOnly, default: 'NOT_FOUND' } },
  'csvImport.validate': {
    input: () => ({ id: unknownId, mapping: {} }),
    expect: { ...staffOnly, default: 'NOT_FOUND' },
  },
  'csvImport.start': { input: () => ({ id: unknownId }), expect: { ...staffOnly, default: 'NOT_FOUND' } },
  'addressCapture.parse': {
    input: () => ({ text: 'Muster GmbH\nMusterstraße 12\n80331 München' }),
    expect: { ...staffOnly, default: 'ok' },
  },
  'addressCapture.confirm': {
    input: (w) => ({ accountId: w.accountId, text: 'Muster GmbH\nTel.: +49 89 1234567', fields: ['phone'] }),
    expect: { ...staffOnly, default: 'ok' },
  },
};

let t: TestDatabase;
let world: World;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  const admin = await makeUser(db, { role: 'admin' });
  const manager = await makeUser(db, { role: 'manager' });
  const owner = await makeUser(db, { role: 'rep' });
  const other = await makeUser(db, { role: 'rep' });
  const [orgEdit, orgView, orgNone] = await Promise.all([
    makePartnerOrg(db),
    makePartnerOrg(db),
    makePartnerOrg(db),
  ]);
  const partnerEdit = await makeUser(db, { role: 'partner_admin', partnerOrgId: orgEdit.id });
  const partnerView = await makeUser(db, { role: 'partner_member', partnerOrgId: orgView.id });
  const partnerNone = await makeUser(db, { role: 'partner_member', partnerOrgId: orgNone.id });
  const account = await makeAccount(db, owner.user.id);
  const contact = await makeContact(db, account.id);
  const deal = await makeOpportunity(db, account.id, owner.user.id, { primaryContactId: contact.id });
  await share(db, deal.id, orgEdit.id, 'edit');
  await share(db, deal.id, orgView.id, 'view');
  const { id: integrationKey } = await callerFor(db, admin.principal).caller.apiKey.create({
    name: 'EDI',
    scopes: ['edi'],
  });
  const profile = await callerFor(db, admin.principal).caller.edi.createProfile({
    partnerOrgId: orgEdit.id,
    name: 'Matrix X12',
    standard: 'x12',
    version: '004010',
    transport: { kind: 'local', root: '/tmp/konsort-matrix' },
  });
  const registration = await callerFor(db, partnerEdit.principal).caller.registration.submit({
    companyName: 'Matrix Kunde GmbH',
    contactName: 'Anna Schäfer',
    contactEmail: 'anna@matrix-kunde.de',
    estimatedAmountMinor: 100_000,
    products: 'Fräse',
  });
  const quoteAdmin = callerFor(db, admin.principal).caller;
  const product = await quoteAdmin.product.create({
    sku: 'MATRIX-1',
    name: 'Matrix-Produkt',
    unit: 'Stk',
    listPriceMinor: 1000,
    currency: 'EUR',
    taxRateBp: 1900,
    active: true,
  });
  const rule = await quoteAdmin.product.createRule({
    kind: 'quantity_discount',
    productId: product.id,
    minQuantity: '10',
    discountBp: 500,
  });
  const quote = await quoteAdmin.quote.create({ opportunityId: deal.id });
  const meeting = await callerFor(db, owner.principal).caller.calendar.create({
    title: 'Matrix-Termin',
    startsAt: new Date('2027-03-02T09:00:00Z'),
    endsAt: new Date('2027-03-02T10:00:00Z'),
    participants: { userIds: [other.user.id], contactIds: [], emails: [] },
  });
  const quoteWorld = {
    productId: product.id,
    ruleId: rule.id,
    quoteId: quote.id,
    quoteVersion: quote.version,
  };
  const activity = await callerFor(db, owner.principal).caller.activity.create({
    type: 'task',
    subject: 'Matrix-Wiedervorlage',
    opportunityId: deal.id,
    dueAt: new Date(Date.now() + 86_400_000),
  });
  const [document] = await db
    .insert(documents)
    .values({ opportunityId: deal.id, title: 'Matrix-Dokument', sharedWithPartners: true })
    .returning();
  const partnerEditMember = await makeUser(db, { role: 'partner_member', partnerOrgId: orgEdit.id });
  const lead = await captureLead(db, manager.principal, {
    companyName: 'Matrix Lead GmbH',
    source: 'manual',
  });
  await offerLead(db, manager.principal, { id: lead.id, partnerOrgId: orgEdit.id, days: 7 });
  const invitation = await inviteUser(db, admin.principal, {
    email: 'matrix-invited@partner.example',
    name: 'Eingeladen',
    role: 'partner_member',
    partnerOrgId: orgEdit.id,
    locale: 'de',
  });
  const comment = await callerFor(db, owner.principal).caller.comment.create({
    opportunityId: deal.id,
    visibility: 'shared',
    body: 'Matrix-Kommentar',
  });
  world = {
    principals: {
      anonymous: anonymous(),
      admin: admin.principal,
      manager: manager.principal,
      repOwner: owner.principal,
      repOther: other.principal,
      partnerEdit: partnerEdit.principal,
      partnerView: partnerView.principal,
      partnerNone: partnerNone.principal,
      integration: { kind: 'integration', apiKeyId: integrationKey, scopes: ['edi'], locale: 'en' },
    },
    accountId: account.id,
    contactId: contact.id,
    deal,
    partnerEditOrgId: orgEdit.id,
    otherUserId: other.user.id,
    ownerEmail: owner.user.email,
    ediProfileId: profile.id,
    registrationId: registration.id,
    commentId: comment.id,
    leadId: lead.id,
    invitationId: invitation.invitation.id,
    partnerEditMemberId: partnerEditMember.user.id,
    documentId: document!.id,
    activityId: activity.id,
    quoteWorld,
    meeting: { id: meeting.id, sequence: meeting.sequence },
  };
});

afterAll(async () => {
  await t?.destroy();
});

class Rollback extends Error {}

/** Calls one procedure as one principal inside a transaction that is always rolled back. */
async function outcomeOf(path: string, role: Role): Promise<string> {
  const entry = matrix[path]!;
  let outcome = 'ok';
  try {
    await t.db.transaction(async (tx) => {
      const { caller } = callerFor(tx as unknown as Database, world.principals[role]);
      const fn = path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        input: unknown,
      ) => Promise<unknown>;
      try {
        await fn(entry.input(world));
      } catch (e) {
        if (!(e instanceof TRPCError)) throw e;
        // CONFLICT/BAD_REQUEST mean the policy let the call through to the domain rules.
        outcome = e.code === 'CONFLICT' || e.code === 'BAD_REQUEST' ? 'ok' : e.code;
      }
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return outcome;
}

describe('authorization matrix', () => {
  it('has an entry for every procedure of the app router, and none for a procedure that is gone', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(matrix).sort()).toEqual(procedures);
  });

  for (const path of Object.keys(matrix)) {
    it(`${path}`, async () => {
      const expected = Object.fromEntries(
        roles.map((r) => [r, matrix[path]!.expect[r] ?? matrix[path]!.expect.default]),
      );
      const actual: Record<string, string> = {};
      for (const role of roles) actual[role] = await outcomeOf(path, role);
      expect(actual).toEqual(expected);
    });
  }

  it('left the shared fixtures untouched (every call was rolled back)', async () => {
    const [owner] = await t.db
      .select({ active: users.active })
      .from(users)
      .where(eq(users.id, world.otherUserId));
    expect(owner?.active).toBe(true);
  });
});
