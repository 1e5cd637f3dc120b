import type { LoaderFunctionArgs } from '@remix-run/node';
import { reportCsv } from '../utils/api.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** A report as a CSV download: the same parameters as the report page, the same figures. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const url = new URL(request.url);
  const input: Record<string, string> = {};
  for (const key of ['from', 'to', 'ownerId', 'groupBy']) {
    const value = url.searchParams.get(key);
    if (value) input[key] = value;
  }
  const { fileName, csv } = await orResponse(context.locale, () =>
    reportCsv(context.db, user, params.report ?? '', input, context.locale),
  );
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'no-store',
    },
  });
}
