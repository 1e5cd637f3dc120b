import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FormError, SelectField, TextField } from './form.tsx';
import { buttonClass, Card } from './ui.tsx';

/** The trading-partner profile editor's fields; names are the profile's paths (`transport.host`). */
export function EdiProfileForm({
  values,
  fieldErrors,
  formError,
  partnerOrgs,
  versions,
  submitLabel,
}: {
  values: Record<string, string>;
  fieldErrors?: Record<string, string> | undefined;
  formError?: string | null | undefined;
  /** Only when creating: the partner organisation is fixed afterwards. */
  partnerOrgs?: { id: string; name: string }[];
  versions: readonly string[];
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const f = (
    name: string,
    label: string,
    extra: { required?: boolean; hint?: string; type?: string } = {},
  ) => <TextField name={name} label={label} defaultValue={values[name]} errors={fieldErrors} {...extra} />;
  const check = (name: string, label: string) => (
    <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
      <input type="checkbox" name={name} defaultChecked={values[name] === 'on'} />
      {label}
    </label>
  );
  return (
    <Form method="post" className="space-y-4" noValidate>
      {formError || (fieldErrors && Object.keys(fieldErrors).length > 0) ? (
        <FormError message={formError ?? t('ediProfiles.fixErrors')} />
      ) : null}
      <Card title={t('ediProfiles.partnerSection')}>
        <div className="grid gap-3 sm:grid-cols-2">
          {f('name', t('ediProfiles.name'), { required: true })}
          {partnerOrgs ? (
            <SelectField
              name="partnerOrgId"
              label={t('ediProfiles.partnerOrg')}
              required
              defaultValue={values.partnerOrgId}
              errors={fieldErrors}
              options={[
                { value: '', label: '—' },
                ...partnerOrgs.map((o) => ({ value: o.id, label: o.name })),
              ]}
            />
          ) : null}
          <SelectField
            name="standard"
            label={t('ediProfiles.standard')}
            required
            defaultValue={values.standard ?? 'x12'}
            errors={fieldErrors}
            options={[
              { value: 'x12', label: 'ANSI X12' },
              { value: 'edifact', label: 'UN/EDIFACT' },
            ]}
          />
          <SelectField
            name="version"
            label={t('ediProfiles.version')}
            required
            defaultValue={values.version ?? '004010'}
            errors={fieldErrors}
            options={versions.map((v) => ({ value: v, label: v }))}
          />
        </div>
      </Card>
      <Card title={t('ediProfiles.identifiersSection')}>
        <div className="grid gap-3 sm:grid-cols-2">
          {f('identifiers.theirId', t('ediProfiles.theirId'), { hint: t('ediProfiles.theirIdHint') })}
          {f('identifiers.theirQualifier', t('ediProfiles.theirQualifier'), {
            hint: t('ediProfiles.qualifierHint'),
          })}
          {f('identifiers.ourId', t('ediProfiles.ourId'))}
          {f('identifiers.ourQualifier', t('ediProfiles.ourQualifier'))}
          {f('identifiers.theirApplicationId', t('ediProfiles.theirApplicationId'))}
          {f('identifiers.ourApplicationId', t('ediProfiles.ourApplicationId'))}
        </div>
      </Card>
      <Card title={t('ediProfiles.exchangeSection')}>
        <div className="grid gap-3 sm:grid-cols-3">
          {f('settings.delimiters.element', t('ediProfiles.elementDelimiter'), {
            hint: t('ediProfiles.delimiterHint'),
          })}
          {f('settings.delimiters.component', t('ediProfiles.componentDelimiter'))}
          {f('settings.delimiters.segment', t('ediProfiles.segmentDelimiter'))}
          {f('settings.defaultCurrency', t('ediProfiles.defaultCurrency'), { hint: 'EUR' })}
          <SelectField
            name="settings.dealFeed"
            label={t('ediProfiles.dealFeed')}
            defaultValue={values['settings.dealFeed'] ?? ''}
            errors={fieldErrors}
            options={[
              { value: '', label: t('ediProfiles.dealFeedOff') },
              { value: 'csv', label: 'CSV' },
              { value: 'json', label: 'JSON' },
            ]}
          />
          {f('pollIntervalSeconds', t('ediProfiles.pollInterval'), { type: 'number', required: true })}
        </div>
        <div className="mt-3 flex flex-wrap gap-6">
          {check('settings.acknowledgements', t('ediProfiles.acknowledgements'))}
          {check('active', t('ediProfiles.active'))}
        </div>
      </Card>
      <Card title={t('ediProfiles.transportSection')}>
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            name="transport.kind"
            label={t('ediProfiles.transport')}
            required
            defaultValue={values['transport.kind'] ?? 'local'}
            errors={fieldErrors}
            options={[
              { value: 'local', label: t('ediProfiles.transportLocal') },
              { value: 'sftp', label: 'SFTP' },
            ]}
          />
          {f('transport.tempSuffix', t('ediProfiles.tempSuffix'), { hint: '.tmp' })}
          {f('transport.root', t('ediProfiles.root'), { hint: t('ediProfiles.rootHint') })}
          {f('transport.host', t('ediProfiles.host'))}
          {f('transport.port', t('ediProfiles.port'), { type: 'number', hint: '22' })}
          {f('transport.username', t('ediProfiles.username'))}
          {f('transport.privateKeyPath', t('ediProfiles.privateKeyPath'), {
            hint: t('ediProfiles.privateKeyHint'),
          })}
          {f('transport.hostKeySha256', t('ediProfiles.hostKey'), { hint: t('ediProfiles.hostKeyHint') })}
          {f('inboxPath', t('ediProfiles.inboxPath'), { hint: 'inbox' })}
          {f('outboxPath', t('ediProfiles.outboxPath'), { hint: 'outbox' })}
          {f('archivePath', t('ediProfiles.archivePath'), { hint: 'archive' })}
          {f('errorPath', t('ediProfiles.errorPath'), { hint: 'error' })}
        </div>
      </Card>
      <button type="submit" className={buttonClass}>
        {submitLabel}
      </button>
    </Form>
  );
}
