import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActivityTimeline } from '../components/activity-timeline.tsx';
import { LiveDealFields } from '../components/collab/live-deal-fields.tsx';
import { DealDiscussion } from '../components/deal-discussion.tsx';
import { DealOrders } from '../components/deal-orders.tsx';
import { DealDocuments } from '../components/documents/deal-documents.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { StageChangeForm } from '../components/stage-form.tsx';
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
import { archiveOpportunity, formatMoney, getOpportunity } from '../utils/api.server.ts';
import { type LiveField, liveFields } from '../utils/collab-fields.ts';
import { loadDealDocuments } from '../utils/deal-documents.server.ts';
import { loadDealOrders } from '../utils/deal-orders.server.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDate, formatDateTime } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';
import { changeStageFromForm, lossReasonLabel, lossReasonOptions } from '../utils/stage-action.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const result = await orResponse(context.locale, () => getOpportunity(context.db, user, id));
  const o = result.opportunity;
  return {
    ...result,
    internal: user.kind === 'internal',
    lossReasons: result.permissions.changeStage ? await lossReasonOptions(context) : [],
    lostReasonLabel: o.stage === 'lost' ? await lossReasonLabel(context, o.lostReason) : null,
    orders: await loadDealOrders(context, user, id),
    documents: await loadDealDocuments(context, user, id),
    activities: await loadTimeline(context, user, { opportunityId: id }),
    amount: formatMoney(o.amountMinor, o.currency, context.locale),
    margin:
      'marginMinor' in o && typeof o.marginMinor === 'number'
        ? formatMoney(o.marginMinor, o.currency, context.locale)
        : null,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const values = formValues(await request.formData());
  if (values.intent === 'archive') {
    try {
      await archiveOpportunity(context.db, user, id);
      return redirect('/opportunities');
    } catch (error) {
      return actionFailure(error, context.locale, values);
    }
  }
  if (values.intent === 'changeStage') {
    const { failure } = await changeStageFromForm(context, user, { ...values, id });
    return failure ?? redirect(`/opportunities/${id}`);
  }
  return null;
}

export default function OpportunityDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const {
    opportunity: o,
    account,
    owner,
    contact,
    history,
    permissions,
    share,
    amount,
    internal,
    orders,
    activities,
    documents,
    lossReasons,
    lostReasonLabel,
  } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  // Live editing needs JavaScript: the server renders the plain values (and the edit form stays
  // available), the browser swaps in the co-editing fields once hydrated.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  const canEdit = permissions.update && !o.archivedAt;
  const editable = Object.fromEntries(
    liveFields.map((f) => [
      f,
      canEdit &&
        (permissions.editableFields === 'all' ||
          (permissions.editableFields as readonly string[]).includes(f)),
    ]),
  ) as Record<LiveField, boolean>;
  return (
    <>
      <PageHeader
        title={o.name}
        actions={
          <>
            {permissions.update && !o.archivedAt ? (
              <ButtonLink to={`/opportunities/${o.id}/edit`} secondary>
                {t('common.edit')}
              </ButtonLink>
            ) : null}
            {permissions.share && !o.archivedAt ? (
              <ButtonLink to={`/opportunities/${o.id}/shares`} secondary>
                {t('shares.link')}
              </ButtonLink>
            ) : null}
            {internal ? (
              <ButtonLink to={`/quotes?opportunityId=${o.id}`} secondary>
                {t('quotes.link')}
              </ButtonLink>
            ) : null}
            {permissions.archive && !o.archivedAt ? (
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
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      {o.archivedAt ? (
        <p className="mb-4 rounded-md bg-slate-200 px-3 py-2 text-sm">{t('common.archived')}</p>
      ) : null}
      {share ? <p className="mb-4 text-sm text-slate-600">{t('deals.share', { access: share })}</p> : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {live ? (
            <LiveDealFields
              opportunityId={o.id}
              currency={o.currency}
              editable={editable}
              initial={{
                name: o.name,
                amountMinor: o.amountMinor,
                expectedCloseDate: o.expectedCloseDate,
                probability: o.probability,
                description: o.description,
              }}
            />
          ) : null}
          <Card>
            <DefinitionList
              items={[
                [
                  t('opportunity.stage'),
                  <StageBadge key="stage" stage={o.stage} label={t(`stage.${o.stage}`)} />,
                ],
                [
                  t('opportunity.account'),
                  account ? (
                    internal ? (
                      <Link key="account" to={`/accounts/${account.id}`} className={linkClass}>
                        {account.name}
                      </Link>
                    ) : (
                      `${account.name} (${account.city})`
                    )
                  ) : null,
                ],
                [
                  t('opportunity.contact'),
                  contact
                    ? `${contact.firstName} ${contact.lastName}${contact.position ? `, ${contact.position}` : ''}`
                    : null,
                ],
                ...(live
                  ? []
                  : ([
                      [t('opportunity.amount'), amount],
                      [t('opportunity.probability'), `${o.probability} %`],
                      [t('opportunity.expectedCloseDate'), formatDate(o.expectedCloseDate, locale)],
                    ] as [string, string][])),
                [t('opportunity.businessType'), t(`businessType.${o.businessType}`)],
                [t('opportunity.owner'), owner?.name],
                ...(o.stage === 'lost'
                  ? [[t('opportunity.lostReason'), lostReasonLabel] as [string, string | null]]
                  : []),
                [t('opportunity.updatedAt'), formatDateTime(o.updatedAt, locale)],
                ...(live
                  ? []
                  : ([
                      [
                        t('opportunity.description'),
                        o.description ? (
                          <p key="description" className="whitespace-pre-line">
                            {o.description}
                          </p>
                        ) : null,
                      ],
                    ] as [string, ReactNode][])),
              ]}
            />
          </Card>
          {permissions.changeStage && !o.archivedAt ? (
            <Card title={t('deals.changeStage')}>
              <StageChangeForm
                stage={o.stage}
                reasons={lossReasons}
                error={failure?.fieldErrors.lostReason}
                values={failure?.values}
              />
            </Card>
          ) : null}
          {orders ? <DealOrders data={orders.view} linkMessages={orders.linkMessages} /> : null}
          <DealDiscussion opportunityId={o.id} />
          <DealDocuments
            opportunityId={o.id}
            documents={documents.documents}
            canCreate={documents.canCreate}
            showShared={internal}
          />
          {activities ? (
            <ActivityTimeline
              items={activities.items}
              target={activities.target}
              redirectTo={`/opportunities/${o.id}`}
            />
          ) : null}
        </div>
        <Card title={t('deals.history')}>
          <ol className="space-y-2 text-sm">
            {history.map((h) => (
              <li key={`${h.toStage}-${String(h.changedAt)}`} className="border-l-2 border-blue-200 pl-3">
                <p>
                  {h.fromStage ? `${t(`stage.${h.fromStage}`)} → ` : `${t('deals.created')}: `}
                  <strong>{t(`stage.${h.toStage}`)}</strong>
                </p>
                <p className="text-slate-600">
                  {formatDateTime(h.changedAt, locale)}
                  {h.changedByName ? ` · ${h.changedByName}` : ''}
                </p>
              </li>
            ))}
          </ol>
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
