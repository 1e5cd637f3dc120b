import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
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
  AppError,
  getOpportunity,
  listShares,
  revokeShare,
  setShare,
  shareCandidates,
} from '../utils/api.server.ts';
import { actionFailure, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  return orResponse(context.locale, async () => {
    const { opportunity } = await getOpportunity(context.db, user, id);
    const [shares, candidates] = await Promise.all([
      listShares(context.db, user, id),
      shareCandidates(context.db, user, id),
    ]);
    const shared = new Set(shares.map((s) => s.partnerOrgId));
    return {
      deal: { id: opportunity.id, name: opportunity.name },
      shares,
      candidates: candidates.filter((c) => !shared.has(c.id)),
    };
  });
}

const shareForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('set'), partnerOrgId: z.uuid(), access: z.enum(['view', 'edit']) }),
  z.object({ intent: z.literal('revoke'), partnerOrgId: z.uuid() }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.opportunity');
  const parsed = shareForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return actionFailure(new AppError('BAD_REQUEST', 'errors.invalidInput'), context.locale, {});
  try {
    if (parsed.data.intent === 'set') {
      await setShare(context.db, user, {
        opportunityId: id,
        partnerOrgId: parsed.data.partnerOrgId,
        access: parsed.data.access,
      });
    } else {
      await revokeShare(context.db, user, { opportunityId: id, partnerOrgId: parsed.data.partnerOrgId });
    }
    return redirect(`/opportunities/${id}/shares`);
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
}

export default function DealShares() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { deal, shares, candidates } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={t('shares.title', { deal: deal.name })} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('shares.intro')}</p>
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card>
            {shares.length === 0 ? (
              <p className="text-sm text-slate-600">{t('shares.none')}</p>
            ) : (
              <table className="w-full text-left text-sm">
                <thead>
                  <tr className="border-b border-slate-200 text-slate-600">
                    <th className="py-2 font-medium">{t('shares.partner')}</th>
                    <th className="py-2 font-medium">{t('shares.access')}</th>
                    <th className="py-2 font-medium">{t('shares.since')}</th>
                    <th className="py-2" />
                  </tr>
                </thead>
                <tbody>
                  {shares.map((s) => (
                    <tr key={s.partnerOrgId} className="border-b border-slate-100 align-middle">
                      <td className="py-2">
                        {s.partnerName}{' '}
                        <span className="text-xs text-slate-500">({t(`shares.kind.${s.kind}`)})</span>
                      </td>
                      <td className="py-2">
                        <Form method="post" className="flex items-center gap-2">
                          <input type="hidden" name="intent" value="set" />
                          <input type="hidden" name="partnerOrgId" value={s.partnerOrgId} />
                          <label className="sr-only" htmlFor={`access-${s.partnerOrgId}`}>
                            {t('shares.access')}
                          </label>
                          <select
                            id={`access-${s.partnerOrgId}`}
                            name="access"
                            defaultValue={s.access}
                            className={`${inputClass} w-auto`}
                          >
                            <option value="view">{t('shares.access.view')}</option>
                            <option value="edit">{t('shares.access.edit')}</option>
                          </select>
                          <button type="submit" className={secondaryButtonClass}>
                            {t('shares.change')}
                          </button>
                        </Form>
                      </td>
                      <td className="py-2 text-slate-600">{formatDate(s.sharedAt, locale)}</td>
                      <td className="py-2 text-right">
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="partnerOrgId" value={s.partnerOrgId} />
                          <button type="submit" className={dangerButtonClass}>
                            {t('shares.revoke')}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
        <Card title={t('shares.add')}>
          {candidates.length === 0 ? (
            <p className="text-sm text-slate-600">—</p>
          ) : (
            <Form method="post" className="space-y-3">
              <input type="hidden" name="intent" value="set" />
              <div>
                <label htmlFor="partnerOrgId" className="mb-1 block text-sm font-medium text-slate-700">
                  {t('shares.partner')}
                </label>
                <select id="partnerOrgId" name="partnerOrgId" className={inputClass} required>
                  {candidates.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} ({t(`shares.kind.${c.kind}`)})
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="access" className="mb-1 block text-sm font-medium text-slate-700">
                  {t('shares.access')}
                </label>
                <select id="access" name="access" className={inputClass} defaultValue="view">
                  <option value="view">{t('shares.access.view')}</option>
                  <option value="edit">{t('shares.access.edit')}</option>
                </select>
              </div>
              <button type="submit" className={buttonClass}>
                {t('shares.submit')}
              </button>
            </Form>
          )}
        </Card>
      </div>
      <p className="mt-4">
        <Link to={`/opportunities/${deal.id}`} className={linkClass}>
          {t('shares.back')}
        </Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
