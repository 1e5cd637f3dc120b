/** Creates a document on a deal (the deal page's documents card posts here; errors show here). */
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { buttonClass, Card, inputClass, linkClass, PageHeader } from '../components/ui.tsx';
import {
  AppError,
  createDocument,
  createDocumentInput,
  getOpportunity,
  listDocuments,
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
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  return orResponse(context.locale, async () => {
    const { opportunity } = await getOpportunity(context.db, user, id);
    const { canCreate } = await listDocuments(context.db, user, { opportunityId: id });
    if (!canCreate) throw new AppError('FORBIDDEN', 'errors.forbidden');
    return { deal: { id: opportunity.id, name: opportunity.name } };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const values = formValues(await request.formData());
  const parsed = validate(
    createDocumentInput,
    { opportunityId: id, title: values.title ?? '' },
    context.locale,
  );
  if (!parsed.ok) {
    return formFailure(values, parsed.fieldErrors, translate(context.locale, 'errors.invalidInput'));
  }
  try {
    const document = await createDocument(context.db, user, parsed.data);
    return redirect(`/documents/${document.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function NewDocument() {
  const { t } = useTranslation();
  const { deal } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('documents.new')} />
      <p className="mb-4 text-sm">
        <Link to={`/opportunities/${deal.id}`} className={linkClass}>
          {t('documents.back', { deal: deal.name })}
        </Link>
      </p>
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      <Card>
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <div className="min-w-64 flex-1">
            <label htmlFor="title" className="mb-1 block text-sm font-medium text-slate-700">
              {t('documents.titleLabel')}
            </label>
            <input
              id="title"
              name="title"
              required
              maxLength={200}
              defaultValue={failure?.values.title ?? ''}
              aria-invalid={failure?.fieldErrors.title ? true : undefined}
              aria-describedby={failure?.fieldErrors.title ? 'title-error' : undefined}
              className={inputClass}
            />
            {failure?.fieldErrors.title ? (
              <p id="title-error" className="mt-1 text-sm text-rose-700">
                {failure.fieldErrors.title}
              </p>
            ) : null}
          </div>
          <button type="submit" className={buttonClass}>
            {t('documents.create')}
          </button>
        </Form>
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
