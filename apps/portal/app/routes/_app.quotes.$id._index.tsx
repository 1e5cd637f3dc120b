import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import {
  ButtonLink,
  buttonClass,
  Card,
  DefinitionList,
  dangerButtonClass,
  inputClass,
  linkClass,
  PageHeader,
  secondaryButtonClass,
} from '../components/ui.tsx';
import {
  AppError,
  acceptQuote,
  bpToPercent,
  expireQuote,
  formatMoney,
  minorToDecimal,
  newQuoteVersion,
  parseMoney,
  percentToBp,
  quoteById,
  quoteEditorOptions,
  rejectQuote,
  saveQuote,
  saveQuoteInput,
  sendQuote,
} from '../utils/api.server.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDate, formatDateTime } from '../utils/format.ts';
import { requireInternal } from '../utils/session.server.ts';

/** Empty rows offered below the lines, so a line is added without JavaScript. */
const blankRows = 3;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.quote');
  const versionParam = new URL(request.url).searchParams.get('version');
  const versionNumber = versionParam && /^\d{1,4}$/.test(versionParam) ? Number(versionParam) : undefined;
  return orResponse(context.locale, async () => {
    const d = await quoteById(context.db, user, { id, versionNumber });
    const options = await quoteEditorOptions(context.db, user, d.opportunity.accountId, d.quote.currency);
    const money = (minor: number) => formatMoney(minor, d.quote.currency, context.locale);
    return {
      quote: {
        id: d.quote.id,
        number: d.quote.number,
        status: d.quote.status,
        version: d.quote.version,
        currentVersion: d.quote.currentVersion,
        currency: d.quote.currency,
        contactId: d.quote.contactId ?? '',
        validUntil: d.quote.validUntil ?? '',
        supplierOrgId: d.quote.supplierOrgId ?? '',
        sentAt: d.quote.sentAt ? d.quote.sentAt.toISOString() : null,
        decidedAt: d.quote.decidedAt ? d.quote.decidedAt.toISOString() : null,
        orderId: d.quote.orderId,
      },
      deal: { id: d.opportunity.id, name: d.opportunity.name },
      contactName: d.contact ? `${d.contact.firstName} ${d.contact.lastName}` : null,
      versions: d.versions.map((v) => ({ number: v.versionNumber, gross: money(v.grossMinor) })),
      shownVersion: d.version.versionNumber,
      editable: d.editable,
      mayEdit: d.mayEdit,
      form: {
        discount: bpToPercent(d.version.discountBp),
        notes: d.version.notes ?? '',
        lines: d.lines.map((l) => ({
          productId: l.productId ?? '',
          description: l.productId ? '' : l.description,
          unit: l.productId ? '' : l.unit,
          quantity: l.quantity.replace(/\.?0+$/, ''),
          unitPrice: minorToDecimal(l.unitPriceMinor, d.quote.currency),
          discount: bpToPercent(l.discountBp),
          taxRate: bpToPercent(l.taxRateBp),
        })),
      },
      lines: d.lines.map((l) => ({
        position: l.position,
        label: `${l.sku ? `${l.sku} – ` : ''}${l.description}`,
        quantity: `${l.quantity.replace(/\.?0+$/, '')} ${l.unit}`,
        unitPrice: money(l.unitPriceMinor),
        discount: l.discountBp > 0 ? `${bpToPercent(l.discountBp)} %` : '',
        ruleDiscount: l.ruleDiscountBp > 0 ? `${bpToPercent(l.ruleDiscountBp)} %` : '',
        tax: `${bpToPercent(l.taxRateBp)} %`,
        net: money(l.netMinor),
      })),
      totals: {
        subtotal: money(d.version.netBeforeDiscountMinor),
        discount:
          d.version.discountBp > 0
            ? `${bpToPercent(d.version.discountBp)} %: − ${money(d.version.discountMinor)}`
            : null,
        net: money(d.version.netMinor),
        taxes: d.version.taxes.map((t) => ({
          rate: `${bpToPercent(t.rateBp)} %`,
          base: money(t.baseMinor),
          tax: money(t.taxMinor),
        })),
        gross: money(d.version.grossMinor),
      },
      options: {
        contacts: options.contacts.map((c) => ({
          value: c.id,
          label: `${c.firstName} ${c.lastName}${c.email ? ` <${c.email}>` : ''}`,
        })),
        suppliers: options.suppliers.map((s) => ({ value: s.id, label: s.name })),
        products: options.products.map((p) => ({
          value: p.id,
          label: `${p.sku} – ${p.name} (${formatMoney(p.listPriceMinor, d.quote.currency, context.locale)})`,
        })),
      },
    };
  });
}

type LineForm = {
  productId: string;
  description: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
};

/** The editor's flat form fields (`line-3-quantity` …) → the save input; blank rows are skipped. */
function readLines(values: Record<string, string>, currency: string, locale: 'de' | 'en') {
  const fields: { path: string; key: string }[] = [];
  const lines: ({ _row: number } & Record<string, unknown>)[] = [];
  const count = Math.min(Number(values.lineCount ?? '0') || 0, 200);
  for (let i = 0; i < count; i++) {
    const l: LineForm = {
      productId: values[`line-${i}-productId`] ?? '',
      description: (values[`line-${i}-description`] ?? '').trim(),
      unit: (values[`line-${i}-unit`] ?? '').trim(),
      quantity: (values[`line-${i}-quantity`] ?? '').trim(),
      unitPrice: (values[`line-${i}-unitPrice`] ?? '').trim(),
      discount: (values[`line-${i}-discount`] ?? '').trim(),
      taxRate: (values[`line-${i}-taxRate`] ?? '').trim(),
    };
    if (!l.productId && !l.description && !l.quantity && !l.unitPrice) continue;
    const unitPriceMinor = l.unitPrice === '' ? undefined : parseMoney(l.unitPrice, currency, locale);
    const discountBp = l.discount === '' ? 0 : percentToBp(l.discount);
    const taxRateBp = l.taxRate === '' ? undefined : percentToBp(l.taxRate);
    if (unitPriceMinor === null) fields.push({ path: `line-${i}-unitPrice`, key: 'validation.money' });
    if (discountBp === null) fields.push({ path: `line-${i}-discount`, key: 'validation.percent' });
    if (taxRateBp === null) fields.push({ path: `line-${i}-taxRate`, key: 'validation.percent' });
    lines.push({
      _row: i,
      productId: l.productId || null,
      description: l.description || undefined,
      unit: l.unit || undefined,
      quantity: l.quantity.replace(',', '.'),
      unitPriceMinor: unitPriceMinor ?? undefined,
      discountBp: discountBp ?? 0,
      taxRateBp: taxRateBp ?? undefined,
    });
  }
  return { lines, fields };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.quote');
  const values = formValues(await request.formData());
  const version = Number(values.version);
  const ref = { id, version: Number.isInteger(version) && version > 0 ? version : 1 };
  try {
    switch (values.intent) {
      case 'save': {
        const { lines, fields } = readLines(values, values.currency ?? 'EUR', context.locale);
        const discountBp = values.discount ? percentToBp(values.discount) : 0;
        if (discountBp === null) fields.push({ path: 'discount', key: 'validation.percent' });
        const rows = lines.map((l) => l._row);
        const parsed = saveQuoteInput.safeParse({
          ...ref,
          contactId: values.contactId || null,
          validUntil: values.validUntil || null,
          supplierOrgId: values.supplierOrgId || null,
          discountBp: discountBp ?? 0,
          notes: values.notes,
          lines: lines.map(({ _row, ...l }) => l),
        });
        if (!parsed.success)
          for (const issue of parsed.error.issues) {
            const [first, index, field] = issue.path;
            const path =
              first === 'lines' && typeof index === 'number'
                ? `line-${rows[index]}-${String(field)}`
                : String(first);
            fields.push({
              path,
              key: issue.message.startsWith('validation.') ? issue.message : 'validation.invalid',
            });
          }
        if (!parsed.success || fields.length > 0)
          throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fields);
        await saveQuote(context.db, user, parsed.data);
        break;
      }
      case 'send':
        await sendQuote(context.db, user, ref);
        break;
      case 'accept':
        await acceptQuote(context.db, user, ref);
        break;
      case 'reject':
        await rejectQuote(context.db, user, ref);
        break;
      case 'expire':
        await expireQuote(context.db, user, ref);
        break;
      case 'newVersion':
        await newQuoteVersion(context.db, user, ref);
        break;
      default:
        throw new AppError('BAD_REQUEST', 'errors.invalidInput');
    }
    return redirect(`/quotes/${id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

function StatusButton({
  intent,
  version,
  label,
  danger,
}: {
  intent: string;
  version: number;
  label: string;
  danger?: boolean;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
      <button type="submit" className={danger ? dangerButtonClass : secondaryButtonClass}>
        {label}
      </button>
    </Form>
  );
}

export default function QuoteEditor() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : undefined;
  const values = failure && !failure.ok ? failure.values : undefined;
  const q = d.quote;
  const isCurrent = d.shownVersion === q.currentVersion;
  const formLines: LineForm[] = [
    ...d.form.lines,
    ...Array.from({ length: blankRows }, () => ({
      productId: '',
      description: '',
      unit: '',
      quantity: '',
      unitPrice: '',
      discount: '',
      taxRate: '',
    })),
  ];
  const fieldValue = (i: number, key: keyof LineForm) => values?.[`line-${i}-${key}`] ?? formLines[i]![key];
  const ruleErrors = Object.entries(errors ?? {}).filter(([k]) => k.startsWith('rules.'));
  return (
    <>
      <PageHeader
        title={`${t('quotes.quote')} ${q.number}`}
        actions={
          <>
            <ButtonLink to={`/quotes?opportunityId=${d.deal.id}`} secondary>
              {t('quotes.allOfDeal')}
            </ButtonLink>
            <a href={`/quotes/${q.id}/pdf?version=${d.shownVersion}`} className={secondaryButtonClass}>
              {t('quotes.pdf')}
            </a>
            {d.mayEdit && isCurrent && q.status === 'draft' ? (
              <StatusButton intent="send" version={q.version} label={t('quotes.send')} />
            ) : null}
            {d.mayEdit && isCurrent && q.status === 'sent' ? (
              <>
                <StatusButton intent="accept" version={q.version} label={t('quotes.accept')} />
                <StatusButton intent="reject" version={q.version} label={t('quotes.reject')} danger />
              </>
            ) : null}
            {d.mayEdit && isCurrent && (q.status === 'draft' || q.status === 'sent') ? (
              <>
                <StatusButton intent="newVersion" version={q.version} label={t('quotes.newVersion')} />
                <StatusButton intent="expire" version={q.version} label={t('quotes.expire')} danger />
              </>
            ) : null}
          </>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      {ruleErrors.length > 0 ? (
        <ul
          className="mb-4 list-disc rounded-md border border-rose-300 bg-rose-50 py-2 pl-8 text-sm text-rose-800"
          role="alert"
        >
          {ruleErrors.map(([k, message]) => (
            <li key={k}>{message}</li>
          ))}
        </ul>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title={t('quotes.facts')}>
          <DefinitionList
            items={[
              [
                t('quotes.deal'),
                <Link key="deal" to={`/opportunities/${d.deal.id}`} className={linkClass}>
                  {d.deal.name}
                </Link>,
              ],
              [t('quotes.status'), t(`quotes.status.${q.status}`)],
              [t('quotes.contact'), d.contactName ?? '—'],
              [t('quotes.validUntil'), formatDate(q.validUntil || null, locale)],
              [t('quotes.sentAt'), formatDateTime(q.sentAt, locale)],
              [t('quotes.decidedAt'), formatDateTime(q.decidedAt, locale)],
              [t('quotes.order'), q.orderId ? t('quotes.orderCreated') : '—'],
            ]}
          />
          <h3 className="mt-4 mb-1 text-sm font-semibold text-slate-700">{t('quotes.versions')}</h3>
          <ul className="text-sm">
            {d.versions.map((v) => (
              <li key={v.number}>
                {v.number === d.shownVersion ? (
                  <strong>{t('quotes.versionLabel', { number: v.number })}</strong>
                ) : (
                  <Link to={`/quotes/${q.id}?version=${v.number}`} className={linkClass}>
                    {t('quotes.versionLabel', { number: v.number })}
                  </Link>
                )}{' '}
                · {v.gross}
                {v.number !== q.currentVersion ? ` · ${t('quotes.readOnly')}` : ''}
              </li>
            ))}
          </ul>
        </Card>
        <div className="lg:col-span-2">
          <Card title={t('quotes.lines')}>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-2 font-medium">#</th>
                  <th className="py-2 font-medium">{t('quotes.line.description')}</th>
                  <th className="py-2 text-right font-medium">{t('quotes.line.quantity')}</th>
                  <th className="py-2 text-right font-medium">{t('quotes.line.unitPrice')}</th>
                  <th className="py-2 text-right font-medium">{t('quotes.line.discount')}</th>
                  <th className="py-2 text-right font-medium">{t('quotes.line.tax')}</th>
                  <th className="py-2 text-right font-medium">{t('quotes.line.net')}</th>
                </tr>
              </thead>
              <tbody>
                {d.lines.map((l) => (
                  <tr key={l.position} className="border-b border-slate-100">
                    <td className="py-1">{l.position}</td>
                    <td className="py-1">{l.label}</td>
                    <td className="py-1 text-right tabular-nums">{l.quantity}</td>
                    <td className="py-1 text-right tabular-nums">{l.unitPrice}</td>
                    <td className="py-1 text-right">
                      {l.discount}
                      {l.ruleDiscount ? (
                        <span className="block text-xs text-emerald-700">
                          {t('quotes.ruleDiscount', { discount: l.ruleDiscount })}
                        </span>
                      ) : null}
                    </td>
                    <td className="py-1 text-right">{l.tax}</td>
                    <td className="py-1 text-right tabular-nums">{l.net}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <dl className="mt-3 ml-auto grid max-w-sm grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
              <dt>{t('quotes.subtotal')}</dt>
              <dd className="text-right tabular-nums">{d.totals.subtotal}</dd>
              {d.totals.discount ? (
                <>
                  <dt>{t('quotes.quoteDiscount')}</dt>
                  <dd className="text-right tabular-nums">{d.totals.discount}</dd>
                </>
              ) : null}
              <dt className="font-semibold">{t('quotes.net')}</dt>
              <dd className="text-right font-semibold tabular-nums">{d.totals.net}</dd>
              {d.totals.taxes.map((x) => (
                <div key={x.rate} className="contents">
                  <dt>{t('quotes.taxOn', { rate: x.rate, base: x.base })}</dt>
                  <dd className="text-right tabular-nums">{x.tax}</dd>
                </div>
              ))}
              <dt className="font-semibold">{t('quotes.gross')}</dt>
              <dd className="text-right font-semibold tabular-nums">{d.totals.gross}</dd>
            </dl>
          </Card>
        </div>
      </div>
      {d.editable ? (
        <div className="mt-4">
          <Card title={t('quotes.edit')}>
            <Form method="post" className="space-y-4">
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="version" value={q.version} />
              <input type="hidden" name="currency" value={q.currency} />
              <input type="hidden" name="lineCount" value={formLines.length} />
              <div className="grid gap-3 sm:grid-cols-4">
                <SelectField
                  name="contactId"
                  label={t('quotes.contact')}
                  errors={errors}
                  defaultValue={values?.contactId ?? q.contactId}
                  options={[{ value: '', label: '—' }, ...d.options.contacts]}
                />
                <TextField
                  name="validUntil"
                  label={t('quotes.validUntil')}
                  hint="YYYY-MM-DD"
                  errors={errors}
                  defaultValue={values?.validUntil ?? q.validUntil}
                />
                <SelectField
                  name="supplierOrgId"
                  label={t('quotes.supplier')}
                  hint={t('quotes.supplierHint')}
                  errors={errors}
                  defaultValue={values?.supplierOrgId ?? q.supplierOrgId}
                  options={[{ value: '', label: '—' }, ...d.options.suppliers]}
                />
                <TextField
                  name="discount"
                  label={t('quotes.quoteDiscountPercent')}
                  errors={errors}
                  defaultValue={values?.discount ?? d.form.discount}
                />
              </div>
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead>
                    <tr className="text-slate-600">
                      <th className="py-1 font-medium">{t('quotes.line.product')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.freeText')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.unit')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.quantity')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.unitPrice')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.discountPercent')}</th>
                      <th className="py-1 font-medium">{t('quotes.line.taxPercent')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {formLines.map((_, i) => (
                      <tr key={`row-${i.toString()}`} className="align-top">
                        {(
                          [
                            'productId',
                            'description',
                            'unit',
                            'quantity',
                            'unitPrice',
                            'discount',
                            'taxRate',
                          ] as const
                        ).map((key) => {
                          const name = `line-${i}-${key}`;
                          const error = errors?.[name];
                          return (
                            <td key={key} className="p-1">
                              <label htmlFor={name} className="sr-only">
                                {t(
                                  `quotes.line.${key === 'productId' ? 'product' : key === 'description' ? 'freeText' : key === 'discount' ? 'discountPercent' : key === 'taxRate' ? 'taxPercent' : key}`,
                                )}{' '}
                                {i + 1}
                              </label>
                              {key === 'productId' ? (
                                <select
                                  id={name}
                                  name={name}
                                  defaultValue={fieldValue(i, key)}
                                  className={inputClass}
                                  aria-invalid={error ? true : undefined}
                                >
                                  <option value="">{t('quotes.line.noProduct')}</option>
                                  {d.options.products.map((p) => (
                                    <option key={p.value} value={p.value}>
                                      {p.label}
                                    </option>
                                  ))}
                                </select>
                              ) : (
                                <input
                                  id={name}
                                  name={name}
                                  defaultValue={fieldValue(i, key)}
                                  className={inputClass}
                                  aria-invalid={error ? true : undefined}
                                />
                              )}
                              {error ? <p className="mt-1 text-xs text-rose-700">{error}</p> : null}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="mt-1 text-xs text-slate-500">{t('quotes.linesHint')}</p>
              </div>
              <TextAreaField
                name="notes"
                label={t('quotes.notes')}
                errors={errors}
                defaultValue={values?.notes ?? d.form.notes}
              />
              <button type="submit" className={buttonClass}>
                {t('quotes.save')}
              </button>
            </Form>
          </Card>
        </div>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
