import type { LoaderFunctionArgs } from '@remix-run/node';
import { quotePdf } from '../utils/api.server.ts';
import { orResponse, requireUuid } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** The quote as a PDF download (`?version=` for an older version). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.quote');
  const versionParam = new URL(request.url).searchParams.get('version');
  const versionNumber = versionParam && /^\d{1,4}$/.test(versionParam) ? Number(versionParam) : undefined;
  const { buffer, fileName } = await orResponse(context.locale, () =>
    quotePdf(context.db, user, id, { versionNumber, locale: context.locale }),
  );
  return new Response(new Uint8Array(buffer), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
