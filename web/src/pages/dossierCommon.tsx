// What the dossier pages share: the API's shapes, dates as Vietnam shows them, the e-form
// rendered from a case's JSON Schema, and the attachment picker that uploads as files are chosen.
import { useState, type ReactNode } from 'react';
import { upload, type FieldError, type Uploaded } from '../api';
import type { Lang, Messages } from '../i18n';

export interface Fee {
  code: string;
  amount: number;
  kind: string;
  description: string;
}
export interface DocumentRule {
  code: string;
  name: string;
  originals: number;
  copies: number;
  form_name: string;
  form_url: string;
  required: boolean;
  in_person_allowed: boolean;
  allowed_types: string[];
  max_bytes: number;
}
export interface Schema {
  type?: string;
  title?: string;
  title_en?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  enum_titles?: string[];
  enum_titles_en?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
}
export interface CaseTemplate {
  code: string;
  name: string;
  steps: string[];
  form: Schema | null;
  documents: DocumentRule[];
  prefill: Record<string, unknown>;
}
export interface Template {
  procedure_code: string;
  procedure_name: string;
  service_class: string;
  cases: CaseTemplate[];
  channels: { channel: string; duration: number; unit: string; fees: Fee[] }[];
  agencies: { id: string; code: string; name: string }[];
  prefill: Record<string, unknown>;
  payment_at_submission?: boolean;
}
export interface FileRef {
  id: string;
  name: string;
  size: number;
  content_type: string;
}
export interface HistoryEntry {
  at: string;
  action: string;
  action_label: string;
  status: number;
  status_label: string;
  stage: string;
  /** The stage's name; a review step's as its procedure named it then. */
  stage_label?: string;
  /** approve / return_for_rework: the review step acted at. */
  step_name?: string;
  /** What the action recorded (officers and the owner only). */
  data?: Record<string, unknown>;
  agency: string;
  note: string;
  actor: { name: string; role: string; role_label: string };
}
export interface Dossier {
  code: string;
  procedure_code: string;
  procedure_name: string;
  case_code: string;
  case_name: string;
  channel: string;
  status: number;
  status_label: string;
  stage: string;
  stage_label?: string;
  /** The review step of the procedure's process the dossier is at (status 4), and who acts at it. */
  step?: { key: string; name: string; role: string; role_label: string; current: boolean } | null;
  agency: { id: string; code: string; name: string };
  handling_agency: { id: string; code: string; name: string };
  submitted_at: string;
  received_at: string | null;
  due_at: string | null;
  finished_at: string | null;
  returned_at: string | null;
  at_risk: boolean;
  overdue: boolean;
  summary: string;
  bundle_id?: string | null;
  /** Set on the national portal for a dossier held by another member (province, ministry). */
  source?: 'national';
  member?: { code: string; name: string };
  applicant?: Record<string, string> | null;
  representative?: Record<string, string> | null;
  form?: Record<string, unknown> | null;
  documents?: { code: string; name: string; attachments: FileRef[] }[] | null;
  fees?: Fee[] | null;
  results?: { name: string; number: string; issued_at: string; issued_by: string; attachments: FileRef[] }[] | null;
  supplement?: { requested_at: string; reason: string; documents: string[]; resubmitted_at: string | null } | null;
  apology?: { at: string; reason: string; old_due_at: string | null; new_due_at: string } | null;
  payment?: { amount: number; reason: string; requested_at: string; paid_at: string | null } | null;
  assignee?: { id: string; name: string } | null;
  history?: HistoryEntry[];
  allowed_actions?: { action: string; label: string }[];
  rating?: { overall: number; criteria: Record<string, number>; comment: string; created_at: string } | null;
  can_rate?: boolean;
}

// motcua's static-file fallback answers 404 for a client route whose last segment has a dot, and
// dossier and procedure codes have dots (000.00.02.H99-…, 2.913001). Until it serves those, links
// carry the code in the query so that a reload or a bookmark still opens the page.
export function dossierHref(code: string): string {
  return `/ho-so?ma=${encodeURIComponent(code)}`;
}
export function submitHref(procedure: string, draft?: string): string {
  return `/nop-ho-so?thu-tuc=${encodeURIComponent(procedure)}${draft ? `&ban-nhap=${encodeURIComponent(draft)}` : ''}`;
}
export function bundleSubmitHref(bundle: string, draft?: string): string {
  return `/nop-ho-so-lien-thong?nhom=${encodeURIComponent(bundle)}${draft ? `&ban-nhap=${encodeURIComponent(draft)}` : ''}`;
}
export function bundleHref(id: string): string {
  return `/ho-so-lien-thong?id=${encodeURIComponent(id)}`;
}
export function trackHref(code: string): string {
  return `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}`;
}
export function printHref(code: string, form: string): string {
  return `/ho-so/${encodeURIComponent(code)}/in/${form}`;
}

/** The PDF of an official form (`mau01` → `/api/v1/dossiers/{code}/forms/mau-01?format=pdf`). */
export function formPdfHref(code: string, form: string): string {
  const name = /^mau\d\d$/.test(form) ? `mau-${form.slice(3)}` : form;
  return `/api/v1/dossiers/${encodeURIComponent(code)}/forms/${encodeURIComponent(name)}?format=pdf`;
}

export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** "2026-05-04T09:30:00+07:00" → "04/05/2026 09:30": the instant as Vietnam's clock shows it. */
export function when(s: string | null | undefined): string {
  if (!s) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(s);
  if (!m) return s;
  return m[4] ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : `${m[3]}/${m[2]}/${m[1]}`;
}

export function money(n: number, lang: Lang): string {
  return `${n.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN')} ${lang === 'en' ? 'VND' : 'đồng'}`;
}

export function bytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** An element id for a JSON pointer (`/form/ho_ten` → `p-form-ho_ten`). */
export function idFor(pointer: string): string {
  return 'p' + pointer.replace(/[^A-Za-z0-9_]/g, '-');
}

export function titleOf(schema: Schema, key: string, lang: Lang): string {
  return (lang === 'en' && schema.title_en) || schema.title || key;
}

export function errorsAt(errors: FieldError[], pointer: string): string | undefined {
  const own = errors.filter((e) => e.field === pointer).map((e) => e.message);
  return own.length ? own.join(' ') : undefined;
}

/** Values for a new form: the schema's defaults, then what the account prefilled. */
export function initialValue(schema: Schema | null | undefined, prefill: unknown): unknown {
  if (!schema) return {};
  if (schema.type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    const pre = typeof prefill === 'object' && prefill !== null ? (prefill as Record<string, unknown>) : {};
    for (const [k, s] of Object.entries(schema.properties ?? {})) {
      const v = initialValue(s, pre[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (schema.type === 'array') return Array.isArray(prefill) ? prefill : [];
  if (prefill !== undefined && prefill !== null && prefill !== '') return prefill;
  return schema.default;
}

/** Drops empty strings and empty optional values so the server reports what is really missing. */
export function cleaned(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleaned);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = cleaned(v);
      if (c === undefined || c === '') continue;
      out[k] = c;
    }
    return out;
  }
  return value;
}

interface SchemaFieldProps {
  schema: Schema;
  name: string;
  value: unknown;
  onChange: (v: unknown) => void;
  pointer: string;
  errors: FieldError[];
  required: boolean;
  t: Messages;
  lang: Lang;
}

/** One property of the e-form, and recursively its children. Errors sit under their own field. */
export function SchemaField({ schema, name, value, onChange, pointer, errors, required, t, lang }: SchemaFieldProps) {
  const id = idFor(pointer);
  const label = titleOf(schema, name, lang);
  const error = errorsAt(errors, pointer);
  const describedBy = [schema.description ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const hint = schema.description ? (
    <p id={`${id}-hint`} className="hint">
      {schema.description}
    </p>
  ) : null;
  const err = error ? (
    <p id={`${id}-error`} className="error">
      {error}
    </p>
  ) : null;
  const star = required ? <span aria-hidden="true"> *</span> : null;

  if (schema.type === 'object' || schema.properties) {
    const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    return (
      <fieldset id={id}>
        <legend>
          {label}
          {star}
        </legend>
        {hint}
        {err}
        <ObjectFields schema={schema} value={obj} onChange={onChange} pointer={pointer} errors={errors} t={t} lang={lang} />
      </fieldset>
    );
  }
  if (schema.type === 'array') {
    const list = Array.isArray(value) ? value : [];
    const itemSchema = schema.items ?? { type: 'string' };
    return (
      <fieldset id={id}>
        <legend>
          {label}
          {star}
        </legend>
        {hint}
        {err}
        {list.map((item, i) => (
          <div key={i} className="array-item">
            <SchemaField schema={itemSchema} name={fill(t.ds.itemN, { n: i + 1 })} value={item} pointer={`${pointer}/${i}`}
              onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} errors={errors} required t={t} lang={lang} />
            <button type="button" className="secondary small" onClick={() => onChange(list.filter((_, j) => j !== i))}>
              {fill(t.ds.removeItem, { n: i + 1 })}
            </button>
          </div>
        ))}
        <button type="button" className="secondary small" onClick={() => onChange([...list, initialValue(itemSchema, undefined) ?? ''])}>
          {t.ds.addItem}: {titleOf(itemSchema, label, lang)}
        </button>
      </fieldset>
    );
  }
  if (schema.type === 'boolean') {
    return (
      <div className="field">
        <label className="choice" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)}
            aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
          {label}
          {star}
        </label>
        {hint}
        {err}
      </div>
    );
  }
  const common = {
    id,
    name: pointer,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': required || undefined,
  };
  let control: ReactNode;
  if (Array.isArray(schema.enum)) {
    control = (
      <select {...common} value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => {
          const picked = schema.enum!.find((x) => String(x) === e.target.value);
          onChange(e.target.value === '' ? undefined : picked);
        }}>
        <option value="">{t.choose}</option>
        {schema.enum.map((x, i) => (
          <option key={String(x)} value={String(x)}>
            {(lang === 'en' ? schema.enum_titles_en?.[i] : undefined) ?? schema.enum_titles?.[i] ?? String(x)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = (
      <input {...common} type="number" inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
        step={schema.type === 'integer' ? 1 : 'any'} min={schema.minimum} max={schema.maximum}
        value={typeof value === 'number' ? String(value) : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
    );
  } else {
    const type = schema.format === 'date' ? 'date' : schema.format === 'email' ? 'email' : schema.format === 'phone' ? 'tel' : 'text';
    const long = (schema.maxLength ?? 0) > 300;
    control = long ? (
      <textarea {...common} rows={4} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />
    ) : (
      <input {...common} type={type} value={typeof value === 'string' ? value : ''} maxLength={schema.maxLength}
        inputMode={schema.format === 'id_number' ? 'numeric' : undefined} onChange={(e) => onChange(e.target.value)} />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {star}
      </label>
      {hint}
      {control}
      {err}
    </div>
  );
}

export function ObjectFields({ schema, value, onChange, pointer, errors, t, lang }: {
  schema: Schema;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
  pointer: string;
  errors: FieldError[];
  t: Messages;
  lang: Lang;
}) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} schema={child} name={key} value={value[key]} pointer={`${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`}
          onChange={(v) => onChange({ ...value, [key]: v })} errors={errors} required={required.has(key)} t={t} lang={lang} />
      ))}
    </>
  );
}

/** The e-form's answers, read-only, labelled with the schema's titles when there is one. */
export function FormValues({ schema, value, lang }: { schema: Schema | null | undefined; value: unknown; lang: Lang }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (Array.isArray(value)) {
    return (
      <ol>
        {value.map((v, i) => (
          <li key={i}>
            <FormValues schema={schema?.items} value={v} lang={lang} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return <>—</>;
    return (
      <dl className="facts">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt>{schema?.properties?.[k] ? titleOf(schema.properties[k], k, lang) : k}</dt>
            <dd>
              <FormValues schema={schema?.properties?.[k]} value={v} lang={lang} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (typeof value === 'boolean') return <>{value ? '✓' : '✗'}</>;
  // An enum value is shown by its title when the form gives one.
  const at = schema?.enum?.findIndex((x) => x === value) ?? -1;
  if (at >= 0) {
    const title = (lang === 'en' ? schema?.enum_titles_en?.[at] : undefined) ?? schema?.enum_titles?.[at];
    if (title) return <>{title}</>;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return <>{when(value)}</>;
  return <>{String(value)}</>;
}

/** Why an upload was refused, in words the applicant can act on. */
export function uploadMessage(status: number, detail: string, name: string, t: Messages): string {
  if (status === 415) return `${fill(t.ds.uploadRejectedType, { name })}${detail ? ` ${detail}` : ''}`;
  if (status === 413) return fill(t.ds.uploadTooLarge, { name });
  if (status === 0) return t.networkError;
  return `${fill(t.ds.uploadFailed, { name })}${detail ? ` ${detail}` : ''}`;
}

/**
 * A file input for one document: each chosen file is uploaded at once; refusals (415 not a real
 * PDF/JPEG/PNG, 413 too large) are announced next to the input.
 */
export function FilePicker({ id, label, hint, files, onChange, accept, maxBytes, error, t, lang }: {
  id: string;
  label: string;
  hint?: string;
  files: FileRef[];
  onChange: (files: FileRef[]) => void;
  accept?: string[];
  maxBytes?: number;
  error?: string;
  t: Messages;
  lang: Lang;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const [status, setStatus] = useState('');
  const onFiles = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setBusy(true);
    setProblem('');
    setStatus('');
    const added: FileRef[] = [];
    const problems: string[] = [];
    for (const file of Array.from(list)) {
      if (maxBytes && file.size > maxBytes) {
        problems.push(fill(t.ds.uploadTooLarge, { name: file.name }));
        continue;
      }
      const r = await upload(file, lang);
      if (r.ok) added.push(toRef(r.data));
      else problems.push(uploadMessage(r.problem.status, r.problem.detail, file.name, t));
    }
    setBusy(false);
    if (added.length) {
      onChange([...files, ...added]);
      setStatus(added.map((a) => fill(t.ds.uploaded, { name: a.name })).join(' '));
    }
    setProblem(problems.join(' '));
  };
  const shown = [error, problem].filter(Boolean).join(' ');
  return (
    <div className="field file-picker">
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="hint">
        {hint ? `${hint} ` : ''}
        {fill(t.ds.fileTypes, { size: bytes(maxBytes || 10 << 20) })}
      </p>
      <input id={id} type="file" multiple accept={(accept ?? ['application/pdf', 'image/jpeg', 'image/png']).join(',')}
        aria-describedby={`${id}-hint ${id}-error`} aria-invalid={shown ? true : undefined} disabled={busy}
        onChange={(e) => {
          const input = e.target;
          void onFiles(input.files).then(() => {
            input.value = '';
          });
        }} />
      <p id={`${id}-error`} className="error" role="alert">
        {shown}
      </p>
      <p className="hint" role="status" aria-live="polite">
        {busy ? t.ds.uploading : status}
      </p>
      {files.length > 0 && (
        <ul className="files">
          {files.map((f) => (
            <li key={f.id}>
              <span>
                {f.name} <span className="hint">({bytes(f.size)})</span>
              </span>
              <button type="button" className="secondary small" onClick={() => onChange(files.filter((x) => x.id !== f.id))}>
                {fill(t.ds.removeFile, { name: f.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function toRef(u: Uploaded): FileRef {
  return { id: u.id, name: u.name, size: u.size, content_type: u.content_type };
}

export function StatusTag({ status, label, overdue, dueSoon, t }: { status: number; label?: string; overdue?: boolean; dueSoon?: boolean; t: Messages }) {
  return (
    <span className="status-line">
      <span className={`status s${status}`}>{label || t.ds.statusNames[String(status)] || String(status)}</span>
      {overdue && <span className="flag overdue">{t.ds.overdue}</span>}
      {!overdue && dueSoon && <span className="flag due-soon">{t.ds.dueSoon}</span>}
    </span>
  );
}
