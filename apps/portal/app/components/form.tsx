import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { inputClass } from './ui.tsx';

interface FieldProps {
  name: string;
  label: string;
  errors?: Record<string, string> | undefined;
  defaultValue?: string | null | undefined;
  required?: boolean;
  hint?: string;
  className?: string;
}

function describedBy(name: string, error: string | undefined, hint: string | undefined) {
  const ids = [error ? `${name}-error` : null, hint ? `${name}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldShell({
  name,
  label,
  error,
  hint,
  required,
  className,
  children,
}: {
  name: string;
  label: string;
  error: string | undefined;
  hint: string | undefined;
  required: boolean | undefined;
  className: string | undefined;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className={className}>
      <label htmlFor={name} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
        {required ? (
          <span className="text-rose-700" title={t('common.required')}>
            {' '}
            *<span className="sr-only"> ({t('common.required')})</span>
          </span>
        ) : null}
      </label>
      {children}
      {hint ? (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  type = 'text',
  autoComplete,
  ...props
}: FieldProps & { type?: string; autoComplete?: string }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell
      {...props}
      error={error}
      hint={props.hint}
      required={props.required}
      className={props.className}
    >
      <input
        id={props.name}
        name={props.name}
        type={type}
        defaultValue={props.defaultValue ?? ''}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.name, error, props.hint)}
        aria-required={props.required ? true : undefined}
        className={inputClass}
      />
    </FieldShell>
  );
}

export function TextAreaField(props: FieldProps & { rows?: number }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell
      {...props}
      error={error}
      hint={props.hint}
      required={props.required}
      className={props.className}
    >
      <textarea
        id={props.name}
        name={props.name}
        rows={props.rows ?? 4}
        defaultValue={props.defaultValue ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.name, error, props.hint)}
        className={inputClass}
      />
    </FieldShell>
  );
}

export function SelectField(props: FieldProps & { options: { value: string; label: string }[] }) {
  const error = props.errors?.[props.name];
  return (
    <FieldShell
      {...props}
      error={error}
      hint={props.hint}
      required={props.required}
      className={props.className}
    >
      <select
        id={props.name}
        name={props.name}
        defaultValue={props.defaultValue ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.name, error, props.hint)}
        className={inputClass}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** The form-level message (summary of field errors, a conflict, a lockout). */
export function FormError({
  message,
  fieldErrors,
}: {
  message?: string | null;
  fieldErrors?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const hasFields = fieldErrors && Object.keys(fieldErrors).length > 0;
  if (!message && !hasFields) return null;
  return (
    <div role="alert" className="mb-4 rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
      {message ?? t('form.errorSummary')}
    </div>
  );
}
