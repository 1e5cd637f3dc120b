import type { LoaderFunctionArgs } from '@remix-run/node';
import { gdprExport, gdprSubjectInput, translate } from '../utils/api.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** Everything about a contact or a user as a JSON download (admins; the export is audited). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const subject = gdprSubjectInput.safeParse({ kind: params.kind, id: params.id });
  if (!subject.success) {
    throw new Response(translate(context.locale, 'errors.notFound', { entity: 'entity.page' }), {
      status: 404,
    });
  }
  const data = await orResponse(context.locale, () => gdprExport(context.db, user, subject.data));
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="konsort-${subject.data.kind}-${subject.data.id}.json"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
