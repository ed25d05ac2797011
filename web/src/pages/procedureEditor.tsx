// The administrators' procedure editor: a form over one LayThuTuc record (general facts, cases
// with steps and documents, channels with time limits and fees, results), saved as a draft
// version with the version edited in If-Match, previewed with the public page's component, then
// published with the catalog's publish action. The server's errors name JSON pointers into the
// record; every input's id is made from its pointer, so each error lands next to its input.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate, setLeaveGuard } from '../router';
import { useSession } from '../session';
import { ErrorSummary, ItemTools, Link, Notice, SelectField, TextField, moved, useLeaveGuard } from '../ui';
import { ProcedureView, type Detail } from './catalog';

type Rec = Record<string, unknown>;

interface Named { code: string; name: string; raw: Rec }
interface Fee { code: string; amount: string; kind: string; description: string; raw: Rec }
interface Time { value: string; unit: string; description: string; fees: Fee[]; raw: Rec }
interface ChannelForm { channel: string; times: Time[]; raw: Rec }
interface Doc { code: string; name: string; originals: string; copies: string; form_name: string; url: string; substitute: string; raw: Rec }
interface CaseForm { name: string; steps: { text: string; raw: Rec }[]; documents: Doc[]; stepsRaw: Rec; docsRaw: Rec }

interface Form {
  code: string; name: string; name_en: string; description: string; description_en: string; requirements: string;
  subjects_text: string; publisher: string; decision_number: string; decision_date: string; service_class: string;
  levels: string[]; fields: Named[]; implementing: Named[]; competent: Named[]; authorised: Named[]; coordinating: Named[];
  legal_bases: Named[]; results: Named[]; channels: ChannelForm[]; cases: CaseForm[];
}

const LEVELS = ['Cấp Bộ', 'Cấp Tỉnh', 'Cấp Huyện', 'Cấp Xã'];
const UNITS = ['Ngày làm việc', 'Ngày', 'Giờ', 'Giờ làm việc'];
const LEVEL_OF: Record<string, string> = { central: 'Cấp Bộ', province: 'Cấp Tỉnh', district: 'Cấp Huyện', commune: 'Cấp Xã', 'Cấp Trung ương': 'Cấp Bộ' };

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The id of the input for a JSON pointer into the record. */
export function idOf(pointer: string): string {
  return `ed${pointer.replace(/[^A-Za-z0-9]/g, '-')}`;
}

/** Where a pointer's input is, for people: "Cách thức 1 › Thời hạn 1 › Phí, lệ phí 1 › Số tiền (đồng)". */
function describe(pointer: string): string {
  const el = document.getElementById(idOf(pointer));
  if (!el) return pointer;
  const parts: string[] = [];
  for (let f = el.closest('fieldset'); f; f = f.parentElement?.closest('fieldset') ?? null) {
    const legend = f.querySelector(':scope > legend')?.textContent;
    if (legend) parts.unshift(legend);
  }
  const label = document.querySelector(`label[for="${el.id}"]`)?.textContent?.replace(/\s*\*$/, '');
  if (label) parts.push(label);
  return parts.join(' › ');
}

function named(v: unknown, codeKey: string, nameKey: string): Named[] {
  return arr(v).map((x) => (typeof x === 'string' ? { code: '', name: x, raw: {} } : { code: str(obj(x)[codeKey]), name: str(obj(x)[nameKey]), raw: obj(x) }));
}

function emptyForm(): Form {
  return {
    code: '', name: '', name_en: '', description: '', description_en: '', requirements: '', subjects_text: '', publisher: '',
    decision_number: '', decision_date: '', service_class: 'info_only', levels: [], fields: [], implementing: [], competent: [],
    authorised: [], coordinating: [], legal_bases: [], results: [],
    channels: [{ channel: '1', times: [{ value: '', unit: 'Ngày làm việc', description: '', fees: [], raw: {} }], raw: {} }],
    cases: [{ name: '', steps: [{ text: '', raw: {} }], documents: [], stepsRaw: {}, docsRaw: {} }],
  };
}

function toForm(r: Rec): Form {
  const cases: CaseForm[] = [];
  const caseNamed = (name: string) => {
    let c = cases.find((x) => x.name === name);
    if (!c) {
      c = { name, steps: [], documents: [], stepsRaw: {}, docsRaw: {} };
      cases.push(c);
    }
    return c;
  };
  for (const s of arr(r.TRINHTUTHUCHIEN)) {
    const c = caseNamed(str(obj(s).TRUONGHOP));
    c.stepsRaw = obj(s);
    for (const step of arr(obj(s).TRINHTU)) c.steps.push({ text: str(obj(step).TENTRINHTU), raw: obj(step) });
  }
  for (const d of arr(r.THANHPHANHOSO)) {
    const c = caseNamed(str(obj(d).TRUONGHOP));
    c.docsRaw = obj(d);
    for (const g of arr(obj(d).GIAYTO).map(obj)) {
      c.documents.push({ code: str(g.MAGIAYTO), name: str(g.TENGIAYTO), originals: str(g.SOBANCHINH), copies: str(g.SOBANSAO),
        form_name: str(g.TENMAUDON), url: str(g.URL), substitute: str(g.MAKETQUATHAYTHE), raw: g });
    }
  }
  const levels = arr(r.CAPTHUCHIEN).map((l) => (typeof l === 'string' ? l : str(obj(l).TENCAP))).map((l) => LEVEL_OF[l] ?? l);
  return {
    code: str(r.MATTHC), name: str(r.TENTTHC), name_en: str(r.TENTTHC_EN), description: str(r.MOTA), description_en: str(r.MOTA_EN),
    requirements: str(r.YEUCAU), subjects_text: str(r.MOTADOITUONGTHUCHIEN), publisher: str(r.MACOQUANCONGBO),
    decision_number: str(r.SOQUYETDINHCONGBO), decision_date: str(r.NGAYQUYETDINHCONGBO),
    service_class: str(r.DICHVUCONG) || (Number(r.MUCDO) >= 4 ? 'full_online' : Number(r.MUCDO) === 3 ? 'partial_online' : 'info_only'),
    levels,
    fields: named(r.LINHVUCTHUCHIEN, 'MALINHVUC', 'TENLINHVUC'),
    implementing: named(r.COQUANTHUCHIEN, 'MADONVI', 'TENDONVI'),
    competent: named(r.COQUANCOTHAMQUYEN, 'MADONVI', 'TENDONVI'),
    authorised: named(r.COQUANDUOCUYQUYEN, 'MADONVI', 'TENDONVI'),
    coordinating: named(r.COQUANPHOIHOP, 'MADONVI', 'TENDONVI'),
    legal_bases: named(r.CANCUPHAPLY, 'SOVANBAN', 'TENVANBAN'),
    results: named(r.KETQUATHUCHIEN, 'MAKETQUA', 'TENKETQUA'),
    channels: arr(r.CACHTHUCTHUCHIEN).map(obj).map((c) => ({
      channel: str(c.KENH) || '1', raw: c,
      times: arr(c.THOIGIAN).map(obj).map((t) => ({
        value: str(t.THOIGIANGIAIQUYET), unit: str(t.DONVITINH) || 'Ngày làm việc', description: str(t.MOTA), raw: t,
        fees: arr(t.PHILEPHI).map(obj).map((f) => ({ code: str(f.MAPHILEPHI), amount: str(f.SOTIEN), kind: str(f.LOAIPHILEPHI), description: str(f.MOTA), raw: f })),
      })),
    })),
    cases: cases.length > 0 ? cases : [{ name: '', steps: [], documents: [], stepsRaw: {}, docsRaw: {} }],
  };
}

/** A number typed as digits goes as a JSON number; anything else as typed, for the server to name. */
function num(v: string): unknown {
  const s = v.trim();
  if (s === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(s) && s.length <= 16 ? Number(s) : s;
}

/** `raw` with `fields` over it; an empty value is left out unless the key was there already (no noise in the diff). */
function merge(raw: Rec, fields: Rec): Rec {
  const out: Rec = { ...raw };
  for (const [k, v] of Object.entries(fields)) {
    const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty && !(k in raw)) continue;
    const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number';
    if (k in raw && scalar(raw[k]) && scalar(v) && String(raw[k]) === String(v)) continue; // "1" and 1 alike: as it was
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function toRecord(f: Form, base: Rec): Rec {
  const list = (l: Named[], codeKey: string, nameKey: string) => l.map((n) => merge(n.raw, { [codeKey]: n.code, [nameKey]: n.name }));
  const r = merge(base, {
    MATTHC: f.code.trim(), TENTTHC: f.name, TENTTHC_EN: f.name_en, MOTA: f.description, MOTA_EN: f.description_en,
    YEUCAU: f.requirements, MOTADOITUONGTHUCHIEN: f.subjects_text, MACOQUANCONGBO: f.publisher.trim(),
    SOQUYETDINHCONGBO: f.decision_number, NGAYQUYETDINHCONGBO: f.decision_date, DICHVUCONG: f.service_class,
    // The levels as they were written when the choice did not change (texts or {TENCAP} objects).
    CAPTHUCHIEN: JSON.stringify(toForm(base).levels) === JSON.stringify(f.levels) && 'CAPTHUCHIEN' in base ? base.CAPTHUCHIEN : f.levels,
    LINHVUCTHUCHIEN: list(f.fields, 'MALINHVUC', 'TENLINHVUC'),
    COQUANTHUCHIEN: list(f.implementing, 'MADONVI', 'TENDONVI'),
    COQUANCOTHAMQUYEN: list(f.competent, 'MADONVI', 'TENDONVI'),
    COQUANDUOCUYQUYEN: list(f.authorised, 'MADONVI', 'TENDONVI'),
    COQUANPHOIHOP: list(f.coordinating, 'MADONVI', 'TENDONVI'),
    CANCUPHAPLY: list(f.legal_bases, 'SOVANBAN', 'TENVANBAN'),
    KETQUATHUCHIEN: list(f.results, 'MAKETQUA', 'TENKETQUA'),
    CACHTHUCTHUCHIEN: f.channels.map((c) => merge(c.raw, {
      KENH: num(c.channel),
      THOIGIAN: c.times.map((t) => merge(t.raw, {
        THOIGIANGIAIQUYET: num(t.value), DONVITINH: t.unit, MOTA: t.description,
        PHILEPHI: t.fees.map((x) => merge(x.raw, { MAPHILEPHI: x.code, SOTIEN: num(x.amount), LOAIPHILEPHI: x.kind || undefined, MOTA: x.description })),
      })),
    })),
    // One entry per case in each list, at the case's index: /TRINHTUTHUCHIEN/i and /THANHPHANHOSO/i are case i.
    TRINHTUTHUCHIEN: f.cases.map((c) => merge(c.stepsRaw, { TRUONGHOP: c.name, TRINHTU: c.steps.map((s) => merge(s.raw, { TENTRINHTU: s.text })) })),
    THANHPHANHOSO: f.cases.map((c) => merge(c.docsRaw, {
      TRUONGHOP: c.name,
      GIAYTO: c.documents.map((d) => merge(d.raw, {
        MAGIAYTO: d.code, TENGIAYTO: d.name, SOBANCHINH: num(d.originals), SOBANSAO: num(d.copies),
        TENMAUDON: d.form_name, URL: d.url, MAKETQUATHAYTHE: d.substitute,
      })),
    })),
  });
  delete r.TRANGTHAI;
  return r;
}

// ---- inputs bound to pointers ----

interface Ctx { errors: Record<string, string> }

function Input(props: Omit<Parameters<typeof TextField>[0], 'id' | 'error'> & { ctx: Ctx; ptr: string }) {
  const { ctx, ptr, ...rest } = props;
  return <TextField id={idOf(ptr)} error={ctx.errors[ptr]} {...rest} />;
}

function Select({ ctx, ptr, ...rest }: { ctx: Ctx; ptr: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return <SelectField id={idOf(ptr)} error={ctx.errors[ptr]} {...rest} />;
}

/** Up / down / remove for the i-th of n items. */


function NamedRows({ t, ctx, title, base, list, onChange, codeLabel, nameLabel, codeKey, nameKey }: {
  t: Messages; ctx: Ctx; title: string; base: string; list: Named[]; onChange: (l: Named[]) => void;
  codeLabel: string; nameLabel: string; codeKey: string; nameKey: string;
}) {
  const set = (i: number, patch: Partial<Named>) => onChange(list.map((n, j) => (j === i ? { ...n, ...patch } : n)));
  return (
    <fieldset className="group">
      <legend>{title}</legend>
      {ctx.errors[base] && <p className="error" id={idOf(base)}>{ctx.errors[base]}</p>}
      {list.map((n, i) => (
        <div className="row-item" key={i}>
          <Input ctx={ctx} ptr={`${base}/${i}/${codeKey}`} label={`${codeLabel} ${i + 1}`} value={n.code} onChange={(v) => set(i, { code: v })} />
          <Input ctx={ctx} ptr={`${base}/${i}/${nameKey}`} label={`${nameLabel} ${i + 1}`} value={n.name} onChange={(v) => set(i, { name: v })} />
          <ItemTools labels={t.ed} what={`${title} ${i + 1}`} i={i} n={list.length} move={(a, b) => onChange(moved(list, a, b))}
            remove={(j) => onChange(list.filter((_, k) => k !== j))} />
        </div>
      ))}
      <button type="button" className="secondary small" onClick={() => onChange([...list, { code: '', name: '', raw: {} }])}>
        + {t.ed.addRow}: {title}
      </button>
    </fieldset>
  );
}

// ---- the page ----

interface Loaded { version: number; status: string; published_version: number | null; record: Rec }

export function ProcedureEditor({ t, lang, code }: { t: Messages; lang: Lang; code: string | null }) {
  const { me, loaded: sessionLoaded } = useSession();
  const allowed = !!me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  const [form, setForm] = useState<Form | null>(code === null ? emptyForm() : null);
  const [base, setBase] = useState<Rec>({});
  const [meta, setMeta] = useState<{ version: number; status: string; published_version: number | null } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [missing, setMissing] = useState(false);
  const [tab, setTab] = useState<'form' | 'preview'>('form');
  const [preview, setPreview] = useState<Detail | null>(null);
  const [problem, setProblem] = useState<{ message: string; errors: FieldError[]; conflict: number | null } | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [busy, setBusy] = useState(false);
  const formTab = useRef<HTMLButtonElement>(null);
  const previewTab = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    if (code === null) return;
    const r = await api<Loaded>('GET', `/api/v1/admin/procedures/${encodeURIComponent(code)}/record`, undefined, lang);
    if (!r.ok) {
      setMissing(true);
      return;
    }
    setBase(r.data.record);
    setForm(toForm(r.data.record));
    setMeta({ version: r.data.version, status: r.data.status, published_version: r.data.published_version });
    setDirty(false);
    setProblem(null);
  }, [code, lang]);
  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);

  // Unsaved changes: asked before leaving, in the app and for the browser.
  useLeaveGuard(dirty, t.ed.unsaved);

  const errors = useMemo(() => {
    const m: Record<string, string> = {};
    for (const e of problem?.errors ?? []) if (!(e.field in m)) m[e.field] = e.message;
    return m;
  }, [problem]);
  const ctx: Ctx = { errors };

  if (!sessionLoaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{code === null ? t.ed.newTitle : t.ed.editTitle.replace('{code}', code)}</h1>
        <p>{t.adminOnly} {!me && <Link to={`/dang-nhap?return_to=${encodeURIComponent(window.location.pathname)}`}>{t.loginTitle}</Link>}</p>
      </>
    );
  }
  if (missing) {
    return (
      <>
        <h1>{t.ed.editTitle.replace('{code}', code ?? '')}</h1>
        <p>{t.ed.notFound} <Link to="/quan-tri/thu-tuc">{t.ed.back}</Link></p>
      </>
    );
  }
  if (!form) return <p role="status">{t.loading}</p>;

  const change = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    setDirty(true);
  };
  const record = () => toRecord(form, base);
  const refused = (p: { status: number; detail: string; errors: FieldError[]; body: unknown }) => {
    const current = (p.body as { current_version?: number | null } | null)?.current_version;
    setProblem({
      message: p.status === 409 && typeof current === 'number' ? t.ed.conflict.replace('{n}', String(current)) : p.detail || t.genericError,
      errors: p.errors,
      conflict: p.status === 409 && typeof current === 'number' ? current : null,
    });
  };

  const showPreview = async () => {
    setTab('preview');
    setPreview(null);
    setNotice(null);
    const r = await api<Detail>('POST', '/api/v1/admin/procedures/preview', record(), lang);
    if (r.ok) {
      setPreview(r.data);
      setProblem(null);
    } else {
      refused(r.problem);
    }
  };

  const save = async () => {
    setBusy(true);
    setNotice(null);
    const target = code ?? form.code.trim();
    const headers: Record<string, string> = meta ? { 'If-Match': `"${meta.version}"` } : {};
    const r = await api<{ version: number; status: string; created: boolean }>(
      'PUT', `/api/v1/admin/procedures/${encodeURIComponent(target)}`, record(), lang, headers);
    setBusy(false);
    if (!r.ok) {
      refused(r.problem);
      setTab('form');
      return;
    }
    setProblem(null);
    setDirty(false);
    setLeaveGuard(null);
    setMeta({ version: r.data.version, status: r.data.status, published_version: meta?.published_version ?? null });
    setNotice(<>{t.ed.saved.replace('{n}', String(r.data.version))} {t.ed.publishHint}</>);
    if (code === null) navigate(`/quan-tri/thu-tuc/${encodeURIComponent(target)}/sua`);
  };

  const publish = async () => {
    if (!code || !meta) return;
    setBusy(true);
    const r = await api<{ status: string }>('POST', `/api/v1/admin/procedures/${encodeURIComponent(code)}/actions/publish`, undefined, lang);
    setBusy(false);
    if (!r.ok) {
      refused(r.problem);
      return;
    }
    setMeta({ ...meta, status: r.data.status, published_version: meta.version });
    setNotice(<>{t.ed.published} <Link to={`/thu-tuc/${code}`}>/thu-tuc/{code}</Link></>);
  };

  const canPublish = !!code && !!meta && !dirty &&
    (meta.status === 'draft' || meta.status === 'suspended' || (meta.status === 'published' && meta.published_version !== meta.version));
  const fieldIds: Record<string, string> = {};
  for (const e of problem?.errors ?? []) fieldIds[e.field] = idOf(e.field);

  const setChannel = (i: number, c: ChannelForm) => change({ channels: form.channels.map((x, j) => (j === i ? c : x)) });
  const setCase = (i: number, c: CaseForm) => change({ cases: form.cases.map((x, j) => (j === i ? c : x)) });
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    if (tab === 'form') {
      void showPreview();
      previewTab.current?.focus();
    } else {
      setTab('form');
      formTab.current?.focus();
    }
  };

  return (
    <>
      <p className="crumbs"><Link to="/quan-tri/thu-tuc">{t.ed.back}</Link></p>
      <h1>{code === null ? t.ed.newTitle : t.ed.editTitle.replace('{code}', code)}</h1>
      {meta && (
        <p className="hint">
          {t.ed.versionStatus.replace('{n}', String(meta.version)).replace('{status}', (t.statusNames as Record<string, string>)[meta.status] ?? meta.status)}
          {meta.published_version !== null && meta.published_version !== meta.version &&
            ` · ${t.ed.pendingDraft.replace('{n}', String(meta.published_version))}`}
        </p>
      )}
      {problem && (
        <ErrorSummary title={t.ed.refused} message={problem.message} errors={problem.errors.map((e) => ({ field: e.field, message: `${e.field ? `${describe(e.field)}: ` : ''}${e.message}` }))}
          fieldIds={fieldIds} />
      )}
      {problem?.conflict !== null && problem?.conflict !== undefined && (
        <p><button type="button" className="secondary" onClick={() => void load()}>{t.ed.reload}</button></p>
      )}
      {notice && <Notice>{notice}</Notice>}
      <div className="editor-bar">
        <div role="tablist" aria-label={t.ed.tabsLabel} className="tabs">
          <button type="button" role="tab" id="tab-form" ref={formTab} aria-selected={tab === 'form'} aria-controls="panel-form"
            tabIndex={tab === 'form' ? 0 : -1} onClick={() => setTab('form')} onKeyDown={onTabKey}>{t.ed.tabForm}</button>
          <button type="button" role="tab" id="tab-preview" ref={previewTab} aria-selected={tab === 'preview'} aria-controls="panel-preview"
            tabIndex={tab === 'preview' ? 0 : -1} onClick={() => void showPreview()} onKeyDown={onTabKey}>{t.ed.tabPreview}</button>
        </div>
        <div className="action-buttons">
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>{busy ? t.ed.saving : t.ed.saveDraft}</button>
          {canPublish && <button type="button" className="secondary" disabled={busy} onClick={() => void publish()}>{t.ed.publish}</button>}
        </div>
      </div>

      <div role="tabpanel" id="panel-preview" aria-labelledby="tab-preview" hidden={tab !== 'preview'} className="preview">
        {tab === 'preview' && (
          preview ? (
            <>
              <p className="note">{t.ed.previewNote}</p>
              <ProcedureView t={t} lang={lang} detail={preview} preview />
            </>
          ) : problem ? <p>{t.ed.previewRefused}</p> : <p role="status">{t.loading}</p>
        )}
      </div>

      <form role="tabpanel" id="panel-form" aria-labelledby="tab-form" hidden={tab !== 'form'} className="editor" noValidate
        onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <fieldset className="group">
          <legend>{t.ed.general}</legend>
          <div className="two">
            <Input ctx={ctx} ptr="/MATTHC" label={t.ed.code} hint={code === null ? t.ed.codeHint : undefined} value={form.code} required
              readOnly={code !== null}
              onChange={(v) => change({ code: v })} />
            <Select ctx={ctx} ptr="/DICHVUCONG" label={t.ed.serviceClass} value={form.service_class} onChange={(v) => change({ service_class: v })}
              options={['info_only', 'partial_online', 'full_online'].map((c) => [c, (t.classNames as Record<string, string>)[c] ?? c])} />
          </div>
          <Input ctx={ctx} ptr="/TENTTHC" label={t.ed.name} value={form.name} required onChange={(v) => change({ name: v })} />
          <Input ctx={ctx} ptr="/TENTTHC_EN" label={t.ed.nameEn} value={form.name_en} onChange={(v) => change({ name_en: v })} />
          <Input ctx={ctx} ptr="/MOTA" label={t.ed.description} value={form.description} multiline onChange={(v) => change({ description: v })} />
          <Input ctx={ctx} ptr="/MOTA_EN" label={t.ed.descriptionEn} value={form.description_en} multiline onChange={(v) => change({ description_en: v })} />
          <Input ctx={ctx} ptr="/YEUCAU" label={t.ed.requirements} value={form.requirements} multiline onChange={(v) => change({ requirements: v })} />
          <Input ctx={ctx} ptr="/MOTADOITUONGTHUCHIEN" label={t.ed.subjects} value={form.subjects_text} multiline onChange={(v) => change({ subjects_text: v })} />
          <div className="two">
            <Input ctx={ctx} ptr="/MACOQUANCONGBO" label={t.ed.publisher} value={form.publisher} onChange={(v) => change({ publisher: v })} />
            <Input ctx={ctx} ptr="/SOQUYETDINHCONGBO" label={t.ed.decisionNumber} value={form.decision_number} onChange={(v) => change({ decision_number: v })} />
            <Input ctx={ctx} ptr="/NGAYQUYETDINHCONGBO" label={t.ed.decisionDate} type="date" value={form.decision_date} onChange={(v) => change({ decision_date: v })} />
          </div>
          <fieldset className="checks" aria-describedby={errors['/CAPTHUCHIEN'] ? `${idOf('/CAPTHUCHIEN')}-error` : undefined}>
            <legend>{t.ed.levels}</legend>
            {LEVELS.map((l) => (
              <label key={l} className="check">
                <input type="checkbox" checked={form.levels.includes(l)}
                  onChange={(e) => change({ levels: e.target.checked ? LEVELS.filter((x) => x === l || form.levels.includes(x)) : form.levels.filter((x) => x !== l) })} />
                {t.ed.levelOptions[l] ?? l}
              </label>
            ))}
            {Object.entries(errors).filter(([p]) => p.startsWith('/CAPTHUCHIEN')).map(([p, m]) => (
              <p key={p} className="error" id={`${idOf('/CAPTHUCHIEN')}-error`}>{m}</p>
            ))}
          </fieldset>
        </fieldset>

        <NamedRows t={t} ctx={ctx} title={t.ed.fields} base="/LINHVUCTHUCHIEN" list={form.fields} onChange={(l) => change({ fields: l })}
          codeLabel={t.ed.fieldCode} nameLabel={t.ed.fieldName} codeKey="MALINHVUC" nameKey="TENLINHVUC" />
        <NamedRows t={t} ctx={ctx} title={t.ed.implementing} base="/COQUANTHUCHIEN" list={form.implementing} onChange={(l) => change({ implementing: l })}
          codeLabel={t.ed.agencyCode} nameLabel={t.ed.agencyName} codeKey="MADONVI" nameKey="TENDONVI" />
        <NamedRows t={t} ctx={ctx} title={t.ed.competent} base="/COQUANCOTHAMQUYEN" list={form.competent} onChange={(l) => change({ competent: l })}
          codeLabel={t.ed.agencyCode} nameLabel={t.ed.agencyName} codeKey="MADONVI" nameKey="TENDONVI" />
        <NamedRows t={t} ctx={ctx} title={t.ed.authorised} base="/COQUANDUOCUYQUYEN" list={form.authorised} onChange={(l) => change({ authorised: l })}
          codeLabel={t.ed.agencyCode} nameLabel={t.ed.agencyName} codeKey="MADONVI" nameKey="TENDONVI" />
        <NamedRows t={t} ctx={ctx} title={t.ed.coordinating} base="/COQUANPHOIHOP" list={form.coordinating} onChange={(l) => change({ coordinating: l })}
          codeLabel={t.ed.agencyCode} nameLabel={t.ed.agencyName} codeKey="MADONVI" nameKey="TENDONVI" />
        <NamedRows t={t} ctx={ctx} title={t.ed.legalBases} base="/CANCUPHAPLY" list={form.legal_bases} onChange={(l) => change({ legal_bases: l })}
          codeLabel={t.ed.lawNumber} nameLabel={t.ed.lawName} codeKey="SOVANBAN" nameKey="TENVANBAN" />

        <fieldset className="group">
          <legend>{t.ed.channels}</legend>
          {form.channels.map((c, i) => {
            const pc = `/CACHTHUCTHUCHIEN/${i}`;
            const what = t.ed.channelN.replace('{n}', String(i + 1));
            const setTime = (j: number, tm: Time) => setChannel(i, { ...c, times: c.times.map((x, k) => (k === j ? tm : x)) });
            return (
              <fieldset className="item" key={i}>
                <legend>{what}</legend>
                <ItemTools labels={t.ed} what={what} i={i} n={form.channels.length} move={(a, b) => change({ channels: moved(form.channels, a, b) })}
                  remove={(j) => change({ channels: form.channels.filter((_, k) => k !== j) })} />
                <Select ctx={ctx} ptr={`${pc}/KENH`} label={t.ed.channel} value={c.channel} onChange={(v) => setChannel(i, { ...c, channel: v })}
                  options={['1', '2', '3'].map((k) => [k, (t.channelNames as Record<string, string>)[k] ?? k])} />
                {c.times.map((tm, j) => {
                  const pt = `${pc}/THOIGIAN/${j}`;
                  const tw = `${what}, ${t.ed.timeN.replace('{n}', String(j + 1))}`;
                  const setFee = (k: number, f: Fee) => setTime(j, { ...tm, fees: tm.fees.map((x, m) => (m === k ? f : x)) });
                  return (
                    <fieldset className="item" key={j}>
                      <legend>{t.ed.timeN.replace('{n}', String(j + 1))}</legend>
                      <ItemTools labels={t.ed} what={tw} i={j} n={c.times.length} move={(a, b) => setChannel(i, { ...c, times: moved(c.times, a, b) })}
                        remove={(k) => setChannel(i, { ...c, times: c.times.filter((_, m) => m !== k) })} />
                      <div className="two">
                        <Input ctx={ctx} ptr={`${pt}/THOIGIANGIAIQUYET`} label={t.ed.duration} inputMode="numeric" value={tm.value}
                          onChange={(v) => setTime(j, { ...tm, value: v })} />
                        <Select ctx={ctx} ptr={`${pt}/DONVITINH`} label={t.ed.unit} value={tm.unit} onChange={(v) => setTime(j, { ...tm, unit: v })}
                          options={UNITS.map((u) => [u, t.ed.units[u] ?? u])} />
                      </div>
                      <Input ctx={ctx} ptr={`${pt}/MOTA`} label={t.ed.timeNote} value={tm.description} onChange={(v) => setTime(j, { ...tm, description: v })} />
                      {tm.fees.map((f, k) => {
                        const pf = `${pt}/PHILEPHI/${k}`;
                        const fw = `${tw}, ${t.ed.feeN.replace('{n}', String(k + 1))}`;
                        return (
                          <fieldset className="item" key={k}>
                            <legend>{t.ed.feeN.replace('{n}', String(k + 1))}</legend>
                            <ItemTools labels={t.ed} what={fw} i={k} n={tm.fees.length} move={(a, b) => setTime(j, { ...tm, fees: moved(tm.fees, a, b) })}
                              remove={(m) => setTime(j, { ...tm, fees: tm.fees.filter((_, x) => x !== m) })} />
                            <div className="two">
                              <Input ctx={ctx} ptr={`${pf}/MAPHILEPHI`} label={t.ed.feeCode} value={f.code} onChange={(v) => setFee(k, { ...f, code: v })} />
                              <Input ctx={ctx} ptr={`${pf}/SOTIEN`} label={t.ed.amount} inputMode="numeric" value={f.amount} required
                                onChange={(v) => setFee(k, { ...f, amount: v })} />
                              <Select ctx={ctx} ptr={`${pf}/LOAIPHILEPHI`} label={t.ed.feeKind} value={f.kind} onChange={(v) => setFee(k, { ...f, kind: v })}
                                options={[['', t.ed.feeKindNone], ['PHI', (t.feeKinds as Record<string, string>).phi], ['LEPHI', (t.feeKinds as Record<string, string>).le_phi]]} />
                            </div>
                            <Input ctx={ctx} ptr={`${pf}/MOTA`} label={t.ed.feeNote} value={f.description} onChange={(v) => setFee(k, { ...f, description: v })} />
                          </fieldset>
                        );
                      })}
                      <button type="button" className="secondary small"
                        onClick={() => setTime(j, { ...tm, fees: [...tm.fees, { code: '', amount: '', kind: '', description: '', raw: {} }] })}>
                        + {t.ed.addFee} ({tw})
                      </button>
                    </fieldset>
                  );
                })}
                <button type="button" className="secondary small"
                  onClick={() => setChannel(i, { ...c, times: [...c.times, { value: '', unit: 'Ngày làm việc', description: '', fees: [], raw: {} }] })}>
                  + {t.ed.addTime} ({what})
                </button>
              </fieldset>
            );
          })}
          <button type="button" className="secondary small"
            onClick={() => change({ channels: [...form.channels, { channel: '2', times: [{ value: '', unit: 'Ngày làm việc', description: '', fees: [], raw: {} }], raw: {} }] })}>
            + {t.ed.addChannel}
          </button>
        </fieldset>

        <fieldset className="group">
          <legend>{t.ed.cases}</legend>
          {form.cases.map((c, i) => {
            const what = t.ed.caseN.replace('{n}', String(i + 1));
            return (
              <fieldset className="item" key={i}>
                <legend>{what}</legend>
                <ItemTools labels={t.ed} what={what} i={i} n={form.cases.length} move={(a, b) => change({ cases: moved(form.cases, a, b) })}
                  remove={(j) => change({ cases: form.cases.filter((_, k) => k !== j) })} />
                <Input ctx={ctx} ptr={`/TRINHTUTHUCHIEN/${i}/TRUONGHOP`} label={t.ed.caseName} value={c.name} onChange={(v) => setCase(i, { ...c, name: v })} />
                <h3>{t.ed.steps}</h3>
                {c.steps.map((s, j) => {
                  const sw = `${what}, ${t.ed.stepN.replace('{n}', String(j + 1))}`;
                  return (
                    <div className="row-item" key={j}>
                      <Input ctx={ctx} ptr={`/TRINHTUTHUCHIEN/${i}/TRINHTU/${j}/TENTRINHTU`} label={t.ed.stepN.replace('{n}', String(j + 1))} multiline
                        value={s.text} onChange={(v) => setCase(i, { ...c, steps: c.steps.map((x, k) => (k === j ? { ...x, text: v } : x)) })} />
                      <ItemTools labels={t.ed} what={sw} i={j} n={c.steps.length} move={(a, b) => setCase(i, { ...c, steps: moved(c.steps, a, b) })}
                        remove={(k) => setCase(i, { ...c, steps: c.steps.filter((_, m) => m !== k) })} />
                    </div>
                  );
                })}
                <button type="button" className="secondary small" onClick={() => setCase(i, { ...c, steps: [...c.steps, { text: '', raw: {} }] })}>
                  + {t.ed.addStep} ({what})
                </button>
                <h3>{t.ed.documents}</h3>
                {c.documents.map((d, j) => {
                  const pd = `/THANHPHANHOSO/${i}/GIAYTO/${j}`;
                  const dw = `${what}, ${t.ed.documentN.replace('{n}', String(j + 1))}`;
                  const setDoc = (patch: Partial<Doc>) => setCase(i, { ...c, documents: c.documents.map((x, k) => (k === j ? { ...x, ...patch } : x)) });
                  return (
                    <fieldset className="item" key={j}>
                      <legend>{t.ed.documentN.replace('{n}', String(j + 1))}</legend>
                      <ItemTools labels={t.ed} what={dw} i={j} n={c.documents.length} move={(a, b) => setCase(i, { ...c, documents: moved(c.documents, a, b) })}
                        remove={(k) => setCase(i, { ...c, documents: c.documents.filter((_, m) => m !== k) })} />
                      <Input ctx={ctx} ptr={`${pd}/TENGIAYTO`} label={t.ed.docName} value={d.name} required onChange={(v) => setDoc({ name: v })} />
                      <div className="two">
                        <Input ctx={ctx} ptr={`${pd}/MAGIAYTO`} label={t.ed.docCode} value={d.code} onChange={(v) => setDoc({ code: v })} />
                        <Input ctx={ctx} ptr={`${pd}/SOBANCHINH`} label={t.ed.originals} inputMode="numeric" value={d.originals} onChange={(v) => setDoc({ originals: v })} />
                        <Input ctx={ctx} ptr={`${pd}/SOBANSAO`} label={t.ed.copies} inputMode="numeric" value={d.copies} onChange={(v) => setDoc({ copies: v })} />
                      </div>
                      <div className="two">
                        <Input ctx={ctx} ptr={`${pd}/TENMAUDON`} label={t.ed.formName} value={d.form_name} onChange={(v) => setDoc({ form_name: v })} />
                        <Input ctx={ctx} ptr={`${pd}/URL`} label={t.ed.formUrl} value={d.url} onChange={(v) => setDoc({ url: v })} />
                        <Input ctx={ctx} ptr={`${pd}/MAKETQUATHAYTHE`} label={t.ed.substitute} value={d.substitute} onChange={(v) => setDoc({ substitute: v })} />
                      </div>
                    </fieldset>
                  );
                })}
                <button type="button" className="secondary small"
                  onClick={() => setCase(i, { ...c, documents: [...c.documents, { code: '', name: '', originals: '1', copies: '0', form_name: '', url: '', substitute: '', raw: {} }] })}>
                  + {t.ed.addDocument} ({what})
                </button>
              </fieldset>
            );
          })}
          <button type="button" className="secondary small"
            onClick={() => change({ cases: [...form.cases, { name: '', steps: [], documents: [], stepsRaw: {}, docsRaw: {} }] })}>
            + {t.ed.addCase}
          </button>
        </fieldset>

        <NamedRows t={t} ctx={ctx} title={t.ed.results} base="/KETQUATHUCHIEN" list={form.results} onChange={(l) => change({ results: l })}
          codeLabel={t.ed.resultCode} nameLabel={t.ed.resultName} codeKey="MAKETQUA" nameKey="TENKETQUA" />

        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? t.ed.saving : t.ed.saveDraft}</button>
        </div>
      </form>
    </>
  );
}
