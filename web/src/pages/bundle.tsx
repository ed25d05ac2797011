// Life-event bundles (nhóm thủ tục liên thông): the applicant declares once, uploads each paper
// once and submits one request that makes a dossier per procedure of the bundle
// (POST /api/v1/bundles/{code}/dossiers); then the bundle's status page (GET
// /api/v1/dossier-bundles/{id}) with its child dossiers.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, postOnce, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Link, Notice } from '../ui';
import {
  FilePicker, ObjectFields, StatusTag, bundleHref, bundleSubmitHref, cleaned, dossierHref, errorsAt, fill, idFor, initialValue, when,
  type Dossier, type FileRef, type Schema, type Template,
} from './dossierCommon';

interface BundleDetail {
  code: string;
  name: string;
  name_en: string;
  procedures: { code: string; name: string; available: boolean; implementing?: string }[];
  documents: { name: string; originals: number; copies: number; needed_by: string[]; codes: string[] }[];
}

type ChildDossier = Dossier & { step_due_at?: string | null };

// A saved, unsent bundle submission (`/api/v1/dossier-drafts` with a bundle_code).
interface BundleDraft {
  id: string;
  bundle_code?: string;
  form?: Record<string, unknown>;
  documents?: { code: string; attachment_ids: string[]; files?: FileRef[] }[];
  children?: Record<string, { agency_id?: string }>;
  summary?: string;
  updated_at: string;
}

export interface DossierBundle {
  id: string;
  bundle_code: string;
  name: string;
  created_at: string;
  status: string;
  status_label: string;
  due_at: string | null;
  children: ChildDossier[];
}

/**
 * Where a server error is shown on this page, as a pointer of the page's own fields: the first
 * procedure's e-form errors on the declaration (`/form/…`), its agency on the commune select, a
 * missing paper of any child on the merged paper whose codes hold it. Null: the alert list only.
 */
export function localPointer(field: string, first: string, docs: BundleDetail['documents']): string | null {
  const child = `/children/${first.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  if (field === '/form' || field.startsWith('/form/')) return field;
  if (field === `${child}/form` || field.startsWith(`${child}/form/`)) return '/form' + field.slice(child.length + 5);
  if (field === `${child}/agency_id` || field === `${child}/agency`) return '/agency_id';
  if (field === '/summary') return '/summary';
  const m = /^(?:\/children\/[^/]+)?\/documents\/([^/]+)(?:\/.*)?$/.exec(field);
  if (m) {
    const code = m[1].replace(/~1/g, '/').replace(/~0/g, '~');
    const doc = docs.find((d) => d.codes.includes(code));
    if (doc) return `/documents/${doc.codes[0]}`;
  }
  return null;
}

/**
 * The declaration as sent: empty strings dropped (cleaned), and an optional group left wholly
 * empty (say the father's details, which hold no more than the schema's defaults such as the
 * nationality) dropped too, so that its own required fields are not asked for.
 */
function onlyDefaults(schema: Schema | undefined, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value === schema?.default;
  return Object.entries(value as Record<string, unknown>).every(([k, v]) => onlyDefaults(schema?.properties?.[k], v));
}

function declaration(schema: Schema | null | undefined, value: unknown): unknown {
  const c = cleaned(value);
  if (!schema?.properties || typeof c !== 'object' || c === null || Array.isArray(c)) return c;
  const required = new Set(schema.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
    const sub = declaration(schema.properties[k], v);
    const empty = typeof sub === 'object' && sub !== null && !Array.isArray(sub) && onlyDefaults(schema.properties[k], sub);
    if (empty && !required.has(k)) continue;
    out[k] = sub;
  }
  return out;
}

function fieldId(pointer: string): string {
  return pointer === '/summary' ? 'bundle-summary' : idFor(pointer);
}

function statusText(status: string, label: string, t: Messages): string {
  return label || t.ds.bd.statuses[status] || status;
}

function ChildrenTable({ children, order, t }: { children: ChildDossier[]; order: string[]; t: Messages }) {
  const sorted = [...children].sort((a, b) => order.indexOf(a.procedure_code) - order.indexOf(b.procedure_code));
  return (
    <table className="table" data-testid="bundle-children">
      <thead>
        <tr>
          <th scope="col">{t.ds.bd.code}</th>
          <th scope="col">{t.ds.bd.procedure}</th>
          <th scope="col">{t.ds.bd.agency}</th>
          <th scope="col">{t.ds.bd.status}</th>
          <th scope="col">{t.ds.bd.dueAt}</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((c) => (
          <tr key={c.code}>
            <td className="code">
              <Link to={dossierHref(c.code)}>{c.code}</Link>
            </td>
            <td>{c.procedure_name}</td>
            <td>{c.agency?.name}</td>
            <td>
              <StatusTag status={c.status} label={c.status_label} overdue={c.overdue} dueSoon={c.at_risk} t={t} />
            </td>
            <td>{when(c.due_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BundleSubmit({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me, loaded } = useSession();
  const b = t.ds.bd;
  const [bundle, setBundle] = useState<BundleDetail | null>(null);
  const [tpl, setTpl] = useState<Template | null>(null);
  const [loadError, setLoadError] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [form, setForm] = useState<Record<string, unknown>>({});
  const [docs, setDocs] = useState<Record<string, FileRef[]>>({});
  const [summary, setSummary] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<DossierBundle | null>(null);
  const [draftId, setDraftId] = useState(() => new URLSearchParams(window.location.search).get('ban-nhap') ?? '');
  const [notice, setNotice] = useState('');
  // One Idempotency-Key per submission attempt: a retry after a lost answer reuses it.
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  const isApplicant = !!me && me.kind !== 'officer';

  useEffect(() => {
    if (!isApplicant) return;
    void (async () => {
      const r = await api<BundleDetail>('GET', `/api/v1/bundles/${encodeURIComponent(code)}`, undefined, lang);
      if (!r.ok) {
        setLoadError(r.problem.status === 404 ? t.procedureMissing : r.problem.detail || t.genericError);
        return;
      }
      setBundle(r.data);
      const first = r.data.procedures[0];
      if (!first || r.data.procedures.some((p) => !p.available)) {
        setLoadError(b.notAvailable);
        return;
      }
      const s = await api<Template>('GET', `/api/v1/procedures/${encodeURIComponent(first.code)}/submission`, undefined, lang);
      if (!s.ok) {
        setLoadError(s.problem.detail || t.genericError);
        return;
      }
      setTpl(s.data);
      const kase = s.data.cases[0];
      setForm((initialValue(kase?.form, kase?.prefill ?? s.data.prefill) as Record<string, unknown>) ?? {});
      if (s.data.agencies.length > 0) setAgencyId(s.data.agencies[0].id);
      if (!draftId) return;
      // Resuming a draft of this bundle: the declaration, papers, agency and summary as saved.
      const d = await api<BundleDraft>('GET', `/api/v1/dossier-drafts/${encodeURIComponent(draftId)}`, undefined, lang);
      if (!d.ok || d.data.bundle_code !== code) {
        setNotice(t.ds.draftMissing);
        setDraftId('');
        return;
      }
      const dr = d.data;
      if (dr.form) setForm(dr.form);
      const restored: Record<string, FileRef[]> = {};
      for (const x of dr.documents ?? []) restored[x.code] = x.files ?? x.attachment_ids.map((id) => ({ id, name: id, size: 0, content_type: '' }));
      setDocs(restored);
      const agency = dr.children?.[first.code]?.agency_id;
      if (agency && s.data.agencies.some((a) => a.id === agency)) setAgencyId(agency);
      setSummary(dr.summary ?? '');
      setNotice(fill(t.ds.draftLoaded, { at: when(dr.updated_at) }));
    })();
    // The bundle is read once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code, lang, isApplicant]);

  useEffect(() => {
    if (done) doneHeading.current?.focus();
  }, [done]);

  const signInLink = `/dang-nhap?return_to=${encodeURIComponent(window.location.pathname + window.location.search)}`;
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{b.submitTitle}</h1>
        <p>{b.signInToSubmit}</p>
        <p>
          <Link to={signInLink}>{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  if (!isApplicant) {
    return (
      <>
        <h1>{b.submitTitle}</h1>
        <p>{t.ds.officersCannotSubmit}</p>
      </>
    );
  }
  if (loadError) {
    return (
      <>
        <h1>{b.submitTitle}</h1>
        {bundle && <p className="lead">{lang === 'en' ? bundle.name_en || bundle.name : bundle.name}</p>}
        <p className="error" role="alert">
          {loadError}
        </p>
      </>
    );
  }
  if (!bundle || !tpl) return <p role="status">{t.loading}</p>;

  const bundleName = lang === 'en' ? bundle.name_en || bundle.name : bundle.name;
  const order = bundle.procedures.map((p) => p.code);
  const first = bundle.procedures[0];
  const kase = tpl.cases[0];
  const procName = (c: string) => bundle.procedures.find((p) => p.code === c)?.name ?? c;

  if (done) {
    return (
      <>
        <p className="crumbs">
          <Link to={`/lien-thong/${bundle.code}`}>{bundleName}</Link>
        </p>
        <h1 tabIndex={-1} ref={doneHeading}>
          {b.doneTitle}
        </h1>
        <div className="notice done" role="status">
          <p>{fill(b.doneLead, { n: done.children.length })}</p>
        </div>
        <dl className="facts">
          <div>
            <dt>{b.bundleStatus}</dt>
            <dd data-testid="bundle-status">{statusText(done.status, done.status_label, t)}</dd>
          </div>
          <div>
            <dt>{b.createdAt}</dt>
            <dd>{when(done.created_at)}</dd>
          </div>
          <div>
            <dt>{b.dueAt}</dt>
            <dd>{when(done.due_at)}</dd>
          </div>
        </dl>
        <section aria-labelledby="bundle-children-title">
          <h2 id="bundle-children-title">{b.childrenTitle}</h2>
          <ChildrenTable children={done.children} order={order} t={t} />
        </section>
        <p className="actions">
          <Link to={bundleHref(done.id)}>{b.viewBundle}</Link>
          <Link to="/ho-so-cua-toi">{t.ds.myDossiers}</Link>
        </p>
      </>
    );
  }

  // Server errors, each placed on the page's own field when it names one.
  const placed: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const local = localPointer(e.field, first.code, bundle.documents);
    const item = { field: local ?? e.field, message: e.message };
    const key = item.field + '\u0000' + item.message;
    if (seen.has(key)) continue;
    seen.add(key);
    placed.push(item);
  }
  const fieldIds: Record<string, string> = {};
  for (const e of placed) if (localPointer(e.field, first.code, bundle.documents) !== null || e.field === '/agency_id') fieldIds[e.field] = fieldId(e.field);
  const requiredByCode = new Map((kase?.documents ?? []).map((d) => [d.code, d]));
  const agencyError = errorsAt(placed, '/agency_id');
  const summaryError = errorsAt(placed, '/summary');

  const papers = () =>
    bundle.documents
      .filter((d) => (docs[d.codes[0]] ?? []).length > 0)
      .map((d) => ({ code: d.codes[0], attachment_ids: (docs[d.codes[0]] ?? []).map((f) => f.id), files: docs[d.codes[0]] ?? [] }));

  const saveDraft = async () => {
    const body = { bundle_code: bundle.code, form, documents: papers(), children: { [first.code]: { agency_id: agencyId } }, summary };
    const r = draftId
      ? await api<BundleDraft>('PUT', `/api/v1/dossier-drafts/${encodeURIComponent(draftId)}`, body, lang)
      : await api<BundleDraft>('POST', '/api/v1/dossier-drafts', body, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
      return;
    }
    setDraftId(r.data.id);
    window.history.replaceState({}, '', bundleSubmitHref(bundle.code, r.data.id));
    setNotice(fill(t.ds.draftSaved, { at: when(r.data.updated_at) }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      form: declaration(kase?.form, form) ?? {},
      documents: papers().map(({ code: c, attachment_ids }) => ({ code: c, attachment_ids })),
      children: { [first.code]: { agency_id: agencyId } },
      summary: summary.trim(),
    };
    if (draftId) body.draft_id = draftId;
    setBusy(true);
    const { answer: r, lost } = await postOnce<DossierBundle>(attempt, `/api/v1/bundles/${encodeURIComponent(bundle.code)}/dossiers`, body, lang);
    setBusy(false);
    if (r.ok) {
      setErrors([]);
      setMessage('');
      setDone(r.data);
      return;
    }
    const p = r.problem;
    if (lost) {
      // The answer was lost: the next press retries with the same key.
      setErrors([]);
      setMessage(t.ds.networkRetry);
      return;
    }
    setErrors(p.errors);
    setMessage(p.detail || p.title || t.genericError);
  };

  return (
    <>
      <p className="crumbs">
        <Link to={`/lien-thong/${bundle.code}`}>{bundleName}</Link>
      </p>
      <h1>{b.submitTitle}</h1>
      <p className="lead" data-testid="bundle-name">
        {bundleName}
      </p>
      {notice && <Notice>{notice}</Notice>}
      {message && <ErrorSummary title={b.submitFailed} message={message} errors={placed.length > 0 ? placed : undefined} fieldIds={fieldIds} />}
      <section aria-labelledby="bundle-procs-title">
        <h2 id="bundle-procs-title">{b.proceduresTitle}</h2>
        <p>{b.proceduresLead}</p>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{b.procedure}</th>
              <th scope="col">{b.handledBy}</th>
            </tr>
          </thead>
          <tbody>
            {bundle.procedures.map((p, i) => (
              <tr key={p.code}>
                <td>
                  {p.name} <span className="hint code">({p.code})</span>
                </td>
                <td>{i === 0 ? tpl.agencies.find((a) => a.id === agencyId)?.name ?? p.implementing ?? '—' : p.implementing || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <form className="form wide" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
        <section aria-labelledby="bundle-agency-title">
          <h2 id="bundle-agency-title">{b.agencyTitle}</h2>
          <div className="field">
            {tpl.agencies.length === 0 ? (
              <>
                <p className="label">{fill(b.agencyLabel, { name: first.name })}</p>
                <p className="error" role="alert">
                  {t.ds.noAgency}
                </p>
              </>
            ) : (
              <>
                <label htmlFor={idFor('/agency_id')}>{fill(b.agencyLabel, { name: first.name })}</label>
                <select id={idFor('/agency_id')} value={agencyId} onChange={(e) => setAgencyId(e.target.value)}
                  aria-invalid={agencyError ? true : undefined} aria-describedby={agencyError ? `${idFor('/agency_id')}-error` : undefined}>
                  {tpl.agencies.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </>
            )}
            {agencyError && (
              <p id={`${idFor('/agency_id')}-error`} className="error">
                {agencyError}
              </p>
            )}
          </div>
        </section>
        <section aria-labelledby="bundle-form-title">
          <h2 id="bundle-form-title">{b.declarationTitle}</h2>
          {kase?.form ? (
            <>
              <p className="hint">{(lang === 'en' && kase.form.title_en) || kase.form.title || kase.name}</p>
              {Object.keys(kase.prefill ?? {}).length > 0 && <p className="hint">{t.ds.prefilledNote}</p>}
              {errorsAt(placed, '/form') && <p className="error">{errorsAt(placed, '/form')}</p>}
              <ObjectFields schema={kase.form} value={form} onChange={setForm} pointer="/form" errors={placed} t={t} lang={lang} />
            </>
          ) : (
            <p className="note">{t.ds.noForm}</p>
          )}
        </section>
        <section aria-labelledby="bundle-docs-title">
          <h2 id="bundle-docs-title">{b.documentsTitle}</h2>
          <p>{b.documentsLead}</p>
          {bundle.documents.map((d) => {
            const pointer = `/documents/${d.codes[0]}`;
            const rule = d.codes.map((c) => requiredByCode.get(c)).find(Boolean);
            return (
              <section key={d.codes[0]} className="doc-upload" aria-labelledby={`${idFor(pointer)}-title`}>
                <h3 id={`${idFor(pointer)}-title`}>
                  {d.name}
                  {rule && <span className="hint"> ({rule.required ? t.ds.required : t.ds.optional})</span>}
                </h3>
                <p className="hint">
                  {fill(t.ds.copiesText, { o: d.originals, c: d.copies })} · {fill(b.neededBy, { names: d.needed_by.map(procName).join(', ') })}
                </p>
                <FilePicker id={idFor(pointer)} label={fill(t.ds.chooseFile, { name: d.name })} files={docs[d.codes[0]] ?? []}
                  onChange={(files) => setDocs((old) => ({ ...old, [d.codes[0]]: files }))} accept={rule?.allowed_types} maxBytes={rule?.max_bytes}
                  error={errorsAt(placed, pointer)} t={t} lang={lang} />
              </section>
            );
          })}
        </section>
        <section aria-labelledby="bundle-summary-title">
          <h2 id="bundle-summary-title">{b.summaryTitle}</h2>
          <div className="field">
            <label htmlFor="bundle-summary">{t.ds.summaryLabel}</label>
            <p id="bundle-summary-hint" className="hint">
              {b.summaryHint}
            </p>
            <textarea id="bundle-summary" rows={3} maxLength={2000} value={summary} onChange={(e) => setSummary(e.target.value)}
              aria-describedby={summaryError ? 'bundle-summary-hint bundle-summary-error' : 'bundle-summary-hint'}
              aria-invalid={summaryError ? true : undefined} />
            {summaryError && (
              <p id="bundle-summary-error" className="error">
                {summaryError}
              </p>
            )}
          </div>
        </section>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void saveDraft()}>
            {t.ds.saveDraft}
          </button>
          <button type="submit" disabled={busy || !agencyId}>
            {busy ? t.ds.submitting : b.submit}
          </button>
        </div>
      </form>
    </>
  );
}

export function BundleStatus({ t, lang, id }: { t: Messages; lang: Lang; id: string }) {
  const { me, loaded } = useSession();
  const b = t.ds.bd;
  const [bundle, setBundle] = useState<DossierBundle | null>(null);
  const [missing, setMissing] = useState(false);
  const [order, setOrder] = useState<string[]>([]);
  useEffect(() => {
    if (!me || !id) return;
    void api<DossierBundle>('GET', `/api/v1/dossier-bundles/${encodeURIComponent(id)}`, undefined, lang).then(async (r) => {
      if (!r.ok) {
        setMissing(true);
        return;
      }
      setBundle(r.data);
      const d = await api<BundleDetail>('GET', `/api/v1/bundles/${encodeURIComponent(r.data.bundle_code)}`, undefined, lang);
      if (d.ok) setOrder(d.data.procedures.map((p) => p.code));
    });
  }, [me, id, lang]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{b.statusTitle}</h1>
        <p>{b.signInToSee}</p>
        <p>
          <Link to={`/dang-nhap?return_to=${encodeURIComponent(window.location.pathname + window.location.search)}`}>{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  if (missing || !id) {
    return (
      <>
        <h1>{b.statusTitle}</h1>
        <p>{b.notFound}</p>
      </>
    );
  }
  if (!bundle) return <p role="status">{t.loading}</p>;
  return (
    <>
      <p className="crumbs">
        <Link to="/ho-so-cua-toi">{t.ds.myDossiers}</Link>
      </p>
      <h1>{b.statusTitle}</h1>
      <p className="lead">{bundle.name}</p>
      <dl className="facts">
        <div>
          <dt>{b.bundleStatus}</dt>
          <dd data-testid="bundle-status">
            <span className={`status bundle-${bundle.status}`}>{statusText(bundle.status, bundle.status_label, t)}</span>
          </dd>
        </div>
        <div>
          <dt>{b.createdAt}</dt>
          <dd>{when(bundle.created_at)}</dd>
        </div>
        <div>
          <dt>{b.dueAt}</dt>
          <dd>{when(bundle.due_at)}</dd>
        </div>
      </dl>
      <section aria-labelledby="bundle-children-title">
        <h2 id="bundle-children-title">{b.childrenTitle}</h2>
        <ChildrenTable children={bundle.children} order={order} t={t} />
      </section>
      <p>
        <Link to={`/lien-thong/${bundle.bundle_code}`}>{t.bundlesTitle}</Link>
      </p>
    </>
  );
}
