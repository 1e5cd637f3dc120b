import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextField } from '../components/form.tsx';
import { buttonClass, Card, dangerButtonClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { listPartnerOrgs, listUsers, schemas } from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  // The policy decides: listing partner organisations is user management, admins only.
  return orResponse(context.locale, async () => {
    const [partnerOrgs, users] = await Promise.all([
      listPartnerOrgs(context.db, user),
      listUsers(context.db, user),
    ]);
    return { partnerOrgs, users, me: user.userId };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  try {
    if (values.intent === 'setActive') {
      const id = schemas.uuid.safeParse(values.id);
      if (!id.success) return formFailure({}, {}, null);
      await context.auth.setActive(user, id.data, values.active === 'true');
      return { ok: true as const, created: null };
    }
    const parsed = validate(schemas.createUserInput, values, context.locale);
    if (!parsed.ok) return formFailure({ ...values, password: '' }, parsed.fieldErrors, null);
    const created = await context.auth.createUser(user, parsed.data);
    return { ok: true as const, created: created.email };
  } catch (error) {
    return actionFailure(error, context.locale, { ...values, password: '' });
  }
}

export default function AdminUsers() {
  const { t } = useTranslation();
  const { users, partnerOrgs, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const values = failure?.values ?? { role: 'rep', locale: 'de' };
  const roles = ['admin', 'manager', 'rep', 'partner_admin', 'partner_member'] as const;
  return (
    <>
      <PageHeader title={t('users.title')} />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-2 font-medium">{t('users.name')}</th>
                  <th className="py-2 font-medium">{t('users.email')}</th>
                  <th className="py-2 font-medium">{t('users.role')}</th>
                  <th className="py-2 font-medium">{t('users.status')}</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} className="border-b border-slate-100">
                    <td className="py-2">{u.name}</td>
                    <td className="py-2 text-slate-600">{u.email}</td>
                    <td className="py-2">
                      {t(`role.${u.role}`)}
                      {u.partnerOrgName ? (
                        <span className="text-slate-500"> · {u.partnerOrgName}</span>
                      ) : null}
                    </td>
                    <td className="py-2">{u.active ? t('users.active') : t('users.inactive')}</td>
                    <td className="py-2 text-right">
                      {u.id === me ? null : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="setActive" />
                          <input type="hidden" name="id" value={u.id} />
                          <input type="hidden" name="active" value={u.active ? 'false' : 'true'} />
                          <button
                            type="submit"
                            className={u.active ? dangerButtonClass : secondaryButtonClass}
                          >
                            {u.active ? t('users.deactivate') : t('users.activate')}
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
        <Card title={t('users.new')}>
          {result?.ok && result.created ? (
            <p role="status" className="mb-3 rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
              {t('users.created', { email: result.created })}
            </p>
          ) : null}
          <Form method="post" className="space-y-3" noValidate>
            <input type="hidden" name="intent" value="create" />
            {failure ? <FormError message={failure.formError} /> : null}
            <TextField
              name="name"
              label={t('users.name')}
              required
              defaultValue={values.name}
              errors={failure?.fieldErrors}
            />
            <TextField
              name="email"
              type="email"
              label={t('users.email')}
              required
              defaultValue={values.email}
              errors={failure?.fieldErrors}
            />
            <SelectField
              name="role"
              label={t('users.role')}
              required
              defaultValue={values.role}
              errors={failure?.fieldErrors}
              options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
            <SelectField
              name="partnerOrgId"
              label={t('users.partnerOrg')}
              hint={t('users.partnerOrgHint')}
              defaultValue={values.partnerOrgId}
              errors={failure?.fieldErrors}
              options={[
                { value: '', label: '—' },
                ...partnerOrgs.map((o) => ({ value: o.id, label: o.name })),
              ]}
            />
            <SelectField
              name="locale"
              label={t('users.locale')}
              defaultValue={values.locale}
              errors={failure?.fieldErrors}
              options={[
                { value: 'de', label: 'Deutsch' },
                { value: 'en', label: 'English' },
              ]}
            />
            <TextField
              name="password"
              type="password"
              autoComplete="new-password"
              label={t('users.password')}
              hint={t('users.passwordHint')}
              required
              errors={failure?.fieldErrors}
            />
            <button type="submit" className={buttonClass}>
              {t('users.create')}
            </button>
          </Form>
        </Card>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
