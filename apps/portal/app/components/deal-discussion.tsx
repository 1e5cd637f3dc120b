import type { SerializeFrom } from '@remix-run/node';
import { Link, useFetcher, useRevalidator } from '@remix-run/react';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { action, loader } from '../routes/_app.opportunities.$id.comments.tsx';
import { formatDateTime } from '../utils/format.ts';
import { subscriptionUrl, useSubscription } from '../utils/live.ts';
import { buttonClass, Card, dangerButtonClass, inputClass, linkClass, secondaryButtonClass } from './ui.tsx';

type Data = SerializeFrom<typeof loader>;
type Comment = Data['comments'][number];
type Person = { id: string; name: string };

function ActionError({ result }: { result: SerializeFrom<typeof action> | undefined }) {
  if (!result || result.ok) return null;
  const messages = [result.formError, ...Object.values(result.fieldErrors)].filter(Boolean);
  return (
    <p role="alert" className="mt-2 text-sm text-rose-700">
      {[...new Set(messages)].join(' ')}
    </p>
  );
}

function MentionPicker({ people, selected, name }: { people: Person[]; selected?: string[]; name: string }) {
  const { t } = useTranslation();
  if (people.length === 0) return null;
  return (
    <fieldset className="mt-2">
      <legend className="text-sm font-medium text-slate-700">{t('discussion.mention')}</legend>
      <div className="mt-1 flex max-h-32 flex-wrap gap-x-4 gap-y-1 overflow-y-auto text-sm">
        {people.map((p) => (
          <label key={p.id} className="flex items-center gap-1">
            <input type="checkbox" name={name} value={p.id} defaultChecked={selected?.includes(p.id)} />@
            {p.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CommentItem({
  comment,
  actionUrl,
  people,
}: {
  comment: Comment;
  actionUrl: string;
  people: Person[];
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  const edit = useFetcher<typeof action>();
  const remove = useFetcher<typeof action>();
  const bodyId = useId();
  return (
    <li className="py-3" data-testid="comment">
      <div className="flex flex-wrap items-baseline gap-2 text-sm">
        <span className="font-medium text-slate-900">{comment.author.name}</span>
        <span
          className={`rounded-full px-2 py-0.5 text-xs ${
            comment.visibility === 'internal'
              ? 'bg-amber-100 text-amber-900'
              : 'bg-emerald-100 text-emerald-900'
          }`}
        >
          {t(`discussion.badge.${comment.visibility}`)}
        </span>
        <span className="text-xs text-slate-500">
          {formatDateTime(comment.createdAt, locale)}
          {comment.editedAt ? ` · ${t('discussion.edited')}` : null}
        </span>
      </div>
      {comment.deleted ? (
        <p className="text-sm italic text-slate-500">{t('discussion.deleted')}</p>
      ) : (
        <>
          <p className="whitespace-pre-wrap text-slate-800">{comment.body}</p>
          {comment.mentions.length > 0 ? (
            <p className="text-xs text-slate-600">{comment.mentions.map((m) => `@${m.name}`).join(' ')}</p>
          ) : null}
        </>
      )}
      {comment.mine && !comment.deleted ? (
        <div className="mt-1 flex flex-wrap items-start gap-3">
          <details className="text-sm">
            <summary className={`${linkClass} cursor-pointer`}>{t('discussion.edit')}</summary>
            <edit.Form method="post" action={actionUrl} className="mt-2">
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="id" value={comment.id} />
              <label htmlFor={bodyId} className="sr-only">
                {t('discussion.body')}
              </label>
              <textarea
                id={bodyId}
                name="body"
                rows={3}
                defaultValue={comment.body ?? ''}
                className={inputClass}
              />
              <MentionPicker people={people} selected={comment.mentions.map((m) => m.id)} name="mentions" />
              <button type="submit" className={`${secondaryButtonClass} mt-2`}>
                {t('common.save')}
              </button>
              <ActionError result={edit.data} />
            </edit.Form>
          </details>
          <remove.Form method="post" action={actionUrl}>
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="id" value={comment.id} />
            <button type="submit" className={`${dangerButtonClass} px-2 py-1 text-xs`}>
              {t('discussion.delete')}
            </button>
          </remove.Form>
        </div>
      ) : null}
    </li>
  );
}

/**
 * The discussion of a deal: the thread (internal comments marked, partners see only shared
 * ones), a form to post with @mentions of people who can read the comment, edit/delete of
 * one's own comments. Live: a change by anyone reloads the thread. Given `initial`, it renders
 * that (the no-JS page); otherwise it loads itself.
 */
export function DealDiscussion({ opportunityId, initial }: { opportunityId: string; initial?: Data }) {
  const { t } = useTranslation();
  const actionUrl = `/opportunities/${opportunityId}/comments`;
  const loaderFetcher = useFetcher<typeof loader>();
  const post = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const data = initial ?? loaderFetcher.data;
  const [visibility, setVisibility] = useState<'internal' | 'shared'>('internal');
  const [formKey, setFormKey] = useState(0);
  const bodyId = useId();

  useEffect(() => {
    if (!initial && loaderFetcher.state === 'idle' && !loaderFetcher.data) loaderFetcher.load(actionUrl);
  }, [initial, loaderFetcher, actionUrl]);
  useEffect(() => {
    if (data && !data.internal) setVisibility('shared');
  }, [data]);
  // Clear the form after a successful post.
  useEffect(() => {
    if (post.state === 'idle' && post.data?.ok) setFormKey((k) => k + 1);
  }, [post.state, post.data]);

  const reload = () => {
    if (initial) {
      if (revalidator.state === 'idle') revalidator.revalidate();
    } else if (loaderFetcher.state === 'idle') loaderFetcher.load(actionUrl);
  };
  useSubscription(subscriptionUrl('comment.live', { opportunityId }), reload, reload);

  if (!data) {
    return (
      <Card title={t('discussion.title')}>
        <p className="text-sm text-slate-600">
          <Link to={actionUrl} className={linkClass}>
            {t('discussion.open')}
          </Link>
        </p>
      </Card>
    );
  }
  const people = visibility === 'internal' ? data.mentionable.internal : data.mentionable.shared;
  return (
    <Card title={t('discussion.title')}>
      {data.comments.length === 0 ? (
        <p className="text-sm text-slate-600">{t('discussion.empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="comments">
          {data.comments.map((c) => (
            <CommentItem
              key={`${c.id}:${c.editedAt ?? ''}:${c.deleted}`}
              comment={c}
              actionUrl={actionUrl}
              people={c.visibility === 'internal' ? data.mentionable.internal : data.mentionable.shared}
            />
          ))}
        </ul>
      )}
      <post.Form
        key={formKey}
        method="post"
        action={actionUrl}
        className="mt-4 border-t border-slate-200 pt-3"
      >
        <input type="hidden" name="intent" value="create" />
        <label htmlFor={bodyId} className="text-sm font-medium text-slate-700">
          {t('discussion.body')}
        </label>
        <textarea
          id={bodyId}
          name="body"
          rows={3}
          required
          maxLength={10000}
          className={inputClass}
          data-testid="new-comment"
        />
        {data.internal ? (
          <fieldset className="mt-2 flex flex-wrap gap-4 text-sm">
            <legend className="sr-only">{t('discussion.visibility')}</legend>
            <span className="font-medium text-slate-700">{t('discussion.visibility')}:</span>
            {(['internal', 'shared'] as const).map((v) => (
              <label key={v} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="visibility"
                  value={v}
                  checked={visibility === v}
                  onChange={() => setVisibility(v)}
                />
                {t(`discussion.${v}`)}
              </label>
            ))}
          </fieldset>
        ) : (
          <input type="hidden" name="visibility" value="shared" />
        )}
        <MentionPicker key={visibility} people={people} name="mentions" />
        <button type="submit" className={`${buttonClass} mt-2`} disabled={post.state !== 'idle'}>
          {t('discussion.post')}
        </button>
        <ActionError result={post.data} />
      </post.Form>
    </Card>
  );
}
