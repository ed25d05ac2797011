// Feedback and petitions (phản ánh, kiến nghị — PAKN): sending one (signed in, anonymously with
// contact details, or entered by an officer from a letter or call), "my feedback", one item with
// its history, the officers' actions (register, classify, transfer, process, answer, publish,
// merge with a similar one), the petitioner's rating, the public search of published answers, the
// officers' inbox; and questions (hỏi đáp) on the procedure page and in the officers' list.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Field, fieldError, Link, Notice } from '../ui';
import { fill, when } from './dossierCommon';
import { AgencyPicker, fbWords, lookupHref, PublishPreview, SecretBox } from './feedbackExtra';

interface Item {
  code: string;
  status: string;
  status_label: string;
  open311_status: string;
  category: string;
  source: string;
  title: string;
  content?: string;
  procedure_code: string | null;
  dossier_code?: string | null;
  agency: { code: string; name: string };
  classification: string | null;
  classification_label: string | null;
  received_at: string | null;
  due_at: string | null;
  at_risk: boolean;
  overdue: boolean;
  merged_into: string | null;
  answer?: string | null;
  answered_at: string | null;
  published_at: string | null;
  public?: { title: string; content: string; answer: string };
  rating?: number | null;
  petitioner?: { full_name: string; email: string; phone: string; address: string };
  attachments?: { id: string; name: string }[];
  merged?: string[];
  events?: { at: string; action: string; status_label: string; actor: string; note: string; agency: string }[];
  allowed_actions?: string[];
  can_rate?: boolean;
  similarity?: number;
  lookup_key?: string;
}

interface ServiceType {
  service_code: string;
  service_name: string;
}

export const feedbackHref = (code: string) => `/phan-anh/${encodeURIComponent(code)}`;

function Flags({ item, t }: { item: Item; t: Messages }) {
  return (
    <span className="status-line">
      <span className={`status fb-${item.status}`}>{item.status_label}</span>
      {item.overdue && <span className="flag overdue">{t.fb.overdue}</span>}
      {!item.overdue && item.at_risk && <span className="flag due-soon">{t.fb.atRisk}</span>}
    </span>
  );
}

/** /phan-anh: published answers, searchable by anyone. */
export function FeedbackAnswers({ t, lang }: { t: Messages; lang: Lang }) {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<{ code: string; title: string; content: string; answer: string; agency: string; published_at: string }[] | null>(null);
  const [total, setTotal] = useState(0);
  useEffect(() => {
    const p = new URLSearchParams({ limit: '50' });
    if (query) p.set('q', query);
    void api<{ items: NonNullable<typeof items>; total: number }>('GET', `/api/v1/feedback-answers?${p}`, undefined, lang).then((r) => {
      setItems(r.ok ? r.data.items : []);
      setTotal(r.ok ? r.data.total : 0);
    });
  }, [query, lang]);
  return (
    <>
      <h1>{t.fb.publicTitle}</h1>
      <p className="lead">{t.fb.publicLead}</p>
      <p className="cta">
        <Link to="/phan-anh/gui">{t.fb.sendLink}</Link>
      </p>
      <form className="search" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(q.trim()); }}>
        <label htmlFor="fb-q">{t.fb.searchLabel}</label>
        <div className="search-row">
          <input id="fb-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit">{t.fb.searchSubmit}</button>
        </div>
      </form>
      {items === null ? (
        <p role="status">{t.loading}</p>
      ) : (
        <section aria-live="polite" aria-labelledby="fb-found">
          <h2 id="fb-found">{fill(t.fb.found, { n: total })}</h2>
          {items.length === 0 && <p>{t.fb.none}</p>}
          {items.map((f) => (
            <article key={f.code} className="panel fb-answer" data-testid="fb-answer">
              <h3>{f.title}</h3>
              <p className="hint">
                <span className="code">{f.code}</span> · {f.agency} · {when(f.published_at)}
              </p>
              <p className="fb-text">{f.content}</p>
              <h4>{t.fb.answerLabel}</h4>
              <p className="fb-text">{f.answer}</p>
            </article>
          ))}
        </section>
      )}
    </>
  );
}

/** /phan-anh/gui: send feedback; officers enter what came by letter, phone or e-mail. */
export function FeedbackSubmit({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const query = new URLSearchParams(window.location.search);
  const [types, setTypes] = useState<ServiceType[]>([]);
  const [form, setForm] = useState<Record<string, string>>({
    category: 'PAKN-HC', title: '', content: '', procedure_code: query.get('thu-tuc') ?? '', dossier_code: query.get('ho-so') ?? '',
    full_name: '', email: '', phone: '', address: '', source: 'letter',
  });
  const [errors, setErrors] = useState<FieldError[] | undefined>();
  const [problem, setProblem] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [sentKey, setSentKey] = useState('');
  const [busy, setBusy] = useState(false);
  const officer = !!me && me.kind === 'officer';
  const anonymous = !me;
  useEffect(() => {
    void api<ServiceType[]>('GET', '/open311/v2/services.json', undefined, lang).then((r) => setTypes(r.ok ? r.data : []));
  }, [lang]);
  const set = (k: string) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  if (!loaded) return <p role="status">{t.loading}</p>;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const body: Record<string, unknown> = { category: form.category, title: form.title, content: form.content };
    for (const k of ['procedure_code', 'dossier_code']) if (form[k].trim()) body[k] = form[k].trim();
    if (officer || anonymous) for (const k of ['full_name', 'email', 'phone', 'address']) if (form[k].trim()) body[k] = form[k].trim();
    if (officer) body.source = form.source;
    const r = await api<Item>('POST', '/api/v1/feedback', body, lang);
    setBusy(false);
    if (r.ok) {
      setSent(r.data.code);
      setSentKey(r.data.lookup_key ?? '');
      setErrors(undefined);
      setProblem('');
      return;
    }
    setErrors(r.problem.errors);
    setProblem(r.problem.status === 429 && r.problem.retryAfter ? fill(t.fb.tooMany, { n: r.problem.retryAfter })
      : r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
  };

  if (sent) {
    return (
      <>
        <h1>{t.fb.submitTitle}</h1>
        <Notice>{fill(t.fb.sent, { code: sent })}</Notice>
        {sentKey && (
          <section className="panel warn" aria-labelledby="fb-key-title">
            <h2 id="fb-key-title">{fbWords(lang).sentKeyTitle}</h2>
            <p>{fbWords(lang).sentKeyLead}</p>
            <p>{fbWords(lang).code}: <code data-testid="fb-sent-code">{sent}</code></p>
            <SecretBox id="fb-sent-key" value={sentKey} lang={lang} />
            <p><Link to={lookupHref(sent)}>{fbWords(lang).lookupLink}</Link></p>
          </section>
        )}
        {me && (
          <p>
            <Link to={feedbackHref(sent)}>{t.fb.sentTrack}</Link>
          </p>
        )}
      </>
    );
  }
  const ids: Record<string, string> = {
    category: 'fb-category', title: 'fb-title', content: 'fb-content', procedure_code: 'fb-procedure', dossier_code: 'fb-dossier',
    full_name: 'fb-name', email: 'fb-email', phone: 'fb-phone', address: 'fb-address',
  };
  return (
    <>
      <h1>{t.fb.submitTitle}</h1>
      <p className="lead">{officer ? t.fb.officerEntryLead : t.fb.submitLead}</p>
      {problem && <ErrorSummary title={t.fb.refused} message={problem} errors={errors} fieldIds={ids} />}
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        {officer && (
          <div className="field">
            <label htmlFor="fb-source">{t.fb.source}</label>
            <select id="fb-source" value={form.source} onChange={(e) => set('source')(e.target.value)}>
              {Object.entries(t.fb.sources).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="fb-category">{t.fb.category}</label>
          <select id="fb-category" value={form.category} onChange={(e) => set('category')(e.target.value)}
            aria-invalid={fieldError(errors, 'category') ? true : undefined}>
            {types.map((s) => <option key={s.service_code} value={s.service_code}>{s.service_name}</option>)}
          </select>
        </div>
        <Field id="fb-title" label={t.fb.title} value={form.title} onChange={set('title')} error={fieldError(errors, 'title')} required />
        <div className="field">
          <label htmlFor="fb-content">
            {t.fb.content}
            <span aria-hidden="true"> *</span>
          </label>
          <p id="fb-content-hint" className="hint">{t.fb.contentHint}</p>
          <textarea id="fb-content" rows={8} value={form.content} onChange={(e) => set('content')(e.target.value)} required
            aria-describedby={`fb-content-hint${fieldError(errors, 'content') ? ' fb-content-error' : ''}`}
            aria-invalid={fieldError(errors, 'content') ? true : undefined} />
          {fieldError(errors, 'content') && <p id="fb-content-error" className="error">{fieldError(errors, 'content')}</p>}
        </div>
        <Field id="fb-procedure" label={t.fb.procedure} hint={t.fb.procedureHint} value={form.procedure_code} onChange={set('procedure_code')}
          error={fieldError(errors, 'procedure_code')} />
        <Field id="fb-dossier" label={t.fb.dossier} value={form.dossier_code} onChange={set('dossier_code')} error={fieldError(errors, 'dossier_code')} />
        {(officer || anonymous) && (
          <fieldset>
            <legend>{t.fb.contactTitle}</legend>
            <p className="hint">{t.fb.contactLead}</p>
            <Field id="fb-name" label={t.fb.fullName} value={form.full_name} onChange={set('full_name')} error={fieldError(errors, 'full_name')}
              autoComplete="name" required />
            <Field id="fb-email" label={t.fb.email} type="email" value={form.email} onChange={set('email')} error={fieldError(errors, 'email')}
              autoComplete="email" inputMode="email" />
            <Field id="fb-phone" label={t.fb.phone} type="tel" value={form.phone} onChange={set('phone')} error={fieldError(errors, 'phone')}
              autoComplete="tel" inputMode="tel" />
            <Field id="fb-address" label={t.fb.address} value={form.address} onChange={set('address')} error={fieldError(errors, 'address')}
              autoComplete="street-address" />
          </fieldset>
        )}
        <button type="submit" disabled={busy}>{t.fb.send}</button>
      </form>
    </>
  );
}

function ItemTable({ items, t, showAgency }: { items: Item[]; t: Messages; showAgency?: boolean }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">{t.fb.colCode}</th>
          <th scope="col">{t.fb.colTitle}</th>
          {showAgency && <th scope="col">{t.fb.colAgency}</th>}
          <th scope="col">{t.fb.colReceived}</th>
          <th scope="col">{t.fb.colDue}</th>
          <th scope="col">{t.fb.colStatus}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((f) => (
          <tr key={f.code} data-testid="fb-row" className={f.overdue ? 'row-overdue' : f.at_risk ? 'row-due-soon' : undefined}>
            <td className="code">
              <Link to={feedbackHref(f.code)}>{f.code}</Link>
            </td>
            <td>{f.title}</td>
            {showAgency && <td>{f.agency.name}</td>}
            <td>{when(f.received_at)}</td>
            <td>{when(f.due_at)}</td>
            <td>
              <Flags item={f} t={t} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /phan-anh-cua-toi */
export function MyFeedback({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    if (!me) return;
    void api<{ items: Item[] }>('GET', '/api/v1/me/feedback?limit=100', undefined, lang).then((r) => setItems(r.ok ? r.data.items : []));
  }, [me, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{t.fb.mineTitle}</h1>
        <p>{t.signInFirst}</p>
        <p>
          <Link to="/dang-nhap?return_to=%2Fphan-anh-cua-toi">{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t.fb.mineTitle}</h1>
      <p className="cta">
        <Link to="/phan-anh/gui">{t.fb.sendLink}</Link>
      </p>
      {items === null ? <p role="status">{t.loading}</p> : items.length === 0 ? <p>{t.fb.mineNone}</p> : <ItemTable items={items} t={t} showAgency />}
    </>
  );
}

/** /can-bo/phan-anh */
export function FeedbackInbox({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const boxes = ['open', 'at_risk', 'overdue', 'closed', 'all'];
  const [box, setBox] = useState('open');
  const [answer, setAnswer] = useState<{ items: Item[]; counts: Record<string, number> } | null>(null);
  const officer = !!me && me.kind === 'officer';
  useEffect(() => {
    if (!officer) return;
    void api<{ items: Item[]; counts: Record<string, number> }>('GET', `/api/v1/feedback-inbox?box=${box}&limit=100`, undefined, lang).then((r) =>
      setAnswer(r.ok ? r.data : { items: [], counts: {} }));
  }, [officer, box, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!officer) return <><h1>{t.fb.inboxTitle}</h1><p>{t.ds.officersOnly}</p></>;
  return (
    <>
      <h1>{t.fb.inboxTitle}</h1>
      <p className="cta">
        <Link to="/phan-anh/gui">{t.fb.enterByOfficer}</Link> · <Link to="/can-bo/hoi-dap">{t.fb.navQuestions}</Link>
      </p>
      <div className="boxes" role="group" aria-label={t.fb.inboxTitle}>
        {boxes.map((b) => (
          <button key={b} type="button" aria-pressed={box === b} className={`box ${b}`} onClick={() => setBox(b)} data-testid={`fb-box-${b}`}>
            {t.fb.boxes[b]} <span className="count">{answer?.counts?.[b] ?? '…'}</span>
          </button>
        ))}
      </div>
      <section aria-live="polite" aria-label={t.fb.boxes[box]}>
        {answer === null ? <p role="status">{t.loading}</p> : answer.items.length === 0 ? <p>{t.fb.inboxNone}</p> : <ItemTable items={answer.items} t={t} />}
      </section>
    </>
  );
}

/** An officer action with its own fields. */
function ActionForm({ action, code, t, lang, onDone }: { action: string; code: string; t: Messages; lang: Lang; onDone: (i: Item) => void }) {
  const [fields, setFields] = useState<Record<string, string>>({ classification: 'regulation_within', agency_code: '', answer: '', note: '' });
  const [error, setError] = useState<{ message: string; errors?: FieldError[] } | null>(null);
  const [similar, setSimilar] = useState<Item[] | null>(null);
  const [publicTexts, setPublic] = useState<Record<string, string>>({});
  useEffect(() => {
    if (action !== 'merge') return;
    void api<{ items: Item[] }>('GET', `/api/v1/feedback/${encodeURIComponent(code)}/similar`, undefined, lang).then((r) => setSimilar(r.ok ? r.data.items : []));
  }, [action, code, lang]);
  const send = async (body: Record<string, string>) => {
    const r = await api<Item>('POST', `/api/v1/feedback/${encodeURIComponent(code)}/actions/${action}`, body, lang);
    if (r.ok) {
      setError(null);
      onDone(r.data);
    } else {
      setError({ message: r.problem.detail || t.genericError, errors: r.problem.errors });
    }
  };
  const set = (k: string) => (v: string) => setFields((f) => ({ ...f, [k]: v }));
  const id = `fb-act-${action}`;
  const body: Record<string, string> = {};
  if (fields.note.trim()) body.note = fields.note;
  if (action === 'classify') body.classification = fields.classification;
  if (action === 'transfer') body.agency_code = fields.agency_code.trim();
  if (action === 'answer') body.answer = fields.answer;
  if (action === 'publish') Object.assign(body, publicTexts);
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.fb.actions[action] ?? action}</h3>
      {error && <ErrorSummary title={t.fb.actions[action] ?? action} message={error.message} errors={error.errors} />}
      {action === 'merge' ? (
        <>
          <h4>{t.fb.similarTitle}</h4>
          {similar === null ? <p role="status">{t.loading}</p> : similar.length === 0 ? <p>{t.fb.similarNone}</p> : (
            <ul className="fb-similar">
              {similar.map((s) => (
                <li key={s.code}>
                  <Link to={feedbackHref(s.code)}>{s.code}</Link> — {s.title} <span className="hint">({fill(t.fb.similarity, { p: Math.round((s.similarity ?? 0) * 100) })})</span>{' '}
                  <button type="button" className="secondary" onClick={() => void send({ into: s.code })}>{fill(t.fb.mergeInto, { code: s.code })}</button>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <form className="form" onSubmit={(e) => { e.preventDefault(); void send(body); }}>
          {action === 'classify' && (
            <fieldset>
              <legend>{t.fb.classification}</legend>
              {Object.entries(t.fb.classes).map(([k, v]) => (
                <label key={k} className="choice">
                  <input type="radio" name={`${id}-class`} value={k} checked={fields.classification === k} onChange={() => set('classification')(k)} /> {v}
                </label>
              ))}
            </fieldset>
          )}
          {action === 'transfer' && <AgencyPicker id={`${id}-agency`} value={fields.agency_code} onChange={set('agency_code')} lang={lang} />}
          {action === 'answer' && (
            <div className="field">
              <label htmlFor={`${id}-answer`}>{t.fb.answerText}</label>
              <textarea id={`${id}-answer`} rows={6} value={fields.answer} onChange={(e) => set('answer')(e.target.value)} required />
            </div>
          )}
          {action === 'publish' && <p className="hint">{t.fb.publishLead}</p>}
          {action === 'publish' && <PublishPreview code={code} lang={lang} onTexts={setPublic} />}
          {action !== 'answer' && action !== 'publish' && <Field id={`${id}-note`} label={t.fb.note} value={fields.note} onChange={set('note')} />}
          <button type="submit">{t.fb.actions[action] ?? action}</button>
        </form>
      )}
    </section>
  );
}

/** /phan-anh/{code}: the petitioner's or an officer's view. */
export function FeedbackPage({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me, loaded } = useSession();
  const [item, setItem] = useState<Item | null>(null);
  const [missing, setMissing] = useState(false);
  const [notice, setNotice] = useState('');
  const [rating, setRating] = useState('2');
  const [comment, setComment] = useState('');
  useEffect(() => {
    if (!me) return;
    void api<Item>('GET', `/api/v1/feedback/${encodeURIComponent(code)}`, undefined, lang).then((r) => {
      if (r.ok) setItem(r.data);
      else setMissing(true);
    });
  }, [me, code, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{fill(t.fb.detailTitle, { code })}</h1>
        <p>{t.ds.signInToSee}</p>
        <p>
          <Link to={`/dang-nhap?return_to=${encodeURIComponent(feedbackHref(code))}`}>{t.ds.signIn}</Link>
        </p>
      </>
    );
  }
  if (missing) return <><h1>{fill(t.fb.detailTitle, { code })}</h1><p>{t.fb.notFound}</p></>;
  if (!item) return <p role="status">{t.loading}</p>;
  const rate = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api<Item>('POST', `/api/v1/feedback/${encodeURIComponent(code)}/rating`, { rating: Number(rating), comment }, lang);
    if (r.ok) {
      setItem(r.data);
      setNotice(t.fb.rated);
    }
  };
  return (
    <>
      <p className="crumbs">
        <Link to={me.kind === 'officer' ? '/can-bo/phan-anh' : '/phan-anh-cua-toi'}>{me.kind === 'officer' ? t.fb.inboxTitle : t.fb.mineTitle}</Link>
      </p>
      <h1>{fill(t.fb.detailTitle, { code: item.code })}</h1>
      {notice && <Notice>{notice}</Notice>}
      <p className="lead">{item.title}</p>
      <dl className="facts">
        <div>
          <dt>{t.fb.colStatus}</dt>
          <dd data-testid="fb-status"><Flags item={item} t={t} /></dd>
        </div>
        {item.classification_label && (
          <div>
            <dt>{t.fb.classification}</dt>
            <dd>{item.classification_label}</dd>
          </div>
        )}
        <div>
          <dt>{t.fb.agency}</dt>
          <dd>{item.agency.name}</dd>
        </div>
        <div>
          <dt>{t.fb.receivedAt}</dt>
          <dd>{when(item.received_at)} · {t.fb.sourceNames[item.source] ?? item.source}</dd>
        </div>
        <div>
          <dt>{t.fb.dueAt}</dt>
          <dd>{when(item.due_at)}</dd>
        </div>
        {item.procedure_code && (
          <div>
            <dt>{t.fb.procedure}</dt>
            <dd><Link to={`/thu-tuc/${item.procedure_code}`}>{item.procedure_code}</Link></dd>
          </div>
        )}
        {item.merged_into && (
          <div>
            <dt>{t.fb.mergedInto}</dt>
            <dd className="code">{item.merged_into}</dd>
          </div>
        )}
        {item.petitioner && me.kind === 'officer' && (
          <div>
            <dt>{t.fb.petitioner}</dt>
            <dd>{[item.petitioner.full_name, item.petitioner.email, item.petitioner.phone, item.petitioner.address].filter(Boolean).join(' · ')}</dd>
          </div>
        )}
      </dl>
      <h2>{t.fb.content}</h2>
      <p className="fb-text">{item.content}</p>
      {item.attachments && item.attachments.length > 0 && (
        <>
          <h2>{t.fb.attachments}</h2>
          <ul>
            {item.attachments.map((a) => <li key={a.id}><a href={`/api/v1/attachments/${a.id}`}>{a.name}</a></li>)}
          </ul>
        </>
      )}
      {item.answer && (
        <section aria-labelledby="fb-answer-title" className="panel">
          <h2 id="fb-answer-title">{t.fb.answer}</h2>
          <p className="hint">{when(item.answered_at)}</p>
          <p className="fb-text" data-testid="fb-answer-text">{item.answer}</p>
        </section>
      )}
      {item.public && (
        <section aria-labelledby="fb-public-title">
          <h2 id="fb-public-title">{t.fb.publicVersion}</h2>
          <p className="fb-text">{item.public.content}</p>
          <p className="fb-text">{item.public.answer}</p>
        </section>
      )}
      {item.can_rate && (
        <form className="form panel" onSubmit={(e) => void rate(e)}>
          <fieldset>
            <legend>{t.fb.rateTitle}</legend>
            {item.rating && <p>{fill(t.fb.yourRating, { r: t.fb.ratings[String(item.rating)] })}</p>}
            {['1', '2', '3'].map((r) => (
              <label key={r} className="choice">
                <input type="radio" name="fb-rating" value={r} checked={rating === r} onChange={() => setRating(r)} /> {t.fb.ratings[r]}
              </label>
            ))}
          </fieldset>
          <Field id="fb-rate-comment" label={t.fb.rateComment} value={comment} onChange={setComment} />
          <button type="submit">{t.fb.rateSend}</button>
        </form>
      )}
      {item.allowed_actions && item.allowed_actions.length > 0 && (
        <section aria-labelledby="fb-actions-title">
          <h2 id="fb-actions-title">{t.fb.actionsTitle}</h2>
          {item.allowed_actions.map((a) => (
            <ActionForm key={a + item.status} action={a} code={item.code} t={t} lang={lang}
              onDone={(next) => { setItem(next); setNotice(fill(t.fb.done, { a: t.fb.actions[a] ?? a })); }} />
          ))}
        </section>
      )}
      {item.events && (
        <>
          <h2>{t.fb.history}</h2>
          <ol className="timeline" data-testid="fb-history">
            {item.events.map((e, i) => (
              <li key={i}>
                <span className="hint">{when(e.at)}</span> — <strong>{t.fb.actions[e.action] ?? e.action}</strong> → {e.status_label}
                {e.agency && <> · {e.agency}</>}
                {e.actor && <span className="hint"> ({e.actor})</span>}
                {e.note && <> — {e.note}</>}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  question_en: string;
  answer_en: string;
}

/** On the procedure page: its published Q&A, a question form, and a link to send feedback. */
export function ProcedureQuestions({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const { me } = useSession();
  const [faq, setFaq] = useState<FaqEntry[] | null>(null);
  const [question, setQuestion] = useState('');
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);
  useEffect(() => {
    void api<{ items: FaqEntry[] }>('GET', `/api/v1/faq?procedure=${encodeURIComponent(code)}&limit=50`, undefined, lang).then((r) =>
      setFaq(r.ok ? r.data.items : []));
  }, [code, lang]);
  const en = lang === 'en';
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api('POST', '/api/v1/questions', { procedure_code: code, question }, lang);
    if (r.ok) {
      setSent(true);
      setQuestion('');
      setError('');
    } else {
      setError(r.problem.errors[0]?.message || r.problem.detail || t.genericError);
    }
  };
  return (
    <section aria-labelledby="proc-faq-title">
      <h2 id="proc-faq-title">{t.fb.faqTitle}</h2>
      {faq === null ? <p role="status">{t.loading}</p> : faq.length === 0 ? <p>{t.fb.faqNone}</p> : (
        <div className="faq" data-testid="procedure-faq">
          {faq.map((f) => (
            <details key={f.id}>
              <summary>{en && f.question_en ? f.question_en : f.question}</summary>
              <p>{en && f.answer_en ? f.answer_en : f.answer}</p>
            </details>
          ))}
        </div>
      )}
      {me && me.kind !== 'officer' ? (
        <form className="form" onSubmit={(e) => void ask(e)}>
          <h3>{t.fb.askTitle}</h3>
          {sent && <Notice>{t.fb.asked}</Notice>}
          <label htmlFor="ask-question">{t.fb.askLabel}</label>
          <textarea id="ask-question" rows={3} value={question} onChange={(e) => setQuestion(e.target.value)}
            aria-invalid={error ? true : undefined} aria-describedby={error ? 'ask-question-error' : undefined} />
          {error && <p id="ask-question-error" className="error" role="alert">{error}</p>}
          <button type="submit">{t.fb.askSend}</button>
        </form>
      ) : !me ? <p className="hint"><Link to="/dang-nhap">{t.fb.askSignIn}</Link></p> : null}
      <p>
        <Link to={`/phan-anh/gui?thu-tuc=${encodeURIComponent(code)}`}>{t.fb.feedbackOnProcedure}</Link>
      </p>
    </section>
  );
}

interface Question {
  id: string;
  procedure_code: string;
  question: string;
  status: string;
  answer: string | null;
  asked_by?: string;
  created_at: string;
}

function QuestionRow({ q, t, lang, onChange }: { q: Question; t: Messages; lang: Lang; onChange: (q: Question) => void }) {
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState('');
  const call = async (path: string, body: unknown) => {
    const r = await api<Question>('POST', path, body, lang);
    if (r.ok) {
      setError('');
      onChange(r.data);
    } else setError(r.problem.detail || t.genericError);
  };
  return (
    <li className="panel" data-testid="question">
      <p>
        <strong>{q.question}</strong>
      </p>
      <p className="hint">
        <Link to={`/thu-tuc/${q.procedure_code}`}>{q.procedure_code}</Link> · {t.fb.askedBy}: {q.asked_by} · {when(q.created_at)} ·{' '}
        {t.fb.questionStatuses[q.status] ?? q.status}
      </p>
      {q.answer && <p className="fb-text">{q.answer}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {q.status === 'open' && (
        <form onSubmit={(e) => { e.preventDefault(); void call(`/api/v1/questions/${q.id}/answer`, { answer }); }}>
          <label htmlFor={`q-${q.id}`}>{t.fb.answerText}</label>
          <textarea id={`q-${q.id}`} rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} />
          <button type="submit">{t.fb.answerSend}</button>
        </form>
      )}
      {q.status === 'answered' && (
        <button type="button" onClick={() => void call(`/api/v1/questions/${q.id}/publish`, {})}>{t.fb.publishFaq}</button>
      )}
    </li>
  );
}

/** /can-bo/hoi-dap: questions about the procedures of the officer's agencies. */
export function QuestionInbox({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [items, setItems] = useState<Question[] | null>(null);
  const officer = !!me && me.kind === 'officer';
  useEffect(() => {
    if (!officer) return;
    void api<{ items: Question[] }>('GET', '/api/v1/question-inbox', undefined, lang).then((r) => setItems(r.ok ? r.data.items : []));
  }, [officer, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!officer) return <><h1>{t.fb.questionsTitle}</h1><p>{t.ds.officersOnly}</p></>;
  return (
    <>
      <h1>{t.fb.questionsTitle}</h1>
      {items === null ? <p role="status">{t.loading}</p> : items.length === 0 ? <p>{t.fb.questionsNone}</p> : (
        <ul className="plain">
          {items.map((q) => (
            <QuestionRow key={q.id} q={q} t={t} lang={lang} onChange={(n) => setItems((all) => (all ?? []).map((x) => (x.id === n.id ? { ...x, ...n } : x)))} />
          ))}
        </ul>
      )}
    </>
  );
}
