/**
 * Downloads of a document (`/documents/<id>/export/html|pdf`): the same domain functions and
 * policy as the tRPC exports. The HTML is sanitized and additionally served with a CSP that
 * forbids scripts, as an attachment.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { AppError, exportDocumentHtml, exportDocumentPdf, isAppError, translate } from './api.server.ts';
import { requireUuid } from './errors.server.ts';
import { requireUser } from './session.server.ts';

function disposition(fileName: string) {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The download route's loader (kept here: a route module must not hold server-only helpers). */
export async function documentExportLoader(args: LoaderFunctionArgs) {
  try {
    return await download(args);
  } catch (error) {
    // A refused or missing download is an answer, not a server error: plain text, its status.
    if (!isAppError(error)) throw error;
    return new Response(translate(args.context.locale, error.key, error.params), {
      status: error.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
}

async function download({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.document');
  const headers = {
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  };
  if (params.format === 'html') {
    const file = await exportDocumentHtml(context.db, user, id);
    return new Response(file.html, {
      headers: {
        ...headers,
        'Content-Type': file.contentType,
        'Content-Disposition': disposition(file.fileName),
      },
    });
  }
  if (params.format === 'pdf') {
    const file = await exportDocumentPdf(context.db, user, id);
    return new Response(new Uint8Array(file.pdf), {
      headers: {
        ...headers,
        'Content-Type': file.contentType,
        'Content-Disposition': disposition(file.fileName),
      },
    });
  }
  throw new AppError('NOT_FOUND', 'errors.notFound', { entity: 'entity.page' });
}
