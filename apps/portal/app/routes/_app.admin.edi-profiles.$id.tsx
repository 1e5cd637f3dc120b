import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { EdiProfileForm } from '../components/edi-profile-form.tsx';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { linkClass, PageHeader } from '../components/ui.tsx';
import {
  assertCan,
  ediUpdateProfileInput,
  ediVersions,
  listProfiles,
  notFound,
  updateProfile,
} from '../utils/api.server.ts';
import { formFromProfile, profileFromForm } from '../utils/edi-profile-form.server.ts';
import {
  actionFailure,
  formFailure,
  formValues,
  orResponse,
  requireUuid,
  validate,
} from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

/** One trading-partner profile in the editor. Admins only (the policy decides). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.ediProfile');
  return orResponse(context.locale, async () => {
    // Reading profiles is open to leaders (the monitor); the editor is the admin's.
    assertCan(user, 'manage', { type: 'ediProfile' });
    const profile = (await listProfiles(context.db, user, { includeInactive: true })).find(
      (p) => p.id === id,
    );
    if (!profile) throw notFound('entity.ediProfile');
    return { id, name: profile.name, values: formFromProfile(profile), versions: ediVersions };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.ediProfile');
  const values = formValues(await request.formData());
  // Who may edit comes first: a non-admin learns nothing from validation messages.
  try {
    assertCan(user, 'manage', { type: 'ediProfile' });
  } catch (error) {
    return actionFailure(error, context.locale, {});
  }
  // The party → account map is not on this form: keep the stored one.
  const stored = await orResponse(context.locale, async () => {
    const found = (await listProfiles(context.db, user, { includeInactive: true })).find((p) => p.id === id);
    if (!found) throw notFound('entity.ediProfile');
    return found;
  });
  const data = profileFromForm(values);
  const parsed = validate(
    ediUpdateProfileInput,
    { id, data: { ...data, settings: { ...data.settings, partyAccounts: stored.settings.partyAccounts } } },
    context.locale,
  );
  if (!parsed.ok) {
    // The schema reports `data.transport.host`; the form's fields are named without `data.`.
    const fieldErrors = Object.fromEntries(
      Object.entries(parsed.fieldErrors).map(([k, v]) => [k.replace(/^data\./, ''), v]),
    );
    return formFailure(values, fieldErrors, null);
  }
  try {
    await updateProfile(context.db, user, parsed.data);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
  return redirect(`/admin/edi-profiles/${id}?saved=1`);
}

export default function EdiProfileEditor() {
  const { t } = useTranslation();
  const { name, values, versions } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [search] = useSearchParams();
  return (
    <>
      <PageHeader title={t('ediProfiles.editTitle', { name })} />
      <p className="mb-4">
        <Link to="/admin/edi-profiles" className={linkClass}>
          {t('ediProfiles.back')}
        </Link>
      </p>
      {search.get('saved') && !failure ? (
        <p role="status" className="mb-3 rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
          {t('ediProfiles.saved')}
        </p>
      ) : null}
      <EdiProfileForm
        values={failure && !failure.ok ? failure.values : values}
        fieldErrors={failure && !failure.ok ? failure.fieldErrors : undefined}
        formError={failure && !failure.ok ? failure.formError : null}
        versions={versions}
        submitLabel={t('ediProfiles.save')}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
