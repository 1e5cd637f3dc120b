/**
 * A deal's discussion. The deal page shows it as a card (loaded with a fetcher, live); this
 * route is also a page of its own, so reading and writing comments works without JavaScript.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { DealDiscussion } from '../components/deal-discussion.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { linkClass, PageHeader } from '../components/ui.tsx';
import {
  createComment,
  createCommentInput,
  deleteComment,
  listComments,
  mentionableUsers,
  updateComment,
  updateCommentInput,
} from '../utils/discussion.server.ts';
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
  const opportunityId = requireUuid(params.id, context.locale, 'entity.opportunity');
  return orResponse(context.locale, async () => {
    const comments = await listComments(context.db, user, { opportunityId });
    const internal = user.kind === 'internal';
    return {
      opportunityId,
      comments,
      internal,
      mentionable: {
        shared: await mentionableUsers(context.db, user, { opportunityId, visibility: 'shared' }),
        internal: internal
          ? await mentionableUsers(context.db, user, { opportunityId, visibility: 'internal' })
          : [],
      },
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const opportunityId = requireUuid(params.id, context.locale, 'entity.opportunity');
  const form = await request.formData();
  const values = formValues(form);
  const mentions = form.getAll('mentions').map(String);
  try {
    if (values.intent === 'create') {
      const checked = validate(
        createCommentInput,
        { opportunityId, visibility: values.visibility, body: values.body ?? '', mentions },
        context.locale,
      );
      if (!checked.ok) return formFailure(values, checked.fieldErrors, null);
      await createComment(context.db, user, checked.data);
    } else if (values.intent === 'update') {
      const checked = validate(
        updateCommentInput,
        { id: values.id, body: values.body ?? '', mentions },
        context.locale,
      );
      if (!checked.ok) return formFailure(values, checked.fieldErrors, null);
      await updateComment(context.db, user, checked.data);
    } else if (values.intent === 'delete') {
      await deleteComment(context.db, user, { id: requireUuid(values.id, context.locale, 'entity.comment') });
    }
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
  return { ok: true as const, intent: values.intent ?? '' };
}

export default function DealComments() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={t('discussion.title')}
        actions={
          <Link to={`/opportunities/${data.opportunityId}`} className={linkClass}>
            {t('discussion.back')}
          </Link>
        }
      />
      <DealDiscussion opportunityId={data.opportunityId} initial={data} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
