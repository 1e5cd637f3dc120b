/**
 * The route half of the authorization matrix (the procedure half is
 * packages/api/src/authorization-matrix.test.ts): for every Remix route module that exports a
 * loader or an action, what each principal gets. `route-matrix.integration.test.ts` fails when a
 * module with a loader or action has no entry here, or an entry names a route that is gone.
 *
 * Key: the route id without `routes/` (the file name without `.tsx`). `path` is the URL (index
 * routes get `?index` added for POSTs by the test); `form` the fields an action receives. Every
 * case runs against a fresh `World` (see route-matrix.world.ts): `w.deal` is repOwner's deal
 * shared edit with partnerEdit's organisation and view with partnerView's; `w.foreignDeal` and
 * `w.foreignAccount` nobody shares. Every partner response is also checked for `w.secrets`.
 */
import { makeOpportunity, share } from '@konsort/api/testing';
import type { Expectation, Principal, World } from './route-matrix.world.ts';

export interface RouteCase {
  /** What the case proves, when a route has several action cases. */
  name?: string;
  path: (w: World) => string;
  /** Form fields for an action (POSTed as application/x-www-form-urlencoded with our Origin). */
  form?: (w: World) => Record<string, string>;
  expect: Expectation;
  /** Changes the world before the case; such a case gets a world of its own, also for a loader. */
  setup?: (w: World) => Promise<World>;
  /** Checks after an action, per principal: what is wrong with the records (empty: all right). */
  after?: (w: World, principal: Principal) => Promise<string[]>;
}

export interface RouteEntry {
  /** One case, or several (the shared record, then foreign ones). */
  loader?: RouteCase | RouteCase[];
  action?: RouteCase[];
}

/** Any signed-in person; anonymous is sent to the login page. */
const signedIn = { anonymous: 'login' } as const;
/** Staff pages: partners get 403. */
const staffOnly = { ...signedIn, partnerEdit: 403, partnerView: 403, partnerNone: 403 } as const;
const adminOnly = { ...staffOnly, manager: 403, repOwner: 403, repOther: 403 } as const;
/** The shared deal: partners without a share do not learn that it exists. */
const sharedDealRead = { ...signedIn, partnerNone: 404 } as const;
/** Writes on the shared deal: owner and leaders; the other rep and partners with a share 403. */
const sharedDealWrite = {
  ...signedIn,
  repOther: 403,
  partnerEdit: 403,
  partnerView: 403,
  partnerNone: 404,
} as const;
const unknownId = '00000000-0000-4000-8000-000000000000';

/** The world with `deal` replaced by a won deal, shared the same way: closed deals are not for partners to edit. */
async function withWonDeal(w: World): Promise<World> {
  const deal = await makeOpportunity(w.db, w.account.id, w.users.repOwner.id, {
    name: `Gewonnen ${w.tag}`,
    stage: 'won',
    closedAt: new Date(),
  });
  await share(w.db, deal.id, w.orgs.edit.id, 'edit');
  await share(w.db, deal.id, w.orgs.view.id, 'view');
  return { ...w, deal };
}

export const routeMatrix: Record<string, RouteEntry> = {
  _app: { loader: { path: () => '/', expect: { ...signedIn, default: 200 } } },
  '_app.$': { loader: { path: () => '/gibt-es-nicht', expect: { ...signedIn, default: 404 } } },
  '_app._index': { loader: { path: () => '/', expect: { ...signedIn, default: 200 } } },

  '_app.accounts._index': { loader: { path: () => '/accounts', expect: { ...staffOnly, default: 200 } } },
  '_app.accounts.new': {
    loader: { path: () => '/accounts/new', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'address capture: parses a pasted imprint, saves nothing',
        path: () => '/accounts/new',
        form: () => ({
          intent: 'capture',
          captureText: 'Matrix Capture GmbH\nMusterstraße 12\n80331 München\nUSt-IdNr.: DE123456789',
        }),
        expect: { ...staffOnly, default: 200 },
      },
      {
        path: () => '/accounts/new',
        form: (w) => ({
          name: `Neukunde ${w.tag} GmbH`,
          street: 'Teststraße 1',
          postalCode: '10115',
          city: 'Berlin',
          country: 'DE',
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.accounts.$id._index': {
    loader: [
      { path: (w) => `/accounts/${w.account.id}`, expect: { ...sharedDealRead, default: 200 } },
      {
        name: "another rep's account, no deal shared",
        path: (w) => `/accounts/${w.foreignAccount.id}`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
    ],
    action: [
      {
        name: 'archive (the account still has open deals: a conflict for those allowed)',
        path: (w) => `/accounts/${w.account.id}`,
        form: () => ({ intent: 'archive' }),
        expect: { ...staffOnly, repOther: 403, default: 409 },
      },
      {
        name: "archive another rep's account",
        path: (w) => `/accounts/${w.foreignAccount.id}`,
        form: () => ({ intent: 'archive' }),
        expect: { ...staffOnly, repOwner: 403, default: 409 },
      },
    ],
  },
  '_app.accounts.$id.edit': {
    loader: { path: (w) => `/accounts/${w.account.id}/edit`, expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'address capture: the proposal (diff) for this account',
        path: (w) => `/accounts/${w.account.id}/edit`,
        form: () => ({
          intent: 'capture',
          captureText: 'Matrix Capture GmbH\nMusterstraße 12\n80331 München\nUSt-IdNr.: DE123456789',
        }),
        expect: { ...staffOnly, default: 200 },
      },
      {
        name: 'address capture: apply the confirmed fields',
        path: (w) => `/accounts/${w.account.id}/edit`,
        form: () => ({ intent: 'captureConfirm', captureText: 'Tel.: +49 89 123 45-0', fields: 'phone' }),
        expect: { ...staffOnly, default: 'redirect' },
      },
      {
        path: (w) => `/accounts/${w.account.id}/edit`,
        form: (w) => ({
          name: `Umbenannt ${w.tag} GmbH`,
          street: 'Teststraße 2',
          postalCode: '10115',
          city: 'Berlin',
          country: 'DE',
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },

  '_app.contacts._index': { loader: { path: () => '/contacts', expect: { ...staffOnly, default: 200 } } },
  '_app.accounts.export': {
    loader: { path: () => '/accounts/export?dialect=excel-de', expect: { ...staffOnly, default: 200 } },
  },
  '_app.contacts.export': {
    loader: { path: () => '/contacts/export?q=a', expect: { ...staffOnly, default: 200 } },
  },
  // Partners get their shared deals without internal columns; the matrix checks every partner
  // response for the world's secrets (margins, unshared deals).
  '_app.opportunities.export': {
    loader: { path: () => '/opportunities/export?dialect=standard', expect: { ...signedIn, default: 200 } },
  },
  '_app.import._index': {
    loader: { path: () => '/import', expect: { ...staffOnly, default: 200 } },
    // No file in the form: the route lets staff through to validation (400), nothing is stored.
    action: [
      { path: () => '/import', form: () => ({ entity: 'account' }), expect: { ...staffOnly, default: 400 } },
    ],
  },
  '_app.import.$id': {
    loader: { path: () => `/import/${unknownId}`, expect: { ...staffOnly, default: 404 } },
    action: [
      {
        path: () => `/import/${unknownId}`,
        form: () => ({ intent: 'validate', 'map.name': '0' }),
        expect: { ...staffOnly, default: 404 },
      },
    ],
  },
  '_app.contacts.new': {
    loader: {
      path: (w) => `/contacts/new?accountId=${w.account.id}`,
      expect: { ...staffOnly, default: 200 },
    },
    action: [
      {
        path: (w) => `/contacts/new?accountId=${w.account.id}`,
        form: (w) => ({ accountId: w.account.id, firstName: 'Neue', lastName: `Person ${w.tag}` }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.contacts.$id._index': {
    loader: [
      { path: (w) => `/contacts/${w.contact.id}`, expect: { ...sharedDealRead, default: 200 } },
      {
        name: 'the contact of a deal shared with nobody',
        path: (w) => `/contacts/${w.foreignContact.id}`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
    ],
    action: [
      {
        path: (w) => `/contacts/${w.contact.id}`,
        form: () => ({ intent: 'archive' }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.contacts.$id.edit': {
    loader: { path: (w) => `/contacts/${w.contact.id}/edit`, expect: { ...staffOnly, default: 200 } },
    action: [
      {
        path: (w) => `/contacts/${w.contact.id}/edit`,
        form: (w) => ({ accountId: w.account.id, firstName: 'Greta', lastName: `Geändert ${w.tag}` }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },

  '_app.opportunities._index': {
    loader: { path: () => '/opportunities', expect: { ...signedIn, default: 200 } },
  },
  '_app.opportunities.board': {
    loader: { path: () => '/opportunities/board', expect: { ...signedIn, default: 200 } },
    action: [
      {
        path: () => '/opportunities/board',
        form: (w) => ({ intent: 'changeStage', id: w.deal.id, stage: 'proposal' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'a deal shared with nobody',
        path: () => '/opportunities/board',
        form: (w) => ({ intent: 'changeStage', id: w.foreignDeal.id, stage: 'proposal' }),
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 'redirect' },
      },
    ],
  },
  '_app.opportunities.new': {
    loader: { path: () => '/opportunities/new', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        path: () => '/opportunities/new',
        form: (w) => ({
          accountId: w.account.id,
          name: `Neuer Deal ${w.tag}`,
          amount: '1000',
          currency: 'EUR',
          businessType: 'new',
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.opportunities.$id._index': {
    loader: [
      { path: (w) => `/opportunities/${w.deal.id}`, expect: { ...sharedDealRead, default: 200 } },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
      {
        name: 'an unknown id',
        path: () => `/opportunities/${unknownId}`,
        expect: { ...signedIn, default: 404 },
      },
    ],
    action: [
      {
        name: 'change the stage',
        path: (w) => `/opportunities/${w.deal.id}`,
        form: () => ({ intent: 'changeStage', stage: 'proposal' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'archive',
        path: (w) => `/opportunities/${w.deal.id}`,
        form: () => ({ intent: 'archive' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}`,
        form: () => ({ intent: 'changeStage', stage: 'proposal' }),
        expect: {
          ...sharedDealWrite,
          partnerEdit: 404,
          partnerView: 404,
          default: 'redirect',
        },
      },
    ],
  },
  '_app.opportunities.$id.edit': {
    loader: [
      {
        path: (w) => `/opportunities/${w.deal.id}/edit`,
        expect: { ...sharedDealWrite, partnerEdit: 200, default: 200 },
      },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/edit`,
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 200 },
      },
      {
        name: 'a won deal: the edit share no longer lets the partner edit',
        setup: withWonDeal,
        path: (w) => `/opportunities/${w.deal.id}/edit`,
        expect: { ...sharedDealWrite, default: 200 },
      },
    ],
    action: [
      {
        path: (w) => `/opportunities/${w.deal.id}/edit`,
        form: (w) => ({
          version: String(w.deal.version),
          name: `Umbenannt ${w.tag}`,
          amount: '4242',
          currency: 'EUR',
          businessType: 'new',
          description: `Geändert ${w.tag}`,
        }),
        expect: { ...sharedDealWrite, partnerEdit: 'redirect', default: 'redirect' },
        // A partner's edit share covers amount, close date and description, never the name.
        after: async (w, principal) => {
          const deal = await w.db.query.opportunities.findFirst({
            where: (o, { eq }) => eq(o.id, w.deal.id),
          });
          if (principal === 'partnerEdit') {
            return [
              ...(deal?.name === w.deal.name ? [] : [`partnerEdit renamed the deal to ${deal?.name}`]),
              ...(deal?.amountMinor === 424_200
                ? []
                : [`partnerEdit's amount not saved: ${deal?.amountMinor}`]),
            ];
          }
          if (['admin', 'manager', 'repOwner'].includes(principal) && deal?.name !== `Umbenannt ${w.tag}`) {
            return [`${principal}'s rename not saved`];
          }
          return [];
        },
      },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/edit`,
        form: (w) => ({
          version: String(w.foreignDeal.version),
          name: w.foreignDeal.name,
          amount: '4242',
          currency: 'EUR',
          businessType: 'new',
        }),
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 'redirect' },
      },
      {
        name: 'a won deal: the edit share no longer lets the partner edit',
        setup: withWonDeal,
        path: (w) => `/opportunities/${w.deal.id}/edit`,
        form: (w) => ({
          version: String(w.deal.version),
          name: w.deal.name,
          amount: '4242',
          currency: 'EUR',
          businessType: 'new',
        }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
    ],
  },
  '_app.opportunities.$id.documents.new': {
    loader: {
      path: (w) => `/opportunities/${w.deal.id}/documents/new`,
      expect: { ...sharedDealWrite, default: 200 },
    },
    action: [
      {
        path: (w) => `/opportunities/${w.deal.id}/documents/new`,
        form: () => ({ title: 'Neues Dokument' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/documents/new`,
        form: () => ({ title: 'Neues Dokument' }),
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 'redirect' },
      },
    ],
  },
  '_app.documents.$id': {
    loader: [
      { path: (w) => `/documents/${w.sharedDocumentId}`, expect: { ...sharedDealRead, default: 200 } },
      {
        name: 'an internal document',
        path: (w) => `/documents/${w.internalDocumentId}`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
    ],
    action: [
      {
        name: 'rename',
        path: (w) => `/documents/${w.sharedDocumentId}`,
        form: () => ({ intent: 'rename', title: 'Umbenannt' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'unshare',
        path: (w) => `/documents/${w.sharedDocumentId}`,
        form: () => ({ intent: 'unshare' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'archive',
        path: (w) => `/documents/${w.sharedDocumentId}`,
        form: () => ({ intent: 'archive' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'share an internal document',
        path: (w) => `/documents/${w.internalDocumentId}`,
        form: () => ({ intent: 'share' }),
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 'redirect' },
      },
    ],
  },
  'documents.$id.export.$format': {
    loader: [
      {
        path: (w) => `/documents/${w.sharedDocumentId}/export/html`,
        expect: { ...sharedDealRead, default: 200 },
      },
      {
        name: 'PDF',
        path: (w) => `/documents/${w.sharedDocumentId}/export/pdf`,
        expect: { ...sharedDealRead, default: 200 },
      },
      {
        name: 'an internal document',
        path: (w) => `/documents/${w.internalDocumentId}/export/pdf`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
    ],
  },
  '_app.opportunities.$id.shares': {
    loader: [
      { path: (w) => `/opportunities/${w.deal.id}/shares`, expect: { ...sharedDealWrite, default: 200 } },
      {
        name: 'a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/shares`,
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 200 },
      },
    ],
    action: [
      {
        name: 'share',
        path: (w) => `/opportunities/${w.deal.id}/shares`,
        form: (w) => ({ intent: 'set', partnerOrgId: w.orgs.none.id, access: 'view' }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'revoke',
        path: (w) => `/opportunities/${w.deal.id}/shares`,
        form: (w) => ({ intent: 'revoke', partnerOrgId: w.orgs.view.id }),
        expect: { ...sharedDealWrite, default: 'redirect' },
      },
      {
        name: 'share a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/shares`,
        form: (w) => ({ intent: 'set', partnerOrgId: w.orgs.edit.id, access: 'edit' }),
        expect: { ...sharedDealWrite, partnerEdit: 404, partnerView: 404, default: 'redirect' },
      },
    ],
  },

  '_app.notifications': {
    loader: { path: () => '/notifications?filter=unread', expect: { ...signedIn, default: 200 } },
    action: [
      {
        path: () => '/notifications',
        form: () => ({ intent: 'markAllRead' }),
        expect: { ...signedIn, default: 'redirect' },
      },
      {
        name: 'e-mail preferences (all off)',
        path: () => '/notifications',
        form: () => ({ intent: 'preferences' }),
        expect: { ...signedIn, default: 'redirect' },
      },
    ],
  },
  '_app.opportunities.$id.comments': {
    loader: [
      { path: (w) => `/opportunities/${w.deal.id}/comments`, expect: { ...sharedDealRead, default: 200 } },
      {
        name: 'the discussion of a deal shared with nobody',
        path: (w) => `/opportunities/${w.foreignDeal.id}/comments`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, partnerNone: 404, default: 200 },
      },
    ],
    action: [
      {
        name: 'a shared comment',
        path: (w) => `/opportunities/${w.deal.id}/comments`,
        form: () => ({ intent: 'create', visibility: 'shared', body: 'Matrix' }),
        expect: { ...sharedDealRead, default: 200 },
      },
      {
        name: 'an internal comment: staff only',
        path: (w) => `/opportunities/${w.deal.id}/comments`,
        form: () => ({ intent: 'create', visibility: 'internal', body: 'Matrix intern' }),
        expect: { ...signedIn, partnerEdit: 403, partnerView: 403, partnerNone: 404, default: 200 },
      },
      {
        name: 'delete a comment that does not exist',
        path: (w) => `/opportunities/${w.deal.id}/comments`,
        form: () => ({ intent: 'delete', id: unknownId }),
        expect: { ...signedIn, default: 404 },
      },
    ],
  },

  '_app.registrations._index': {
    loader: { path: () => '/registrations', expect: { ...signedIn, default: 200 } },
  },
  '_app.registrations.new': {
    loader: {
      path: () => '/registrations/new',
      expect: { ...signedIn, admin: 403, manager: 403, repOwner: 403, repOther: 403, default: 200 },
    },
    action: [
      {
        path: () => '/registrations/new',
        form: (w) => ({
          companyName: `Neu Registriert ${w.tag} GmbH`,
          contactName: 'Max Muster',
          contactEmail: `max@neu-${w.tag}.example`,
          amount: '12000',
          currency: 'EUR',
          products: 'Fräse',
        }),
        expect: { ...signedIn, admin: 403, manager: 403, repOwner: 403, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.registrations.$id': {
    loader: [
      {
        path: (w) => `/registrations/${w.registrationId}`,
        expect: { ...signedIn, partnerView: 404, partnerNone: 404, default: 200 },
      },
      {
        name: "another partner's registration",
        path: (w) => `/registrations/${w.foreignRegistrationId}`,
        expect: { ...signedIn, partnerEdit: 404, partnerView: 404, default: 200 },
      },
    ],
    action: [
      {
        name: 'approve as a new account',
        path: (w) => `/registrations/${w.registrationId}`,
        form: () => ({
          intent: 'approve',
          street: 'Am Markt 1',
          postalCode: '04109',
          city: 'Leipzig',
          country: 'DE',
        }),
        expect: {
          ...staffOnly,
          repOwner: 403,
          repOther: 403,
          default: 'redirect',
        },
      },
      {
        name: 'reject',
        path: (w) => `/registrations/${w.registrationId}`,
        form: () => ({ intent: 'reject', reason: 'Bestandskunde' }),
        expect: {
          ...staffOnly,
          repOwner: 403,
          repOther: 403,
          default: 'redirect',
        },
      },
    ],
  },

  '_app.admin.edi-profiles._index': {
    loader: { path: () => '/admin/edi-profiles', expect: { ...adminOnly, default: 200 } },
    action: [
      {
        name: 'a profile with errors',
        path: () => '/admin/edi-profiles',
        form: () => ({ name: '', standard: 'x12', version: 'D96A', 'transport.kind': 'local' }),
        expect: { ...adminOnly, default: 400 },
      },
    ],
  },
  '_app.admin.edi-profiles.$id': {
    loader: { path: () => `/admin/edi-profiles/${unknownId}`, expect: { ...adminOnly, default: 404 } },
    action: [
      {
        name: 'an unknown profile',
        path: () => `/admin/edi-profiles/${unknownId}`,
        form: () => ({
          name: 'X',
          standard: 'x12',
          version: '004010',
          'transport.kind': 'local',
          'transport.root': '/tmp/x',
        }),
        expect: { ...adminOnly, default: 404 },
      },
    ],
  },
  '_app.orders._index': {
    // Everyone signed in: staff see all orders, a partner its own organisation's (checked for secrets).
    loader: { path: () => '/orders', expect: { ...signedIn, default: 200 } },
    action: [
      {
        name: 'answer an unknown order',
        path: () => '/orders',
        form: () => ({ id: unknownId, intent: 'accepted' }),
        expect: { ...staffOnly, default: 404 },
      },
    ],
  },
  '_app.edi._index': {
    loader: { path: () => '/edi', expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 200 } },
  },
  '_app.edi.$id': {
    loader: {
      path: (w) => `/edi/${w.ediMessageId}`,
      expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 200 },
    },
    action: [
      {
        path: (w) => `/edi/${w.ediMessageId}`,
        form: () => ({ intent: 'reprocess' }),
        expect: { ...adminOnly, default: 'redirect' },
      },
      {
        name: 'an unknown message',
        path: () => `/edi/${unknownId}`,
        form: () => ({ intent: 'reprocess' }),
        expect: { ...adminOnly, default: 404 },
      },
    ],
  },

  '_app.admin.users': {
    loader: { path: () => '/admin/users', expect: { ...adminOnly, default: 200 } },
    action: [
      {
        name: 'create a user',
        path: () => '/admin/users',
        form: (w) => ({
          intent: 'create',
          email: `neu-${w.tag}@konsort.example`,
          name: `Neu ${w.tag}`,
          role: 'rep',
          password: 'a long enough password',
        }),
        expect: { ...adminOnly, default: 200 },
      },
      {
        name: 'deactivate a user',
        path: () => '/admin/users',
        form: (w) => ({ intent: 'setActive', id: w.spareUser.id, active: 'false' }),
        expect: { ...adminOnly, default: 200 },
      },
    ],
  },

  // Quotes and the product catalogue: staff data, partners get 403 (see packages/api policy).
  '_app.products._index': {
    loader: { path: () => '/products', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'create a product (leaders only)',
        path: () => '/products',
        form: (w) => ({
          intent: 'createProduct',
          sku: `NEU-${w.tag}`,
          name: 'Neues Produkt',
          unit: 'Stk',
          listPrice: '12,50',
          currency: 'EUR',
          taxRate: '19',
        }),
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.products.$id': {
    loader: [
      {
        path: (w) => `/products/${w.productId}`,
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 200 },
      },
      {
        name: 'unknown product',
        path: () => `/products/${unknownId}`,
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 404 },
      },
    ],
    action: [
      {
        path: (w) => `/products/${w.productId}`,
        form: (w) => ({
          sku: `MX-${w.tag}`,
          name: 'Umbenannt',
          unit: 'Stk',
          listPrice: '99.00',
          currency: 'EUR',
          taxRate: '19',
          active: 'true',
        }),
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.quotes._index': {
    loader: { path: (w) => `/quotes?opportunityId=${w.deal.id}`, expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'create a quote on the deal (owner and leaders)',
        path: (w) => `/quotes?opportunityId=${w.deal.id}`,
        form: (w) => ({ contactId: w.contact.id, validUntil: '2030-01-31' }),
        expect: { ...staffOnly, repOther: 403, default: 'redirect' },
      },
      {
        name: 'close the deal as lost with a listed reason (owner and leaders)',
        path: (w) => `/quotes?opportunityId=${w.deal.id}`,
        form: () => ({ intent: 'close', outcome: 'lost', lossReason: 'price' }),
        expect: { ...staffOnly, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.admin.automation.accounts': {
    loader: { path: () => '/admin/automation/accounts?q=Matrix', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'set the cadence of an account (staff)',
        path: () => '/admin/automation/accounts',
        form: (w) => ({
          intent: 'cadence',
          accountId: w.account.id,
          visitEveryDays: '30',
          callEveryDays: '7',
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
      {
        name: 'mark an account strategic (leaders)',
        path: () => '/admin/automation/accounts',
        form: (w) => ({ intent: 'strategic', accountId: w.account.id, strategic: 'true' }),
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.calendar._index': {
    loader: [
      { path: () => '/calendar', expect: { ...staffOnly, default: 200 } },
      {
        name: 'month view',
        path: () => '/calendar?view=month&date=2027-03-02',
        expect: { ...staffOnly, default: 200 },
      },
    ],
    action: [
      {
        name: 'invite to a new meeting',
        path: () => '/calendar',
        form: (w) => ({
          title: `Neuer Termin ${w.tag}`,
          date: '2027-03-03',
          start: '10:00',
          end: '11:00',
          guests: 'Anna <anna@kunde.example>',
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.calendar.$id': {
    loader: [
      { path: (w) => `/calendar/${w.meetingId}`, expect: { ...staffOnly, default: 200 } },
      {
        name: 'unknown meeting',
        path: () => `/calendar/${unknownId}`,
        expect: { ...staffOnly, default: 404 },
      },
    ],
    action: [
      {
        name: 'cancel (the organizer and leaders)',
        path: (w) => `/calendar/${w.meetingId}`,
        form: () => ({ intent: 'cancel', sequence: '0' }),
        expect: { ...staffOnly, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.admin.automation._index': {
    loader: { path: () => '/admin/automation', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'change the loss reasons (admins only)',
        path: () => '/admin/automation',
        form: () => ({
          key: 'lossReasons',
          value: JSON.stringify([
            { key: 'price', label: { de: 'Preis', en: 'Price' } },
            { key: 'no_response', label: { de: 'Keine Rückmeldung', en: 'No response' } },
          ]),
        }),
        expect: { ...adminOnly, default: 'redirect' },
      },
    ],
  },
  '_app.quotes.$id._index': {
    loader: [
      { path: (w) => `/quotes/${w.quoteId}`, expect: { ...staffOnly, default: 200 } },
      { name: 'unknown quote', path: () => `/quotes/${unknownId}`, expect: { ...staffOnly, default: 404 } },
    ],
    action: [
      {
        name: 'save a line',
        path: (w) => `/quotes/${w.quoteId}`,
        form: (w) => ({
          intent: 'save',
          version: '1',
          currency: 'EUR',
          lineCount: '1',
          'line-0-productId': w.productId,
          'line-0-quantity': '2',
        }),
        expect: { ...staffOnly, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.quotes.$id.pdf': {
    loader: { path: (w) => `/quotes/${w.quoteId}/pdf`, expect: { ...staffOnly, default: 200 } },
  },

  // Follow-ups, reports and targets are staff data (docs/decisions/011): partners get 403.
  '_app.activities': {
    loader: { path: () => '/activities', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'log a call on the shared deal',
        path: () => '/activities',
        form: (w) => ({
          intent: 'create',
          type: 'call',
          subject: `Anruf ${w.tag}`,
          opportunityId: w.deal.id,
          done: 'on',
          redirectTo: `/opportunities/${w.deal.id}`,
        }),
        expect: { ...staffOnly, default: 'redirect' },
      },
    ],
  },
  '_app.activities_.$id.edit': {
    loader: [
      {
        path: (w) => `/activities/${w.activityId}/edit`,
        expect: { ...staffOnly, repOther: 403, default: 200 },
      },
      { path: () => `/activities/${unknownId}/edit`, expect: { ...staffOnly, default: 404 } },
    ],
    action: [
      {
        name: 'reschedule the follow-up and its reminder',
        path: (w) => `/activities/${w.activityId}/edit`,
        form: (w) => ({
          type: 'call',
          subject: `Matrix-Rückruf ${w.tag} (verschoben)`,
          body: '',
          dueAt: '2027-03-05T10:00',
          reminderAt: '2027-03-05T09:00',
          ownerId: w.users.repOwner.id,
          redirectTo: `/opportunities/${w.deal.id}`,
        }),
        expect: { ...staffOnly, repOther: 403, default: 'redirect' },
      },
    ],
  },
  '_app.reports._index': {
    loader: [
      { path: () => '/reports', expect: { ...staffOnly, default: 200 } },
      { path: () => '/reports?tab=partners&from=2026-01&to=2026-12', expect: { ...staffOnly, default: 200 } },
      { path: () => '/reports?tab=gantt', expect: { ...staffOnly, default: 200 } },
    ],
  },
  '_app.reports.export.$report': {
    loader: [
      { path: () => '/reports/export/pipeline?groupBy=partner', expect: { ...staffOnly, default: 200 } },
      { path: () => '/reports/export/nonsense', expect: { ...staffOnly, default: 404 } },
    ],
  },
  '_app.targets': {
    loader: { path: () => '/targets?year=2026', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        name: 'set an annual target',
        path: () => '/targets',
        form: (w) => ({
          intent: 'annual',
          userId: w.users.repOther.id,
          year: '2026',
          businessType: 'new',
          currency: 'EUR',
          annual: '12000',
          split: 'even',
        }),
        expect: { ...staffOnly, repOwner: 403, repOther: 403, default: 'redirect' },
      },
    ],
  },

  '_app.leads._index': { loader: { path: () => '/leads', expect: { ...signedIn, default: 200 } } },
  '_app.leads.new': {
    loader: { path: () => '/leads/new', expect: { ...staffOnly, default: 200 } },
    action: [
      {
        path: () => '/leads/new',
        form: (w) => ({ companyName: `Neuer Lead ${w.tag}`, source: 'form' }),
        expect: { ...staffOnly, default: 'redirect' },
      },
      {
        name: 'CSV upload without a file',
        path: () => '/leads/new',
        form: () => ({ intent: 'csv' }),
        expect: { ...staffOnly, default: 400 },
      },
    ],
  },
  '_app.leads.$id': {
    loader: [
      {
        path: (w) => `/leads/${w.leadId}`,
        expect: { ...signedIn, partnerView: 404, partnerNone: 404, default: 200 },
      },
      { name: 'unknown lead', path: () => `/leads/${unknownId}`, expect: { ...signedIn, default: 404 } },
    ],
    action: [
      {
        name: 'qualify: staff work',
        path: (w) => `/leads/${w.leadId}`,
        form: () => ({ intent: 'qualify' }),
        expect: { ...staffOnly, default: 'redirect' },
      },
      {
        name: 'answer the offer: only the organisation it is offered to',
        path: (w) => `/leads/${w.leadId}`,
        form: () => ({ intent: 'decline', reason: 'Kein Bedarf' }),
        expect: {
          ...signedIn,
          admin: 403,
          manager: 403,
          repOwner: 403,
          repOther: 403,
          partnerView: 404,
          partnerNone: 404,
          default: 'redirect',
        },
      },
    ],
  },
  '_app.team': {
    loader: {
      path: () => '/team',
      // Staff other than the admin have no team to manage; partners see their own organisation.
      expect: { ...signedIn, manager: 403, repOwner: 403, repOther: 403, default: 200 },
    },
    action: [
      {
        name: 'invite into the own organisation',
        path: () => '/team',
        form: (w) => ({
          intent: 'invite',
          name: 'Neu Eingeladen',
          email: `eingeladen-${w.tag}@partner.example`,
          role: 'partner_member',
          partnerOrgId: w.orgs.edit.id,
        }),
        expect: {
          ...signedIn,
          manager: 403,
          repOwner: 403,
          repOther: 403,
          partnerView: 403,
          partnerNone: 403,
          default: 200,
        },
      },
    ],
  },
  '_app.admin.gdpr': {
    loader: { path: () => '/admin/gdpr?q=Matrix', expect: { ...adminOnly, default: 200 } },
    action: [
      {
        path: () => '/admin/gdpr',
        form: (w) => ({ kind: 'contact', id: w.foreignContact.id, confirm: 'yes' }),
        expect: { ...adminOnly, default: 200 },
      },
    ],
  },
  '_app.admin.gdpr.export.$kind.$id': {
    loader: {
      path: (w) => `/admin/gdpr/export/contact/${w.contact.id}`,
      expect: { ...adminOnly, default: 200 },
    },
  },
  'invite.$token': {
    // Public: an unknown link is the same 404 for everyone, signed in or not.
    loader: { path: () => `/invite/${'x'.repeat(43)}`, expect: { default: 404 } },
    action: [
      {
        path: () => `/invite/${'x'.repeat(43)}`,
        form: () => ({
          name: 'Niemand',
          password: 'ein langes Passwort',
          passwordRepeat: 'ein langes Passwort',
        }),
        expect: { default: 404 },
      },
    ],
  },
  login: {
    // Signed in, the login page sends you on.
    loader: { path: () => '/login', expect: { anonymous: 200, default: 'redirect' } },
    action: [
      {
        path: () => '/login',
        form: (w) => ({ email: w.spareUser.email, password: 'correct horse battery', redirectTo: '/' }),
        expect: { default: 'redirect' },
      },
    ],
  },
  logout: {
    loader: { path: () => '/logout', expect: { default: 'redirect' } },
    // Signing out ends on the login page, whoever asks.
    action: [{ path: () => '/logout', form: () => ({}), expect: { default: 'login' } }],
  },
  'set-language': {
    loader: { path: () => '/set-language', expect: { default: 'redirect' } },
    action: [
      {
        path: () => '/set-language',
        form: () => ({ lang: 'en', redirectTo: '/' }),
        expect: { default: 'redirect' },
      },
    ],
  },
};
