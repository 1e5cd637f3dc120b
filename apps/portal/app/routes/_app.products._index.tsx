import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextField } from '../components/form.tsx';
import { buttonClass, Card, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import {
  AppError,
  bpToPercent,
  can,
  createProduct,
  createRule,
  formatMoney,
  listProducts,
  listRules,
  parseMoney,
  percentToBp,
  productInput,
  ruleInput,
  setRuleActive,
  setRuleActiveInput,
} from '../utils/api.server.ts';
import { actionFailure, formValues, orResponse } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const url = new URL(request.url);
  const q = url.searchParams.get('q') ?? '';
  return orResponse(context.locale, async () => {
    const [products, rules] = await Promise.all([
      listProducts(context.db, user, { q: q || undefined, includeInactive: true }),
      listRules(context.db, user),
    ]);
    return {
      q,
      mayManage: can(user, 'manage', { type: 'product' }),
      products: products.map((p) => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        unit: p.unit,
        price: formatMoney(p.listPriceMinor, p.currency, context.locale),
        tax: `${bpToPercent(p.taxRateBp)} %`,
        active: p.active,
      })),
      rules: rules.map((r) => ({
        id: r.id,
        kind: r.kind,
        productName: r.productName,
        otherProductName: r.otherProductName,
        minQuantity: r.minQuantity ? r.minQuantity.replace(/\.?0+$/, '') : null,
        discount: r.discountBp === null ? null : `${bpToPercent(r.discountBp)} %`,
        active: r.active,
      })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  try {
    if (values.intent === 'createProduct') {
      const currency = (values.currency ?? 'EUR').trim().toUpperCase();
      const price = parseMoney(values.listPrice ?? '', currency, context.locale);
      const tax = percentToBp(values.taxRate ?? '');
      const fields: { path: string; key: string }[] = [];
      if (price === null) fields.push({ path: 'listPrice', key: 'validation.money' });
      if (tax === null) fields.push({ path: 'taxRate', key: 'validation.percent' });
      const parsed = productInput.safeParse({
        sku: values.sku,
        name: values.name,
        description: values.description,
        unit: values.unit,
        listPriceMinor: price ?? 0,
        currency,
        taxRateBp: tax ?? 0,
        active: true,
      });
      if (!parsed.success)
        for (const i of parsed.error.issues)
          fields.push({
            path: String(i.path[0]),
            key: i.message.startsWith('validation.') ? i.message : 'validation.invalid',
          });
      if (!parsed.success || fields.length > 0)
        return actionFailure(
          new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fields),
          context.locale,
          values,
        );
      await createProduct(context.db, user, parsed.data);
    } else if (values.intent === 'createRule') {
      const discountBp = values.kind === 'quantity_discount' ? percentToBp(values.discount ?? '') : null;
      const parsed = ruleInput.safeParse({
        kind: values.kind,
        productId: values.productId,
        otherProductId: values.otherProductId || undefined,
        minQuantity: values.minQuantity,
        discountBp: discountBp ?? undefined,
      });
      if (!parsed.success)
        return actionFailure(new AppError('BAD_REQUEST', 'errors.invalidInput'), context.locale, values);
      await createRule(context.db, user, parsed.data);
    } else if (values.intent === 'toggleRule') {
      const parsed = setRuleActiveInput.safeParse({ id: values.id, active: values.active === 'true' });
      if (!parsed.success)
        return actionFailure(new AppError('BAD_REQUEST', 'errors.invalidInput'), context.locale, values);
      await setRuleActive(context.db, user, parsed.data);
    } else {
      return actionFailure(new AppError('BAD_REQUEST', 'errors.invalidInput'), context.locale, values);
    }
    return redirect('/products');
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function Products() {
  const { t } = useTranslation();
  const { q, mayManage, products, rules } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : undefined;
  const values = failure && !failure.ok ? failure.values : {};
  const productOptions = products
    .filter((p) => p.active)
    .map((p) => ({ value: p.id, label: `${p.sku} – ${p.name}` }));
  return (
    <>
      <PageHeader title={t('products.title')} />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card>
            <Form method="get" className="mb-3 flex gap-2">
              <label htmlFor="q" className="sr-only">
                {t('common.search')}
              </label>
              <input
                id="q"
                name="q"
                defaultValue={q}
                className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
              />
              <button type="submit" className={secondaryButtonClass}>
                {t('common.search')}
              </button>
            </Form>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-2 font-medium">{t('products.sku')}</th>
                  <th className="py-2 font-medium">{t('products.name')}</th>
                  <th className="py-2 font-medium">{t('products.unit')}</th>
                  <th className="py-2 text-right font-medium">{t('products.listPrice')}</th>
                  <th className="py-2 text-right font-medium">{t('products.taxRate')}</th>
                  <th className="py-2 font-medium">{t('products.active')}</th>
                </tr>
              </thead>
              <tbody>
                {products.map((p) => (
                  <tr key={p.id} className="border-b border-slate-100">
                    <td className="py-2 font-mono text-xs">{p.sku}</td>
                    <td className="py-2">
                      {mayManage ? (
                        <Link to={`/products/${p.id}`} className={linkClass}>
                          {p.name}
                        </Link>
                      ) : (
                        p.name
                      )}
                    </td>
                    <td className="py-2">{p.unit}</td>
                    <td className="py-2 text-right tabular-nums">{p.price}</td>
                    <td className="py-2 text-right tabular-nums">{p.tax}</td>
                    <td className="py-2">{p.active ? t('products.yes') : t('products.no')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {products.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">{t('products.none')}</p>
            ) : null}
          </Card>
          <Card title={t('products.rules')}>
            <p className="mb-2 text-sm text-slate-600">{t('products.rulesIntro')}</p>
            <ul className="space-y-2 text-sm">
              {rules.map((r) => (
                <li
                  key={r.id}
                  className="flex items-center justify-between gap-2 border-b border-slate-100 pb-2"
                >
                  <span className={r.active ? '' : 'text-slate-400 line-through'}>
                    {r.kind === 'quantity_discount'
                      ? t('products.rule.quantity', {
                          product: r.productName,
                          min: r.minQuantity,
                          discount: r.discount,
                        })
                      : t(`products.rule.${r.kind}`, { product: r.productName, other: r.otherProductName })}
                  </span>
                  {mayManage ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="toggleRule" />
                      <input type="hidden" name="id" value={r.id} />
                      <input type="hidden" name="active" value={r.active ? 'false' : 'true'} />
                      <button type="submit" className={secondaryButtonClass}>
                        {r.active ? t('products.deactivate') : t('products.activate')}
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>
        </div>
        {mayManage ? (
          <div className="space-y-4">
            <Card title={t('products.new')}>
              {/* Keyed by the count, so the fields empty once a product is created (the redirect
                  re-renders the same route; uncontrolled fields would keep the last product). */}
              <Form key={`product-${products.length}`} method="post" className="space-y-3">
                <input type="hidden" name="intent" value="createProduct" />
                <TextField
                  name="sku"
                  label={t('products.sku')}
                  required
                  errors={errors}
                  defaultValue={values.sku}
                />
                <TextField
                  name="name"
                  label={t('products.name')}
                  required
                  errors={errors}
                  defaultValue={values.name}
                />
                <TextField
                  name="unit"
                  label={t('products.unit')}
                  required
                  errors={errors}
                  defaultValue={values.unit ?? t('products.defaultUnit')}
                />
                <TextField
                  name="listPrice"
                  label={t('products.listPrice')}
                  required
                  errors={errors}
                  defaultValue={values.listPrice}
                />
                <TextField
                  name="currency"
                  label={t('products.currency')}
                  required
                  errors={errors}
                  defaultValue={values.currency ?? 'EUR'}
                />
                <TextField
                  name="taxRate"
                  label={t('products.taxRatePercent')}
                  required
                  errors={errors}
                  defaultValue={values.taxRate ?? '19'}
                />
                <button type="submit" className={buttonClass}>
                  {t('products.create')}
                </button>
              </Form>
            </Card>
            <Card title={t('products.newRule')}>
              <Form key={`rule-${rules.length}`} method="post" className="space-y-3">
                <input type="hidden" name="intent" value="createRule" />
                <SelectField
                  name="kind"
                  label={t('products.ruleKind')}
                  options={[
                    { value: 'quantity_discount', label: t('products.kind.quantity_discount') },
                    { value: 'requires', label: t('products.kind.requires') },
                    { value: 'excludes', label: t('products.kind.excludes') },
                  ]}
                />
                <SelectField name="productId" label={t('products.ruleProduct')} options={productOptions} />
                <TextField
                  name="minQuantity"
                  label={t('products.minQuantity')}
                  hint={t('products.onlyQuantity')}
                />
                <TextField
                  name="discount"
                  label={t('products.discountPercent')}
                  hint={t('products.onlyQuantity')}
                />
                <SelectField
                  name="otherProductId"
                  label={t('products.otherProduct')}
                  hint={t('products.onlyRequires')}
                  options={[{ value: '', label: '—' }, ...productOptions]}
                />
                <button type="submit" className={buttonClass}>
                  {t('products.createRule')}
                </button>
              </Form>
            </Card>
          </div>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
