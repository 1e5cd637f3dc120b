import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { buttonClass, Card, inputClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  can,
  formatMoney,
  listTargets,
  minorToDecimal,
  parseMoney,
  setAnnualTarget,
  setMonthTarget,
  targetSchemas,
  translate,
} from '../utils/api.server.ts';
import { actionFailure, formFailure, formValues, orResponse, validate } from '../utils/errors.server.ts';
import { ownerOptions } from '../utils/reports.server.ts';
import { requireInternal } from '../utils/session.server.ts';

function yearOf(url: URL) {
  const y = Number(url.searchParams.get('year'));
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : new Date().getUTCFullYear();
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const year = yearOf(new URL(request.url));
  const manage = can(user, 'manage', { type: 'salesTarget' });
  const [lines, people] = await orResponse(context.locale, () =>
    Promise.all([listTargets(context.db, user, { year }), ownerOptions(context.db, user)]),
  );
  return {
    year,
    manage,
    people,
    lines: lines.map((l) => ({
      ...l,
      monthValues: l.months.map((m) => minorToDecimal(m, l.currency)),
      monthText: l.months.map((m) => formatMoney(m, l.currency, context.locale)),
      annual: formatMoney(l.annualMinor, l.currency, context.locale),
    })),
  };
}

const months = Array.from({ length: 12 }, (_, i) => i + 1);

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const locale = context.locale;
  const currency = (values.currency ?? 'EUR').trim().toUpperCase();
  const invalid = (fieldErrors: Record<string, string>) =>
    formFailure(values, fieldErrors, translate(locale, 'errors.invalidInput'));
  try {
    if (values.intent === 'annual') {
      const annualMinor = parseMoney(values.annual ?? '', currency, locale);
      // "1 1 2 …", "1;1;2…" (commas as decimals then) or "1,1,2,…".
      const raw = (values.weights ?? '').trim();
      const weights =
        values.split === 'weights'
          ? (/[\s;]/.test(raw) ? raw.split(/[\s;]+/) : raw.split(','))
              .filter(Boolean)
              .map((w) => Number(w.replace(',', '.')))
          : undefined;
      const input = validate(
        targetSchemas.setAnnualTargetInput,
        { ...values, currency, annualMinor: annualMinor ?? Number.NaN, weights },
        locale,
      );
      if (!input.ok) {
        const errors = { ...input.fieldErrors };
        if (annualMinor === null) errors.annual = translate(locale, 'validation.money');
        delete errors.annualMinor;
        for (const key of Object.keys(errors))
          if (key.startsWith('weights')) {
            delete errors[key];
            errors.weights = translate(locale, 'validation.weights');
          }
        return invalid(errors);
      }
      await setAnnualTarget(context.db, user, input.data);
      return redirect(`/targets?year=${input.data.year}`);
    }
    if (values.intent === 'months') {
      const errors: Record<string, string> = {};
      const amounts = months.map((m) => {
        const minor = parseMoney(values[`m${m}`] ?? '', currency, locale);
        if (minor === null) errors[`m${m}`] = translate(locale, 'validation.money');
        return minor ?? 0;
      });
      if (Object.keys(errors).length) return invalid(errors);
      const previous = (values.previous ?? '').split('|').map(Number);
      for (const m of months) {
        if (previous[m - 1] === amounts[m - 1]) continue;
        const input = validate(
          targetSchemas.setMonthTargetInput,
          { ...values, currency, month: m, amountMinor: amounts[m - 1] },
          locale,
        );
        if (!input.ok) return invalid(input.fieldErrors);
        await setMonthTarget(context.db, user, input.data);
      }
      return redirect(`/targets?year=${values.year}`);
    }
  } catch (error) {
    return actionFailure(error, locale, values);
  }
  return null;
}

export default function Targets() {
  const { t } = useTranslation();
  const { year, manage, people, lines } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const v = failure?.values ?? {};
  const monthName = (m: number) => t(`targets.month.${m}`);
  return (
    <>
      <PageHeader title={t('targets.title', { year })} />
      <Form method="get" className="mb-4 flex items-end gap-2 text-sm">
        <label>
          <span className="mb-1 block font-medium">{t('targets.year')}</span>
          <input type="number" name="year" defaultValue={year} min={2000} max={2100} className={inputClass} />
        </label>
        <button type="submit" className={secondaryButtonClass}>
          {t('reports.apply')}
        </button>
      </Form>
      {failure ? <FormError message={failure.formError} fieldErrors={failure.fieldErrors} /> : null}
      {manage ? (
        <Card title={t('targets.annualTitle')}>
          <p className="mb-3 text-sm text-slate-600">{t('targets.annualHint')}</p>
          <Form method="post" className="grid gap-3 text-sm sm:grid-cols-3">
            <input type="hidden" name="intent" value="annual" />
            <input type="hidden" name="year" value={year} />
            <label>
              <span className="mb-1 block font-medium">{t('targets.rep')}</span>
              <select name="userId" defaultValue={v.userId} className={inputClass} required>
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="mb-1 block font-medium">{t('targets.businessType')}</span>
              <select name="businessType" defaultValue={v.businessType ?? 'new'} className={inputClass}>
                <option value="new">{t('businessType.new')}</option>
                <option value="existing">{t('businessType.existing')}</option>
              </select>
            </label>
            <label>
              <span className="mb-1 block font-medium">{t('targets.currency')}</span>
              <input
                name="currency"
                defaultValue={v.currency ?? 'EUR'}
                maxLength={3}
                className={inputClass}
              />
            </label>
            <label>
              <span className="mb-1 block font-medium">{t('targets.annual')}</span>
              <input
                name="annual"
                inputMode="decimal"
                required
                defaultValue={v.annual}
                aria-invalid={failure?.fieldErrors.annual ? true : undefined}
                className={inputClass}
              />
              {failure?.fieldErrors.annual ? (
                <span className="text-rose-700">{failure.fieldErrors.annual}</span>
              ) : null}
            </label>
            <fieldset>
              <legend className="mb-1 font-medium">{t('targets.split')}</legend>
              <label className="mr-3">
                <input type="radio" name="split" value="even" defaultChecked={v.split !== 'weights'} />{' '}
                {t('targets.even')}
              </label>
              <label>
                <input type="radio" name="split" value="weights" defaultChecked={v.split === 'weights'} />{' '}
                {t('targets.byWeights')}
              </label>
            </fieldset>
            <label>
              <span className="mb-1 block font-medium">{t('targets.weights')}</span>
              <input
                name="weights"
                defaultValue={v.weights}
                placeholder="1 1 2 2 2 2 1 1 1 1 1 1"
                className={inputClass}
              />
              {failure?.fieldErrors.weights ? (
                <span className="text-rose-700">{failure.fieldErrors.weights}</span>
              ) : null}
            </label>
            <div className="sm:col-span-3">
              <button type="submit" className={buttonClass}>
                {t('targets.setAnnual')}
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
      <div className="mt-6 space-y-4">
        {lines.length === 0 ? <p className="text-sm text-slate-600">{t('targets.none')}</p> : null}
        {lines.map((line) => (
          <Card
            key={`${line.userId}-${line.businessType}-${line.currency}`}
            title={`${line.userName} · ${t(`businessType.${line.businessType}`)} · ${line.currency}`}
            actions={<span className="text-sm font-medium tabular-nums">{line.annual}</span>}
          >
            {manage ? (
              // Keyed by the stored months: after a save the inputs show the stored values again.
              <Form key={line.months.join('|')} method="post" className="text-sm">
                <input type="hidden" name="intent" value="months" />
                <input type="hidden" name="userId" value={line.userId} />
                <input type="hidden" name="year" value={year} />
                <input type="hidden" name="businessType" value={line.businessType} />
                <input type="hidden" name="currency" value={line.currency} />
                <input type="hidden" name="previous" value={line.months.join('|')} />
                <div className="grid grid-cols-3 gap-2 sm:grid-cols-6 lg:grid-cols-12">
                  {months.map((m) => (
                    <label key={m}>
                      <span className="block text-xs text-slate-600">{monthName(m)}</span>
                      <input
                        name={`m${m}`}
                        inputMode="decimal"
                        defaultValue={line.monthValues[m - 1]}
                        className={`${inputClass} px-1 text-right tabular-nums`}
                      />
                    </label>
                  ))}
                </div>
                <button type="submit" className={`${secondaryButtonClass} mt-3`}>
                  {t('targets.saveMonths')}
                </button>
              </Form>
            ) : (
              <table className="w-full text-sm">
                <caption className="sr-only">{line.userName}</caption>
                <thead>
                  <tr>
                    {months.map((m) => (
                      <th key={m} scope="col" className="text-right text-xs font-medium text-slate-600">
                        {monthName(m)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    {months.map((m) => (
                      <td key={m} className="text-right tabular-nums">
                        {line.monthText[m - 1]}
                      </td>
                    ))}
                  </tr>
                </tbody>
              </table>
            )}
          </Card>
        ))}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
