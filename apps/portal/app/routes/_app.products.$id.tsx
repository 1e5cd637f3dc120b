import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextAreaField, TextField } from '../components/form.tsx';
import { ButtonLink, buttonClass, Card, PageHeader } from '../components/ui.tsx';
import {
  AppError,
  assertCan,
  bpToPercent,
  minorToDecimal,
  parseMoney,
  percentToBp,
  productById,
  productInput,
  updateProduct,
} from '../utils/api.server.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { requireInternal } from '../utils/session.server.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.product');
  return orResponse(context.locale, async () => {
    assertCan(user, 'manage', { type: 'product' });
    const p = await productById(context.db, user, id);
    return {
      product: {
        id: p.id,
        sku: p.sku,
        name: p.name,
        description: p.description ?? '',
        unit: p.unit,
        listPrice: minorToDecimal(p.listPriceMinor, p.currency),
        currency: p.currency,
        taxRate: bpToPercent(p.taxRateBp),
        active: p.active ? 'true' : 'false',
      },
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const id = requireUuid(params.id, context.locale, 'entity.product');
  const values = formValues(await request.formData());
  const currency = (values.currency ?? '').trim().toUpperCase();
  const price = parseMoney(values.listPrice ?? '', currency || 'EUR', context.locale);
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
    active: values.active === 'true',
  });
  if (!parsed.success)
    for (const i of parsed.error.issues)
      fields.push({
        path: String(i.path[0]),
        key: i.message.startsWith('validation.') ? i.message : 'validation.invalid',
      });
  try {
    if (!parsed.success || fields.length > 0)
      throw new AppError('BAD_REQUEST', 'errors.invalidInput', {}, fields);
    await updateProduct(context.db, user, { id, data: parsed.data });
    return redirect('/products');
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function EditProduct() {
  const { t } = useTranslation();
  const { product } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure && !failure.ok ? failure.fieldErrors : undefined;
  const v = failure && !failure.ok ? { ...product, ...failure.values } : product;
  return (
    <>
      <PageHeader
        title={`${product.sku} – ${product.name}`}
        actions={
          <ButtonLink to="/products" secondary>
            {t('common.back')}
          </ButtonLink>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <Card>
        <Form method="post" className="grid max-w-2xl gap-3 sm:grid-cols-2">
          <TextField name="sku" label={t('products.sku')} required errors={errors} defaultValue={v.sku} />
          <TextField name="name" label={t('products.name')} required errors={errors} defaultValue={v.name} />
          <TextAreaField
            name="description"
            label={t('products.description')}
            errors={errors}
            defaultValue={v.description}
            className="sm:col-span-2"
          />
          <TextField name="unit" label={t('products.unit')} required errors={errors} defaultValue={v.unit} />
          <TextField
            name="listPrice"
            label={t('products.listPrice')}
            required
            errors={errors}
            defaultValue={v.listPrice}
          />
          <TextField
            name="currency"
            label={t('products.currency')}
            required
            errors={errors}
            defaultValue={v.currency}
          />
          <TextField
            name="taxRate"
            label={t('products.taxRatePercent')}
            required
            errors={errors}
            defaultValue={v.taxRate}
          />
          <SelectField
            name="active"
            label={t('products.active')}
            defaultValue={v.active}
            options={[
              { value: 'true', label: t('products.yes') },
              { value: 'false', label: t('products.no') },
            ]}
          />
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass}>
              {t('common.save')}
            </button>
          </div>
        </Form>
      </Card>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
