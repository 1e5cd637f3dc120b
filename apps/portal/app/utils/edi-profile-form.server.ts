/**
 * The trading-partner profile form: flat form fields (named by their path, `transport.host`) ↔ the
 * nested profile the API validates with its own zod schemas, so a field error lands on its field.
 */
import type { EdiProfile } from './api.server.ts';

export type ProfileFormValues = Record<string, string>;

const text = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : undefined;
};
const int = (v: string | undefined) => (text(v) === undefined ? undefined : Number(v));

/** Form fields → the profile object (`createProfileInput` / `updateProfileInput.data`). */
export function profileFromForm(values: ProfileFormValues) {
  const kind = values['transport.kind'] === 'sftp' ? 'sftp' : 'local';
  const transport =
    kind === 'sftp'
      ? {
          kind,
          host: text(values['transport.host']),
          port: int(values['transport.port']) ?? 22,
          username: text(values['transport.username']),
          privateKeyPath: text(values['transport.privateKeyPath']),
          hostKeySha256: text(values['transport.hostKeySha256']),
          tempSuffix: text(values['transport.tempSuffix']) ?? '.tmp',
        }
      : {
          kind,
          root: text(values['transport.root']),
          tempSuffix: text(values['transport.tempSuffix']) ?? '.tmp',
        };
  const delimiters = Object.fromEntries(
    (['element', 'component', 'segment'] as const).flatMap((d) => {
      const v = values[`settings.delimiters.${d}`];
      return v ? [[d, v]] : [];
    }),
  );
  const identifiers = Object.fromEntries(
    ['theirId', 'theirQualifier', 'ourId', 'ourQualifier', 'theirApplicationId', 'ourApplicationId'].flatMap(
      (k) => {
        const v = text(values[`identifiers.${k}`]);
        return v ? [[k, v]] : [];
      },
    ),
  );
  return {
    name: values.name ?? '',
    standard: values.standard,
    version: values.version,
    identifiers,
    settings: {
      acknowledgements: values['settings.acknowledgements'] === 'on',
      ...(text(values['settings.defaultCurrency'])
        ? { defaultCurrency: text(values['settings.defaultCurrency']) }
        : {}),
      ...(values['settings.dealFeed'] ? { dealFeed: values['settings.dealFeed'] } : {}),
      ...(Object.keys(delimiters).length > 0 ? { delimiters } : {}),
    },
    transport,
    inboxPath: text(values.inboxPath) ?? 'inbox',
    outboxPath: text(values.outboxPath) ?? 'outbox',
    archivePath: text(values.archivePath) ?? 'archive',
    errorPath: text(values.errorPath) ?? 'error',
    pollIntervalSeconds: int(values.pollIntervalSeconds) ?? 60,
    active: values.active === 'on',
  };
}

/** A stored profile → the form's fields (the private key itself never goes to the browser). */
export function formFromProfile(p: EdiProfile): ProfileFormValues {
  const t = p.transport;
  const s = p.settings;
  const out: ProfileFormValues = {
    name: p.name,
    standard: p.standard,
    version: p.version,
    'settings.acknowledgements': s.acknowledgements ? 'on' : '',
    'settings.defaultCurrency': s.defaultCurrency ?? '',
    'settings.dealFeed': s.dealFeed ?? '',
    'settings.delimiters.element': s.delimiters?.element ?? '',
    'settings.delimiters.component': s.delimiters?.component ?? '',
    'settings.delimiters.segment': s.delimiters?.segment ?? '',
    'transport.kind': t.kind,
    'transport.tempSuffix': t.tempSuffix,
    inboxPath: p.inboxPath,
    outboxPath: p.outboxPath,
    archivePath: p.archivePath,
    errorPath: p.errorPath,
    pollIntervalSeconds: String(p.pollIntervalSeconds),
    active: p.active ? 'on' : '',
  };
  for (const [k, v] of Object.entries(p.identifiers)) if (v) out[`identifiers.${k}`] = v;
  if (t.kind === 'local') out['transport.root'] = t.root;
  else {
    out['transport.host'] = t.host;
    out['transport.port'] = String(t.port);
    out['transport.username'] = t.username;
    out['transport.privateKeyPath'] = t.privateKeyPath ?? '';
    out['transport.hostKeySha256'] = t.hostKeySha256;
  }
  return out;
}
