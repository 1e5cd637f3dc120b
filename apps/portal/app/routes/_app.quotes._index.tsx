import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError, SelectField, TextField } from '../components/form.tsx';
import { ButtonLink, buttonClass, Card, linkClass, PageHeader } from '../components/ui.tsx';
import {
  AppError,
  closeDeal,
  closeDealInput,
  createQuote,
  createQuoteInput,
  formatMoney,
  quoteEditorOptions,
  quotesForOpportunity,
  readSetting,
  translate,
} from '../utils/api.server.ts';
import { actionFailure, formValues, orResponse, requireUuid } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireInternal } from '../utils/session.server.ts';

/** The quotes of one deal (`?opportunityId=`), and a new one. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireInternal(context, request);
  const opportunityId = new URL(request.url).searchParams.get('opportunityId');
  if (!opportunityId)
    throw data(
      { message: translate(context.locale, 'errors.notFound', { entity: 'entity.opportunity' }) },
      { status: 404 },
    );
  const id = requireUuid(opportunityId, context.locale, 'entity.opportunity');
  return orResponse(context.locale, async () => {
    const list = await quotesForOpportunity(context.db, user, id);
    const reasons = await readSetting(context.db, 'lossReasons');
    const options = await quoteEditorOptions(
      context.db,
      user,
      list.opportunity.accountId,
      list.opportunity.currency,
    );
    return {
      deal: { id: list.opportunity.id, name: list.opportunity.name, stage: list.opportunity.stage },
      mayEdit: list.mayEdit,
      lossReasons: reasons.map((r) => ({ value: r.key, label: r.label[context.locale] })),
      contacts: options.contacts.map((c) => ({ value: c.id, label: `${c.firstName} ${c.lastName}` })),
      quotes: list.quotes.map((q) => ({
        id: q.id,
        number: q.number,
        status: q.status,
        version: q.currentVersion,
        net: formatMoney(q.netMinor, q.currency, context.locale),
        gross: formatMoney(q.grossMinor, q.currency, context.locale),
        validUntil: q.validUntil,
        sentAt: q.sentAt ? q.sentAt.toISOString() : null,
      })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireInternal(context, request);
  const values = formValues(await request.formData());
  const opportunityId = new URL(request.url).searchParams.get('opportunityId');
  try {
    if (values.intent === 'close') {
      const parsed = closeDealInput.safeParse({
        opportunityId,
        outcome: values.outcome,
        lossReason: values.lossReason || undefined,
      });
      if (!parsed.success) throw new AppError('BAD_REQUEST', 'errors.invalidInput');
      await closeDeal(context.db, user, parsed.data);
      return redirect(`/opportunities/${parsed.data.opportunityId}`);
    }
    const parsed = createQuoteInput.safeParse({
      opportunityId,
      contactId: values.contactId || null,
      validUntil: values.validUntil || null,
    });
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'errors.invalidInput');
    const quote = await createQuote(context.db, user, parsed.data);
    return redirect(`/quotes/${quote.id}`);
  } catch (error) {
    return actionFailure(error, context.locale, values);
  }
}

export default function DealQuotes() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { deal, mayEdit, contacts, quotes, lossReasons } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title={t('quotes.titleFor', { deal: deal.name })}
        actions={
          <ButtonLink to={`/opportunities/${deal.id}`} secondary>
            {t('quotes.backToDeal')}
          </ButtonLink>
        }
      />
      {failure && !failure.ok ? <FormError message={failure.formError} /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Card>
            {quotes.length === 0 ? (
              <p className="text-sm text-slate-600">{t('quotes.none')}</p>
            ) : (
              <table className="w-full text-left text-sm">
                <thead>
                  <tr className="border-b border-slate-200 text-slate-600">
                    <th className="py-2 font-medium">{t('quotes.number')}</th>
                    <th className="py-2 font-medium">{t('quotes.status')}</th>
                    <th className="py-2 font-medium">{t('quotes.version')}</th>
                    <th className="py-2 text-right font-medium">{t('quotes.net')}</th>
                    <th className="py-2 text-right font-medium">{t('quotes.gross')}</th>
                    <th className="py-2 font-medium">{t('quotes.validUntil')}</th>
                  </tr>
                </thead>
                <tbody>
                  {quotes.map((q) => (
                    <tr key={q.id} className="border-b border-slate-100">
                      <td className="py-2">
                        <Link to={`/quotes/${q.id}`} className={linkClass}>
                          {q.number}
                        </Link>
                      </td>
                      <td className="py-2">{t(`quotes.status.${q.status}`)}</td>
                      <td className="py-2">{q.version}</td>
                      <td className="py-2 text-right tabular-nums">{q.net}</td>
                      <td className="py-2 text-right tabular-nums">{q.gross}</td>
                      <td className="py-2">{formatDate(q.validUntil, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
        {mayEdit && deal.stage !== 'won' && deal.stage !== 'lost' ? (
          <Card title={t('quotes.new')}>
            <Form method="post" className="space-y-3">
              <SelectField
                name="contactId"
                label={t('quotes.contact')}
                options={[{ value: '', label: '—' }, ...contacts]}
              />
              <TextField name="validUntil" label={t('quotes.validUntil')} hint="YYYY-MM-DD" />
              <button type="submit" className={buttonClass}>
                {t('quotes.create')}
              </button>
            </Form>
          </Card>
        ) : null}
        {mayEdit && deal.stage !== 'won' && deal.stage !== 'lost' ? (
          <Card title={t('automation.closeDeal')}>
            <p className="mb-2 text-sm text-slate-600">{t('automation.closeDealHint')}</p>
            <Form method="post" className="mb-3">
              <input type="hidden" name="intent" value="close" />
              <input type="hidden" name="outcome" value="won" />
              <button type="submit" className={buttonClass}>
                {t('automation.won')}
              </button>
            </Form>
            <Form method="post" className="space-y-2">
              <input type="hidden" name="intent" value="close" />
              <input type="hidden" name="outcome" value="lost" />
              <SelectField
                name="lossReason"
                label={t('automation.lossReason')}
                required
                errors={failure && !failure.ok ? failure.fieldErrors : undefined}
                options={[{ value: '', label: '—' }, ...lossReasons]}
              />
              <button type="submit" className={buttonClass}>
                {t('automation.lost')}
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
