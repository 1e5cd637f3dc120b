import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { SelectField, TextField } from '../components/form.tsx';
import { ButtonLink, Card, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { listLeads, listLeadsInput } from '../utils/api.server.ts';
import { orResponse } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

const statuses = ['new', 'qualified', 'disqualified', 'converted'] as const;
const offerStatuses = ['pending', 'accepted', 'declined', 'expired'] as const;

/** Staff: every lead with filters. A partner: its inbox, the leads offered to its organisation. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const parsed = listLeadsInput.safeParse({
    status: params.get('status') || undefined,
    offerStatus: params.get('offer') || undefined,
    q: params.get('q') || undefined,
    mine: params.get('mine') === '1' || undefined,
  });
  const filters = parsed.success ? parsed.data : {};
  const rows = await orResponse(context.locale, () => listLeads(context.db, user, filters));
  return {
    partner: user.kind === 'partner',
    leads: rows.map((l) => ({
      id: l.id,
      companyName: l.companyName,
      contactName: l.contactName,
      source: l.source,
      status: l.status,
      ownerName: l.ownerName,
      offeredPartnerName: l.offeredPartnerName,
      offerStatus: l.offerStatus,
      respondBy: l.respondBy?.toISOString() ?? null,
      createdAt: l.createdAt.toISOString(),
    })),
  };
}

const th = 'py-2 pr-3 font-medium';

export default function Leads() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { partner, leads } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader
        title={partner ? t('lead.inboxTitle') : t('lead.title')}
        actions={partner ? null : <ButtonLink to="/leads/new">{t('lead.new')}</ButtonLink>}
      />
      {partner ? (
        <p className="mb-4 text-sm text-slate-600">{t('lead.inboxIntro')}</p>
      ) : (
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
          <TextField name="q" label={t('common.search')} defaultValue={params.get('q') ?? ''} />
          <SelectField
            name="status"
            label={t('lead.status')}
            defaultValue={params.get('status') ?? ''}
            options={[
              { value: '', label: '—' },
              ...statuses.map((s) => ({ value: s, label: t(`lead.status.${s}`) })),
            ]}
          />
          <SelectField
            name="offer"
            label={t('lead.offerStatus')}
            defaultValue={params.get('offer') ?? ''}
            options={[
              { value: '', label: '—' },
              ...offerStatuses.map((s) => ({ value: s, label: t(`lead.offer.${s}`) })),
            ]}
          />
          <SelectField
            name="mine"
            label={t('lead.owner')}
            defaultValue={params.get('mine') ?? ''}
            options={[
              { value: '', label: t('lead.everyone') },
              { value: '1', label: t('lead.mine') },
            ]}
          />
          <button type="submit" className={secondaryButtonClass}>
            {t('common.filter')}
          </button>
        </Form>
      )}
      <Card>
        {leads.length === 0 ? (
          <p className="text-sm text-slate-600">{partner ? t('lead.inboxEmpty') : t('lead.empty')}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className={th}>{t('lead.companyName')}</th>
                {partner ? null : <th className={th}>{t('lead.contactName')}</th>}
                <th className={th}>{t('lead.status')}</th>
                {partner ? null : <th className={th}>{t('lead.owner')}</th>}
                <th className={th}>{t('lead.offerStatus')}</th>
                <th className={th}>{t('lead.respondBy')}</th>
                <th className={th}>{t('lead.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {leads.map((l) => (
                <tr key={l.id} className="border-b border-slate-100 align-top">
                  <td className="py-2 pr-3">
                    <Link to={`/leads/${l.id}`} className={linkClass}>
                      {l.companyName}
                    </Link>
                    <span className="block text-xs text-slate-500">{t(`lead.source.${l.source}`)}</span>
                  </td>
                  {partner ? null : <td className="py-2 pr-3">{l.contactName ?? '—'}</td>}
                  <td className="py-2 pr-3">{t(`lead.status.${l.status}`)}</td>
                  {partner ? null : <td className="py-2 pr-3">{l.ownerName ?? '—'}</td>}
                  <td className="py-2 pr-3">
                    {l.offerStatus ? t(`lead.offer.${l.offerStatus}`) : '—'}
                    {l.offeredPartnerName && !partner ? (
                      <span className="block text-xs text-slate-500">{l.offeredPartnerName}</span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3">
                    {l.respondBy && l.offerStatus === 'pending' ? formatDate(l.respondBy, locale) : '—'}
                  </td>
                  <td className="py-2 pr-3">{formatDate(l.createdAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
