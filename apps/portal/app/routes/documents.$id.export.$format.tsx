/**
 * Downloads of a document (`/documents/<id>/export/html|pdf`): the same domain functions and
 * policy as the tRPC exports. The HTML is sanitized and additionally served with a CSP that
 * forbids scripts, as an attachment.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { documentExportLoader } from '../utils/document-export.server.ts';

export function loader(args: LoaderFunctionArgs) {
  return documentExportLoader(args);
}
