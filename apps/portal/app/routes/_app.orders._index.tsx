import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import {
  buttonClass,
  dangerButtonClass,
  inputClass,
  linkClass,
  PageHeader,
  secondaryButtonClass,
} from '../components/ui.tsx';
import {
  can,
  formatMoney,
  listOrders,
  listOrdersInput,
  orderPartners,
  orderStatuses,
  respondToOrder,
  respondToOrderInput,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

/**
 * Orders from and to partner ERPs. Staff see all and answer open inbound orders (accept / reject →
 * 855/ORDRSP to the partner); a partner user sees only its own organisation's orders — the API
 * scopes the query and RLS is the second wall.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  const filters = {
    status: url.searchParams.get('status') ?? '',
    partnerOrgId: url.searchParams.get('partner') ?? '',
    direction: url.searchParams.get('direction') ?? '',
  };
  const input = validate(
    listOrdersInput,
    {
      status: filters.status || undefined,
      partnerOrgId: filters.partnerOrgId || undefined,
      direction: filters.direction || undefined,
      cursor: url.searchParams.get('cursor') || undefined,
      limit: 50,
    },
    context.locale,
  );
  const [page, partners] = await orResponse(context.locale, () =>
    Promise.all([
      input.ok ? listOrders(context.db, user, input.data) : { items: [], nextCursor: null },
      orderPartners(context.db, user),
    ]),
  );
  const locale = context.locale;
  return {
    filters,
    invalidFilter: !input.ok,
    mayRespond: can(user, 'update', { type: 'order' }),
    statuses: orderStatuses,
    partners,
    items: page.items.map((o) => ({
      id: o.id,
      direction: o.direction,
      partnerOrgName: o.partnerOrgName,
      accountName: o.accountName,
      opportunityId: o.opportunityId,
      opportunityName: o.opportunityName,
      poNumber: o.poNumber,
      poDate: formatDate(o.poDate, locale),
      total: formatMoney(o.totalMinor, o.currency, locale),
      discrepancy: o.discrepancyMinor === null ? null : formatMoney(o.discrepancyMinor, o.currency, locale),
      status: o.status,
      open: o.direction === 'inbound' && ['received', 'changed'].includes(o.status),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const values = formValues(await request.formData());
  const parsed = validate(respondToOrderInput, { id: values.id, status: values.intent }, context.locale);
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    await respondToOrder(context.db, user, parsed.data);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
  const back = new URL(request.url);
  back.searchParams.set('answered', parsed.data.status);
  return redirect(`/orders${back.search}`);
}

export default function Orders() {
  const { t } = useTranslation();
  const { filters, invalidFilter, mayRespond, statuses, partners, items, nextCursor } =
    useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const query = Object.fromEntries(
    Object.entries({
      status: filters.status,
      partner: filters.partnerOrgId,
      direction: filters.direction,
    }).filter(([, v]) => v),
  );
  const more = nextCursor ? `?${new URLSearchParams({ ...query, cursor: nextCursor })}` : null;
  return (
    <>
      <PageHeader title={t('ordersList.title')} />
      {failure && !failure.ok ? <FormError message={failure.formError ?? t('ordersList.failed')} /> : null}
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="status" className="block text-sm font-medium text-slate-700">
            {t('ordersList.status')}
          </label>
          <select id="status" name="status" defaultValue={filters.status} className={inputClass}>
            <option value="">{t('ordersList.all')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`orders.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        {partners.length > 1 || filters.partnerOrgId ? (
          <div>
            <label htmlFor="partner" className="block text-sm font-medium text-slate-700">
              {t('ordersList.partner')}
            </label>
            <select id="partner" name="partner" defaultValue={filters.partnerOrgId} className={inputClass}>
              <option value="">{t('ordersList.all')}</option>
              {partners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="direction" className="block text-sm font-medium text-slate-700">
            {t('ordersList.direction')}
          </label>
          <select id="direction" name="direction" defaultValue={filters.direction} className={inputClass}>
            <option value="">{t('ordersList.all')}</option>
            <option value="inbound">{t('ordersList.direction.inbound')}</option>
            <option value="outbound">{t('ordersList.direction.outbound')}</option>
          </select>
        </div>
        <button type="submit" className={buttonClass}>
          {t('common.filter')}
        </button>
        <Link to="/orders" className={linkClass}>
          {t('common.reset')}
        </Link>
      </Form>
      {invalidFilter ? (
        <p role="alert" className="mb-3 text-rose-700">
          {t('ordersList.invalidFilter')}
        </p>
      ) : null}
      {items.length === 0 ? (
        <p className="text-slate-600">{t('ordersList.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">{t('ordersList.po')}</th>
                <th className="px-3 py-2 font-medium">{t('ordersList.date')}</th>
                <th className="px-3 py-2 font-medium">{t('ordersList.direction')}</th>
                <th className="px-3 py-2 font-medium">{t('ordersList.partner')}</th>
                <th className="px-3 py-2 font-medium">{t('ordersList.deal')}</th>
                <th className="px-3 py-2 text-right font-medium">{t('ordersList.total')}</th>
                <th className="px-3 py-2 font-medium">{t('ordersList.status')}</th>
                {mayRespond ? <th className="px-3 py-2" /> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2 font-mono">{o.poNumber}</td>
                  <td className="px-3 py-2">{o.poDate}</td>
                  <td className="px-3 py-2">{t(`ordersList.direction.${o.direction}`)}</td>
                  <td className="px-3 py-2">{o.partnerOrgName}</td>
                  <td className="px-3 py-2">
                    {o.opportunityId && o.opportunityName ? (
                      <Link to={`/opportunities/${o.opportunityId}`} className={linkClass}>
                        {o.opportunityName}
                      </Link>
                    ) : (
                      (o.accountName ?? '—')
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {o.total}
                    {o.discrepancy ? (
                      <span className="block text-xs text-amber-800">
                        {t('ordersList.discrepancy', { difference: o.discrepancy })}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">{t(`orders.status.${o.status}`)}</td>
                  {mayRespond ? (
                    <td className="px-3 py-2 text-right">
                      {o.open ? (
                        <Form method="post" className="flex justify-end gap-2">
                          <input type="hidden" name="id" value={o.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="accepted"
                            className={secondaryButtonClass}
                          >
                            {t('ordersList.accept')}
                          </button>
                          <button type="submit" name="intent" value="rejected" className={dangerButtonClass}>
                            {t('ordersList.reject')}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? (
        <p className="mt-4">
          <Link to={more} className={linkClass}>
            {t('common.more')}
          </Link>
        </p>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
