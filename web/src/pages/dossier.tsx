// "Hồ sơ của tôi" (the applicant's dossiers and drafts) and the dossier page shared by the owner
// and the officers: status, deadlines, history, documents, results, the workflow actions the
// server allows now, the official forms, and the satisfaction rating once the result is returned.
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Link, Notice } from '../ui';
import { PaymentPanel } from './payment';
import { bundleHref, bundleSubmitHref, dossierHref, trackHref, formPdfHref, printHref, submitHref, FilePicker, FormValues, StatusTag, errorsAt, fill, money, when, type Dossier, type FileRef, type Template } from './dossierCommon';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}
interface DraftItem {
  id: string;
  procedure_code: string;
  procedure_name: string;
  bundle_code?: string;  // a draft of a life-event bundle
  bundle_name?: string;
  updated_at: string;
}

export function MyDossiers({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Dossier[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState(0);
  const [drafts, setDrafts] = useState<DraftItem[]>([]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  const loadDrafts = useCallback(() => {
    void api<Page<DraftItem>>('GET', '/api/v1/dossier-drafts', undefined, lang).then((r) => setDrafts(r.ok ? r.data.items : []));
  }, [lang]);
  useEffect(() => {
    if (!me) return;
    const q = new URLSearchParams({ limit: '20' });
    if (status) q.set('status', status);
    void api<Page<Dossier>>('GET', `/api/v1/me/dossiers?${q}`, undefined, lang).then((r) => {
      if (r.ok) {
        setItems(r.data.items);
        setCursor(r.data.next_cursor);
        setTotal(r.data.total);
        setError('');
      } else {
        setItems([]);
        setError(r.problem.detail || t.genericError);
      }
    });
    loadDrafts();
  }, [me, status, lang, t, loadDrafts]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{t.ds.myDossiers}</h1>
        <p>{t.signInFirst}</p>
        <p>
          <Link to="/dang-nhap?return_to=%2Fho-so-cua-toi">{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  const more = async () => {
    if (!cursor) return;
    const q = new URLSearchParams({ limit: '20', cursor });
    if (status) q.set('status', status);
    const r = await api<Page<Dossier>>('GET', `/api/v1/me/dossiers?${q}`, undefined, lang);
    if (r.ok) {
      setItems((x) => [...(x ?? []), ...r.data.items]);
      setCursor(r.data.next_cursor);
    }
  };
  const removeDraft = async (id: string) => {
    const r = await api('DELETE', `/api/v1/dossier-drafts/${encodeURIComponent(id)}`, undefined, lang);
    if (r.ok) {
      setNotice(t.ds.draftDeleted);
      loadDrafts();
    }
  };
  return (
    <>
      <h1>{t.ds.myDossiers}</h1>
      <p className="lead">{t.ds.mineLead}</p>
      {notice && <Notice>{notice}</Notice>}
      {drafts.length > 0 && (
        <section aria-labelledby="drafts-title">
          <h2 id="drafts-title">{t.ds.draftsTitle}</h2>
          <ul className="drafts">
            {drafts.map((d) => (
              <li key={d.id} data-testid="draft-row">
                <span>
                  {d.bundle_code ? d.bundle_name || d.bundle_code : d.procedure_name || d.procedure_code}{' '}
                  <span className="hint">· {t.ds.updatedAt} {when(d.updated_at)}</span>
                </span>
                <Link to={d.bundle_code ? bundleSubmitHref(d.bundle_code, d.id) : submitHref(d.procedure_code, d.id)}>{t.ds.resume}</Link>
                <button type="button" className="secondary small" onClick={() => void removeDraft(d.id)}>
                  {t.ds.deleteDraft}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="mine-title">
        <h2 id="mine-title" aria-live="polite">
          {items === null ? t.loading : fill(t.ds.inboxCount, { n: total })}
        </h2>
        <div className="field inline">
          <label htmlFor="mine-status">{t.ds.filterStatus}</label>
          <select id="mine-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t.ds.allStatuses}</option>
            {Object.entries(t.ds.statusNames).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {items && items.length === 0 && !error && <p>{t.ds.mineEmpty}</p>}
        {items?.some((d) => d.source === 'national') && <p className="hint spaced">{t.ds.otherMemberNote}</p>}
        {items && items.length > 0 && (
          <table className="table stack">
            <thead>
              <tr>
                <th scope="col">{t.ds.code}</th>
                <th scope="col">{t.ds.procedure}</th>
                <th scope="col">{t.ds.submittedAt}</th>
                <th scope="col">{t.ds.dueAt}</th>
                <th scope="col">{t.ds.status}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.code} data-testid="my-dossier" data-source={d.source ?? 'local'}>
                  <td className="code" data-label={t.ds.code}>
                    {/* Another member's dossier: the national tracking view, not the local page. */}
                    <Link to={d.source === 'national' ? trackHref(d.code) : dossierHref(d.code)}>{d.code}</Link>
                  </td>
                  <td data-label={t.ds.procedure}>
                    {d.procedure_name}
                    {d.source === 'national' && (
                      <span className="held-by" data-testid="held-by">
                        <strong>{fill(t.ds.heldBy, { member: d.member?.name || d.member?.code || '' })}</strong>
                        {d.agency?.name && <span className="hint">{fill(t.ds.heldByAgency, { agency: d.agency.name })}</span>}
                      </span>
                    )}
                  </td>
                  <td data-label={t.ds.submittedAt}>{when(d.submitted_at)}</td>
                  <td data-label={t.ds.dueAt}>{when(d.due_at)}</td>
                  <td data-label={t.ds.status}>
                    <StatusTag status={d.status} label={d.status_label} overdue={d.overdue} t={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <button type="button" className="secondary" onClick={() => void more()}>
            {t.ds.showMore}
          </button>
        )}
      </section>
    </>
  );
}

// ---- the dossier page ----

type Kind = 'note' | 'reason' | 'opinion' | 'assignee' | 'request_docs' | 'supplement_files' | 'agency' | 'question' | 'answer'
  | 'due_in_days' | 'amount' | 'new_due_at' | 'results';

const INPUTS: Record<string, Kind[]> = {
  accept: ['note'],
  refuse: ['reason'],
  request_supplement: ['reason', 'request_docs', 'note'],
  supplement: ['supplement_files', 'note'],
  assign: ['assignee', 'note'],
  appraise: ['opinion', 'note'],
  consult: ['agency', 'question', 'due_in_days'],
  answer_consultation: ['answer'],
  transfer: ['agency', 'due_in_days', 'note'],
  request_payment: ['amount', 'reason'],
  confirm_payment: ['note'],
  refuse_after_appraisal: ['reason'],
  approve: ['note'],
  return_for_rework: ['reason'],
  issue_result: ['results'],
  return_result: ['note'],
  withdraw: ['reason'],
  extend: ['reason', 'new_due_at'],
};

interface ResultDraft {
  name: string;
  number: string;
  files: FileRef[];
}

function ActionForm({ action, label, dossier, template, t, lang, onDone, onCancel }: {
  action: string;
  label: string;
  dossier: Dossier;
  template: Template | null;
  t: Messages;
  lang: Lang;
  onDone: (d: Dossier, label: string) => void;
  onCancel: () => void;
}) {
  const kinds = INPUTS[action] ?? ['note'];
  const [v, setV] = useState<Record<string, string>>({ due_in_days: action === 'transfer' ? '' : '5' });
  const [requestDocs, setRequestDocs] = useState<string[]>([]);
  const [files, setFiles] = useState<Record<string, FileRef[]>>({});
  const [results, setResults] = useState<ResultDraft[]>([{ name: '', number: '', files: [] }]);
  const [officers, setOfficers] = useState<{ id: string; name: string }[] | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [allowed, setAllowed] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const caseDocs = template?.cases.find((c) => c.code === dossier.case_code)?.documents ?? [];

  useEffect(() => {
    if (!kinds.includes('assignee')) return;
    const agency = dossier.handling_agency?.id || dossier.agency.id;
    void api<{ items: { id: string; name: string }[] }>('GET', `/api/v1/agencies/${encodeURIComponent(agency)}/officers?role=specialist`, undefined, lang)
      .then((r) => {
        const list = r.ok ? r.data.items : [];
        setOfficers(list);
        if (list.length > 0) setV((x) => ({ ...x, assignee_id: list[0].id }));
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [action]);

  const id = (k: string) => `act-${action}-${k}`;
  const set = (k: string) => (value: string) => setV((x) => ({ ...x, [k]: value }));
  const text = (k: string, lbl: string, multiline = true, type = 'text') => (
    <div className="field" key={k}>
      <label htmlFor={id(k)}>{lbl}</label>
      {multiline ? (
        <textarea id={id(k)} rows={3} value={v[k] ?? ''} onChange={(e) => set(k)(e.target.value)}
          aria-invalid={errorsAt(errors, '/' + k) ? true : undefined} aria-describedby={`${id(k)}-error`} />
      ) : (
        <input id={id(k)} type={type} value={v[k] ?? ''} onChange={(e) => set(k)(e.target.value)}
          aria-invalid={errorsAt(errors, '/' + k) ? true : undefined} aria-describedby={`${id(k)}-error`} />
      )}
      <p id={`${id(k)}-error`} className="error">
        {errorsAt(errors, '/' + k) ?? ''}
      </p>
    </div>
  );

  const supplementCodes = dossier.supplement?.documents?.length ? dossier.supplement.documents : caseDocs.map((d) => d.code);
  const fields: ReactNode[] = kinds.map((k) => {
    switch (k) {
      case 'note': return text('note', t.ds.note);
      case 'reason': return text('reason', t.ds.reason);
      case 'opinion': return text('opinion', t.ds.opinion);
      case 'question': return text('question', t.ds.question);
      case 'answer': return text('answer', t.ds.answer);
      case 'agency': return text('agency_id', t.ds.agencyCode, false);
      case 'due_in_days': return text('due_in_days', action === 'transfer' ? t.ds.dueInDaysPreset : t.ds.dueInDays, false, 'number');
      case 'amount': return text('amount', t.ds.amount, false, 'number');
      case 'new_due_at': return text('new_due_at', t.ds.newDueAt, false, 'datetime-local');
      case 'assignee':
        return (
          <div className="field" key={k}>
            <label htmlFor={id('assignee_id')}>{t.ds.chooseSpecialist}</label>
            {officers === null ? (
              <p role="status">{t.loading}</p>
            ) : officers.length === 0 ? (
              <p className="error">{t.ds.noSpecialists}</p>
            ) : (
              <select id={id('assignee_id')} value={v.assignee_id ?? ''} onChange={(e) => set('assignee_id')(e.target.value)}>
                {officers.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
            <p className="error">{errorsAt(errors, '/assignee_id') ?? ''}</p>
          </div>
        );
      case 'request_docs':
        return (
          <fieldset key={k}>
            <legend>{t.ds.documentsToSupplement}</legend>
            {caseDocs.map((d) => (
              <label key={d.code} className="choice">
                <input type="checkbox" checked={requestDocs.includes(d.code)}
                  onChange={(e) => setRequestDocs(e.target.checked ? [...requestDocs, d.code] : requestDocs.filter((c) => c !== d.code))} />
                {d.name}
              </label>
            ))}
          </fieldset>
        );
      case 'supplement_files':
        return (
          <div key={k}>
            {supplementCodes.map((c) => {
              const name = caseDocs.find((d) => d.code === c)?.name ?? c;
              return (
                <FilePicker key={c} id={id('file-' + c.replace(/[^A-Za-z0-9]/g, '-'))} label={fill(t.ds.supplementFile, { name })}
                  files={files[c] ?? []} onChange={(f) => setFiles({ ...files, [c]: f })} error={errorsAt(errors, '/documents/' + c)} t={t} lang={lang} />
              );
            })}
          </div>
        );
      case 'results':
        return (
          <div key={k}>
            {results.map((r, i) => (
              <fieldset key={i}>
                <legend>{fill(t.ds.itemN, { n: i + 1 })}</legend>
                <div className="field">
                  <label htmlFor={id(`result-${i}-name`)}>{t.ds.resultName}</label>
                  <input id={id(`result-${i}-name`)} value={r.name} aria-invalid={errorsAt(errors, `/results/${i}/name`) ? true : undefined}
                    onChange={(e) => setResults(results.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                  <p className="error">{errorsAt(errors, `/results/${i}/name`) ?? ''}</p>
                </div>
                <div className="field">
                  <label htmlFor={id(`result-${i}-number`)}>{t.ds.resultNo}</label>
                  <input id={id(`result-${i}-number`)} value={r.number}
                    onChange={(e) => setResults(results.map((x, j) => (j === i ? { ...x, number: e.target.value } : x)))} />
                </div>
                <FilePicker id={id(`result-${i}-file`)} label={t.ds.resultFile} files={r.files}
                  onChange={(f) => setResults(results.map((x, j) => (j === i ? { ...x, files: f } : x)))}
                  error={errorsAt(errors, `/results/${i}/attachment_ids`)} t={t} lang={lang} />
              </fieldset>
            ))}
            <button type="button" className="secondary small" onClick={() => setResults([...results, { name: '', number: '', files: [] }])}>
              {t.ds.addResult}
            </button>
          </div>
        );
    }
    return null;
  });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) if (val.trim() !== '') body[k] = val.trim();
    // An empty transfer deadline takes the one the procedure's process presets for the agency.
    if (kinds.includes('due_in_days') && (v.due_in_days ?? '').trim() !== '') body.due_in_days = Number(v.due_in_days);
    else delete body.due_in_days;
    if (kinds.includes('amount')) body.amount = Number(v.amount ?? 0);
    if (kinds.includes('new_due_at') && v.new_due_at) body.new_due_at = `${v.new_due_at.length === 16 ? v.new_due_at + ':00' : v.new_due_at}+07:00`;
    if (kinds.includes('request_docs')) body.documents = requestDocs;
    if (kinds.includes('supplement_files')) {
      body.documents = Object.entries(files).filter(([, f]) => f.length > 0).map(([code, f]) => ({ code, attachment_ids: f.map((x) => x.id) }));
    }
    if (kinds.includes('results')) body.results = results.map((r) => ({ name: r.name.trim(), number: r.number.trim(), attachment_ids: r.files.map((f) => f.id) }));
    setBusy(true);
    const r = await api<Dossier>('POST', `/api/v1/dossiers/${encodeURIComponent(dossier.code)}/actions/${action}`, body, lang);
    setBusy(false);
    if (r.ok) {
      onDone(r.data, label);
      return;
    }
    setErrors(r.problem.errors);
    if (r.problem.status === 409) {
      const b = (r.problem.body ?? {}) as { allowed_actions?: unknown };
      setAllowed(Array.isArray(b.allowed_actions) ? b.allowed_actions.map(String).filter(Boolean) : []);
      setMessage(r.problem.detail || t.ds.conflict);
    } else {
      setAllowed(null);
      setMessage(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
    }
  };
  return (
    <form className="form wide action-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby={`act-${action}-title`}>
      <h3 id={`act-${action}-title`}>{label}</h3>
      {message && (
        <div className="error-summary" role="alert">
          <p>{message}</p>
          {allowed !== null && (
            <p>
              {allowed.length > 0 ? fill(t.ds.allowedNow, { list: allowed.map((a) => t.ds.actionNames[a] ?? a).join(', ') }) : t.ds.noneNow}
            </p>
          )}
          {errors.length > 0 && (
            <ul>
              {errors.map((x) => (
                <li key={x.field + x.message}>{x.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {fields}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t.working : label}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t.ds.cancel}
        </button>
      </div>
    </form>
  );
}

function RatingForm({ dossier, t, lang, onSaved }: { dossier: Dossier; t: Messages; lang: Lang; onSaved: () => void }) {
  const existing = dossier.rating;
  const [overall, setOverall] = useState(existing ? String(existing.overall) : '');
  const [criteria, setCriteria] = useState<Record<string, string>>(
    Object.fromEntries(Object.entries(existing?.criteria ?? {}).map(([k, n]) => [k, String(n)])),
  );
  const [comment, setComment] = useState(existing?.comment ?? '');
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState('');
  const [saved, setSaved] = useState('');
  const scores = ['3', '2', '1'];
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      overall: Number(overall) || 0,
      criteria: Object.fromEntries(Object.entries(criteria).filter(([, s]) => s).map(([k, s]) => [k, Number(s)])),
      comment: comment.trim(),
    };
    const r = await api(existing ? 'PUT' : 'POST', `/api/v1/dossiers/${encodeURIComponent(dossier.code)}/rating`, body, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
      return;
    }
    setErrors(null);
    setMessage('');
    setSaved(t.ds.ratingSaved);
    onSaved();
  };
  return (
    <section aria-labelledby="rating-title">
      <h2 id="rating-title">{t.ds.ratingTitle}</h2>
      <p>{t.ds.ratingLead}</p>
      {errors && <ErrorSummary title={t.genericFailed} message={message} errors={errors} />}
      {saved && <Notice>{saved}</Notice>}
      <form className="form wide rating" onSubmit={(e) => void onSubmit(e)} noValidate>
        <fieldset>
          <legend>{t.ds.overall}</legend>
          {scores.map((s) => (
            <label key={s} className="choice">
              <input type="radio" name="overall" value={s} checked={overall === s} onChange={() => setOverall(s)} />
              {t.ds.scores[s]}
            </label>
          ))}
        </fieldset>
        {Object.entries(t.ds.criteria).map(([key, name]) => (
          <fieldset key={key} className="criterion">
            <legend>{name}</legend>
            {scores.map((s) => (
              <label key={s} className="choice">
                <input type="radio" name={`criterion-${key}`} value={s} checked={criteria[key] === s} onChange={() => setCriteria({ ...criteria, [key]: s })} />
                {t.ds.scores[s]}
              </label>
            ))}
          </fieldset>
        ))}
        <div className="field">
          <label htmlFor="rating-comment">{t.ds.comment}</label>
          <textarea id="rating-comment" rows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
        </div>
        <button type="submit">{existing ? t.ds.updateRating : t.ds.sendRating}</button>
      </form>
    </section>
  );
}

export function DossierPage({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me, loaded } = useSession();
  const [dossier, setDossier] = useState<Dossier | null>(null);
  const [missing, setMissing] = useState(false);
  const [template, setTemplate] = useState<Template | null>(null);
  const [open, setOpen] = useState('');
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    const r = await api<Dossier>('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`, undefined, lang);
    if (r.ok) setDossier(r.data);
    else setMissing(true);
  }, [code, lang]);
  useEffect(() => {
    if (me) void load();
  }, [me, load]);
  const procedure = dossier?.procedure_code;
  useEffect(() => {
    if (!procedure) return;
    void api<Template>('GET', `/api/v1/procedures/${encodeURIComponent(procedure)}/submission`, undefined, lang).then((r) => setTemplate(r.ok ? r.data : null));
  }, [procedure, lang]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{fill(t.ds.dossierTitle, { code })}</h1>
        <p>{t.ds.signInToSee}</p>
        <p>
          <Link to={`/dang-nhap?return_to=${encodeURIComponent(window.location.pathname)}`}>{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  if (missing) {
    return (
      <>
        <h1>{fill(t.ds.dossierTitle, { code })}</h1>
        <p>{t.ds.notFound}</p>
      </>
    );
  }
  if (!dossier) return <p role="status">{t.loading}</p>;
  const d = dossier;
  const officer = me.kind === 'officer';
  const schema = template?.cases.find((c) => c.code === d.case_code)?.form ?? null;
  const forms: string[] = [];
  if (d.received_at) forms.push('mau01');
  if (d.supplement) forms.push('mau02');
  if (d.status === 3 || d.status === 8) forms.push('mau03');
  if (d.apology) forms.push('mau04');
  if (officer) forms.push('mau05');
  const actions = d.allowed_actions ?? [];
  const fileLink = (f: FileRef) => (
    <a href={`/api/v1/attachments/${encodeURIComponent(f.id)}`} target="_blank" rel="noopener" aria-label={fill(t.ds.download, { name: f.name })}>
      {f.name}
    </a>
  );
  return (
    <>
      <p className="crumbs">
        {officer ? <Link to="/can-bo/ho-so">{t.ds.inboxTitle}</Link> : <Link to="/ho-so-cua-toi">{t.ds.myDossiers}</Link>}
      </p>
      <h1>
        {fill(t.ds.dossierTitle, { code: '' })}
        <span className="code">{d.code}</span>
      </h1>
      <p className="lead">{d.procedure_name}</p>
      {d.bundle_id && (
        <p className="note" data-testid="dossier-bundle">
          {t.ds.bd.partOfBundle} <Link to={bundleHref(d.bundle_id)}>{t.ds.bd.viewBundle}</Link>
        </p>
      )}
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="overview-title">
        <h2 id="overview-title">{t.ds.overview}</h2>
        <dl className="facts">
          <div>
            <dt>{t.ds.status}</dt>
            <dd data-testid="dossier-status">
              <StatusTag status={d.status} label={d.status_label} overdue={d.overdue} dueSoon={d.at_risk} t={t} />
            </dd>
          </div>
          {d.status === 4 && (d.step || t.ds.stages[d.stage]) && (
            <div>
              <dt>{t.ds.stage}</dt>
              <dd data-testid="dossier-step">
                {d.step ? d.step.name : t.ds.stages[d.stage]}
                {d.step && <span className="hint"> · {fill(t.ds.stepActor, { role: d.step.role_label })}</span>}
              </dd>
            </div>
          )}
          <div>
            <dt>{t.ds.caseName}</dt>
            <dd>{d.case_name || '—'}</dd>
          </div>
          <div>
            <dt>{t.ds.channel}</dt>
            <dd>{t.ds.channels[d.channel] ?? d.channel}</dd>
          </div>
          <div>
            <dt>{t.ds.agency}</dt>
            <dd>{d.agency?.name}</dd>
          </div>
          {d.handling_agency && d.handling_agency.id !== d.agency?.id && (
            <div>
              <dt>{t.ds.handlingAgency}</dt>
              <dd>{d.handling_agency.name}</dd>
            </div>
          )}
          {d.assignee && (
            <div>
              <dt>{t.ds.assignee}</dt>
              <dd>{d.assignee.name}</dd>
            </div>
          )}
          <div>
            <dt>{t.ds.submittedAt}</dt>
            <dd>{when(d.submitted_at)}</dd>
          </div>
          <div>
            <dt>{t.ds.receivedAt}</dt>
            <dd>{when(d.received_at)}</dd>
          </div>
          <div>
            <dt>{t.ds.dueAt}</dt>
            <dd data-testid="dossier-due">{when(d.due_at)}</dd>
          </div>
          {d.finished_at && (
            <div>
              <dt>{t.ds.finishedAt}</dt>
              <dd>{when(d.finished_at)}</dd>
            </div>
          )}
          {d.returned_at && (
            <div>
              <dt>{t.ds.returnedAt}</dt>
              <dd>{when(d.returned_at)}</dd>
            </div>
          )}
          {d.applicant && (
            <div>
              <dt>{t.ds.applicant}</dt>
              <dd>
                {d.applicant.name}
                {d.applicant.id_number && <span className="hint"> · {d.applicant.id_number}</span>}
              </dd>
            </div>
          )}
          {d.summary && (
            <div>
              <dt>{t.ds.summary}</dt>
              <dd>{d.summary}</dd>
            </div>
          )}
          {(d.fees ?? []).length > 0 && (
            <div>
              <dt>{t.ds.feesTitle}</dt>
              <dd>{(d.fees ?? []).map((f) => `${money(f.amount, lang)} — ${f.description}`).join('; ')}</dd>
            </div>
          )}
        </dl>
      </section>

      <section aria-labelledby="actions-title" className="panel">
        <h2 id="actions-title">{t.ds.actionsTitle}</h2>
        {actions.length === 0 ? (
          <p>{t.ds.noActions}</p>
        ) : (
          <div className="action-buttons" role="group" aria-label={t.ds.actionsTitle}>
            {actions.map((a) => (
              <button key={a.action} type="button" className={open === a.action ? 'primary' : 'secondary'} aria-expanded={open === a.action}
                onClick={() => setOpen(open === a.action ? '' : a.action)}>
                {a.label}
              </button>
            ))}
          </div>
        )}
        {open && (
          <ActionForm key={open} action={open} label={actions.find((a) => a.action === open)?.label ?? t.ds.actionNames[open] ?? open}
            dossier={d} template={template} t={t} lang={lang} onCancel={() => setOpen('')}
            onDone={(next, label) => {
              setDossier(next);
              setOpen('');
              setNotice(fill(t.ds.done, { action: label }));
            }} />
        )}
      </section>

      {d.supplement && (
        <section aria-labelledby="supplement-title">
          <h2 id="supplement-title">{t.ds.supplementTitle}</h2>
          <dl className="facts">
            <div>
              <dt>{t.ds.when}</dt>
              <dd>{when(d.supplement.requested_at)}</dd>
            </div>
            <div>
              <dt>{t.ds.supplementReason}</dt>
              <dd>{d.supplement.reason}</dd>
            </div>
            {d.supplement.documents.length > 0 && (
              <div>
                <dt>{t.ds.supplementDocs}</dt>
                <dd>
                  {d.supplement.documents
                    .map((c) => template?.cases.find((k) => k.code === d.case_code)?.documents.find((x) => x.code === c)?.name ?? c)
                    .join('; ')}
                </dd>
              </div>
            )}
          </dl>
        </section>
      )}
      {d.apology && (
        <section aria-labelledby="apology-title">
          <h2 id="apology-title">{t.ds.apologyTitle}</h2>
          <p>
            {d.apology.reason} — {t.ds.oldDue}: {when(d.apology.old_due_at)}; {t.ds.newDue}: {when(d.apology.new_due_at)}
          </p>
        </section>
      )}
      {d.payment && (
        <section aria-labelledby="payment-title">
          <h2 id="payment-title">{t.ds.paymentTitle}</h2>
          <p>
            {money(d.payment.amount, lang)} — {d.payment.reason}
            {d.payment.paid_at && ` · ${t.ds.paidAt} ${when(d.payment.paid_at)}`}
          </p>
          <PaymentPanel code={d.code} lang={lang} onSettled={() => void load()} />
        </section>
      )}

      {(d.results ?? []).length > 0 && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t.ds.resultsTitle}</h2>
          <ul className="documents">
            {(d.results ?? []).map((r, i) => (
              <li key={i}>
                <strong>{r.name}</strong>
                {r.number && ` — ${t.ds.resultNumber} ${r.number}`} <span className="hint">({t.ds.issuedAt} {when(r.issued_at)})</span>
                {r.attachments.length > 0 && (
                  <ul>
                    {r.attachments.map((f) => (
                      <li key={f.id}>{fileLink(f)}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {d.status === 10 && d.rating && !d.can_rate && (
        <section aria-labelledby="rating-title">
          <h2 id="rating-title">{t.ds.ratingTitle}</h2>
          <p>{fill(t.ds.yourRating, { score: t.ds.scores[String(d.rating.overall)] ?? String(d.rating.overall) })}</p>
        </section>
      )}
      {d.can_rate && <RatingForm dossier={d} t={t} lang={lang} onSaved={() => void load()} />}

      <section aria-labelledby="documents-title">
        <h2 id="documents-title">{t.ds.documentsTitle}</h2>
        {(d.documents ?? []).length === 0 ? (
          <p>{t.ds.noDocuments}</p>
        ) : (
          <ul className="documents">
            {(d.documents ?? []).map((doc) => (
              <li key={doc.code}>
                {doc.name}
                <ul>
                  {doc.attachments.map((f) => (
                    <li key={f.id}>
                      {fileLink(f)} <span className="hint">({Math.max(1, Math.round(f.size / 1024))} KB)</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>

      {d.form && Object.keys(d.form).length > 0 && (
        <section aria-labelledby="form-title">
          <h2 id="form-title">{t.ds.formTitle}</h2>
          <FormValues schema={schema} value={d.form} lang={lang} />
        </section>
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t.ds.historyTitle}</h2>
        <table className="table" data-testid="history">
          <thead>
            <tr>
              <th scope="col">{t.ds.when}</th>
              <th scope="col">{t.ds.action}</th>
              <th scope="col">{t.ds.who}</th>
              <th scope="col">{t.ds.status}</th>
              <th scope="col">{t.ds.note}</th>
            </tr>
          </thead>
          <tbody>
            {(d.history ?? []).map((h, i) => (
              <tr key={i}>
                <td>{when(h.at)}</td>
                <td>{h.action_label}{h.step_name && <span className="hint"> · {h.step_name}</span>}</td>
                <td>
                  {h.actor.name || h.actor.role_label}
                  {h.actor.name && <span className="hint"> · {h.actor.role_label}</span>}
                  {h.agency && <span className="hint"> · {h.agency}</span>}
                </td>
                <td>{h.status_label}{h.status === 4 && h.stage_label && <span className="hint"> · {h.stage_label}</span>}</td>
                <td>{h.note}{typeof h.data?.reason === 'string' && h.data.reason && h.action === 'return_for_rework' && <>{h.note ? ' — ' : ''}{h.data.reason}</>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {forms.length > 0 && (
        <section aria-labelledby="forms-title">
          <h2 id="forms-title">{t.ds.formsTitle}</h2>
          <ul>
            {forms.map((f) => (
              <li key={f}>
                <Link to={printHref(d.code, f)}>{t.ds.forms[f]}</Link>{' '}
                <a
                  className="button-link"
                  href={formPdfHref(d.code, f)}
                  download
                  aria-label={fill(t.ds.downloadPdfOf, { name: fill(t.ds.formNumber, { n: f.slice(3) }) })}
                >
                  {t.ds.downloadPdf}
                </a>
              </li>
            ))}
            {officer && (
              <li>
                {t.ds.registerLinePdf}{' '}
                <a
                  className="button-link"
                  href={formPdfHref(d.code, 'mau06')}
                  download
                  aria-label={fill(t.ds.downloadPdfOf, { name: fill(t.ds.formNumber, { n: '06' }) })}
                >
                  {t.ds.downloadPdf}
                </a>
              </li>
            )}
            {officer && (
              <li>
                <a href={`/api/v1/dossiers/${encodeURIComponent(d.code)}/control-sheet.csv`} download>
                  {t.ds.controlSheetCsv}
                </a>
              </li>
            )}
          </ul>
        </section>
      )}
    </>
  );
}
