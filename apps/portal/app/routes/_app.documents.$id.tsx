/**
 * A deal document: its live editor (Tiptap over Yjs `document:<id>`), presence and carets, and
 * for staff rename / share with partners / archive. Exports go through the same policy.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { DocumentEditor } from '../components/documents/document-editor.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import {
  buttonClass,
  Card,
  dangerButtonClass,
  inputClass,
  linkClass,
  PageHeader,
  secondaryButtonClass,
} from '../components/ui.tsx';
import {
  archiveDocument,
  getDocument,
  renameDocument,
  renameDocumentInput,
  setDocumentShared,
  translate,
} from '../utils/api.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.document');
  const result = await orResponse(context.locale, () => getDocument(context.db, user, id));
  return { ...result, me: { userId: user.userId, name: user.name }, internal: user.kind === 'internal' };
}

const intents = z.enum(['rename', 'share', 'unshare', 'archive']);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.document');
  const values = formValues(await request.formData());
  const intent = intents.safeParse(values.intent);
  if (!intent.success) return formFailure(values, {}, translate(context.locale, 'errors.invalidInput'));
  try {
    switch (intent.data) {
      case 'rename': {
        const parsed = validate(renameDocumentInput, { id, title: values.title ?? '' }, context.locale);
        if (!parsed.ok) {
          return formFailure(values, parsed.fieldErrors, translate(context.locale, 'errors.invalidInput'));
        }
        await renameDocument(context.db, user, parsed.data);
        break;
      }
      case 'share':
      case 'unshare':
        await setDocumentShared(context.db, user, { id, shared: intent.data === 'share' });
        break;
      case 'archive': {
        const { document } = await getDocument(context.db, user, id);
        await archiveDocument(context.db, user, { id });
        return redirect(`/opportunities/${document.opportunityId}`);
      }
    }
    return redirect(`/documents/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function DocumentPage() {
  const { t } = useTranslation();
  const { document: d, opportunity, access, permissions, me, internal } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  // The editor needs JavaScript: the server renders the stored preview, the browser the live editor.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <>
      <PageHeader
        title={d.title}
        actions={
          <>
            <a href={`/documents/${d.id}/export/html`} className={secondaryButtonClass} download>
              {t('documents.exportHtml')}
            </a>
            <a href={`/documents/${d.id}/export/pdf`} className={secondaryButtonClass} download>
              {t('documents.exportPdf')}
            </a>
          </>
        }
      />
      <p className="mb-4 text-sm">
        <Link to={`/opportunities/${opportunity.id}`} className={linkClass}>
          {t('documents.back', { deal: opportunity.name })}
        </Link>
        {internal ? (
          <span className="ml-3 text-slate-600">
            {d.sharedWithPartners ? t('documents.sharedNote') : t('documents.internalNote')}
          </span>
        ) : null}
      </p>
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      {d.archivedAt ? (
        <p className="mb-4 rounded-md bg-slate-200 px-3 py-2 text-sm">{t('documents.archived')}</p>
      ) : access === 'read' ? (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="read-only">
          {t('documents.readOnly')}
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card>
            {hydrated ? (
              <DocumentEditor documentId={d.id} me={me} editable={access === 'write'} />
            ) : (
              <div>
                <p className="mb-2 text-xs text-slate-500">{t('documents.loading')}</p>
                <p className="whitespace-pre-line text-sm text-slate-800">{d.textPreview}</p>
              </div>
            )}
          </Card>
        </div>
        {permissions.manage || permissions.share || permissions.archive ? (
          <Card title={t('documents.settings')}>
            <div className="space-y-4">
              {permissions.manage ? (
                <Form method="post" className="space-y-2">
                  <input type="hidden" name="intent" value="rename" />
                  <label htmlFor="rename-title" className="block text-sm font-medium text-slate-700">
                    {t('documents.titleLabel')}
                  </label>
                  <input
                    id="rename-title"
                    name="title"
                    required
                    maxLength={200}
                    defaultValue={failure?.values.title ?? d.title}
                    className={inputClass}
                  />
                  {failure?.fieldErrors.title ? (
                    <p className="text-sm text-rose-700">{failure.fieldErrors.title}</p>
                  ) : null}
                  <button type="submit" className={secondaryButtonClass}>
                    {t('documents.rename')}
                  </button>
                </Form>
              ) : null}
              {permissions.share ? (
                <Form method="post">
                  <input type="hidden" name="intent" value={d.sharedWithPartners ? 'unshare' : 'share'} />
                  <button type="submit" className={buttonClass}>
                    {d.sharedWithPartners ? t('documents.unshare') : t('documents.share')}
                  </button>
                </Form>
              ) : null}
              {permissions.archive ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="archive" />
                  <button type="submit" className={dangerButtonClass}>
                    {t('documents.archive')}
                  </button>
                </Form>
              ) : null}
            </div>
          </Card>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
