import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import {
  buttonClass,
  Card,
  DefinitionList,
  dangerButtonClass,
  linkClass,
  PageHeader,
  secondaryButtonClass,
} from '../components/ui.tsx';
import {
  assignLead,
  assignLeadInput,
  convertLead,
  convertLeadInput,
  disqualifyLead,
  disqualifyLeadInput,
  getLead,
  leadPartnerOptions,
  listUsers,
  offerLead,
  offerLeadInput,
  qualifyLead,
  respondLeadInput,
  respondToLeadOffer,
} from '../utils/api.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.lead');
  return orResponse(context.locale, async () => {
    const lead = await getLead(context.db, user, id);
    const staff = user.kind === 'internal';
    const [owners, partners] = staff
      ? await Promise.all([listUsers(context.db, user), leadPartnerOptions(context.db, user)])
      : [[], []];
    return {
      lead: {
        id: lead.id,
        companyName: lead.companyName,
        contactName: lead.contactName,
        email: lead.email,
        phone: lead.phone,
        domain: lead.domain,
        notes: lead.notes,
        source: lead.source,
        status: lead.status,
        statusReason: lead.statusReason,
        ownerId: lead.ownerId,
        ownerName: lead.ownerName,
        offeredPartnerName: lead.offeredPartnerName,
        offerStatus: lead.offerStatus,
        offerReason: lead.offerReason,
        respondBy: lead.respondBy?.toISOString() ?? null,
        opportunityId: staff || lead.offerStatus === 'accepted' ? lead.opportunityId : null,
        createdAt: lead.createdAt.toISOString(),
      },
      candidates: lead.candidates,
      permissions: lead.permissions,
      owners: owners.map((o) => ({ id: o.id, name: o.name })),
      partners: partners.map((p) => ({ id: p.id, name: p.name })),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.lead');
  const values: Record<string, string> = { ...formValues(await request.formData()), id };
  try {
    switch (values.intent) {
      case 'qualify':
        await qualifyLead(context.db, user, id);
        break;
      case 'disqualify': {
        const parsed = validate(disqualifyLeadInput, values, context.locale);
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        await disqualifyLead(context.db, user, parsed.data);
        break;
      }
      case 'assign': {
        const parsed = validate(assignLeadInput, values, context.locale);
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        await assignLead(context.db, user, parsed.data);
        break;
      }
      case 'offer': {
        const parsed = validate(offerLeadInput, values, context.locale);
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        await offerLead(context.db, user, parsed.data);
        break;
      }
      case 'accept':
      case 'decline': {
        const parsed = validate(
          respondLeadInput,
          { id, accept: values.intent === 'accept', reason: values.reason },
          context.locale,
        );
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        await respondToLeadOffer(context.db, user, parsed.data);
        break;
      }
      case 'convert': {
        const parsed = validate(convertLeadInput, values, context.locale);
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        const { opportunityId } = await convertLead(context.db, user, parsed.data);
        return redirect(`/opportunities/${opportunityId}`);
      }
      default:
        return formFailure(values, {}, null);
    }
    return redirect(`/leads/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function LeadDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { lead, candidates, permissions, owners, partners } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const errors = failure?.fieldErrors;
  const values = failure?.values ?? {};
  return (
    <>
      <PageHeader
        title={lead.companyName}
        actions={
          <Link to="/leads" className={secondaryButtonClass}>
            {t('common.back')}
          </Link>
        }
      />
      <FormError message={failure?.formError} fieldErrors={errors} />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card title={t('lead.details')}>
            <DefinitionList
              items={[
                [t('lead.contactName'), lead.contactName ?? t('lead.hiddenUntilAccepted')],
                [t('lead.email'), lead.email ?? '—'],
                [t('lead.phone'), lead.phone ?? '—'],
                [t('lead.domain'), lead.domain ?? '—'],
                [t('lead.sourceLabel'), t(`lead.source.${lead.source}`)],
                [
                  t('lead.status'),
                  <>
                    {t(`lead.status.${lead.status}`)}
                    {lead.statusReason ? ` – ${lead.statusReason}` : ''}
                  </>,
                ],
                [t('lead.owner'), lead.ownerName ?? '—'],
                [
                  t('lead.offerStatus'),
                  lead.offerStatus ? (
                    <>
                      {t(`lead.offer.${lead.offerStatus}`)}
                      {lead.offeredPartnerName ? ` · ${lead.offeredPartnerName}` : ''}
                      {lead.offerReason ? ` – ${lead.offerReason}` : ''}
                    </>
                  ) : (
                    '—'
                  ),
                ],
                [t('lead.respondBy'), lead.respondBy ? formatDate(lead.respondBy, locale) : '—'],
                [t('lead.notes'), lead.notes ?? '—'],
                [t('lead.createdAt'), formatDate(lead.createdAt, locale)],
                ...(lead.opportunityId
                  ? ([
                      [
                        t('lead.deal'),
                        <Link key="deal" to={`/opportunities/${lead.opportunityId}`} className={linkClass}>
                          {t('lead.openDeal')}
                        </Link>,
                      ],
                    ] as [string, React.ReactNode][])
                  : []),
              ]}
            />
          </Card>
          {permissions.respond ? (
            <Card title={t('lead.respondTitle')}>
              <p className="mb-3 text-sm text-slate-600">
                {t('lead.respondIntro', { date: lead.respondBy ? formatDate(lead.respondBy, locale) : '—' })}
              </p>
              <div className="flex flex-wrap items-start gap-4">
                <Form method="post">
                  <input type="hidden" name="intent" value="accept" />
                  <button type="submit" className={buttonClass}>
                    {t('lead.accept')}
                  </button>
                </Form>
                <Form method="post" className="min-w-64 flex-1 space-y-2" noValidate>
                  <input type="hidden" name="intent" value="decline" />
                  <TextAreaField
                    name="reason"
                    label={t('lead.declineReason')}
                    required
                    rows={2}
                    defaultValue={values.reason}
                    errors={errors}
                  />
                  <button type="submit" className={dangerButtonClass}>
                    {t('lead.decline')}
                  </button>
                </Form>
              </div>
            </Card>
          ) : null}
          {permissions.convert ? (
            <Card title={t('lead.convertTitle')}>
              {candidates.length > 0 ? (
                <div className="mb-4">
                  <p className="mb-2 text-sm text-slate-600">{t('lead.candidatesIntro')}</p>
                  <ul className="space-y-2 text-sm">
                    {candidates.map((c) => (
                      <li key={c.id} className="flex flex-wrap items-center gap-2">
                        <Link to={`/accounts/${c.id}`} className={linkClass}>
                          {c.name}
                        </Link>
                        <span className="text-slate-500">
                          {c.city} · {t(`lead.match.${c.reason}`)} {c.score.toFixed(2)}
                        </span>
                        <Form method="post">
                          <input type="hidden" name="intent" value="convert" />
                          <input type="hidden" name="accountId" value={c.id} />
                          <button type="submit" className={secondaryButtonClass}>
                            {t('lead.convertLinked')}
                          </button>
                        </Form>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <Form method="post" className="grid gap-3 md:grid-cols-2" noValidate>
                <input type="hidden" name="intent" value="convert" />
                <TextField
                  name="street"
                  label={t('account.street')}
                  required
                  defaultValue={values.street}
                  errors={errors}
                />
                <TextField
                  name="postalCode"
                  label={t('account.postalCode')}
                  required
                  defaultValue={values.postalCode}
                  errors={errors}
                />
                <TextField
                  name="city"
                  label={t('account.city')}
                  required
                  defaultValue={values.city}
                  errors={errors}
                />
                <TextField
                  name="country"
                  label={t('account.country')}
                  required
                  defaultValue={values.country ?? 'DE'}
                  errors={errors}
                />
                <TextField
                  name="opportunityName"
                  label={t('lead.dealName')}
                  defaultValue={values.opportunityName ?? lead.companyName}
                  errors={errors}
                />
                <div className="md:col-span-2">
                  <button type="submit" className={buttonClass}>
                    {t('lead.convertNew')}
                  </button>
                </div>
              </Form>
            </Card>
          ) : null}
        </div>
        {permissions.manage || permissions.offer ? (
          <div className="space-y-4">
            {permissions.manage ? (
              <Card title={t('lead.work')}>
                <div className="space-y-4">
                  {lead.status === 'new' ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="qualify" />
                      <button type="submit" className={buttonClass}>
                        {t('lead.qualify')}
                      </button>
                    </Form>
                  ) : null}
                  <Form method="post" className="space-y-2">
                    <input type="hidden" name="intent" value="assign" />
                    <SelectField
                      name="ownerId"
                      label={t('lead.assign')}
                      defaultValue={lead.ownerId ?? ''}
                      errors={errors}
                      options={[
                        { value: '', label: '—' },
                        ...owners.map((o) => ({ value: o.id, label: o.name })),
                      ]}
                    />
                    <button type="submit" className={secondaryButtonClass}>
                      {t('lead.assignSubmit')}
                    </button>
                  </Form>
                  <Form method="post" className="space-y-2" noValidate>
                    <input type="hidden" name="intent" value="disqualify" />
                    <TextField name="reason" label={t('lead.disqualifyReason')} errors={errors} />
                    <button type="submit" className={dangerButtonClass}>
                      {t('lead.disqualify')}
                    </button>
                  </Form>
                </div>
              </Card>
            ) : null}
            {permissions.offer ? (
              <Card title={t('lead.offerTitle')}>
                <Form method="post" className="space-y-2" noValidate>
                  <input type="hidden" name="intent" value="offer" />
                  <SelectField
                    name="partnerOrgId"
                    label={t('lead.partner')}
                    required
                    defaultValue={values.partnerOrgId ?? ''}
                    errors={errors}
                    options={[
                      { value: '', label: '—' },
                      ...partners.map((p) => ({ value: p.id, label: p.name })),
                    ]}
                  />
                  <TextField
                    name="days"
                    type="number"
                    label={t('lead.days')}
                    defaultValue={values.days ?? '7'}
                    errors={errors}
                  />
                  <button type="submit" className={buttonClass}>
                    {t('lead.offerSubmit')}
                  </button>
                </Form>
              </Card>
            ) : null}
          </div>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
