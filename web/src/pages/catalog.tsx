// The procedure catalog: search with filters and facet counts, the procedure page, questions
// and answers, and life-event bundles.
import { useEffect, useState, type FormEvent } from 'react';
import { ProcedureQuestions } from './feedback';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate } from '../router';
import { Link } from '../ui';
import { useSession } from '../session';
import { bundleSubmitHref, submitHref } from './dossierCommon';

interface FacetValue {
  value: string;
  label: string;
  count: number;
}
interface ChannelSummary {
  channel: number;
  duration: number;
  unit: string;
  fee_total: number;
}
interface Item {
  code: string;
  name: string;
  name_en: string;
  name_html: string;
  snippet_html: string;
  levels: string[];
  service_class: string;
  channels: ChannelSummary[];
  implementing: string;
}
interface SearchAnswer {
  items: Item[];
  total: number;
  next_cursor: string | null;
  facets: Record<string, FacetValue[]>;
}

const FILTERS = ['field', 'level', 'service_class', 'channel'] as const;
type Filter = (typeof FILTERS)[number];

function money(n: number, lang: Lang): string {
  return `${n.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN')} ${lang === 'en' ? 'VND' : 'đồng'}`;
}

function unitText(unit: string, t: Messages): string {
  return (t.units as Record<string, string>)[unit] ?? unit;
}

/** Server-made HTML: the text escaped, with the matched words in <mark> and nothing else. */
function Marked({ html, as = 'span' }: { html: string; as?: 'span' | 'p' }) {
  const Tag = as;
  return <Tag dangerouslySetInnerHTML={{ __html: html }} />;
}

export function CatalogSearch({ t, lang }: { t: Messages; lang: Lang }) {
  const params = new URLSearchParams(window.location.search);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [filters, setFilters] = useState<Record<Filter, string>>({
    field: params.get('field') ?? '',
    level: params.get('level') ?? '',
    service_class: params.get('service_class') ?? '',
    channel: params.get('channel') ?? '',
  });
  const [submitted, setSubmitted] = useState(params.get('q') ?? '');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [error, setError] = useState('');
  const [more, setMore] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  useEffect(() => {
    const query = new URLSearchParams();
    if (submitted) query.set('q', submitted);
    for (const f of FILTERS) if (filters[f]) query.set(f, filters[f]);
    query.set('limit', '20');
    const shown = new URLSearchParams(query);
    shown.delete('limit');
    const url = `/thu-tuc${shown.toString() ? `?${shown}` : ''}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState({}, '', url);
    void api<SearchAnswer>('GET', `/api/v1/procedures?${query}`, undefined, lang).then((r) => {
      if (r.ok) {
        setAnswer(r.data);
        setMore([]);
        setCursor(r.data.next_cursor);
        setError('');
      } else {
        setAnswer(null);
        setError(r.problem.detail || t.genericError);
      }
    });
  }, [submitted, filters, lang, t]);

  const loadMore = async () => {
    if (!cursor) return;
    const query = new URLSearchParams();
    if (submitted) query.set('q', submitted);
    for (const f of FILTERS) if (filters[f]) query.set(f, filters[f]);
    query.set('cursor', cursor);
    const r = await api<SearchAnswer>('GET', `/api/v1/procedures?${query}`, undefined, lang);
    if (r.ok) {
      setMore((m) => [...m, ...r.data.items]);
      setCursor(r.data.next_cursor);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(q.trim());
  };

  const items = [...(answer?.items ?? []), ...more];
  const filterLabel: Record<Filter, string> = {
    field: t.filterField,
    level: t.filterLevel,
    service_class: t.filterClass,
    channel: t.filterChannel,
  };
  return (
    <>
      <h1>{t.proceduresTitle}</h1>
      <form className="search" role="search" onSubmit={onSubmit}>
        <label htmlFor="catalog-q">{t.searchLabel}</label>
        <div className="search-row">
          <input id="catalog-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t.searchPlaceholder} />
          <button type="submit">{t.searchSubmit}</button>
        </div>
      </form>
      <div className="catalog">
        <aside aria-label={t.filtersTitle}>
          <h2>{t.filtersTitle}</h2>
          {FILTERS.map((f) => (
            <div className="field" key={f}>
              <label htmlFor={`filter-${f}`}>{filterLabel[f]}</label>
              <select id={`filter-${f}`} value={filters[f]} onChange={(e) => setFilters({ ...filters, [f]: e.target.value })}>
                <option value="">{t.filterAll}</option>
                {(answer?.facets[f] ?? []).map((v) => (
                  <option key={v.value} value={v.value}>
                    {v.label} ({v.count})
                  </option>
                ))}
              </select>
            </div>
          ))}
        </aside>
        <section aria-labelledby="results-title">
          <h2 id="results-title" aria-live="polite">
            {answer ? t.resultsCount.replace('{n}', String(answer.total)) : error ? '' : t.loading}
          </h2>
          {error && <p className="error" role="alert">{error}</p>}
          <ol className="results">
            {items.map((item) => (
              <li key={item.code}>
                <h3>
                  <Link to={`/thu-tuc/${item.code}`}>
                    {lang === 'en' && item.name_en ? item.name_en : <Marked html={item.name_html} />}
                  </Link>
                </h3>
                <p className="meta">
                  <span className="code">{item.code}</span> · {(t.classNames as Record<string, string>)[item.service_class] ?? item.service_class}
                  {item.implementing && <> · {item.implementing}</>}
                </p>
                {item.snippet_html && <Marked as="p" html={item.snippet_html} />}
              </li>
            ))}
          </ol>
          {cursor && (
            <button type="button" className="secondary" onClick={() => void loadMore()}>
              {t.showMore}
            </button>
          )}
        </section>
      </div>
    </>
  );
}

interface Named {
  code: string;
  name: string;
}
export interface Detail {
  code: string;
  name: string;
  name_en: string;
  description: string;
  description_en: string;
  requirements: string;
  subjects: string[];
  service_class: string;
  levels: string[];
  fields: Named[];
  decision: { number: string; date: string };
  channels: { channel: number; options: { value: number; unit: string; description: string; fee_total: number; fees: { amount: number; kind: string; description: string }[] }[] }[];
  cases: { name: string; steps: string[]; documents: { name: string; originals: number; copies: number; form_name: string }[] }[];
  results: Named[];
  legal_bases: Named[];
  linked: Named[];
  agencies: { implementing: Named[] };
}

export function ProcedurePage({ t, lang, code }: { t: Messages; lang: Lang; code: string }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    void api<Detail>('GET', `/api/v1/procedures/${encodeURIComponent(code)}`, undefined, lang).then((r) => {
      if (r.ok) setDetail(r.data);
      else setMissing(true);
    });
  }, [code, lang]);
  if (missing) {
    return (
      <>
        <h1>{t.procedureMissing}</h1>
        <p>
          <Link to="/thu-tuc">{t.proceduresTitle}</Link>
        </p>
      </>
    );
  }
  if (!detail) return <p role="status">{t.loading}</p>;
  return <ProcedureView t={t} lang={lang} detail={detail} />;
}

/** A procedure as citizens see it; also the administrators' preview (`preview`: no links out, no submit button). */
export function ProcedureView({ t, lang, detail, preview = false }: { t: Messages; lang: Lang; detail: Detail; preview?: boolean }) {
  const en = lang === 'en';
  const channelName = (c: number) => (t.channelNames as Record<string, string>)[String(c)] ?? String(c);
  return (
    <>
      {!preview && (
        <p className="crumbs">
          <Link to="/thu-tuc">{t.proceduresTitle}</Link>
        </p>
      )}
      {preview ? <h2 className="preview-title">{en && detail.name_en ? detail.name_en : detail.name}</h2>
        : <h1>{en && detail.name_en ? detail.name_en : detail.name}</h1>}
      <dl className="facts">
        <div>
          <dt>{t.procedureCode}</dt>
          <dd className="code">{detail.code}</dd>
        </div>
        <div>
          <dt>{t.filterField}</dt>
          <dd>{detail.fields.map((f) => f.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t.filterLevel}</dt>
          <dd>{detail.levels.map((l) => (t.levelNames as Record<string, string>)[l] ?? l).join(', ')}</dd>
        </div>
        <div>
          <dt>{t.filterClass}</dt>
          <dd>{(t.classNames as Record<string, string>)[detail.service_class] ?? detail.service_class}</dd>
        </div>
        {detail.agencies.implementing.length > 0 && (
          <div>
            <dt>{t.implementingAgency}</dt>
            <dd>{detail.agencies.implementing.map((a) => a.name).join(', ')}</dd>
          </div>
        )}
        {detail.decision.number && (
          <div>
            <dt>{t.decision}</dt>
            <dd>
              {detail.decision.number}
              {detail.decision.date && ` (${detail.decision.date})`}
            </dd>
          </div>
        )}
      </dl>
      {!preview && (detail.service_class === 'partial_online' || detail.service_class === 'full_online') && (
        <p className="cta">
          <a className="button-link primary" href={submitHref(detail.code)}
            onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; e.preventDefault(); navigate(submitHref(detail.code)); }}>
            {t.ds.submitOnline}
          </a>
        </p>
      )}
      {(en ? detail.description_en || detail.description : detail.description) && (
        <p className="lead">{en ? detail.description_en || detail.description : detail.description}</p>
      )}
      <section aria-labelledby="channels-title">
        <h2 id="channels-title">{t.channelsTitle}</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t.filterChannel}</th>
              <th scope="col">{t.timeLimit}</th>
              <th scope="col">{t.fees}</th>
            </tr>
          </thead>
          <tbody>
            {detail.channels.flatMap((c) =>
              c.options.map((o, i) => (
                <tr key={`${c.channel}-${i}`}>
                  <td>{channelName(c.channel)}</td>
                  <td>
                    {o.value} {unitText(o.unit, t)}
                    {o.description && <p className="hint">{o.description}</p>}
                  </td>
                  <td>
                    {o.fees.length === 0 ? t.noFee : o.fees.map((f, j) => (
                      <p key={j} className="fee">
                        <strong>{money(f.amount, lang)}</strong> {f.kind && `(${(t.feeKinds as Record<string, string>)[f.kind] ?? f.kind})`}
                        {f.description && <span className="hint"> — {f.description}</span>}
                      </p>
                    ))}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </section>
      {detail.cases.map((c, i) => (
        <section key={i} aria-labelledby={`case-${i}`}>
          <h2 id={`case-${i}`}>{c.name ? `${t.caseTitle}: ${c.name}` : t.stepsAndDocuments}</h2>
          {c.steps.length > 0 && (
            <>
              <h3>{t.stepsTitle}</h3>
              <ol className="steps">
                {c.steps.map((s, j) => (
                  <li key={j}>{s}</li>
                ))}
              </ol>
            </>
          )}
          {c.documents.length > 0 && (
            <>
              <h3>{t.documentsTitle}</h3>
              <ul className="documents">
                {c.documents.map((d, j) => (
                  <li key={j}>
                    {d.name}{' '}
                    <span className="hint">
                      ({t.copiesText.replace('{o}', String(d.originals)).replace('{c}', String(d.copies))}
                      {d.form_name && `; ${t.formText} ${d.form_name}`})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      ))}
      {detail.requirements && (
        <section aria-labelledby="req-title">
          <h2 id="req-title">{t.requirementsTitle}</h2>
          <p>{detail.requirements}</p>
        </section>
      )}
      {detail.results.length > 0 && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t.resultsTitle}</h2>
          <ul>
            {detail.results.map((r, i) => (
              <li key={i}>{r.name}</li>
            ))}
          </ul>
        </section>
      )}
      {detail.legal_bases.length > 0 && (
        <section aria-labelledby="laws-title">
          <h2 id="laws-title">{t.legalTitle}</h2>
          <ul>
            {detail.legal_bases.map((l, i) => (
              <li key={i}>
                <strong>{l.code}</strong> {l.name}
              </li>
            ))}
          </ul>
        </section>
      )}
      {detail.linked.length > 0 && (
        <section aria-labelledby="linked-title">
          <h2 id="linked-title">{t.linkedTitle}</h2>
          <ul>
            {detail.linked.map((l) => (
              <li key={l.code}>
                <Link to={`/thu-tuc/${l.code}`}>{l.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!preview && <ProcedureQuestions t={t} lang={lang} code={detail.code} />}
    </>
  );
}

interface FaqItem {
  id: string;
  question: string;
  answer: string;
  question_en: string;
  answer_en: string;
  question_html: string;
  procedure_code: string;
}

export function Faq({ t, lang }: { t: Messages; lang: Lang }) {
  const [q, setQ] = useState('');
  const [submitted, setSubmitted] = useState('');
  const [items, setItems] = useState<FaqItem[] | null>(null);
  useEffect(() => {
    const query = submitted ? `?q=${encodeURIComponent(submitted)}&limit=50` : '?limit=50';
    void api<{ items: FaqItem[] }>('GET', `/api/v1/faq${query}`, undefined, lang).then((r) => setItems(r.ok ? r.data.items : []));
  }, [submitted, lang]);
  const en = lang === 'en';
  return (
    <>
      <h1>{t.faqTitle}</h1>
      <form className="search" role="search" onSubmit={(e) => { e.preventDefault(); setSubmitted(q.trim()); }}>
        <label htmlFor="faq-q">{t.searchLabel}</label>
        <div className="search-row">
          <input id="faq-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit">{t.searchSubmit}</button>
        </div>
      </form>
      {items === null ? (
        <p role="status">{t.loading}</p>
      ) : (
        <div className="faq" aria-live="polite">
          {items.length === 0 && <p>{t.faqNone}</p>}
          {items.map((f) => (
            <details key={f.id}>
              <summary>{en && f.question_en ? f.question_en : <Marked html={f.question_html} />}</summary>
              <p>{en && f.answer_en ? f.answer_en : f.answer}</p>
              {f.procedure_code && (
                <p>
                  <Link to={`/thu-tuc/${f.procedure_code}`}>{t.seeProcedure}</Link>
                </p>
              )}
            </details>
          ))}
        </div>
      )}
    </>
  );
}

interface Bundle {
  code: string;
  name: string;
  name_en: string;
  description: string;
  description_en: string;
  legal_basis: string;
  procedures: { code: string; name: string; available: boolean; implementing?: string }[];
  documents: { name: string; originals: number; copies: number; needed_by: string[] }[];
}

export function Bundles({ t, lang, code }: { t: Messages; lang: Lang; code?: string }) {
  const [bundles, setBundles] = useState<Bundle[] | null>(null);
  const { me } = useSession();
  useEffect(() => {
    void api<{ items: Bundle[] }>('GET', '/api/v1/bundles', undefined, lang).then((r) => setBundles(r.ok ? r.data.items : []));
  }, [lang]);
  const en = lang === 'en';
  if (bundles === null) return <p role="status">{t.loading}</p>;
  const one = code ? bundles.find((b) => b.code === code) : undefined;
  if (code && !one) {
    return (
      <>
        <h1>{t.bundlesTitle}</h1>
        <p>{t.procedureMissing}</p>
      </>
    );
  }
  if (!one) {
    return (
      <>
        <h1>{t.bundlesTitle}</h1>
        <ul className="cards">
          {bundles.map((b) => (
            <li key={b.code}>
              <h2>
                <Link to={`/lien-thong/${b.code}`}>{en ? b.name_en || b.name : b.name}</Link>
              </h2>
              <p>{en ? b.description_en || b.description : b.description}</p>
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      <p className="crumbs">
        <Link to="/lien-thong">{t.bundlesTitle}</Link>
      </p>
      <h1>{en ? one.name_en || one.name : one.name}</h1>
      <p className="lead">{en ? one.description_en || one.description : one.description}</p>
      {one.legal_basis && <p className="hint">{one.legal_basis}</p>}
      {one.procedures.length > 0 && one.procedures.every((p) => p.available) && (
        <p className="cta">
          {(() => {
            // Signed out: the login page first, which comes back to the submission page.
            const to = me ? bundleSubmitHref(one.code) : `/dang-nhap?return_to=${encodeURIComponent(bundleSubmitHref(one.code))}`;
            return (
              <a className="button-link primary" href={to}
                onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; e.preventDefault(); navigate(to); }}>
                {t.ds.bd.submitButton}
              </a>
            );
          })()}
        </p>
      )}
      <section aria-labelledby="bundle-procedures">
        <h2 id="bundle-procedures">{t.bundleProcedures}</h2>
        <ol>
          {one.procedures.map((p) => (
            <li key={p.code}>{p.available ? <Link to={`/thu-tuc/${p.code}`}>{p.name}</Link> : <span className="code">{p.code}</span>}</li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="bundle-documents">
        <h2 id="bundle-documents">{t.bundleDocuments}</h2>
        <p>{t.bundleDocumentsLead}</p>
        <ul className="documents">
          {one.documents.map((d) => (
            <li key={d.name}>
              {d.name} <span className="hint">({t.copiesText.replace('{o}', String(d.originals)).replace('{c}', String(d.copies))})</span>
            </li>
          ))}
        </ul>
      </section>
      <p>
        <button type="button" className="secondary" onClick={() => navigate('/thu-tuc')}>
          {t.proceduresTitle}
        </button>
      </p>
    </>
  );
}
