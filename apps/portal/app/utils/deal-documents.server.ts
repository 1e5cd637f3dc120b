import type { AppLoadContext } from '@remix-run/node';
import { listDocuments, type UserPrincipal } from './api.server.ts';

/** The deal page's documents card: the documents this user may see, and whether they may add one. */
export function loadDealDocuments(context: AppLoadContext, user: UserPrincipal, opportunityId: string) {
  return listDocuments(context.db, user, { opportunityId });
}
