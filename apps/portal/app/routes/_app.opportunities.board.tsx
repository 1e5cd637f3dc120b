import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useFetcher, useLoaderData } from '@remix-run/react';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { FormError } from '../components/form.tsx';
import { LossReasonSelect, StageMoveForm } from '../components/stage-form.tsx';
import { ButtonLink, buttonClass, linkClass, PageHeader, secondaryButtonClass } from '../components/ui.tsx';
import { formatMoney, opportunityBoard } from '../utils/api.server.ts';
import { formValues, orResponse } from '../utils/errors.server.ts';
import { formatDate } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';
import { changeStageFromForm, lossReasonOptions } from '../utils/stage-action.server.ts';
import { type Stage, stageColors } from '../utils/stages.ts';

export const meta: MetaFunction = () => [{ title: 'Konsort – Kanban' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const mine = new URL(request.url).searchParams.get('mine') === '1';
  const columns = await orResponse(context.locale, () =>
    opportunityBoard(context.db, user, { mine, perStage: 50 }),
  );
  const money = (totals: { currency: string; amountMinor: number }[]) =>
    totals.length === 0
      ? formatMoney(0, 'EUR', context.locale)
      : totals.map((x) => formatMoney(x.amountMinor, x.currency, context.locale)).join(' + ');
  return {
    mine,
    internal: user.kind === 'internal',
    lossReasons: user.kind === 'internal' ? await lossReasonOptions(context) : [],
    columns: columns.map((c) => ({
      stage: c.stage,
      count: c.count,
      sum: money(c.totals),
      cards: c.cards.map((card) => ({
        id: card.id,
        name: card.name,
        stage: card.stage,
        accountName: card.accountName,
        ownerName: card.ownerName,
        expectedCloseDate: card.expectedCloseDate,
        amount: formatMoney(card.amountMinor, card.currency, context.locale),
      })),
    })),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const values = formValues(await request.formData());
  if (values.intent !== 'changeStage') return null;
  const { failure } = await changeStageFromForm(context, user, values);
  // Post/redirect/get: a reload does not post the move again.
  return failure ?? redirect(`/opportunities/board${values.mine === '1' ? '?mine=1' : ''}`);
}

export default function Board() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const { columns, mine, internal, lossReasons } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const fetcher = useFetcher<typeof action>();
  const lossFetcher = useFetcher<typeof action>();
  const [dropTarget, setDropTarget] = useState<Stage | null>(null);
  // A drop on "lost" asks for the reason first; the move is posted from that dialog.
  const [pendingLoss, setPendingLoss] = useState<{ id: string; name: string } | null>(null);
  const lossSent = useRef(false);
  const fetcherFailure = fetcher.data && 'formError' in fetcher.data ? fetcher.data : null;
  const lossFailure = lossFetcher.data && 'formError' in lossFetcher.data ? lossFetcher.data : null;
  useEffect(() => {
    if (!lossSent.current || lossFetcher.state !== 'idle') return;
    lossSent.current = false;
    if (!lossFailure) setPendingLoss(null);
  }, [lossFetcher.state, lossFailure]);
  // Without JavaScript the card's own form posts the move; a loss without a reason comes back
  // here and that card asks for it.
  const failedMove = (id: string) =>
    failure && failure.values.id === id && failure.fieldErrors.lostReason
      ? {
          stage: failure.values.stage ?? 'lost',
          lostReason: failure.values.lostReason ?? '',
          error: failure.fieldErrors.lostReason,
        }
      : null;

  // Drag and drop is a shortcut for the card's own form; without JavaScript the form does it.
  const onDrop = (stage: Stage) => (event: DragEvent) => {
    event.preventDefault();
    setDropTarget(null);
    const id = event.dataTransfer.getData('text/x-konsort-deal');
    const from = event.dataTransfer.getData('text/x-konsort-stage');
    if (!id || from === stage) return;
    if (stage === 'lost') {
      const card = columns.flatMap((c) => c.cards).find((c) => c.id === id);
      setPendingLoss({ id, name: card?.name ?? '' });
      return;
    }
    fetcher.submit({ intent: 'changeStage', id, stage }, { method: 'post' });
  };

  return (
    <>
      <PageHeader
        title={t('deals.boardTitle')}
        actions={
          <>
            <ButtonLink to="/opportunities" secondary>
              {t('nav.table')}
            </ButtonLink>
            {internal ? <ButtonLink to="/opportunities/new">{t('deals.new')}</ButtonLink> : null}
          </>
        }
      />
      {internal ? (
        <Form method="get" className="mb-4 flex items-center gap-2 text-sm">
          <label className="inline-flex items-center gap-1">
            <input type="checkbox" name="mine" value="1" defaultChecked={mine} />
            {t('deals.mine')}
          </label>
          <button
            type="submit"
            className="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50"
          >
            {t('common.filter')}
          </button>
        </Form>
      ) : null}
      <FormError message={failure?.formError ?? fetcherFailure?.formError} />
      <div className="flex gap-3 overflow-x-auto pb-4">
        {columns.map((column) => (
          <section
            key={column.stage}
            aria-labelledby={`column-${column.stage}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDropTarget(column.stage);
            }}
            onDragLeave={() => setDropTarget(null)}
            onDrop={onDrop(column.stage)}
            data-stage={column.stage}
            className={`flex w-72 shrink-0 flex-col rounded-lg border bg-slate-100 ${
              dropTarget === column.stage ? 'border-blue-500 ring-2 ring-blue-300' : 'border-slate-200'
            }`}
          >
            <header className={`rounded-t-lg px-3 py-2 ${stageColors[column.stage]}`}>
              <h2 id={`column-${column.stage}`} className="font-semibold">
                {t(`stage.${column.stage}`)}
              </h2>
              <p className="text-xs">
                {t('deals.cards', { count: column.count })} ·{' '}
                <span className="tabular-nums">{column.sum}</span>
              </p>
            </header>
            <ul className="flex flex-col gap-2 p-2">
              {column.cards.map((card) => (
                <li
                  key={card.id}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData('text/x-konsort-deal', card.id);
                    e.dataTransfer.setData('text/x-konsort-stage', card.stage);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  data-deal={card.id}
                  className="rounded-md border border-slate-200 bg-white p-2 text-sm shadow-sm"
                >
                  <Link to={`/opportunities/${card.id}`} className={`${linkClass} font-medium`}>
                    {card.name}
                  </Link>
                  <p className="text-slate-600">{card.accountName}</p>
                  <p className="flex justify-between text-xs text-slate-600">
                    <span className="tabular-nums font-medium text-slate-900">{card.amount}</span>
                    <span>{formatDate(card.expectedCloseDate, locale)}</span>
                  </p>
                  <StageMoveForm
                    id={card.id}
                    name={card.name}
                    stage={card.stage}
                    reasons={lossReasons}
                    failed={failedMove(card.id)}
                  />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      {pendingLoss ? (
        <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
          <div
            role="dialog"
            aria-modal="true"
            aria-labelledby="loss-dialog-title"
            className="w-full max-w-md rounded-lg bg-white p-4 shadow-xl"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setPendingLoss(null);
            }}
          >
            <h2 id="loss-dialog-title" className="mb-1 text-lg font-semibold">
              {t('deals.lossDialogTitle')}
            </h2>
            <p className="mb-3 text-sm text-slate-600">
              {t('deals.lossDialogText', { name: pendingLoss.name })}
            </p>
            <lossFetcher.Form
              method="post"
              className="space-y-3"
              onSubmit={() => {
                lossSent.current = true;
              }}
            >
              <input type="hidden" name="intent" value="changeStage" />
              <input type="hidden" name="id" value={pendingLoss.id} />
              <input type="hidden" name="stage" value="lost" />
              {lossFailure?.formError && !lossFailure.fieldErrors.lostReason ? (
                <p role="alert" className="text-sm text-rose-700">
                  {lossFailure.formError}
                </p>
              ) : null}
              <LossReasonSelect
                id="loss-dialog-reason"
                reasons={lossReasons}
                error={lossFailure?.fieldErrors.lostReason}
                required
              />
              <div className="flex justify-end gap-2">
                <button type="button" className={secondaryButtonClass} onClick={() => setPendingLoss(null)}>
                  {t('common.cancel')}
                </button>
                <button type="submit" className={buttonClass} disabled={lossFetcher.state !== 'idle'}>
                  {t('deals.closeLost')}
                </button>
              </div>
            </lossFetcher.Form>
          </div>
        </div>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
