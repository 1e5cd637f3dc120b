import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { ActivityTimeline } from '../components/activity-timeline.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import {
  ButtonLink,
  Card,
  DefinitionList,
  dangerButtonClass,
  linkClass,
  PageHeader,
} from '../components/ui.tsx';
import { loadTimeline } from '../utils/activities.server.ts';
import { archiveContact, getContact } from '../utils/api.server.ts';
import { actionFailure, orResponse, requireUuid } from '../utils/errors.server.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.contact');
  const result = await orResponse(context.locale, () => getContact(context.db, user, id));
  return { ...result, activities: await loadTimeline(context, user, { contactId: id }) };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.contact');
  const form = await request.formData();
  if (form.get('intent') !== 'archive') return null;
  try {
    const contact = await archiveContact(context.db, user, id);
    return redirect(`/accounts/${contact.accountId}`);
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}

export default function ContactDetail() {
  const { t } = useTranslation();
  const { contact, accountName, permissions, activities } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const name = [contact.salutation, contact.title, contact.firstName, contact.lastName]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <PageHeader
        title={name}
        actions={
          <>
            {permissions.update && !contact.archivedAt ? (
              <ButtonLink to={`/contacts/${contact.id}/edit`} secondary>
                {t('common.edit')}
              </ButtonLink>
            ) : null}
            {permissions.archive && !contact.archivedAt ? (
              <Form method="post">
                <input type="hidden" name="intent" value="archive" />
                <button type="submit" className={dangerButtonClass}>
                  {t('common.archive')}
                </button>
              </Form>
            ) : null}
          </>
        }
      />
      {failure ? <FormError message={failure.formError} /> : null}
      <Card>
        <DefinitionList
          items={[
            [
              t('contact.account'),
              <Link key="account" to={`/accounts/${contact.accountId}`} className={linkClass}>
                {accountName}
              </Link>,
            ],
            [t('contact.position'), contact.position],
            [t('contact.email'), contact.email],
            [t('contact.phone'), contact.phone],
            [t('contact.mobile'), contact.mobile],
          ]}
        />
      </Card>
      {activities ? (
        <div className="mt-6">
          <ActivityTimeline
            items={activities.items}
            target={activities.target}
            redirectTo={`/contacts/${contact.id}`}
            showContext
          />
        </div>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
