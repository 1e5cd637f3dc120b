import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvDownload } from '../utils/csv-export.server.ts';
import { requireUser } from '../utils/session.server.ts';
import { isStage } from '../utils/stages.ts';

/**
 * CSV of the deal list with the list's filters (q, stage, mine, sort, direction). Partners get
 * their shared deals without internal columns: the API decides both.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const stages = params.getAll('stage').filter(isStage);
  return csvDownload(
    context,
    user,
    'opportunity',
    {
      q: params.get('q') ?? '',
      stages: stages.length ? stages : undefined,
      mine: params.get('mine') === '1',
      sort: params.get('sort') || undefined,
      direction: params.get('direction') || undefined,
    },
    params,
  );
}
