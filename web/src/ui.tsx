// Shared pieces of every page: client-side links, labelled fields with their errors, and the
// error summary that takes focus when a form is refused.
import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import type { FieldError } from './api';
import { navigate, setLeaveGuard } from './router';

export function Link({ to, children, current }: { to: string; children: ReactNode; current?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  type?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  required?: boolean;
}

export function Field({ id, label, value, onChange, error, hint, type = 'text', autoComplete, inputMode, required }: FieldProps) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        name={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={autoComplete}
        inputMode={inputMode}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {error && (
        <p id={`${id}-error`} className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Shown above a refused form; takes focus so screen readers announce it. */
export function ErrorSummary({ title, message, errors, fieldIds }: {
  title: string;
  message?: string;
  errors?: FieldError[];
  fieldIds?: Record<string, string>;
}) {
  const box = useRef<HTMLDivElement>(null);
  // Focus when the problems change, not on every render of the page around it (a page that maps
  // its errors afresh each render would otherwise pull the focus out of the input being typed in).
  const content = JSON.stringify([title, message, errors]);
  useEffect(() => {
    box.current?.focus();
  }, [content]);
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      {message && <p>{message}</p>}
      {errors && errors.length > 0 && (
        <ul>
          {errors.map((e) => (
            <li key={e.field + e.message}>
              {fieldIds?.[e.field] ? <a href={`#${fieldIds[e.field]}`}>{e.message}</a> : e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A polite announcement of a result (saved, sent, revoked). */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status" aria-live="polite">
      {children}
    </p>
  );
}

export function fieldError(errors: FieldError[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}

// ---- editing lists in admin forms ----

/** Up, down and remove for item `i` of `n`; `what` names the item for screen readers. */
export function ItemTools({ labels, what, i, n, move, remove }: {
  labels: { up: string; down: string; remove: string };
  what: string;
  i: number;
  n: number;
  move: (from: number, to: number) => void;
  remove: (i: number) => void;
}) {
  return (
    <div className="item-tools">
      <button type="button" className="secondary small" disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={`${labels.up}: ${what}`}>↑ {labels.up}</button>
      <button type="button" className="secondary small" disabled={i === n - 1} onClick={() => move(i, i + 1)} aria-label={`${labels.down}: ${what}`}>↓ {labels.down}</button>
      <button type="button" className="secondary small" onClick={() => remove(i)} aria-label={`${labels.remove}: ${what}`}>{labels.remove}</button>
    </div>
  );
}

/** `list` with the item at `from` moved to `to`. */
export function moved<T>(list: T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/** While `dirty`, leaving the page (in the app or in the browser) asks `question` first. */
export function useLeaveGuard(dirty: boolean, question: string): void {
  useEffect(() => {
    if (!dirty) return undefined;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    setLeaveGuard(() => window.confirm(question));
    return () => {
      window.removeEventListener('beforeunload', onUnload);
      setLeaveGuard(null);
    };
  }, [dirty, question]);
}

// ---- labelled inputs of the admin editors, with their server error beside them ----

/** A text input (or textarea) with its label, hint and error; `id` also names the error line. */
export function TextField({ id, error, label, value, onChange, type = 'text', hint, required, inputMode, multiline, readOnly, mono, list, narrow }: {
  id: string; error?: string; label: string; value: string; onChange: (v: string) => void; type?: string; hint?: string;
  required?: boolean; inputMode?: 'numeric' | 'decimal' | 'text'; multiline?: boolean; readOnly?: boolean; mono?: boolean; list?: string; narrow?: boolean;
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: id, value, required, readOnly, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, className: mono ? 'mono' : undefined };
  return (
    <div className={narrow ? 'field narrow' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      {multiline ? <textarea rows={3} {...common} onChange={(e) => onChange(e.target.value)} />
        : <input type={type} inputMode={inputMode} list={list} spellCheck={mono ? false : undefined} {...common} onChange={(e) => onChange(e.target.value)} />}
      {error && <p id={`${id}-error`} className="error">{error}</p>}
    </div>
  );
}

/** A select with its label and error; a value not among `options` is kept as its own choice. */
export function SelectField({ id, error, label, value, onChange, options }: {
  id: string; error?: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][];
}) {
  const all = options.some(([v]) => v === value) ? options : [...options, [value, value] as [string, string]];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}>
        {all.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
      {error && <p id={`${id}-error`} className="error">{error}</p>}
    </div>
  );
}
