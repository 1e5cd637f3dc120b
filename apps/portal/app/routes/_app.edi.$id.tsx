import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { buttonClass, Card, DefinitionList, linkClass, PageHeader } from '../components/ui.tsx';
import { getMessage, requestReprocess } from '../utils/api.server.ts';
import { ediStatusColors } from '../utils/edi.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDateTime } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'EDI message');
  return { message: await orResponse(context.locale, () => getMessage(context.db, user, id)) };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'EDI message');
  const values = formValues(await request.formData());
  if (values.intent !== 'reprocess') return null;
  try {
    await requestReprocess(context.db, user, id);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
  return redirect(`/edi/${id}`);
}

export default function EdiMessage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { message: m } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title={t('edi.message', { type: m.documentType, file: m.fileName })}
        actions={
          m.canReprocess ? (
            <Form method="post">
              <input type="hidden" name="intent" value="reprocess" />
              <button type="submit" className={buttonClass}>
                {t('edi.reprocess')}
              </button>
            </Form>
          ) : null
        }
      />
      <p className="mb-4 text-sm">
        <Link to="/edi" className={linkClass}>
          ← {t('edi.title')}
        </Link>
      </p>
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      <div className="space-y-6">
        <Card>
          <DefinitionList
            items={[
              [
                t('edi.status'),
                <span
                  key="status"
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${ediStatusColors[m.status] ?? ''}`}
                >
                  {t(`edi.status.${m.status}`)}
                </span>,
              ],
              [t('edi.direction'), t(`edi.direction.${m.direction}`)],
              [t('edi.partner'), `${m.partnerOrgName} · ${m.profileName}`],
              [t('edi.documentType'), `${m.documentType} (${m.standard.toUpperCase()})`],
              [t('edi.controlNumber'), m.interchangeControlNumber || '—'],
              [t('edi.sender'), m.senderId ?? '—'],
              [t('edi.receiver'), m.receiverId ?? '—'],
              [t('edi.fileName'), m.fileName],
              [
                t('edi.fileHash'),
                <code key="hash" className="break-all text-xs">
                  {m.fileHash}
                </code>,
              ],
              [t('edi.receivedAt'), formatDateTime(m.createdAt, locale)],
              [t('edi.processedAt'), formatDateTime(m.processedAt, locale)],
              [
                m.direction === 'inbound' ? t('edi.acknowledgement') : t('edi.acknowledges'),
                m.related ? (
                  <Link key="related" to={`/edi/${m.related.id}`} className={linkClass}>
                    {m.related.documentType} · {m.related.fileName} ({t(`edi.status.${m.related.status}`)})
                  </Link>
                ) : (
                  '—'
                ),
              ],
            ]}
          />
        </Card>
        <Card title={t('edi.errorsTitle', { count: m.errors.length })}>
          {m.errors.length === 0 ? (
            <p className="text-sm text-slate-600">{t('edi.noErrors')}</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {m.errors.map((e) => (
                <li
                  key={`${e.code}:${e.segmentPosition ?? ''}:${e.elementPosition ?? ''}:${e.message}`}
                  className="border-l-2 border-rose-300 pl-3"
                >
                  <code className="font-semibold text-rose-800">{e.code}</code>
                  {e.level ? <span className="text-slate-600"> · {e.level}</span> : null}
                  {e.segmentTag || e.segmentPosition !== undefined ? (
                    <span className="text-slate-600">
                      {' '}
                      · {t('edi.segment')} {e.segmentTag ?? ''}
                      {e.segmentPosition !== undefined ? ` #${e.segmentPosition}` : ''}
                      {e.elementPosition !== undefined ? ` / ${e.elementPosition}` : ''}
                    </span>
                  ) : null}
                  <p>{e.message}</p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('edi.raw')}>
          <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-50 p-3 font-mono text-xs">
            {m.raw}
          </pre>
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
