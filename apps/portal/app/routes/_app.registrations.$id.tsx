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
} from '../components/ui.tsx';
import {
  approveRegistration,
  approveRegistrationInput,
  formatMoney,
  getRegistration,
  type RegistrationCandidate,
  registrationCandidates,
  rejectRegistration,
  rejectRegistrationInput,
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
  const id = requireUuid(params.id, context.locale, 'entity.registration');
  return orResponse(context.locale, async () => {
    const reg = await getRegistration(context.db, user, id);
    const candidates: RegistrationCandidate[] = reg.permissions.candidates
      ? await registrationCandidates(context.db, user, id)
      : [];
    return {
      registration: {
        id: reg.id,
        companyName: reg.companyName,
        partnerName: reg.partnerName,
        vatId: reg.vatId,
        domain: reg.domain,
        contactName: reg.contactName,
        contactEmail: reg.contactEmail,
        amount: formatMoney(reg.estimatedAmountMinor, reg.currency, context.locale),
        products: reg.products,
        expectedCloseDate: reg.expectedCloseDate,
        notes: reg.notes,
        status: reg.status,
        rejectionReason: reg.rejectionReason,
        opportunityId: reg.opportunityId,
        createdAt: reg.createdAt.toISOString(),
        expiresAt: reg.expiresAt.toISOString(),
        protectedUntil: reg.protectedUntil?.toISOString() ?? null,
      },
      permissions: reg.permissions,
      candidates: candidates.map((c) => ({
        kind: c.kind,
        id: c.id,
        name: c.name,
        reason: c.reason,
        score: c.score.toFixed(2),
        partnerName: c.kind === 'registration' ? c.partnerName : null,
        accountName: c.kind === 'opportunity' ? c.accountName : null,
      })),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.registration');
  const values = formValues(await request.formData());
  try {
    if (values.intent === 'reject') {
      const parsed = validate(rejectRegistrationInput, { id, reason: values.reason }, context.locale);
      if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
      await rejectRegistration(context.db, user, parsed.data);
      return redirect(`/registrations/${id}`);
    }
    const parsed = validate(approveRegistrationInput, { ...values, id }, context.locale);
    if (!parsed.ok) return formFailure({ ...values, intent: 'approve' }, parsed.fieldErrors, null);
    const approved = await approveRegistration(context.db, user, parsed.data);
    return redirect(`/opportunities/${approved.opportunityId}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function RegistrationDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { registration: r, permissions, candidates } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const approveErrors = failure?.values.intent === 'reject' ? undefined : failure?.fieldErrors;
  const rejectErrors = failure?.values.intent === 'reject' ? failure.fieldErrors : undefined;
  const accountOptions = [
    { value: '', label: t('registration.newAccount') },
    ...candidates.filter((c) => c.kind === 'account').map((c) => ({ value: c.id, label: c.name })),
  ];
  const candidateHref = (c: (typeof candidates)[number]) =>
    c.kind === 'account'
      ? `/accounts/${c.id}`
      : c.kind === 'opportunity'
        ? `/opportunities/${c.id}`
        : `/registrations/${c.id}`;
  return (
    <>
      <PageHeader title={t('registration.detailTitle', { company: r.companyName })} />
      <FormError message={failure?.formError} fieldErrors={failure?.fieldErrors} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t('registration.details')}>
          <DefinitionList
            items={[
              [t('registration.status'), t(`registration.status.${r.status}`)],
              [t('registration.partner'), r.partnerName],
              [t('registration.companyName'), r.companyName],
              [t('registration.vatId'), r.vatId],
              [t('registration.domain'), r.domain],
              [t('registration.contactName'), r.contactName],
              [t('registration.contactEmail'), r.contactEmail],
              [t('registration.amount'), r.amount],
              [t('registration.products'), r.products],
              [t('registration.expectedCloseDate'), formatDate(r.expectedCloseDate, locale)],
              [t('registration.notes'), r.notes],
              [t('registration.submittedAt'), formatDate(r.createdAt, locale)],
              [
                r.protectedUntil ? t('registration.protectedUntil') : t('registration.expiresAt'),
                formatDate(r.protectedUntil ?? r.expiresAt, locale),
              ],
              ...(r.rejectionReason
                ? [[t('registration.rejectionReason'), r.rejectionReason] as [string, string]]
                : []),
            ]}
          />
          {r.opportunityId ? (
            <p className="mt-3">
              <Link to={`/opportunities/${r.opportunityId}`} className={linkClass}>
                {t('registration.openDeal')}
              </Link>
            </p>
          ) : null}
        </Card>
        {permissions.candidates ? (
          <Card title={t('registration.candidates')}>
            {candidates.length === 0 ? (
              <p className="text-sm text-slate-600">{t('registration.candidatesNone')}</p>
            ) : (
              <table className="w-full text-left text-sm">
                <thead>
                  <tr className="border-b border-slate-200 text-slate-600">
                    <th className="py-2 pr-3 font-medium">{t('registration.candidate.kind')}</th>
                    <th className="py-2 pr-3 font-medium">{t('registration.candidate.name')}</th>
                    <th className="py-2 pr-3 font-medium">{t('registration.candidate.match')}</th>
                  </tr>
                </thead>
                <tbody>
                  {candidates.map((c) => (
                    <tr key={`${c.kind}-${c.id}`} className="border-b border-slate-100 align-top">
                      <td className="py-2 pr-3">
                        {t(`registration.candidate.kind.${c.kind}`, { partner: c.partnerName ?? '' })}
                      </td>
                      <td className="py-2 pr-3">
                        <Link to={candidateHref(c)} className={linkClass}>
                          {c.name}
                        </Link>
                        {c.accountName ? (
                          <span className="block text-xs text-slate-500">{c.accountName}</span>
                        ) : null}
                      </td>
                      <td className="py-2 pr-3" data-reason={c.reason}>
                        {t(`registration.candidate.reason.${c.reason}`, { score: c.score })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        ) : null}
        {permissions.review ? (
          <>
            <Card title={t('registration.approve')}>
              <p className="mb-3 text-sm text-slate-600">{t('registration.approveIntro')}</p>
              <Form method="post" noValidate className="grid gap-3 sm:grid-cols-2">
                <input type="hidden" name="intent" value="approve" />
                <SelectField
                  name="accountId"
                  label={t('registration.account')}
                  options={accountOptions}
                  defaultValue={failure?.values.accountId ?? accountOptions[1]?.value ?? ''}
                  errors={approveErrors}
                  className="sm:col-span-2"
                />
                <p className="text-xs text-slate-500 sm:col-span-2">{t('registration.addressHint')}</p>
                <TextField
                  name="street"
                  label={t('registration.street')}
                  defaultValue={failure?.values.street}
                  errors={approveErrors}
                  className="sm:col-span-2"
                />
                <TextField
                  name="postalCode"
                  label={t('registration.postalCode')}
                  defaultValue={failure?.values.postalCode}
                  errors={approveErrors}
                />
                <TextField
                  name="city"
                  label={t('registration.city')}
                  defaultValue={failure?.values.city}
                  errors={approveErrors}
                />
                <TextField
                  name="country"
                  label={t('registration.country')}
                  defaultValue={failure?.values.country ?? 'DE'}
                  errors={approveErrors}
                />
                <div className="sm:col-span-2">
                  <button type="submit" className={buttonClass}>
                    {t('registration.approve')}
                  </button>
                </div>
              </Form>
            </Card>
            <Card title={t('registration.reject')}>
              <Form method="post" noValidate className="space-y-3">
                <input type="hidden" name="intent" value="reject" />
                <TextAreaField
                  name="reason"
                  label={t('registration.rejectReason')}
                  required
                  defaultValue={failure?.values.reason}
                  errors={rejectErrors}
                />
                <button type="submit" className={dangerButtonClass}>
                  {t('registration.reject')}
                </button>
              </Form>
            </Card>
          </>
        ) : null}
      </div>
      <p className="mt-4">
        <Link to="/registrations" className={linkClass}>
          {t('registration.back')}
        </Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
