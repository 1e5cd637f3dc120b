import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { EdiProfileForm } from '../components/edi-profile-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { Card, linkClass, PageHeader } from '../components/ui.tsx';
import {
  assertCan,
  createProfile,
  ediCreateProfileInput,
  ediVersions,
  listPartnerOrgs,
  listProfiles,
} from '../utils/api.server.ts';
import { profileFromForm } from '../utils/edi-profile-form.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** Trading-partner profiles: the list and a new profile. Admins only (the policy decides). */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  return orResponse(context.locale, async () => {
    const [profiles, partnerOrgs] = await Promise.all([
      listProfiles(context.db, user, { includeInactive: true }),
      listPartnerOrgs(context.db, user),
    ]);
    const orgNames = new Map(partnerOrgs.map((o) => [o.id, o.name]));
    return {
      versions: ediVersions,
      partnerOrgs: partnerOrgs.map((o) => ({ id: o.id, name: o.name })),
      profiles: profiles.map((p) => ({
        id: p.id,
        name: p.name,
        partner: orgNames.get(p.partnerOrgId) ?? '—',
        standard: p.standard,
        version: p.version,
        transport: p.transport.kind,
        pollIntervalSeconds: p.pollIntervalSeconds,
        active: p.active,
      })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  // Who may edit comes first: a non-admin learns nothing from validation messages.
  try {
    assertCan(user, 'manage', { type: 'ediProfile' });
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
  const parsed = validate(
    ediCreateProfileInput,
    { ...profileFromForm(values), partnerOrgId: values.partnerOrgId ?? '' },
    context.locale,
  );
  if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
  try {
    const created = await createProfile(context.db, user, parsed.data);
    return redirect(`/admin/edi-profiles/${created.id}?saved=1`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EdiProfiles() {
  const { t } = useTranslation();
  const { profiles, partnerOrgs, versions } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const values =
    failure && !failure.ok
      ? failure.values
      : {
          active: 'on',
          'settings.acknowledgements': 'on',
          'transport.kind': 'local',
          pollIntervalSeconds: '60',
        };
  return (
    <>
      <PageHeader title={t('ediProfiles.title')} />
      <Card>
        {profiles.length === 0 ? (
          <p className="text-slate-600">{t('ediProfiles.empty')}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-2 font-medium">{t('ediProfiles.name')}</th>
                <th className="py-2 font-medium">{t('ediProfiles.partnerOrg')}</th>
                <th className="py-2 font-medium">{t('ediProfiles.standard')}</th>
                <th className="py-2 font-medium">{t('ediProfiles.transport')}</th>
                <th className="py-2 font-medium">{t('ediProfiles.pollInterval')}</th>
                <th className="py-2 font-medium">{t('ediProfiles.active')}</th>
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.id} className="border-b border-slate-100">
                  <td className="py-2">
                    <Link to={`/admin/edi-profiles/${p.id}`} className={linkClass}>
                      {p.name}
                    </Link>
                  </td>
                  <td className="py-2">{p.partner}</td>
                  <td className="py-2">
                    {p.standard.toUpperCase()} {p.version}
                  </td>
                  <td className="py-2">
                    {p.transport === 'sftp' ? 'SFTP' : t('ediProfiles.transportLocal')}
                  </td>
                  <td className="py-2 tabular-nums">{p.pollIntervalSeconds} s</td>
                  <td className="py-2">{p.active ? t('ediProfiles.yes') : t('ediProfiles.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <h2 className="mb-3 mt-8 text-lg font-semibold">{t('ediProfiles.new')}</h2>
      <EdiProfileForm
        values={values}
        fieldErrors={failure && !failure.ok ? failure.fieldErrors : undefined}
        formError={failure && !failure.ok ? failure.formError : null}
        partnerOrgs={partnerOrgs}
        versions={versions}
        submitLabel={t('ediProfiles.create')}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
