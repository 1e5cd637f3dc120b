import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvDownload } from '../utils/csv-export.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** CSV of the contact list with its search (`?q=`); `?dialect=excel-de|standard`. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const params = new URL(request.url).searchParams;
  return csvDownload(context, user, 'contact', { q: params.get('q') ?? '' }, params);
}
