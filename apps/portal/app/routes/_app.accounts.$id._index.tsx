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
  StageBadge,
} from '../components/ui.tsx';
import { loadTimeline } from '../utils/activities.server.ts';
import { archiveAccount, formatMoney, getAccount } from '../utils/api.server.ts';
import { actionFailure, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.account');
  const result = await orResponse(context.locale, () => getAccount(context.db, user, id));
  return {
    ...result,
    activities: await loadTimeline(context, user, { accountId: id }),
    opportunities: result.opportunities.map((o) => ({
      ...o,
      amount: formatMoney(o.amountMinor, o.currency, context.locale),
    })),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.account');
  const form = await request.formData();
  if (form.get('intent') !== 'archive') return null;
  try {
    await archiveAccount(context.db, user, id);
    return redirect('/accounts');
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}

export default function AccountDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { account, ownerName, contacts, opportunities, permissions, activities } =
    useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title={account.name}
        actions={
          <>
            {permissions.update && !account.archivedAt ? (
              <ButtonLink to={`/accounts/${account.id}/edit`} secondary>
                {t('common.edit')}
              </ButtonLink>
            ) : null}
            {permissions.archive && !account.archivedAt ? (
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
      {account.archivedAt ? (
        <p className="mb-4 rounded-md bg-slate-200 px-3 py-2 text-sm">{t('common.archived')}</p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t('accounts.details')}>
          <DefinitionList
            items={[
              [t('account.type'), t(`accountType.${account.type}`)],
              [t('account.industry'), account.industry],
              [t('account.vatId'), account.vatId],
              [t('account.website'), account.website],
              [t('account.email'), account.email],
              [t('account.phone'), account.phone],
              [t('account.owner'), ownerName],
              [
                t('accounts.address'),
                <span key="address">
                  {account.street}
                  <br />
                  {account.postalCode} {account.city}
                  <br />
                  {account.country}
                </span>,
              ],
              [t('account.notes'), account.notes],
            ]}
          />
        </Card>
        <Card
          title={t('accounts.contacts')}
          actions={
            permissions.createContact && !account.archivedAt ? (
              <Link to={`/contacts/new?accountId=${account.id}`} className={linkClass}>
                {t('accounts.newContact')}
              </Link>
            ) : null
          }
        >
          {contacts.length === 0 ? (
            <p className="text-sm text-slate-600">{t('contacts.empty')}</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {contacts.map((c) => (
                <li key={c.id} className="py-2">
                  <Link to={`/contacts/${c.id}`} className={linkClass}>
                    {c.firstName} {c.lastName}
                  </Link>
                  {c.position ? <span className="text-slate-600"> · {c.position}</span> : null}
                  {c.email ? <span className="block text-slate-600">{c.email}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <div className="lg:col-span-2">
          <Card
            title={t('accounts.deals')}
            actions={
              permissions.createOpportunity && !account.archivedAt ? (
                <Link to={`/opportunities/new?accountId=${account.id}`} className={linkClass}>
                  {t('accounts.newDeal')}
                </Link>
              ) : null
            }
          >
            {opportunities.length === 0 ? (
              <p className="text-sm text-slate-600">{t('deals.empty')}</p>
            ) : (
              <table className="w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr>
                    <th className="py-2 pr-3 font-medium">{t('opportunity.name')}</th>
                    <th className="py-2 pr-3 font-medium">{t('opportunity.stage')}</th>
                    <th className="py-2 pr-3 text-right font-medium">{t('opportunity.amount')}</th>
                    <th className="py-2 font-medium">{t('opportunity.expectedCloseDate')}</th>
                  </tr>
                </thead>
                <tbody>
                  {opportunities.map((o) => (
                    <tr key={o.id} className="border-b border-slate-100 last:border-0">
                      <td className="py-2 pr-3">
                        <Link to={`/opportunities/${o.id}`} className={linkClass}>
                          {o.name}
                        </Link>
                      </td>
                      <td className="py-2 pr-3">
                        <StageBadge stage={o.stage} label={t(`stage.${o.stage}`)} />
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">{o.amount}</td>
                      <td className="py-2">{formatDate(o.expectedCloseDate, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
      </div>
      {activities ? (
        <div className="mt-6">
          <ActivityTimeline
            items={activities.items}
            target={activities.target}
            redirectTo={`/accounts/${account.id}`}
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
