import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextField } from '../components/form.tsx';
import { buttonClass, Card, dangerButtonClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  inviteInput,
  inviteUser,
  listInvitations,
  listPartnerOrgs,
  listTeam,
  resendInvitation,
  revokeInvitation,
  schemas,
  setMemberActive,
  setMemberRole,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { publicBaseUrl } from '../utils/public-url.server.ts';
import { requireUser } from '../utils/session.server.ts';

/**
 * A team and its invitations. A partner's page shows its own organisation (its partner admin
 * invites, deactivates and re-roles); the admin picks staff or any partner organisation.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const orgParam = new URL(request.url).searchParams.get('org') ?? '';
  const partnerOrgId =
    user.kind === 'internal' && schemas.uuid.safeParse(orgParam).success ? orgParam : undefined;
  return orResponse(context.locale, async () => {
    const team = await listTeam(context.db, user, { partnerOrgId });
    const invitations = team.permissions.manage
      ? await listInvitations(context.db, user, { partnerOrgId: team.partnerOrgId ?? undefined })
      : [];
    const orgs = user.kind === 'internal' ? await listPartnerOrgs(context.db, user) : [];
    return {
      me: user.userId,
      partnerView: user.kind === 'partner',
      partnerOrgId: team.partnerOrgId,
      members: team.members,
      canManage: team.permissions.manage,
      orgs,
      invitations: invitations
        .filter((i) => (team.partnerOrgId ? i.partnerOrgId === team.partnerOrgId : i.partnerOrgId === null))
        .map((i) => ({
          id: i.id,
          email: i.email,
          name: i.name,
          role: i.role,
          status: i.status,
          expiresAt: i.expiresAt.toISOString(),
          invitedByName: i.invitedByName,
        })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const values = formValues(await request.formData());
  const publicUrl = publicBaseUrl(request);
  try {
    const id = schemas.uuid.safeParse(values.id);
    switch (values.intent) {
      case 'invite': {
        const parsed = validate(inviteInput, values, context.locale);
        if (!parsed.ok) return formFailure(values, parsed.fieldErrors, null);
        const { invitation } = await inviteUser(context.db, user, parsed.data, { publicUrl });
        return { ok: true as const, message: 'team.invited', email: invitation.email };
      }
      case 'revoke':
        if (!id.success) return formFailure({}, {}, null);
        await revokeInvitation(context.db, user, id.data);
        return { ok: true as const, message: 'team.revoked', email: '' };
      case 'resend': {
        if (!id.success) return formFailure({}, {}, null);
        const { invitation } = await resendInvitation(context.db, user, id.data, { publicUrl });
        return { ok: true as const, message: 'team.resent', email: invitation.email };
      }
      case 'setActive':
        if (!id.success) return formFailure({}, {}, null);
        await setMemberActive(context.db, user, { id: id.data, active: values.active === 'true' });
        return { ok: true as const, message: null, email: '' };
      case 'setRole': {
        const role = values.role === 'partner_admin' || values.role === 'partner_member' ? values.role : null;
        if (!id.success || !role) return formFailure({}, {}, null);
        await setMemberRole(context.db, user, { id: id.data, role });
        return { ok: true as const, message: null, email: '' };
      }
      default:
        return formFailure({}, {}, null);
    }
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

const th = 'py-2 pr-3 font-medium';
const staffRoles = ['admin', 'manager', 'rep'] as const;
const partnerRoles = ['partner_admin', 'partner_member'] as const;

export default function Team() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { me, partnerView, partnerOrgId, members, canManage, orgs, invitations } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const done = result?.ok && result.message ? result : null;
  const [params] = useSearchParams();
  const roles = partnerOrgId ? partnerRoles : staffRoles;
  return (
    <>
      <PageHeader title={t('team.title')} />
      {partnerView ? null : (
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-2">
          <SelectField
            name="org"
            label={t('team.which')}
            defaultValue={params.get('org') ?? ''}
            options={[
              { value: '', label: t('team.staff') },
              ...orgs.map((o) => ({ value: o.id, label: o.name })),
            ]}
          />
          <button type="submit" className={secondaryButtonClass}>
            {t('team.show')}
          </button>
        </Form>
      )}
      {done ? (
        <p role="status" className="mb-3 rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
          {t(done.message, { email: done.email })}
        </p>
      ) : null}
      {failure?.formError ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card title={t('team.members')}>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className={th}>{t('users.name')}</th>
                  <th className={th}>{t('users.email')}</th>
                  <th className={th}>{t('users.role')}</th>
                  <th className={th}>{t('users.status')}</th>
                  {canManage ? <th className={th}>{t('common.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id} className="border-b border-slate-100">
                    <td className="py-2 pr-3">{m.name}</td>
                    <td className="py-2 pr-3 text-slate-600">{m.email}</td>
                    <td className="py-2 pr-3">{t(`role.${m.role}`)}</td>
                    <td className="py-2 pr-3">{m.active ? t('users.active') : t('users.inactive')}</td>
                    {canManage ? (
                      <td className="py-2 pr-3">
                        {m.id === me ? null : (
                          <div className="flex flex-wrap gap-2">
                            <Form method="post">
                              <input type="hidden" name="intent" value="setActive" />
                              <input type="hidden" name="id" value={m.id} />
                              <input type="hidden" name="active" value={m.active ? 'false' : 'true'} />
                              <button
                                type="submit"
                                className={m.active ? dangerButtonClass : secondaryButtonClass}
                              >
                                {m.active ? t('users.deactivate') : t('users.activate')}
                              </button>
                            </Form>
                            {m.partnerOrgId ? (
                              <Form method="post">
                                <input type="hidden" name="intent" value="setRole" />
                                <input type="hidden" name="id" value={m.id} />
                                <input
                                  type="hidden"
                                  name="role"
                                  value={m.role === 'partner_admin' ? 'partner_member' : 'partner_admin'}
                                />
                                <button type="submit" className={secondaryButtonClass}>
                                  {m.role === 'partner_admin' ? t('team.makeMember') : t('team.makeAdmin')}
                                </button>
                              </Form>
                            ) : null}
                          </div>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          {canManage ? (
            <Card title={t('team.invitations')}>
              {invitations.length === 0 ? (
                <p className="text-sm text-slate-600">{t('team.noInvitations')}</p>
              ) : (
                <table className="w-full text-left text-sm">
                  <thead>
                    <tr className="border-b border-slate-200 text-slate-600">
                      <th className={th}>{t('users.email')}</th>
                      <th className={th}>{t('users.role')}</th>
                      <th className={th}>{t('users.status')}</th>
                      <th className={th}>{t('team.expiresAt')}</th>
                      <th className={th}>{t('common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.map((i) => (
                      <tr key={i.id} className="border-b border-slate-100">
                        <td className="py-2 pr-3">
                          {i.email}
                          <span className="block text-xs text-slate-500">{i.name}</span>
                        </td>
                        <td className="py-2 pr-3">{t(`role.${i.role}`)}</td>
                        <td className="py-2 pr-3">{t(`team.status.${i.status}`)}</td>
                        <td className="py-2 pr-3">{formatDate(i.expiresAt, locale)}</td>
                        <td className="py-2 pr-3">
                          {i.status === 'open' || i.status === 'expired' ? (
                            <div className="flex flex-wrap gap-2">
                              <Form method="post">
                                <input type="hidden" name="intent" value="resend" />
                                <input type="hidden" name="id" value={i.id} />
                                <button type="submit" className={secondaryButtonClass}>
                                  {t('team.resend')}
                                </button>
                              </Form>
                              <Form method="post">
                                <input type="hidden" name="intent" value="revoke" />
                                <input type="hidden" name="id" value={i.id} />
                                <button type="submit" className={dangerButtonClass}>
                                  {t('team.revoke')}
                                </button>
                              </Form>
                            </div>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
          ) : null}
        </div>
        {canManage ? (
          <Card title={t('team.invite')}>
            <p className="mb-3 text-sm text-slate-600">{t('team.inviteIntro')}</p>
            <Form method="post" className="space-y-3" noValidate>
              <input type="hidden" name="intent" value="invite" />
              {partnerOrgId ? <input type="hidden" name="partnerOrgId" value={partnerOrgId} /> : null}
              <TextField
                name="name"
                label={t('users.name')}
                required
                defaultValue={failure?.values.name}
                errors={failure?.fieldErrors}
              />
              <TextField
                name="email"
                type="email"
                label={t('users.email')}
                required
                defaultValue={failure?.values.email}
                errors={failure?.fieldErrors}
              />
              <SelectField
                name="role"
                label={t('users.role')}
                required
                defaultValue={failure?.values.role ?? roles[roles.length - 1]}
                errors={failure?.fieldErrors}
                options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              />
              <SelectField
                name="locale"
                label={t('users.locale')}
                defaultValue={failure?.values.locale ?? locale}
                errors={failure?.fieldErrors}
                options={[
                  { value: 'de', label: 'Deutsch' },
                  { value: 'en', label: 'English' },
                ]}
              />
              <button type="submit" className={buttonClass}>
                {t('team.sendInvite')}
              </button>
            </Form>
          </Card>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
