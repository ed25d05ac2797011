// Submitting a dossier: the applicant's online wizard (case and office, e-form, documents,
// check and submit, with drafts) and the receiving officer's counter entry of a paper dossier.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, postOnce, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { PaymentPanel } from './payment';
import { ErrorSummary, Field, Link, Notice } from '../ui';
import { dossierHref, printHref, submitHref,   FilePicker, FormValues, ObjectFields, cleaned, errorsAt, fill, idFor, initialValue, money, when,
  type CaseTemplate, type Dossier, type FileRef, type Template,
} from './dossierCommon';

type Docs = Record<string, FileRef[]>;

interface Draft {
  id: string;
  procedure_code: string;
  case_code?: string;
  channel?: string;
  agency_id?: string;
  form?: Record<string, unknown>;
  documents?: { code: string; attachment_ids: string[]; files?: FileRef[] }[];
  summary?: string;
  fee_code?: string;
  step?: number;
  updated_at: string;
}

function unitText(unit: string, t: Messages): string {
  return (t.units as Record<string, string>)[unit] ?? unit;
}

function documentsBody(docs: Docs) {
  return Object.entries(docs)
    .filter(([, files]) => files.length > 0)
    .map(([code, files]) => ({ code, attachment_ids: files.map((f) => f.id) }));
}

// Where each server error is shown: the step that holds the field its pointer names.
function stepOf(pointer: string): number {
  if (pointer.startsWith('/form') || pointer.startsWith('/summary') || pointer.startsWith('/representative')) return 1;
  if (pointer.startsWith('/documents')) return 2;
  if (pointer.startsWith('/case_code') || pointer.startsWith('/agency_id') || pointer.startsWith('/channel')) return 0;
  return 3;
}

/** Links from error messages in the summary to the fields they are about. */
function fieldIdsFor(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    if (e.field.startsWith('/documents/')) out[e.field] = idFor(e.field);
    else if (e.field === '/summary') out[e.field] = 'summary';
    else if (e.field.startsWith('/')) out[e.field] = idFor(e.field);
  }
  return out;
}

function StepList({ step, names, label }: { step: number; names: string[]; label: string }) {
  return (
    <ol className="wizard-steps" aria-label={label}>
      {names.map((n, i) => (
        <li key={n} aria-current={i === step ? 'step' : undefined} className={i < step ? 'past' : i === step ? 'current' : ''}>
          <span className="num">{i + 1}</span> {n}
        </li>
      ))}
    </ol>
  );
}

export function SubmitWizard({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me, loaded } = useSession();
  const [tpl, setTpl] = useState<Template | null>(null);
  const [loadError, setLoadError] = useState('');
  const [caseCode, setCaseCode] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [form, setForm] = useState<Record<string, unknown>>({});
  const [docs, setDocs] = useState<Docs>({});
  const [summary, setSummary] = useState('');
  const [feeCode, setFeeCode] = useState('');
  const [step, setStep] = useState(0);
  const [draftId, setDraftId] = useState(() => new URLSearchParams(window.location.search).get('ban-nhap') ?? '');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Dossier | null>(null);
  // One key per submission attempt: a retry of the same body after a lost answer reuses it.
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const isApplicant = !!me && me.kind !== 'officer';
  useEffect(() => {
    if (!isApplicant) return;
    void api<Template>('GET', `/api/v1/procedures/${encodeURIComponent(code)}/submission`, undefined, lang).then(async (r) => {
      if (!r.ok) {
        setLoadError(r.problem.status === 404 ? t.procedureMissing : r.problem.detail || t.genericError);
        return;
      }
      const tp = r.data;
      setTpl(tp);
      const first = tp.cases[0];
      const initial = draftId ? '' : first?.code ?? '';
      if (!draftId && first) {
        setCaseCode(initial);
        setForm((initialValue(first.form, first.prefill) as Record<string, unknown>) ?? {});
      }
      if (!draftId && tp.agencies.length > 0) setAgencyId(tp.agencies[0].id);
      if (draftId) {
        const d = await api<Draft>('GET', `/api/v1/dossier-drafts/${encodeURIComponent(draftId)}`, undefined, lang);
        if (!d.ok) {
          setNotice(t.ds.draftMissing);
          setDraftId('');
          if (first) {
            setCaseCode(first.code);
            setForm((initialValue(first.form, first.prefill) as Record<string, unknown>) ?? {});
          }
          if (tp.agencies.length > 0) setAgencyId(tp.agencies[0].id);
          return;
        }
        const dr = d.data;
        setCaseCode(dr.case_code ?? first?.code ?? '');
        setAgencyId(dr.agency_id ?? tp.agencies[0]?.id ?? '');
        setForm(dr.form ?? {});
        setSummary(dr.summary ?? '');
        setFeeCode(dr.fee_code ?? '');
        const restored: Docs = {};
        for (const x of dr.documents ?? []) restored[x.code] = x.files ?? x.attachment_ids.map((id) => ({ id, name: id, size: 0, content_type: '' }));
        setDocs(restored);
        setStep(typeof dr.step === 'number' && dr.step >= 0 && dr.step <= 3 ? dr.step : 0);
        setNotice(fill(t.ds.draftLoaded, { at: when(dr.updated_at) }));
      }
    });
    // The draft is read once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code, lang, isApplicant]);

  useEffect(() => {
    heading.current?.focus();
  }, [step]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{t.ds.submitTitle}</h1>
        <p>{t.ds.signInToSubmit}</p>
        <p>
          <Link to={`/dang-nhap?return_to=${encodeURIComponent(window.location.pathname + window.location.search)}`}>{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  if (!isApplicant) {
    return (
      <>
        <h1>{t.ds.submitTitle}</h1>
        <p>{t.ds.officersCannotSubmit}</p>
        <p>
          <Link to="/can-bo/tiep-nhan">{t.ds.navCounter}</Link>
        </p>
      </>
    );
  }
  if (loadError) {
    return (
      <>
        <h1>{t.ds.submitTitle}</h1>
        <p className="error" role="alert">
          {loadError}
        </p>
      </>
    );
  }
  if (!tpl) return <p role="status">{t.loading}</p>;

  const online = tpl.channels.find((c) => c.channel === 'online');
  if (!online) {
    return (
      <>
        <h1>{tpl.procedure_name}</h1>
        <p>{t.ds.notOnline}</p>
        <p>
          <Link to={`/thu-tuc/${tpl.procedure_code}`}>{t.proceduresTitle}</Link>
        </p>
      </>
    );
  }

  if (done) {
    return (
      <>
        <h1 tabIndex={-1} ref={heading}>
          {t.ds.doneTitle}
        </h1>
        <div className="notice done" role="status">
          <p>{fill(t.ds.doneLead, { agency: done.agency?.name ?? '' })}</p>
          <p className="big-code code" data-testid="dossier-code">
            {done.code}
          </p>
          <p>{t.ds.doneNext}</p>
        </div>
        {done.status === 6 && (
          <section aria-labelledby="pay-now" className="pay-now">
            <h2 id="pay-now">{t.ds.payNowTitle}</h2>
            <p>{t.ds.payNowLead}</p>
            <PaymentPanel code={done.code} lang={lang} onSettled={() => setDone({ ...done, status: 1 })} />
          </section>
        )}
        <dl className="facts">
          <div>
            <dt>{t.ds.procedure}</dt>
            <dd>{done.procedure_name}</dd>
          </div>
          <div>
            <dt>{t.ds.status}</dt>
            <dd>{done.status_label}</dd>
          </div>
          <div>
            <dt>{t.ds.submittedAt}</dt>
            <dd>{when(done.submitted_at)}</dd>
          </div>
        </dl>
        <p className="actions">
          <Link to={dossierHref(done.code)}>{t.ds.viewDossier}</Link>
          <Link to="/ho-so-cua-toi">{t.ds.myDossiers}</Link>
        </p>
      </>
    );
  }

  const kase: CaseTemplate | undefined = tpl.cases.find((c) => c.code === caseCode);
  const stepNames = [t.ds.stepChoose, t.ds.stepForm, t.ds.stepDocuments, t.ds.stepReview];
  const chooseCase = (c: string) => {
    setCaseCode(c);
    const k = tpl.cases.find((x) => x.code === c);
    setForm((initialValue(k?.form, k?.prefill) as Record<string, unknown>) ?? {});
    setDocs({});
  };

  const saveDraft = async () => {
    const body = {
      procedure_code: tpl.procedure_code,
      case_code: caseCode,
      channel: 'online',
      agency_id: agencyId,
      form,
      summary,
      fee_code: feeCode,
      step,
      documents: Object.entries(docs).map(([c, files]) => ({ code: c, attachment_ids: files.map((f) => f.id), files })),
    };
    const r = draftId
      ? await api<Draft>('PUT', `/api/v1/dossier-drafts/${encodeURIComponent(draftId)}`, body, lang)
      : await api<Draft>('POST', '/api/v1/dossier-drafts', body, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
      return;
    }
    setDraftId(r.data.id);
    window.history.replaceState({}, '', submitHref(tpl.procedure_code, r.data.id));
    setNotice(fill(t.ds.draftSaved, { at: when(r.data.updated_at) }));
  };

  const submit = async () => {
    const body: Record<string, unknown> = {
      procedure_code: tpl.procedure_code,
      case_code: caseCode,
      channel: 'online',
      agency_id: agencyId,
      form: cleaned(form) ?? {},
      documents: documentsBody(docs),
      summary: summary.trim(),
    };
    if (feeCode) body.fee_code = feeCode;
    if (draftId) body.draft_id = draftId;
    setBusy(true);
    setNotice('');
    const { answer: r, lost } = await postOnce<Dossier>(attempt, '/api/v1/dossiers', body, lang);
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
    setMessage(p.detail || t.genericError);
    if (p.errors.length > 0) setStep(Math.min(...p.errors.map((e) => stepOf(e.field))));
  };

  const onNext = (e: FormEvent) => {
    e.preventDefault();
    if (step < 3) {
      setStep(step + 1);
      return;
    }
    void submit();
  };

  const errorsHere = errors.filter((e) => stepOf(e.field) === step);
  const chosenFee = online.fees.find((f) => f.code === feeCode) ?? online.fees[0];
  const fee = chosenFee ? [chosenFee] : [];
  const agency = tpl.agencies.find((a) => a.id === agencyId);
  return (
    <>
      <p className="crumbs">
        <Link to={`/thu-tuc/${tpl.procedure_code}`}>{tpl.procedure_name}</Link>
      </p>
      <h1>{t.ds.submitTitle}</h1>
      <p className="lead">{tpl.procedure_name}</p>
      <StepList step={step} names={stepNames} label={t.ds.stepsLabel} />
      {message && (
        <ErrorSummary title={t.ds.submitFailed} message={message}
          errors={errors.length > 0 ? (errorsHere.length > 0 ? errorsHere : errors) : undefined} fieldIds={fieldIdsFor(errorsHere)} />
      )}
      {notice && <Notice>{notice}</Notice>}
      <form className="form wide" onSubmit={onNext} noValidate>
        <h2 tabIndex={-1} ref={heading} className="step-title">
          {fill(t.ds.stepOf, { n: step + 1, m: 4 })}: {stepNames[step]}
        </h2>
        {step === 0 && (
          <>
            <fieldset id={idFor('/case_code')}>
              <legend>{t.ds.caseLabel}</legend>
              {tpl.cases.map((c) => (
                <label key={c.code} className="choice">
                  <input type="radio" name="case" value={c.code} checked={caseCode === c.code} onChange={() => chooseCase(c.code)} />
                  {c.name || t.stepsAndDocuments}
                </label>
              ))}
              {errorsAt(errors, '/case_code') && <p className="error">{errorsAt(errors, '/case_code')}</p>}
            </fieldset>
            <div className="field">
              <label htmlFor={idFor('/agency_id')}>{t.ds.agencyLabel}</label>
              {tpl.agencies.length === 0 ? (
                <p className="error">{t.ds.noAgency}</p>
              ) : (
                <select id={idFor('/agency_id')} value={agencyId} onChange={(e) => setAgencyId(e.target.value)}
                  aria-invalid={errorsAt(errors, '/agency_id') ? true : undefined}>
                  {tpl.agencies.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              )}
              {errorsAt(errors, '/agency_id') && <p className="error">{errorsAt(errors, '/agency_id')}</p>}
            </div>
            <dl className="facts">
              <div>
                <dt>{t.ds.channelLabel}</dt>
                <dd>{t.ds.channels.online}</dd>
              </div>
              <div>
                <dt>{t.ds.duration}</dt>
                <dd>
                  {online.duration} {unitText(online.unit, t)}
                </dd>
              </div>
            </dl>
            {online.fees.length === 0 ? (
              <p>
                {t.ds.feesTitle}: {t.ds.noFee}
              </p>
            ) : (
              <fieldset>
                <legend>{t.ds.feesTitle}</legend>
                {online.fees.map((f) => (
                  <label key={f.code} className="choice">
                    <input type="radio" name="fee" checked={(chosenFee?.code ?? '') === f.code} onChange={() => setFeeCode(f.code)} />
                    <span>
                      <strong>{money(f.amount, lang)}</strong> — {f.description}
                    </span>
                  </label>
                ))}
              </fieldset>
            )}
            {kase && kase.steps.length > 0 && (
              <details>
                <summary>{t.stepsTitle}</summary>
                <ol>
                  {kase.steps.map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                </ol>
              </details>
            )}
          </>
        )}
        {step === 1 && (
          <>
            {kase?.form ? (
              <>
                {Object.keys(kase.prefill ?? {}).length > 0 && <p className="hint">{t.ds.prefilledNote}</p>}
                <ObjectFields schema={kase.form} value={form} onChange={setForm} pointer="/form" errors={errors} t={t} lang={lang} />
              </>
            ) : (
              <p className="note">{t.ds.noForm}</p>
            )}
            <div className="field">
              <label htmlFor="summary">{t.ds.summaryLabel}</label>
              <p id="summary-hint" className="hint">
                {t.ds.summaryHint}
              </p>
              <textarea id="summary" rows={3} maxLength={2000} value={summary} onChange={(e) => setSummary(e.target.value)}
                aria-describedby="summary-hint" aria-invalid={errorsAt(errors, '/summary') ? true : undefined} />
              {errorsAt(errors, '/summary') && <p className="error">{errorsAt(errors, '/summary')}</p>}
            </div>
          </>
        )}
        {step === 2 && kase && (
          <>
            {errorsAt(errors, '/documents') && <p className="error">{errorsAt(errors, '/documents')}</p>}
            {kase.documents.map((d) => (
              <section key={d.code} className="doc-upload" aria-labelledby={`${idFor('/documents/' + d.code)}-title`}>
                <h3 id={`${idFor('/documents/' + d.code)}-title`}>
                  {d.name}{' '}
                  <span className="hint">
                    ({d.required ? t.ds.required : t.ds.optional}
                    {d.in_person_allowed ? `; ${t.ds.inPersonAllowed}` : ''})
                  </span>
                </h3>
                <p className="hint">
                  {fill(t.ds.copiesText, { o: d.originals, c: d.copies })}
                  {d.form_name && (
                    <>
                      {' · '}
                      {d.form_url ? <a href={d.form_url}>{fill(t.ds.formTemplate, { name: d.form_name })}</a> : fill(t.ds.formTemplate, { name: d.form_name })}
                    </>
                  )}
                </p>
                <FilePicker id={idFor('/documents/' + d.code)} label={fill(t.ds.chooseFile, { name: d.name })} files={docs[d.code] ?? []}
                  onChange={(files) => setDocs({ ...docs, [d.code]: files })} accept={d.allowed_types} maxBytes={d.max_bytes}
                  error={errorsAt(errors, '/documents/' + d.code)} t={t} lang={lang} />
              </section>
            ))}
          </>
        )}
        {step === 3 && kase && (
          <>
            <p>{t.ds.reviewLead}</p>
            <dl className="facts">
              <div>
                <dt>{t.ds.procedure}</dt>
                <dd>{tpl.procedure_name}</dd>
              </div>
              <div>
                <dt>{t.ds.caseName}</dt>
                <dd>{kase.name || '—'}</dd>
              </div>
              <div>
                <dt>{t.ds.agencyLabel}</dt>
                <dd>{agency?.name ?? '—'}</dd>
              </div>
              <div>
                <dt>{t.ds.channelLabel}</dt>
                <dd>{t.ds.channels.online}</dd>
              </div>
              <div>
                <dt>{t.ds.duration}</dt>
                <dd>
                  {online.duration} {unitText(online.unit, t)}
                </dd>
              </div>
              <div>
                <dt>{t.ds.summaryLabel}</dt>
                <dd>{summary || '—'}</dd>
              </div>
            </dl>
            {kase.form && (
              <section aria-labelledby="review-form">
                <h3 id="review-form">{t.ds.formTitle}</h3>
                <FormValues schema={kase.form} value={cleaned(form)} lang={lang} />
              </section>
            )}
            <section aria-labelledby="review-docs">
              <h3 id="review-docs">{t.ds.stepDocuments}</h3>
              <ul>
                {kase.documents.map((d) => (
                  <li key={d.code}>
                    {d.name}:{' '}
                    {(docs[d.code] ?? []).length > 0 ? (docs[d.code] ?? []).map((f) => f.name).join(', ') : <em>{t.ds.noFiles}</em>}
                  </li>
                ))}
              </ul>
            </section>
            <section aria-labelledby="review-fees">
              <h3 id="review-fees">{t.ds.feesTitle}</h3>
              {fee.length > 0 && tpl.payment_at_submission && <p className="notice">{t.ds.feesAtSubmission}</p>}
              {fee.length === 0 ? (
                <p>{t.ds.noFee}</p>
              ) : (
                <ul>
                  {fee.map((f) => (
                    <li key={f.code}>
                      <strong>{money(f.amount, lang)}</strong> — {f.description}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
        <div className="actions">
          {step > 0 && (
            <button type="button" className="secondary" onClick={() => setStep(step - 1)}>
              {t.ds.back}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => void saveDraft()}>
            {t.ds.saveDraft}
          </button>
          <button type="submit" disabled={busy || (step === 0 && (!caseCode || !agencyId))}>
            {step < 3 ? t.ds.next : busy ? t.ds.submitting : t.ds.submit}
          </button>
        </div>
      </form>
    </>
  );
}

// ---- the counter: a receiving officer enters a paper dossier ----

export function CounterEntry({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const initialCode = new URLSearchParams(window.location.search).get('thu-tuc') ?? '';
  const [code, setCode] = useState(initialCode);
  const [tpl, setTpl] = useState<Template | null>(null);
  const [loadError, setLoadError] = useState('');
  const [caseCode, setCaseCode] = useState('');
  const [channel, setChannel] = useState('in_person');
  const [applicant, setApplicant] = useState({ name: '', id_number: '', phone: '', email: '', address: '' });
  const [form, setForm] = useState<Record<string, unknown>>({});
  const [docs, setDocs] = useState<Docs>({});
  const [summary, setSummary] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Dossier | null>(null);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const allowed = !!me && me.kind === 'officer' && (me.roles.includes('receiver') || me.roles.includes('sysadmin'));

  const load = async (c: string) => {
    setLoadError('');
    setTpl(null);
    const r = await api<Template>('GET', `/api/v1/procedures/${encodeURIComponent(c)}/submission`, undefined, lang);
    if (!r.ok) {
      setLoadError(r.problem.status === 404 ? t.ds.procedureNotFound : r.problem.detail || t.genericError);
      return;
    }
    setTpl(r.data);
    const first = r.data.cases[0];
    setCaseCode(first?.code ?? '');
    setForm((initialValue(first?.form, undefined) as Record<string, unknown>) ?? {});
    const paper = r.data.channels.find((x) => x.channel === 'in_person' || x.channel === 'post');
    setChannel(paper?.channel ?? 'in_person');
    setDocs({});
  };
  useEffect(() => {
    if (allowed && initialCode) void load(initialCode);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.ds.counterTitle}</h1>
        <p>{t.ds.receiversOnly}</p>
      </>
    );
  }
  if (done) {
    return (
      <>
        <h1>{fill(t.ds.receivedTitle, { code: done.code })}</h1>
        <Notice>
          {done.status_label} · {t.ds.dueAt}: {when(done.due_at)}
        </Notice>
        <p className="actions">
          <Link to={printHref(done.code, 'mau01')}>{t.ds.printReceipt}</Link>
          <Link to={dossierHref(done.code)}>{t.ds.viewDossier}</Link>
        </p>
        <button type="button" className="secondary" onClick={() => { setDone(null); setApplicant({ name: '', id_number: '', phone: '', email: '', address: '' }); setSummary(''); setDocs({}); }}>
          {t.ds.counterTitle}
        </button>
      </>
    );
  }
  const kase = tpl?.cases.find((c) => c.code === caseCode);
  const paperChannels = (tpl?.channels ?? []).filter((c) => c.channel !== 'online');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!tpl) return;
    const body = {
      procedure_code: tpl.procedure_code,
      case_code: caseCode,
      channel,
      applicant,
      form: cleaned(form) ?? {},
      documents: documentsBody(docs),
      summary: summary.trim(),
    };
    setBusy(true);
    const { answer: r, lost } = await postOnce<Dossier>(attempt, '/api/v1/dossiers', body, lang);
    setBusy(false);
    if (r.ok) {
      setErrors([]);
      setMessage('');
      setDone(r.data);
      return;
    }
    if (lost) {
      setMessage(t.ds.networkRetry);
      return;
    }
    setErrors(r.problem.errors);
    setMessage(r.problem.detail || t.genericError);
  };
  const ids: Record<string, string> = {};
  for (const e of errors) ids[e.field] = e.field.startsWith('/applicant/') ? `applicant-${e.field.slice(11)}` : idFor(e.field);
  return (
    <>
      <h1>{t.ds.counterTitle}</h1>
      <p className="lead">{t.ds.counterLead}</p>
      <form className="search" role="search" onSubmit={(e) => { e.preventDefault(); if (code.trim()) void load(code.trim()); }}>
        <label htmlFor="counter-procedure">{t.ds.procedureCode}</label>
        <div className="search-row">
          <input id="counter-procedure" value={code} onChange={(e) => setCode(e.target.value)} placeholder="2.913001" spellCheck={false}
            aria-describedby="counter-procedure-error" />
          <button type="submit">{t.ds.load}</button>
        </div>
        <p id="counter-procedure-error" className="error" role="alert">
          {loadError}
        </p>
      </form>
      {message && <ErrorSummary title={t.ds.submitFailed} message={message} errors={errors} fieldIds={ids} />}
      {tpl && (
        <form className="form wide" onSubmit={(e) => void submit(e)} noValidate>
          <h2>{tpl.procedure_name}</h2>
          <fieldset>
            <legend>{t.ds.caseLabel}</legend>
            {tpl.cases.map((c) => (
              <label key={c.code} className="choice">
                <input type="radio" name="case" checked={caseCode === c.code}
                  onChange={() => { setCaseCode(c.code); setForm((initialValue(c.form, undefined) as Record<string, unknown>) ?? {}); setDocs({}); }} />
                {c.name || t.stepsAndDocuments}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t.ds.channelLabel}</legend>
            {paperChannels.map((c) => (
              <label key={c.channel} className="choice">
                <input type="radio" name="channel" checked={channel === c.channel} onChange={() => setChannel(c.channel)} />
                {t.ds.channels[c.channel] ?? c.channel}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t.ds.applicantTitle}</legend>
            <Field id="applicant-name" label={t.ds.applicantName} value={applicant.name} required autoComplete="off"
              onChange={(v) => setApplicant({ ...applicant, name: v })} error={errorsAt(errors, '/applicant/name')} />
            <Field id="applicant-id_number" label={t.ds.idNumber} hint={t.ds.idNumberHint} value={applicant.id_number} inputMode="numeric"
              onChange={(v) => setApplicant({ ...applicant, id_number: v })} error={errorsAt(errors, '/applicant/id_number')} />
            <Field id="applicant-phone" label={t.ds.phone} type="tel" value={applicant.phone}
              onChange={(v) => setApplicant({ ...applicant, phone: v })} error={errorsAt(errors, '/applicant/phone')} />
            <Field id="applicant-email" label={t.ds.email} type="email" value={applicant.email}
              onChange={(v) => setApplicant({ ...applicant, email: v })} error={errorsAt(errors, '/applicant/email')} />
            <Field id="applicant-address" label={t.ds.address} value={applicant.address}
              onChange={(v) => setApplicant({ ...applicant, address: v })} error={errorsAt(errors, '/applicant/address')} />
          </fieldset>
          {kase?.form && (
            <fieldset>
              <legend>{t.ds.formTitle}</legend>
              <ObjectFields schema={kase.form} value={form} onChange={setForm} pointer="/form" errors={errors} t={t} lang={lang} />
            </fieldset>
          )}
          <div className="field">
            <label htmlFor="summary">{t.ds.summaryLabel}</label>
            <textarea id="summary" rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </div>
          {kase && kase.documents.length > 0 && (
            <fieldset>
              <legend>{t.ds.scansOptional}</legend>
              {kase.documents.map((d) => (
                <FilePicker key={d.code} id={idFor('/documents/' + d.code)} label={d.name} files={docs[d.code] ?? []}
                  onChange={(files) => setDocs({ ...docs, [d.code]: files })} accept={d.allowed_types} maxBytes={d.max_bytes}
                  error={errorsAt(errors, '/documents/' + d.code)} t={t} lang={lang} />
              ))}
            </fieldset>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? t.ds.submitting : t.ds.receive}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
