/**
 * CSV downloads of the account, contact and deal lists: the list's own query parameters become
 * the export's filters, the API pages through the list with them and streams the file.
 */
import type { UserPrincipal } from '@konsort/api';
import type { Locale } from '@konsort/db';
import type { AppLoadContext } from '@remix-run/node';
import { type CsvDialectName, exportCsv, exportFileName, exportFiltersInput } from './api.server.ts';
import { validate } from './errors.server.ts';

type Entity = 'account' | 'contact' | 'opportunity';

/** `dialect=excel-de` (`;`, decimal comma) or `standard`; German users get Excel's dialect by default. */
export function dialectOf(params: URLSearchParams, locale: Locale): CsvDialectName {
  const asked = params.get('dialect');
  if (asked === 'excel-de' || asked === 'standard') return asked;
  return locale === 'de' ? 'excel-de' : 'standard';
}

export function csvDownload(
  context: AppLoadContext,
  user: UserPrincipal,
  entity: Entity,
  rawFilters: Record<string, unknown>,
  params: URLSearchParams,
): Response {
  const parsed = validate(exportFiltersInput[entity], rawFilters, context.locale);
  if (!parsed.ok) return new Response(Object.values(parsed.fieldErrors).join('\n'), { status: 400 });
  const chunks = exportCsv(context.db, user, entity, parsed.data as never, {
    dialect: dialectOf(params, context.locale),
    locale: context.locale,
  });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        context.logger.error({ err: error }, 'csv export failed');
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName(entity)}"`,
      'cache-control': 'no-store',
    },
  });
}
