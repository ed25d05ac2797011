// The administrators' page for a procedure's processing configuration
// (GET/PUT /api/v1/admin/procedures/{code}/config): the working hours of each stage of the
// one-stop process against the catalog's time limit, the local receiving agencies, and the e-form
// of every case — edited field by field with a live preview drawn by the citizen's own form
// renderer, or as raw JSON. The server checks everything on save and names each problem by a JSON
// pointer into the configuration; every input's id is made from its pointer, so each problem lands
// next to its input and in the summary above the page.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { setLeaveGuard } from '../router';
import { useSession } from '../session';
import { ErrorSummary, ItemTools, Link, Notice, SelectField, TextField, moved, useLeaveGuard } from '../ui';
import type { Detail } from './catalog';
import { ObjectFields, initialValue, when, type Schema } from './dossierCommon';

type Rec = Record<string, unknown>;
type Tab = 'steps' | 'form' | 'json';

const obj = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));

/** The stages of the one-stop process in order (src/dossier/workflow.hpp), their default allotment
 *  in working hours (src/dossier/service.cpp StageMinutes) and whether they count in the time limit. */
const STAGES: { key: string; def: number | null; inClock: boolean }[] = [
  { key: 'submitted', def: 8, inClock: false },
  { key: 'received', def: 4, inClock: true },
  { key: 'processing', def: null, inClock: true },
  { key: 'awaiting_approval', def: 8, inClock: true },
  { key: 'approved', def: 4, inClock: true },
  { key: 'result_ready', def: 8, inClock: false },
];
const ROLES = ['receiver', 'specialist', 'leader'];
const TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array'];
const FORMATS = ['', 'date', 'email', 'phone', 'id_number'];
const PREFILLS = ['', 'full_name', 'id_number', 'birth_date', 'gender', 'email', 'phone', 'address', 'tax_code', 'business_name'];
const CONDITION_KEYS = ['if', 'allOf', 'dependentRequired'];

/** The id of the input for a JSON pointer into the configuration. */
export function idOf(pointer: string): string {
  return `cf${pointer.replace(/[^A-Za-z0-9_]/g, '-')}`;
}
const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** A number typed as digits goes as a JSON number; anything else as typed, for the server to name. */
function num(v: string): unknown {
  const s = v.trim();
  if (s === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(s) && s.length <= 16 ? Number(s) : s;
}

/** `o` with `key` set, or removed when `v` is undefined (key order kept). */
function put(o: Rec, key: string, v: unknown): Rec {
  const out: Rec = { ...o };
  if (v === undefined) delete out[key];
  else out[key] = v;
  return out;
}

/** The base type of a schema (`["string", "null"]` → string). */
function baseType(s: Rec): string {
  const t = s.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return String(t.find((x) => x !== 'null') ?? '');
  return s.properties ? 'object' : '';
}
function withType(s: Rec, type: string): Rec {
  const nullable = Array.isArray(s.type) && s.type.includes('null');
  let out = put(s, 'type', nullable ? [type, 'null'] : type);
  // Keywords of the old type would be refused for the new one; drop them.
  const keep: Record<string, string[]> = {
    string: ['format', 'pattern', 'minLength', 'maxLength', 'enum', 'enum_titles', 'enum_titles_en', 'prefill', 'default', 'const'],
    integer: ['minimum', 'maximum', 'enum', 'enum_titles', 'enum_titles_en', 'default', 'const'],
    number: ['minimum', 'maximum', 'enum', 'enum_titles', 'enum_titles_en', 'default', 'const'],
    boolean: ['default', 'const'],
    object: ['properties', 'required', 'additionalProperties', 'if', 'then', 'else', 'allOf', 'dependentRequired', 'prefill'],
    array: ['items', 'minItems', 'maxItems'],
  };
  const all = new Set(Object.values(keep).flat());
  for (const k of Object.keys(out)) if (all.has(k) && !keep[type]?.includes(k)) out = put(out, k, undefined);
  if (type === 'object' && !isObj(out.properties)) out = put(out, 'properties', {});
  if (type === 'array' && !isObj(out.items)) out = put(out, 'items', { type: 'string' });
  return out;
}

/** Choices as the admin types them: "code | Nhãn | Label", one a line. */
function enumText(s: Rec): string {
  if (!Array.isArray(s.enum)) return '';
  const vi = Array.isArray(s.enum_titles) ? s.enum_titles : [];
  const en = Array.isArray(s.enum_titles_en) ? s.enum_titles_en : [];
  return s.enum.map((v, i) => [str(v), str(vi[i]), str(en[i])].join(' | ').replace(/( \| )+$/, '')).join('\n');
}
function withEnum(s: Rec, text: string): Rec {
  const lines = text.split('\n').map((l) => l.split('|').map((x) => x.trim())).filter((p) => p[0] !== '' || p.length > 1);
  if (lines.length === 0) return put(put(put(s, 'enum', undefined), 'enum_titles', undefined), 'enum_titles_en', undefined);
  const numeric = baseType(s) === 'integer' || baseType(s) === 'number';
  const values = lines.map((p) => (numeric && /^-?\d+(\.\d+)?$/.test(p[0]) ? Number(p[0]) : p[0]));
  const vi = lines.map((p) => p[1] ?? '');
  const en = lines.map((p) => p[2] ?? '');
  let out = put(s, 'enum', values);
  out = put(out, 'enum_titles', vi.some((x) => x) ? vi : undefined);
  return put(out, 'enum_titles_en', en.some((x) => x) ? en : undefined);
}

/** What the citizen's renderer can draw safely from a schema being edited (mistyped keywords dropped). */
function previewable(v: unknown): Schema {
  const s = obj(v);
  const out: Rec = {};
  for (const k of ['title', 'title_en', 'description', 'format']) if (typeof s[k] === 'string') out[k] = s[k];
  const type = baseType(s);
  if (type) out.type = type;
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength']) if (typeof s[k] === 'number') out[k] = s[k];
  if (Array.isArray(s.enum)) out.enum = s.enum.filter((x) => typeof x === 'string' || typeof x === 'number');
  for (const k of ['enum_titles', 'enum_titles_en']) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map(str);
  if (Array.isArray(s.required)) out.required = s.required.filter((x) => typeof x === 'string');
  if (s.default !== undefined && (typeof s.default !== 'object' || s.default === null)) out.default = s.default;
  if (isObj(s.properties)) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, c]) => [k, previewable(c)]));
  if (isObj(s.items)) out.items = previewable(s.items);
  return out as Schema;
}

/** The fields pre-filled from the account, as "Họ, chữ đệm và tên (full_name)". */
function prefilled(s: Rec, lang: Lang): string[] {
  const out: string[] = [];
  for (const [k, c] of Object.entries(obj(s.properties))) {
    const child = obj(c);
    if (typeof child.prefill === 'string') out.push(`${(lang === 'en' && str(child.title_en)) || str(child.title) || k} (${child.prefill})`);
    if (baseType(child) === 'object') out.push(...prefilled(child, lang));
  }
  return out;
}

/** A catalog time limit in working hours: exact for working days and hours, approximate for calendar days. */
function legalHours(value: number, unit: string): { hours: number; approx: boolean } {
  if (unit === 'working_days') return { hours: value * 8, approx: false };
  if (unit === 'hours' || unit === 'working_hours') return { hours: value, approx: false };
  return { hours: Math.floor((value * 5) / 7) * 8, approx: true };
}

/** Where a problem is, for people: the legends around its input and the input's label. */
function describe(pointer: string): string {
  const el = document.getElementById(idOf(pointer));
  if (!el) return pointer;
  const parts: string[] = [];
  for (let f = el.closest('fieldset'); f; f = f.parentElement?.closest('fieldset') ?? null) {
    const legend = f.querySelector(':scope > legend')?.textContent;
    if (legend) parts.unshift(legend);
  }
  const label = document.querySelector(`label[for="${el.id}"]`)?.textContent;
  // A problem without an input of its own (a misspelt stage, a `required` entry) is named by its key.
  parts.push(label || pointer.split('/').pop() || pointer);
  return parts.join(' › ');
}

// ---- inputs bound to pointers ----

interface Ctx {
  errors: Record<string, string>; t: Messages; lang: Lang;
  /** The fields shown in full, by pointer (the others show one summary line). */
  open: Set<string>; setOpen: (ptr: string, open: boolean) => void; renameOpen: (from: string, to: string) => void;
}
const hasErrorUnder = (ctx: Ctx, ptr: string) => Object.keys(ctx.errors).some((e) => e === ptr || e.startsWith(`${ptr}/`));

function Input(props: Omit<Parameters<typeof TextField>[0], 'id' | 'error'> & { ctx: Ctx; ptr: string }) {
  const { ctx, ptr, ...rest } = props;
  return <TextField id={idOf(ptr)} error={ctx.errors[ptr]} {...rest} />;
}

function Select({ ctx, ptr, ...rest }: { ctx: Ctx; ptr: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return <SelectField id={idOf(ptr)} error={ctx.errors[ptr]} {...rest} />;
}

function Check({ ctx, ptr, label, checked, onChange }: { ctx: Ctx; ptr: string; label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = idOf(ptr);
  const error = ctx.errors[ptr];
  return (
    <div className="field">
      <label className="check" htmlFor={id}>
        <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.target.checked)} aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined} />
        {label}
      </label>
      {error && <p id={`${id}-error`} className="error">{error}</p>}
    </div>
  );
}

/** Problems under `ptr` that no input of this block shows (a `required` entry, an unknown keyword). */
function Leftovers({ ctx, ptr, shown, nested }: { ctx: Ctx; ptr: string; shown: string[]; nested: string[] }) {
  const list = Object.entries(ctx.errors).filter(([p]) =>
    (p === ptr || p.startsWith(`${ptr}/`)) && !shown.includes(p) && !nested.some((n) => p === n || p.startsWith(`${n}/`)));
  if (list.length === 0) return null;
  return (
    <div className="leftovers">
      {list.map(([p, m]) => {
        const rel = p.slice(ptr.length).replace(/^\//, '');
        return <p key={p} id={idOf(p)} tabIndex={-1} className="error">{rel && <><code>{rel}</code>: </>}{m}</p>;
      })}
    </div>
  );
}



// ---- the e-form editor: an object schema's fields, recursively ----

/** Choices typed one a line; the text is kept while typing and follows the schema when it changes elsewhere. */
function EnumInput({ ctx, ptr, schema, onChange }: { ctx: Ctx; ptr: string; schema: Rec; onChange: (s: Rec) => void }) {
  const [text, setText] = useState(() => enumText(schema));
  const canonical = JSON.stringify([schema.enum, schema.enum_titles, schema.enum_titles_en]);
  const mine = withEnum(schema, text);
  if (JSON.stringify([mine.enum, mine.enum_titles, mine.enum_titles_en]) !== canonical) {
    // Changed from outside (reorder, JSON tab, reload): show the schema's choices.
    const fresh = enumText(schema);
    if (fresh !== text) setText(fresh);
  }
  const errorPtr = [`${ptr}/enum`, `${ptr}/enum_titles`, `${ptr}/enum_titles_en`].find((p) => Object.keys(ctx.errors).some((e) => e === p || e.startsWith(`${p}/`)));
  const error = errorPtr ? Object.entries(ctx.errors).filter(([e]) => e === errorPtr || e.startsWith(`${errorPtr}/`)).map(([, m]) => m).join(' ') : '';
  const id = idOf(`${ptr}/enum`);
  return (
    <div className="field">
      <label htmlFor={id}>{ctx.t.cf.options}</label>
      <p id={`${id}-hint`} className="hint">{ctx.t.cf.optionsHint}</p>
      <textarea id={id} rows={3} className="mono" value={text} aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => { setText(e.target.value); onChange(withEnum(schema, e.target.value)); }} />
      {error && <p id={`${id}-error`} className="error">{error}</p>}
    </div>
  );
}

function FieldEditor({ ctx, ptr, n, fieldKey, schema, required, onKey, onChange, onRequired }: {
  ctx: Ctx; ptr: string; n: number; fieldKey: string; schema: Rec; required: boolean;
  onKey: (k: string) => boolean; onChange: (s: Rec) => void; onRequired: (r: boolean) => void;
}) {
  const { t } = ctx;
  // A key another field of the same object has would merge the two: refused as it is typed.
  const [clash, setClash] = useState('');
  const keyCtx = clash ? { ...ctx, errors: { ...ctx.errors, [`${ptr}#key`]: clash } } : ctx;
  const type = baseType(schema);
  const set = (k: string, v: unknown) => onChange(put(schema, k, v));
  const shown: string[] = [];
  const p = (k: string) => {
    shown.push(`${ptr}/${k}`);
    return `${ptr}/${k}`;
  };
  if (type === 'string' || type === 'integer' || type === 'number') shown.push(`${ptr}/enum`, `${ptr}/enum_titles`, `${ptr}/enum_titles_en`);
  const items = obj(schema.items);
  const itemType = baseType(items);
  const name = (ctx.lang === 'en' && str(schema.title_en)) || str(schema.title) || fieldKey;
  const legend = t.cf.fieldN.replace('{n}', String(n)).replace('{name}', name);
  const expanded = ctx.open.has(ptr) || hasErrorUnder(ctx, ptr);
  const bodyId = `${idOf(ptr)}-body`;
  const body = (
    <>
      <div className="two">
        <Input ctx={keyCtx} ptr={`${ptr}#key`} label={t.cf.key} hint={t.cf.keyHint} mono value={fieldKey}
          onChange={(k) => setClash(onKey(k) ? '' : t.cf.keyTaken.replace('{key}', k))} />
        <Select ctx={ctx} ptr={p('type')} label={t.cf.type} value={type} onChange={(v) => onChange(withType(schema, v))}
          options={TYPES.map((x) => [x, t.cf.types[x] ?? x])} />
      </div>
      <div className="two">
        <Input ctx={ctx} ptr={p('title')} label={t.cf.label} value={str(schema.title)} onChange={(v) => set('title', v || undefined)} />
        <Input ctx={ctx} ptr={p('title_en')} label={t.cf.labelEn} value={str(schema.title_en)} onChange={(v) => set('title_en', v || undefined)} />
      </div>
      <Check ctx={ctx} ptr={`${ptr}#required`} label={t.cf.required} checked={required} onChange={onRequired} />
      <Input ctx={ctx} ptr={p('description')} label={t.cf.description} value={str(schema.description)} onChange={(v) => set('description', v || undefined)} />
      {type === 'string' && (
        <>
          <div className="two">
            <Select ctx={ctx} ptr={p('format')} label={t.cf.format} value={str(schema.format)} onChange={(v) => set('format', v || undefined)}
              options={FORMATS.map((x) => [x, t.cf.formats[x] ?? x])} />
            <Select ctx={ctx} ptr={p('prefill')} label={t.cf.prefill} value={str(schema.prefill)} onChange={(v) => set('prefill', v || undefined)}
              options={PREFILLS.map((x) => [x, x ? `${t.cf.prefills[x] ?? x} (${x})` : t.cf.prefills['']])} />
          </div>
          <div className="two">
            <Input ctx={ctx} ptr={p('minLength')} label={t.cf.minLength} inputMode="numeric" value={str(schema.minLength)} onChange={(v) => set('minLength', num(v))} />
            <Input ctx={ctx} ptr={p('maxLength')} label={t.cf.maxLength} inputMode="numeric" value={str(schema.maxLength)} onChange={(v) => set('maxLength', num(v))} />
          </div>
          <Input ctx={ctx} ptr={p('pattern')} label={t.cf.pattern} hint={t.cf.patternHint} mono value={str(schema.pattern)} onChange={(v) => set('pattern', v || undefined)} />
          <Input ctx={ctx} ptr={p('default')} label={t.cf.defaultValue} value={str(schema.default)} onChange={(v) => set('default', v || undefined)} />
        </>
      )}
      {(type === 'integer' || type === 'number') && (
        <div className="two">
          <Input ctx={ctx} ptr={p('minimum')} label={t.cf.minimum} inputMode="decimal" value={str(schema.minimum)} onChange={(v) => set('minimum', num(v))} />
          <Input ctx={ctx} ptr={p('maximum')} label={t.cf.maximum} inputMode="decimal" value={str(schema.maximum)} onChange={(v) => set('maximum', num(v))} />
        </div>
      )}
      {(type === 'string' || type === 'integer' || type === 'number') && (
        <EnumInput ctx={ctx} ptr={ptr} schema={schema} onChange={onChange} />
      )}
      {type === 'object' && (
        <ObjectEditor ctx={ctx} ptr={ptr} schema={schema} onChange={onChange} heading={t.cf.fieldsOf.replace('{name}', name)} nested />
      )}
      {type === 'array' && (
        <>
          <div className="two">
            <Input ctx={ctx} ptr={p('minItems')} label={t.cf.minItems} inputMode="numeric" value={str(schema.minItems)} onChange={(v) => set('minItems', num(v))} />
            <Input ctx={ctx} ptr={p('maxItems')} label={t.cf.maxItems} inputMode="numeric" value={str(schema.maxItems)} onChange={(v) => set('maxItems', num(v))} />
            <Select ctx={ctx} ptr={`${ptr}/items/type`} label={t.cf.itemType} value={itemType}
              onChange={(v) => set('items', withType(items, v))}
              options={TYPES.filter((x) => x !== 'array').map((x) => [x, t.cf.types[x] ?? x])} />
          </div>
          {itemType === 'object' && (
            <ObjectEditor ctx={ctx} ptr={`${ptr}/items`} schema={items} onChange={(s) => set('items', s)}
              heading={t.cf.itemFieldsOf.replace('{name}', name)} nested />
          )}
        </>
      )}
      <Leftovers ctx={ctx} ptr={ptr} shown={shown} nested={[`${ptr}/properties`, ...(itemType === 'object' ? [`${ptr}/items`] : [])]} />
    </>
  );
  return (
    <fieldset className="item field-item" data-testid="form-field">
      <legend>{legend}</legend>
      <div className="field-head">
        <p className="hint">
          <code>{fieldKey}</code> · {t.cf.types[type] ?? type}{type === 'array' && itemType ? ` (${t.cf.types[itemType] ?? itemType})` : ''}
          {required && ` · ${t.cf.required}`}{typeof schema.prefill === 'string' && ` · ${t.cf.prefill}: ${schema.prefill}`}
        </p>
        <button type="button" className="secondary small" aria-expanded={expanded} aria-controls={bodyId}
          aria-label={`${t.cf.details}: ${legend}`} onClick={() => ctx.setOpen(ptr, !expanded)}>
          <span aria-hidden="true">{expanded ? '▾' : '▸'} </span>{t.cf.details}
        </button>
      </div>
      <div id={bodyId} hidden={!expanded}>{expanded && body}</div>
    </fieldset>
  );
}

/** The fields of an object schema: add, edit, reorder, remove; conditions are kept as they are. */
function ObjectEditor({ ctx, ptr, schema, onChange, heading, nested }: {
  ctx: Ctx; ptr: string; schema: Rec; onChange: (s: Rec) => void; heading: string; nested?: boolean;
}) {
  const { t } = ctx;
  const props = Object.entries(obj(schema.properties));
  const required = Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : [];
  const setProps = (entries: [string, unknown][], req: string[] = required) => {
    let out = put(schema, 'properties', Object.fromEntries(entries));
    out = put(out, 'required', req.length ? req : undefined);
    onChange(out);
  };
  const conditions = CONDITION_KEYS.reduce((k, key) => k + (key === 'allOf' && Array.isArray(schema.allOf) ? schema.allOf.length
    : key === 'dependentRequired' && isObj(schema.dependentRequired) ? Object.keys(schema.dependentRequired).length
      : key === 'if' && schema.if !== undefined ? 1 : 0), 0);
  const freshKey = () => {
    let i = props.length + 1;
    while (props.some(([k]) => k === `${t.cf.newField}_${i}`)) i += 1;
    return `${t.cf.newField}_${i}`;
  };
  return (
    <div className={nested ? 'nested-fields' : undefined}>
      <h3>{heading}</h3>
      {conditions > 0 && <p className="note">{t.cf.conditions.replace('{n}', String(conditions))}</p>}
      {props.map(([key, child], i) => {
        const fp = `${ptr}/properties/${esc(key)}`;
        const what = t.cf.fieldN.replace('{n}', String(i + 1))
          .replace('{name}', (ctx.lang === 'en' && str(obj(child).title_en)) || str(obj(child).title) || key);
        return (
          <div key={i} className="field-block">
            <ItemTools labels={t.cf} what={what} i={i} n={props.length} move={(a, b) => setProps(moved(props, a, b))}
              remove={(j) => setProps(props.filter((_, k) => k !== j), required.filter((r) => r !== key))} />
            <FieldEditor ctx={ctx} ptr={fp} n={i + 1} fieldKey={key} schema={obj(child)} required={required.includes(key)}
              onKey={(k) => {
                if (props.some(([x], j) => j !== i && x === k)) return false;
                ctx.renameOpen(fp, `${ptr}/properties/${esc(k)}`);
                setProps(props.map(([x, c], j) => (j === i ? [k, c] : [x, c])), required.map((r) => (r === key ? k : r)));
                return true;
              }}
              onChange={(s) => setProps(props.map(([x, c], j) => (j === i ? [x, s] : [x, c])))}
              onRequired={(r) => setProps(props, r ? [...required.filter((x) => x !== key), key] : required.filter((x) => x !== key))} />
          </div>
        );
      })}
      <button type="button" className="secondary small" onClick={() => {
        const k = freshKey();
        ctx.setOpen(`${ptr}/properties/${esc(k)}`, true);
        setProps([...props, [k, { type: 'string', title: '' }]]);
      }}>
        + {t.cf.addField}{nested ? ` (${heading})` : ''}
      </button>
    </div>
  );
}

// ---- the page ----

interface Loaded { procedure_code: string; config: Rec; updated_at: string | null; revision: string }

/** Which tab shows the place a problem points at, and the case whose form it is in. */
function placeOf(pointer: string): { tab: Tab; target?: string } {
  if (pointer.startsWith('/steps') || pointer.startsWith('/agencies') || pointer.startsWith('/transfer_days') || pointer.startsWith('/workflow')) {
    return { tab: 'steps' };
  }
  if (pointer.startsWith('/form')) return { tab: 'form', target: '' };
  const m = /^\/cases\/([^/]+)\/form(\/|$)/.exec(pointer);
  if (m) return { tab: 'form', target: m[1] };
  return { tab: 'json' };
}

export function ProcedureConfig({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me, loaded: sessionLoaded } = useSession();
  const allowed = !!me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [config, setConfig] = useState<Rec>({});
  const [detail, setDetail] = useState<Detail | null>(null);
  const [missing, setMissing] = useState(false);
  const [tab, setTab] = useState<Tab>('steps');
  const [target, setTarget] = useState('');
  const [jsonText, setJsonText] = useState('');
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; errors: FieldError[]; conflict: boolean } | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [answers, setAnswers] = useState<Rec>({});
  const [focusTo, setFocusTo] = useState<string | null>(null);
  const [open, setOpenSet] = useState<Set<string>>(new Set());
  const tabs = { steps: useRef<HTMLButtonElement>(null), form: useRef<HTMLButtonElement>(null), json: useRef<HTMLButtonElement>(null) };

  const load = useCallback(async () => {
    const [c, d] = await Promise.all([
      api<Loaded>('GET', `/api/v1/admin/procedures/${encodeURIComponent(code)}/config`, undefined, lang),
      api<Detail>('GET', `/api/v1/procedures/${encodeURIComponent(code)}`, undefined, lang),
    ]);
    if (!c.ok) {
      setMissing(true);
      return;
    }
    setLoaded(c.data);
    setConfig(obj(c.data.config));
    setJsonText(JSON.stringify(obj(c.data.config), null, 2));
    if (d.ok) setDetail(d.data);
    setDirty(false);
    setProblem(null);
  }, [code, lang]);
  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);

  // Unsaved changes: asked before leaving, in the app and for the browser.
  useLeaveGuard(dirty, t.cf.unsaved);

  const errors = useMemo(() => {
    const m: Record<string, string> = {};
    for (const e of problem?.errors ?? []) m[e.field] = m[e.field] ? `${m[e.field]} ${e.message}` : e.message;
    return m;
  }, [problem]);
  const ctx: Ctx = {
    errors, t, lang, open,
    setOpen: (ptr, on) => setOpenSet((prev) => {
      const next = new Set(prev);
      if (on) next.add(ptr);
      else next.delete(ptr);
      return next;
    }),
    renameOpen: (from, to) => setOpenSet((prev) => {
      if (!prev.has(from)) return prev;
      const next = new Set(prev);
      next.delete(from);
      next.add(to);
      return next;
    }),
  };
  // Named once per refusal, after the inputs it names are on the page (a refused JSON text makes
  // new ones), and not again while typing renames legends, which would re-announce the summary.
  const [summary, setSummary] = useState<FieldError[]>([]);
  useEffect(() => {
    setSummary((problem?.errors ?? []).map((e) => ({ field: e.field, message: `${e.field ? `${describe(e.field)}: ` : ''}${e.message}` })));
  }, [problem]);

  const formPtr = target === '' ? '/form' : `/cases/${esc(target)}/form`;
  const schema = target === '' ? config.form : obj(obj(config.cases)[target]).form;
  const common = config.form;
  const shownSchema = isObj(schema) ? schema : target !== '' && isObj(common) ? common : null;
  const previewSchema = useMemo(() => (shownSchema ? previewable(shownSchema) : null), [shownSchema]);
  const previewKey = JSON.stringify(previewSchema);
  useEffect(() => {
    setAnswers((initialValue(previewSchema, undefined) as Rec) ?? {});
    // A new form (another case, a field added or retyped) starts the try-out afresh.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [previewKey]);

  // A link of the error summary opens the tab (and the case) its input is on, then focuses it.
  useEffect(() => {
    if (!focusTo) return;
    const el = document.getElementById(focusTo);
    el?.focus();
    el?.scrollIntoView({ block: 'center' });
    setFocusTo(null);
  }, [focusTo, tab, target]);

  if (!sessionLoaded) return <p role="status">{t.loading}</p>;
  const heading = t.cf.title.replace('{code}', code);
  if (!allowed) {
    return (
      <>
        <h1>{heading}</h1>
        <p>{t.adminOnly} {!me && <Link to={`/dang-nhap?return_to=${encodeURIComponent(window.location.pathname)}`}>{t.loginTitle}</Link>}</p>
      </>
    );
  }
  if (missing) {
    return (
      <>
        <h1>{heading}</h1>
        <p>{t.cf.notFound} <Link to="/quan-tri/thu-tuc">{t.cf.back}</Link></p>
      </>
    );
  }
  if (!loaded) return <p role="status">{t.loading}</p>;

  const change = (next: Rec) => {
    setConfig(next);
    setDirty(true);
    setNotice(null);
  };
  const setSchema = (s: Rec | undefined) => {
    if (target === '') {
      change(put(config, 'form', s));
      return;
    }
    const cases = obj(config.cases);
    const kase = put(obj(cases[target]), 'form', s);
    const nextCases = Object.keys(kase).length ? put(cases, target, kase) : put(cases, target, undefined);
    change(put(config, 'cases', Object.keys(nextCases).length ? nextCases : undefined));
  };

  /** The configuration the page would save: the JSON tab's text when it is open. */
  const current = (): { ok: true; value: Rec } | { ok: false; message: string } => {
    if (tab !== 'json') return { ok: true, value: config };
    try {
      const v: unknown = JSON.parse(jsonText);
      return isObj(v) ? { ok: true, value: v } : { ok: false, message: t.cf.jsonNotObject };
    } catch (e) {
      return { ok: false, message: t.cf.jsonInvalid.replace('{message}', e instanceof Error ? e.message : String(e)) };
    }
  };

  const switchTab = (next: Tab) => {
    if (next === tab) return;
    if (tab === 'json') {
      const c = current();
      if (!c.ok) {
        setProblem({ message: c.message, errors: [], conflict: false });
        return;
      }
      if (JSON.stringify(c.value) !== JSON.stringify(config)) change(c.value);
      // A JSON syntax problem is solved; the server's problems stay shown next to their inputs.
      if (problem && problem.errors.length === 0 && !problem.conflict) setProblem(null);
    }
    if (next === 'json') setJsonText(JSON.stringify(config, null, 2));
    setTab(next);
  };
  const onTabKey = (e: KeyboardEvent) => {
    const order: Tab[] = ['steps', 'form', 'json'];
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const next = order[(order.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : 2)) % 3];
    switchTab(next);
    tabs[next].current?.focus();
  };

  const save = async () => {
    const body = current();
    if (!body.ok) {
      setProblem({ message: body.message, errors: [], conflict: false });
      return;
    }
    setBusy(true);
    setNotice(null);
    // Saved only over the revision this page loaded (If-Match); 409 when someone saved meanwhile.
    const path = `/api/v1/admin/procedures/${encodeURIComponent(code)}/config`;
    const r = await api<Loaded>('PUT', path, body.value, lang, { 'If-Match': `"${loaded.revision}"` });
    if (!r.ok && r.problem.status === 409) {
      const fresh = await api<Loaded>('GET', path, undefined, lang);
      setBusy(false);
      setProblem({ message: t.cf.conflict.replace('{at}', when(fresh.ok ? fresh.data.updated_at : null)), errors: [], conflict: true });
      return;
    }
    setBusy(false);
    if (!r.ok) {
      setProblem({ message: r.problem.detail || r.problem.title || t.genericError, errors: r.problem.errors, conflict: false });
      if (tab === 'json') setConfig(body.value);
      const first = r.problem.errors[0];
      if (first && tab !== 'json') {
        const place = placeOf(first.field);
        if (place.tab !== 'json') {
          setTab(place.tab);
          if (place.target !== undefined) setTarget(place.target);
        }
      }
      return;
    }
    setLoaded(r.data);
    setConfig(obj(r.data.config));
    setJsonText(JSON.stringify(obj(r.data.config), null, 2));
    setProblem(null);
    setDirty(false);
    setLeaveGuard(null);
    setNotice(t.cf.saved);
  };

  const fieldIds: Record<string, string> = {};
  for (const e of problem?.errors ?? []) if (e.field && placeOf(e.field).tab !== 'json') fieldIds[e.field] = idOf(e.field);
  const onSummaryClick = (e: MouseEvent) => {
    const href = (e.target as HTMLElement).closest('a')?.getAttribute('href') ?? '';
    const err = problem?.errors.find((x) => `#${idOf(x.field)}` === href);
    if (!err) return;
    e.preventDefault();
    const place = placeOf(err.field);
    if (place.tab === 'json') return;
    switchTab(place.tab);
    if (place.target !== undefined) setTarget(place.target);
    setFocusTo(idOf(err.field));
  };

  // ---- steps against the time limit ----
  const steps = obj(config.steps);
  const hoursOf = (key: string, def: number) => (typeof steps[key] === 'number' ? (steps[key] as number) : def);
  const options = (detail?.channels ?? []).flatMap((c) => c.options.map((o) => ({ channel: String(c.channel), ...o, ...legalHours(o.value, o.unit) })));
  const strictest = options.filter((o) => o.value > 0).sort((a, b) => a.hours - b.hours)[0];
  // The process definition (`workflow`): absent, the default (one leader approval whose hours are
  // steps.awaiting_approval). The first change writes it whole, with each review's own hours.
  const wf = isObj(config.workflow) ? config.workflow : null;
  const defaultReview = (): Rec => ({ key: 'awaiting_approval', name: t.cf.defaultReviewName, name_en: t.cf.defaultReviewNameEn, role: 'leader',
    hours: hoursOf('awaiting_approval', 8) });
  const reviews: Rec[] = wf && Array.isArray(wf.reviews) ? wf.reviews.map(obj) : [defaultReview()];
  const assignBy: string[] = wf && Array.isArray(wf.assign_by) ? wf.assign_by.map(str) : ['leader', 'receiver'];
  const issueBy: string[] = wf && Array.isArray(wf.issue_by) ? wf.issue_by.map(str) : ['specialist', 'leader'];
  const setWorkflow = (next: { reviews?: Rec[]; assign_by?: string[]; issue_by?: string[] }) => {
    let c = put(config, 'workflow', { assign_by: next.assign_by ?? assignBy, reviews: next.reviews ?? reviews, issue_by: next.issue_by ?? issueBy });
    const rest = put(obj(c.steps), 'awaiting_approval', undefined);
    c = put(c, 'steps', Object.keys(rest).length ? rest : undefined);
    change(c);
  };
  const setReview = (i: number, key: string, v: unknown) => setWorkflow({ reviews: reviews.map((r, j) => (j === i ? put(r, key, v) : r)) });
  const addReview = () => {
    let n = reviews.length + 1;
    while (reviews.some((r) => r.key === `buoc_${n}`)) n += 1;
    setWorkflow({ reviews: [...reviews, { key: `buoc_${n}`, name: '', name_en: '', role: 'leader', hours: 8 }] });
  };
  const toggle = (list: string[], role: string, on: boolean) => ROLES.filter((r) => (r === role ? on : list.includes(r)));
  const reviewHours = reviews.reduce((sum, r) => sum + (typeof r.hours === 'number' ? r.hours : 0), 0);
  const used = STAGES.filter((s) => s.inClock && s.def !== null && s.key !== 'awaiting_approval').reduce((sum, s) => sum + hoursOf(s.key, s.def ?? 0), 0) + reviewHours;
  const left = strictest ? Math.max(strictest.hours - used, 1) : null;
  const over = !!strictest && used >= strictest.hours;
  const agencies = Array.isArray(config.agencies) ? config.agencies.map(str) : [];
  const setAgencies = (list: string[]) => change(put(config, 'agencies', list.length ? list : undefined));
  // Inter-agency deadlines preset per receiving agency: {agency code: working days}.
  const transferRows = Object.entries(obj(config.transfer_days));
  const setTransfer = (rows: [string, unknown][]) =>
    change(put(config, 'transfer_days', rows.length ? Object.fromEntries(rows) : undefined));

  const cases = detail?.cases ?? [];
  const caseKeys = Array.from(new Set([...cases.map((_, i) => String(i + 1)), ...Object.keys(obj(config.cases))]));
  const prefills = shownSchema ? prefilled(shownSchema, lang) : [];

  const tabButton = (key: Tab, label: string) => (
    <button type="button" role="tab" id={`cf-tab-${key}`} ref={tabs[key]} aria-selected={tab === key} aria-controls={`cf-panel-${key}`}
      tabIndex={tab === key ? 0 : -1} onClick={() => switchTab(key)} onKeyDown={onTabKey}>{label}</button>
  );

  return (
    <>
      <p className="crumbs">
        <Link to="/quan-tri/thu-tuc">{t.cf.back}</Link> · <Link to={`/quan-tri/thu-tuc/${encodeURIComponent(code)}/sua`}>{t.cf.editRecord}</Link>
      </p>
      <h1>{heading}</h1>
      <p className="lead">{detail ? `${detail.name}. ` : ''}{t.cf.lead}</p>
      <p className="hint">{loaded.updated_at ? t.cf.updatedAt.replace('{at}', when(loaded.updated_at)) : t.cf.neverSaved}</p>
      {problem && (
        <div onClickCapture={onSummaryClick}>
          <ErrorSummary title={t.cf.refused} message={problem.message}
            errors={summary}
            fieldIds={fieldIds} />
        </div>
      )}
      {problem?.conflict && <p><button type="button" className="secondary" onClick={() => void load()}>{t.cf.reload}</button></p>}
      {notice && <Notice>{notice}</Notice>}
      <div className="editor-bar">
        <div role="tablist" aria-label={t.cf.tabsLabel} className="tabs">
          {tabButton('steps', t.cf.tabSteps)}
          {tabButton('form', t.cf.tabForm)}
          {tabButton('json', t.cf.tabJson)}
        </div>
        <div className="action-buttons">
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>{busy ? t.cf.saving : t.cf.save}</button>
        </div>
      </div>

      <div role="tabpanel" id="cf-panel-steps" aria-labelledby="cf-tab-steps" hidden={tab !== 'steps'} className="editor">
        {(
          <>
            <fieldset className="group">
              <legend>{t.cf.tabSteps}</legend>
              {strictest ? (
                <p>
                  {t.cf.legal.replace('{value}', String(strictest.value)).replace('{unit}', (t.units as Record<string, string>)[strictest.unit] ?? strictest.unit)
                    .replace('{channel}', (t.channelNames as Record<string, string>)[strictest.channel] ?? strictest.channel)}{' '}
                  {(strictest.approx ? t.cf.legalHoursApprox : t.cf.legalHours).replace('{hours}', String(strictest.hours))}
                </p>
              ) : <p>{t.cf.legalNone}</p>}
              <p className="hint">{t.cf.stepsIntro}</p>
              <p className="note" data-testid="process-kind">
                {wf ? t.cf.customProcess : t.cf.defaultProcess}{' '}
                {wf && <button type="button" className="secondary small" onClick={() => change(put(config, 'workflow', undefined))}>{t.cf.useDefault}</button>}
              </p>
              <Leftovers ctx={ctx} ptr="/workflow" shown={[]} nested={['/workflow/reviews', '/workflow/assign_by', '/workflow/issue_by']} />
              <ol className="stage-list">
                {STAGES.map((s, i) => {
                  const ptr = `/steps/${s.key}`;
                  const n = i < 3 ? i + 1 : i + reviews.length;
                  if (s.key === 'awaiting_approval') {
                    return (
                      <li key={s.key} className="reviews">
                        <fieldset className="item" data-testid="reviews">
                          <legend>{t.cf.reviewsTitle}</legend>
                          <p className="hint">{t.cf.reviewsHint}</p>
                          <Leftovers ctx={ctx} ptr="/workflow/reviews" shown={[]} nested={reviews.map((_, j) => `/workflow/reviews/${j}`)} />
                          <Leftovers ctx={ctx} ptr="/steps/awaiting_approval" shown={[]} nested={[]} />
                          {reviews.length === 0 && <p>{t.cf.noReviews}</p>}
                          <ol className="review-list">
                            {reviews.map((r, j) => {
                              const rp = `/workflow/reviews/${j}`;
                              const what = t.cf.stepN.replace('{n}', String(i + 1 + j)).replace('{name}', str(r.name) || t.cf.reviewN.replace('{n}', String(j + 1)));
                              return (
                                <li key={j}>
                                  <fieldset className="item" data-testid="review">
                                    <legend>{what}</legend>
                                    <p className="hint">{t.cf.reviewHelp}</p>
                                    <div className="two">
                                      <Input ctx={ctx} ptr={`${rp}/name`} label={`${t.cf.reviewName} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} value={str(r.name)}
                                        onChange={(v) => setReview(j, 'name', v)} />
                                      <Input ctx={ctx} ptr={`${rp}/name_en`} label={`${t.cf.reviewNameEn} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} value={str(r.name_en)}
                                        onChange={(v) => setReview(j, 'name_en', v)} />
                                    </div>
                                    <div className="two">
                                      <Select ctx={ctx} ptr={`${rp}/role`} label={`${t.cf.reviewRole} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} value={str(r.role)}
                                        onChange={(v) => setReview(j, 'role', v)} options={ROLES.map((x) => [x, t.cf.roles[x]])} />
                                      {wf ? (
                                        <Input ctx={ctx} ptr={`${rp}/hours`} label={`${t.cf.hours} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} inputMode="decimal" narrow
                                          value={str(r.hours)} onChange={(v) => setReview(j, 'hours', num(v))} />
                                      ) : (
                                        // The default process keeps its approval's hours where they always were.
                                        <Input ctx={ctx} ptr={`${rp}/hours`} label={`${t.cf.hours} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} inputMode="decimal" narrow
                                          hint={t.cf.defaultHours.replace('{h}', '8')} value={str(steps.awaiting_approval)}
                                          onChange={(v) => {
                                            const nextSteps = put(steps, 'awaiting_approval', num(v));
                                            change(put(config, 'steps', Object.keys(nextSteps).length ? nextSteps : undefined));
                                          }} />
                                      )}
                                    </div>
                                    <Input ctx={ctx} ptr={`${rp}/key`} label={`${t.cf.reviewKey} (${t.cf.reviewN.replace('{n}', String(j + 1))})`} hint={t.cf.reviewKeyHint} mono
                                      value={str(r.key)} onChange={(v) => setReview(j, 'key', v.trim())} />
                                    <Leftovers ctx={ctx} ptr={rp} shown={['key', 'name', 'name_en', 'role', 'hours'].map((k) => `${rp}/${k}`)} nested={[]} />
                                    <ItemTools labels={t.cf} what={what} i={j} n={reviews.length} move={(x, y) => setWorkflow({ reviews: moved(reviews, x, y) })}
                                      remove={(x) => setWorkflow({ reviews: reviews.filter((_, k) => k !== x) })} />
                                  </fieldset>
                                </li>
                              );
                            })}
                          </ol>
                          <button type="button" className="secondary small" disabled={reviews.length >= 5} onClick={addReview}>+ {t.cf.addReview}</button>
                        </fieldset>
                      </li>
                    );
                  }
                  const roleChecks = (key: 'assign_by' | 'issue_by', list: string[], title: string, hint?: string) => (
                    <fieldset className="roles" data-testid={key}>
                      <legend>{title}</legend>
                      {hint && <p className="hint">{hint}</p>}
                      {ROLES.map((role) => (
                        <Check key={role} ctx={ctx} ptr={`/workflow/${key}/${role}`} label={t.cf.roles[role]} checked={list.includes(role)}
                          onChange={(on) => setWorkflow({ [key]: toggle(list, role, on) })} />
                      ))}
                      <Leftovers ctx={ctx} ptr={`/workflow/${key}`} shown={[]} nested={[]} />
                    </fieldset>
                  );
                  return (
                    <li key={s.key}>
                      <fieldset className="item" data-testid="stage">
                        <legend>{t.cf.stepN.replace('{n}', String(n)).replace('{name}', t.cf.stages[s.key])}</legend>
                        <p className="hint">{t.cf.stageHelp[s.key]}{!s.inClock && ` ${t.cf.outsideClock}`}</p>
                        {s.key === 'received' ? roleChecks('assign_by', assignBy, t.cf.assignByTitle)
                          : s.key === 'approved' ? roleChecks('issue_by', issueBy, t.cf.issueByTitle, t.cf.issueByHint)
                            : <p><strong>{t.cf.actor}:</strong> {t.cf.actors[s.key]}</p>}
                        {s.def !== null ? (
                          <Input ctx={ctx} ptr={ptr} label={`${t.cf.hours}: ${t.cf.stages[s.key]}`} inputMode="decimal" narrow
                            hint={t.cf.defaultHours.replace('{h}', String(s.def))} value={str(steps[s.key])}
                            onChange={(v) => {
                              const nextSteps = put(steps, s.key, num(v));
                              change(put(config, 'steps', Object.keys(nextSteps).length ? nextSteps : undefined));
                            }} />
                        ) : (
                          <p>{left !== null ? t.cf.remainder.replace('{h}', String(left)) : t.cf.remainderUnknown}</p>
                        )}
                        <Leftovers ctx={ctx} ptr={ptr} shown={s.def !== null ? [ptr] : []} nested={[]} />
                      </fieldset>
                    </li>
                  );
                })}
              </ol>
              <Leftovers ctx={ctx} ptr="/steps" shown={STAGES.map((s) => `/steps/${s.key}`)} nested={STAGES.map((s) => `/steps/${s.key}`)} />
              <p role="status" className={over ? 'warning' : 'note'} data-testid="steps-total">
                {over ? t.cf.overLegal.replace('{used}', String(used)).replace('{legal}', String(strictest?.hours ?? 0))
                  : strictest ? t.cf.total.replace('{used}', String(used)).replace('{legal}', String(strictest.hours)).replace('{left}', String(left))
                    : t.cf.totalNoLegal.replace('{used}', String(used))}
              </p>
            </fieldset>
            <fieldset className="group">
              <legend>{t.cf.interTitle}</legend>
              <p className="hint spaced">{t.cf.interText}</p>
              <Leftovers ctx={ctx} ptr="/transfer_days" shown={transferRows.map(([k]) => `/transfer_days/${k}`)} nested={[]} />
              {transferRows.map(([agency, days], i) => {
                const what = t.cf.interN.replace('{n}', String(i + 1));
                return (
                  <div className="row-item agency-row" key={i} data-testid="transfer-days">
                    <Input ctx={ctx} ptr={`/transfer_days/${agency}`} label={`${what}: ${t.cf.interAgency}`} mono value={agency}
                      onChange={(v) => setTransfer(transferRows.map((r, j) => (j === i ? [v.trim(), r[1]] : r)))} />
                    <Input ctx={ctx} ptr={`/transfer_days/${agency}/days`} label={`${what}: ${t.cf.interDays}`} inputMode="numeric" narrow value={str(days)}
                      onChange={(v) => setTransfer(transferRows.map((r, j) => (j === i ? [r[0], num(v)] : r)))} />
                    <button type="button" className="secondary small" onClick={() => setTransfer(transferRows.filter((_, j) => j !== i))}
                      aria-label={`${t.cf.remove}: ${what}`}>{t.cf.remove}</button>
                  </div>
                );
              })}
              <button type="button" className="secondary small" disabled={transferRows.some(([k]) => k === '')}
                onClick={() => setTransfer([...transferRows, ['', 5]])}>+ {t.cf.addInter}</button>
            </fieldset>
            <fieldset className="group">
              <legend>{t.cf.agenciesTitle}</legend>
              <p className="hint spaced">{t.cf.agenciesHint}</p>
              <Leftovers ctx={ctx} ptr="/agencies" shown={agencies.map((_, i) => `/agencies/${i}`)} nested={[]} />
              {agencies.map((a, i) => {
                const what = t.cf.agencyN.replace('{n}', String(i + 1));
                return (
                  <div className="row-item agency-row" key={i}>
                    <Input ctx={ctx} ptr={`/agencies/${i}`} label={what} mono value={a} onChange={(v) => setAgencies(agencies.map((x, j) => (j === i ? v : x)))} />
                    <ItemTools labels={t.cf} what={what} i={i} n={agencies.length} move={(x, y) => setAgencies(moved(agencies, x, y))}
                      remove={(j) => setAgencies(agencies.filter((_, k) => k !== j))} />
                  </div>
                );
              })}
              <button type="button" className="secondary small" onClick={() => setAgencies([...agencies, ''])}>+ {t.cf.addAgency}</button>
            </fieldset>
          </>
        )}
      </div>

      <div role="tabpanel" id="cf-panel-form" aria-labelledby="cf-tab-form" hidden={tab !== 'form'}>
        {(
          <div className="config-split">
            <div className="editor">
              <div className="field">
                <label htmlFor="cf-target">{t.cf.target}</label>
                <select id="cf-target" value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">{t.cf.targetCommon}</option>
                  {caseKeys.map((k) => (
                    <option key={k} value={k}>{t.cf.targetCase.replace('{n}', k).replace('{name}', cases[Number(k) - 1]?.name ?? '—')}</option>
                  ))}
                </select>
              </div>
              {target !== '' && !isObj(schema) && (
                <p>{t.cf.caseUsesCommon}{' '}
                  <button type="button" className="secondary small"
                    onClick={() => setSchema(isObj(common) ? structuredClone(common) : { type: 'object', properties: {} })}>{t.cf.makeOwn}</button>
                </p>
              )}
              {target === '' && !isObj(schema) && (
                <p>{t.cf.noForm}{' '}
                  <button type="button" className="secondary small" onClick={() => setSchema({ type: 'object', title: '', properties: {} })}>{t.cf.makeForm}</button>
                </p>
              )}
              {isObj(schema) && (
                <fieldset className="group">
                  <legend>{target === '' ? t.cf.targetCommon : t.cf.targetCase.replace('{n}', target).replace('{name}', cases[Number(target) - 1]?.name ?? '—')}</legend>
                  <p className="hint">{target === '' ? null : t.cf.caseOwn}{' '}
                    <button type="button" className="secondary small" onClick={() => setSchema(undefined)}>{target === '' ? t.cf.dropForm : t.cf.dropOwn}</button>
                  </p>
                  <div className="two">
                    <Input ctx={ctx} ptr={`${formPtr}/title`} label={t.cf.formTitle} value={str(schema.title)} onChange={(v) => setSchema(put(schema, 'title', v || undefined))} />
                    <Input ctx={ctx} ptr={`${formPtr}/title_en`} label={t.cf.formTitleEn} value={str(schema.title_en)} onChange={(v) => setSchema(put(schema, 'title_en', v || undefined))} />
                  </div>
                  <Input ctx={ctx} ptr={`${formPtr}/description`} label={t.cf.formDescription} multiline value={str(schema.description)}
                    onChange={(v) => setSchema(put(schema, 'description', v || undefined))} />
                  <Check ctx={ctx} ptr={`${formPtr}/additionalProperties`} label={t.cf.closed} checked={schema.additionalProperties === false}
                    onChange={(v) => setSchema(put(schema, 'additionalProperties', v ? false : undefined))} />
                  <Leftovers ctx={ctx} ptr={formPtr} shown={['title', 'title_en', 'description', 'additionalProperties'].map((k) => `${formPtr}/${k}`)}
                    nested={[`${formPtr}/properties`]} />
                  <ObjectEditor ctx={ctx} ptr={formPtr} schema={schema} onChange={(s) => setSchema(s)} heading={t.cf.fields} />
                </fieldset>
              )}
            </div>
            <section className="form-preview" aria-labelledby="cf-preview-title">
              <h2 id="cf-preview-title">{t.cf.preview}</h2>
              <p className="hint">{t.cf.previewNote}</p>
              {previewSchema ? (
                <div className="form wide preview-form" data-testid="form-preview">
                  {previewSchema.title && <h3>{(lang === 'en' && previewSchema.title_en) || previewSchema.title}</h3>}
                  {previewSchema.description && <p className="hint">{previewSchema.description}</p>}
                  {prefills.length > 0 && <p className="hint">{t.cf.previewPrefill.replace('{list}', prefills.join(', '))}</p>}
                  {Object.keys(previewSchema.properties ?? {}).length === 0 ? <p>{t.cf.previewEmpty}</p>
                    : <ObjectFields schema={previewSchema} value={answers} onChange={setAnswers} pointer="/preview" errors={[]} t={t} lang={lang} />}
                </div>
              ) : <p>{t.cf.noForm}</p>}
            </section>
          </div>
        )}
      </div>

      <div role="tabpanel" id="cf-panel-json" aria-labelledby="cf-tab-json" hidden={tab !== 'json'} className="editor">
        {tab === 'json' && (
          <div className="field">
            <label htmlFor="cf-json">{t.cf.jsonLabel}</label>
            <p id="cf-json-hint" className="hint">{t.cf.jsonHint}</p>
            <textarea id="cf-json" className="mono json-text" rows={28} spellCheck={false} value={jsonText} aria-describedby="cf-json-hint"
              onChange={(e) => { setJsonText(e.target.value); setDirty(true); setNotice(null); }} />
          </div>
        )}
      </div>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void save()}>{busy ? t.cf.saving : t.cf.save}</button>
      </div>
    </>
  );
}
