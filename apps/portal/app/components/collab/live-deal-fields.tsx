/**
 * Live co-editing of a deal's fields (Yjs, `opportunity:<id>`). Rendered only after hydration
 * (the page shows the server's values without JavaScript and keeps its edit form); the values
 * the loader read are shown until the document is synced.
 */
import {
  type ChangeEvent,
  type FocusEvent,
  type KeyboardEvent,
  type SyntheticEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n.ts';
import {
  colorFor,
  commitsWhileTyping,
  displayValue,
  formatMoneyDisplay,
  type LiveField,
  type LiveValues,
  liveFields,
  parseInput,
} from '../../utils/collab-fields.ts';
import { inputClass } from '../ui.tsx';
import { ConnectionIndicator, PresenceAvatars } from './presence.tsx';
import { type LiveFieldError, type Peer, useDealDoc } from './use-deal-doc.ts';

const debounceMs = 300;
const errorVisibleMs = 10_000;

const labelKeys: Record<LiveField, string> = {
  name: 'opportunity.name',
  amountMinor: 'opportunity.amount',
  expectedCloseDate: 'opportunity.expectedCloseDate',
  probability: 'opportunity.probability',
  description: 'opportunity.description',
};

export interface LiveDealFieldsProps {
  opportunityId: string;
  initial: LiveValues;
  currency: string;
  /** Which fields this user may change (all false: read-only, presence still shown). */
  editable: Record<LiveField, boolean>;
}

export function LiveDealFields({ opportunityId, initial, currency, editable }: LiveDealFieldsProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = i18n.language === 'en' ? 'en' : 'de';
  const live = useDealDoc(opportunityId, initial);
  const { setField, setFocus, dismissError } = live;
  const [drafts, setDrafts] = useState<Partial<Record<LiveField, string>>>({});
  const draftsRef = useRef(drafts);
  draftsRef.current = drafts;
  const [localErrors, setLocalErrors] = useState<Partial<Record<LiveField, string>>>({});
  const timers = useRef(new Map<LiveField, ReturnType<typeof setTimeout>>());
  const readOnly = liveFields.every((f) => !editable[f]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);

  // A reverted edit's message disappears after a while (and on the next edit of that field).
  useEffect(() => {
    const shown = Object.keys(live.errors) as LiveField[];
    if (shown.length === 0) return;
    const timer = setTimeout(() => shown.forEach(dismissError), errorVisibleMs);
    return () => clearTimeout(timer);
  }, [live.errors, dismissError]);

  const commit = useCallback(
    (field: LiveField) => {
      const pending = timers.current.get(field);
      if (pending) clearTimeout(pending);
      timers.current.delete(field);
      const text = draftsRef.current[field];
      if (text === undefined) return;
      const parsed = parseInput(field, text, currency, locale);
      if (!parsed.ok) {
        setLocalErrors((prev) => ({ ...prev, [field]: t(`collab.invalid.${field}`) }));
        return;
      }
      setLocalErrors((prev) => ({ ...prev, [field]: undefined }));
      dismissError(field);
      setField(field, parsed.value);
      setDrafts((prev) => {
        if (prev[field] !== text) return prev;
        const next = { ...prev };
        delete next[field];
        return next;
      });
    },
    [currency, locale, setField, dismissError, t],
  );

  const onChange = (field: LiveField, text: string) => {
    setDrafts((prev) => ({ ...prev, [field]: text }));
    draftsRef.current = { ...draftsRef.current, [field]: text };
    if (commitsWhileTyping[field]) {
      const pending = timers.current.get(field);
      if (pending) clearTimeout(pending);
      timers.current.set(
        field,
        setTimeout(() => commit(field), debounceMs),
      );
    }
  };

  const remoteLabels = live.remoteChange?.fields.map((f) => t(labelKeys[f])).join(', ');

  return (
    <section
      aria-labelledby="live-title"
      data-live-status={live.status}
      data-synced={live.synced ? 'true' : 'false'}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="live-title" className="text-lg font-semibold text-slate-900">
            {t('collab.title')}
          </h2>
          <ConnectionIndicator status={live.status} />
        </div>
        <PresenceAvatars peers={live.peers} />
      </div>
      {readOnly ? <p className="mb-3 text-sm text-slate-600">{t('collab.readOnly')}</p> : null}
      <p aria-live="polite" className="sr-only">
        {remoteLabels ? t('collab.remoteChange', { fields: remoteLabels }) : ''}
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        {liveFields.map((field) => (
          <LiveInput
            key={field}
            field={field}
            label={t(labelKeys[field])}
            suffix={field === 'amountMinor' ? currency : field === 'probability' ? '%' : undefined}
            hint={
              field === 'amountMinor'
                ? formatMoneyDisplay(live.values.amountMinor, currency, locale)
                : undefined
            }
            value={drafts[field] ?? displayValue(field, live.values, currency, locale)}
            disabled={!editable[field] || !live.synced}
            peers={live.peers.filter((p) => p.field === field)}
            localError={localErrors[field]}
            serverError={live.errors[field]}
            onChange={(text) => onChange(field, text)}
            onCommit={() => commit(field)}
            onFocus={() => setFocus(field)}
            onBlur={() => {
              commit(field);
              setFocus(null);
            }}
          />
        ))}
      </div>
    </section>
  );
}

interface LiveInputProps {
  field: LiveField;
  label: string;
  suffix: string | undefined;
  /** Shown under the input (the stored amount with its currency). */
  hint: string | undefined;
  value: string;
  disabled: boolean;
  peers: Peer[];
  localError: string | undefined;
  serverError: LiveFieldError | undefined;
  onChange(text: string): void;
  onCommit(): void;
  onFocus(): void;
  onBlur(): void;
}

function LiveInput(props: LiveInputProps) {
  const { t } = useTranslation();
  const { field, value } = props;
  const id = `live-${field}`;
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const selection = useRef<[number, number] | null>(null);
  const typed = useRef<string | null>(null);

  // A remote change replaces the text under the cursor: keep the caret where it was.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || el !== document.activeElement || typed.current === value || !selection.current) return;
    if (el.type !== 'text' && el.tagName !== 'TEXTAREA') return;
    const [start, end] = selection.current;
    el.setSelectionRange(Math.min(start, value.length), Math.min(end, value.length));
  }, [value]);

  const rememberSelection = (e: SyntheticEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    if (el.selectionStart !== null && el.selectionEnd !== null) {
      selection.current = [el.selectionStart, el.selectionEnd];
    }
  };
  const change = (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    typed.current = e.currentTarget.value;
    rememberSelection(e);
    props.onChange(e.currentTarget.value);
  };
  const keyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      props.onCommit();
    }
  };
  const focus = (_e: FocusEvent) => props.onFocus();
  const blur = (_e: FocusEvent) => {
    typed.current = null;
    props.onBlur();
  };

  const error = props.serverError
    ? t('collab.reverted', {
        reason: t(props.serverError.reason, { defaultValue: props.serverError.message }),
      })
    : props.localError;
  const editor = props.peers[0];
  const color = editor ? colorFor(editor.principal.userId) : null;
  const editorsText = props.peers.length
    ? t('collab.editing', { names: [...new Set(props.peers.map((p) => p.principal.name))].join(', ') })
    : null;
  const describedBy = [
    error ? `${id}-error` : null,
    props.hint ? `${id}-hint` : null,
    editorsText ? `${id}-editing` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field,
    value,
    disabled: props.disabled,
    onChange: change,
    onSelect: rememberSelection,
    onFocus: focus,
    onBlur: blur,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    className: `${inputClass} disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-700`,
  } as const;

  return (
    <div className={field === 'description' || field === 'name' ? 'sm:col-span-2' : undefined}>
      <div className="mb-1 flex items-center justify-between gap-2">
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          {props.label}
        </label>
        {editorsText && color ? (
          <span
            id={`${id}-editing`}
            data-editing={field}
            className={`rounded-full px-2 py-0.5 text-xs font-medium text-white ${color.bg}`}
          >
            {editorsText}
          </span>
        ) : null}
      </div>
      <div
        className={`flex items-center gap-2 rounded-md ${color ? `ring-2 ring-offset-1 ${color.ring}` : ''}`}
        data-editing-ring={color ? field : undefined}
      >
        {field === 'description' ? (
          <textarea ref={ref} rows={4} {...common} />
        ) : (
          <input
            ref={ref}
            type={field === 'expectedCloseDate' ? 'date' : 'text'}
            inputMode={field === 'amountMinor' ? 'decimal' : field === 'probability' ? 'numeric' : undefined}
            autoComplete="off"
            onKeyDown={keyDown}
            {...common}
          />
        )}
        {props.suffix ? (
          <span aria-hidden="true" className="pr-1 text-sm text-slate-600">
            {props.suffix}
          </span>
        ) : null}
      </div>
      {props.hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
