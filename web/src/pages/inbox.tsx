// The officer's inbox (hộp hồ sơ): boxes with their counts, search, sort by due date, overdue and
// due-soon marks, links to each dossier; and the Mẫu 06 register as CSV for a date range.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { Link } from '../ui';
import { dossierHref, StatusTag, fill, when } from './dossierCommon';

const BOXES = ['receive', 'process', 'approve', 'return', 'due_soon', 'overdue', 'all'] as const;
type Box = (typeof BOXES)[number];

interface Item {
  code: string;
  procedure_code: string;
  procedure_name: string;
  applicant_name: string;
  status: number;
  status_label: string;
  stage: string;
  /** The stage's name; a review step's as the procedure's process names it. */
  stage_label?: string;
  due_at: string | null;
  received_at: string | null;
  submitted_at: string;
  assignee: { id: string; name: string } | null;
  overdue: boolean;
  due_soon: boolean;
}
interface Answer {
  items: Item[];
  next_cursor: string | null;
  total: number;
  counts: Record<string, number>;
}

function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function Inbox({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const params = new URLSearchParams(window.location.search);
  const initialBox = (BOXES as readonly string[]).includes(params.get('hop') ?? '') ? (params.get('hop') as Box) : 'all';
  const [box, setBox] = useState<Box>(initialBox);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState('due_at');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [more, setMore] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(isoDay(today));
  const officer = !!me && me.kind === 'officer';

  useEffect(() => {
    if (!officer) return;
    const p = new URLSearchParams({ box, sort, limit: '50' });
    if (query) p.set('q', query);
    window.history.replaceState({}, '', `/can-bo/ho-so${box !== 'all' ? `?hop=${box}` : ''}`);
    void api<Answer>('GET', `/api/v1/inbox?${p}`, undefined, lang).then((r) => {
      if (r.ok) {
        setAnswer(r.data);
        setMore([]);
        setCursor(r.data.next_cursor);
        setError('');
      } else {
        setError(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
      }
    });
  }, [officer, box, sort, query, lang, t]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!officer) {
    return (
      <>
        <h1>{t.ds.inboxTitle}</h1>
        <p>{t.ds.officersOnly}</p>
      </>
    );
  }
  const loadMore = async () => {
    if (!cursor) return;
    const p = new URLSearchParams({ box, sort, limit: '50', cursor });
    if (query) p.set('q', query);
    const r = await api<Answer>('GET', `/api/v1/inbox?${p}`, undefined, lang);
    if (r.ok) {
      setMore((m) => [...m, ...r.data.items]);
      setCursor(r.data.next_cursor);
    }
  };
  const items = [...(answer?.items ?? []), ...more];
  const rangeOk = from && to && to >= from;
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setQuery(q.trim());
  };
  return (
    <>
      <h1>{t.ds.inboxTitle}</h1>
      {me.agency && <p className="lead">{lang === 'en' && me.agency.name_en ? me.agency.name_en : me.agency.name}</p>}
      <div className="boxes" role="group" aria-label={t.ds.boxesLabel}>
        {BOXES.map((b) => (
          <button key={b} type="button" aria-pressed={box === b} className={`box ${b}`} onClick={() => setBox(b)} data-testid={`box-${b}`}>
            {t.ds.boxes[b]} <span className="count">{answer?.counts?.[b] ?? '…'}</span>
          </button>
        ))}
      </div>
      <div className="inbox-tools">
        <form className="search" role="search" onSubmit={onSearch}>
          <label htmlFor="inbox-q">{t.ds.searchLabel}</label>
          <div className="search-row">
            <input id="inbox-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            <button type="submit">{t.ds.search}</button>
          </div>
        </form>
        <div className="field">
          <label htmlFor="inbox-sort">{t.ds.sortLabel}</label>
          <select id="inbox-sort" value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="due_at">{t.ds.sortDue}</option>
            <option value="-due_at">{t.ds.sortDueDesc}</option>
            <option value="received_at">{t.ds.sortReceived}</option>
          </select>
        </div>
      </div>
      <section aria-labelledby="inbox-list">
        <h2 id="inbox-list" aria-live="polite">
          {t.ds.boxes[box]}: {answer ? fill(t.ds.inboxCount, { n: answer.total }) : t.loading}
        </h2>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {answer && items.length === 0 && <p>{t.ds.inboxEmpty}</p>}
        {items.length > 0 && (
          <table className="table inbox">
            <thead>
              <tr>
                <th scope="col">{t.ds.code}</th>
                <th scope="col">{t.ds.procedure}</th>
                <th scope="col">{t.ds.applicant}</th>
                <th scope="col">{t.ds.receivedAt}</th>
                <th scope="col">{t.ds.dueAt}</th>
                <th scope="col">{t.ds.status}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.code} data-testid="inbox-row" className={d.overdue ? 'row-overdue' : d.due_soon ? 'row-due-soon' : undefined}>
                  <td className="code">
                    <Link to={dossierHref(d.code)}>{d.code}</Link>
                  </td>
                  <td>{d.procedure_name}</td>
                  <td>{d.applicant_name}</td>
                  <td>{when(d.received_at ?? d.submitted_at)}</td>
                  <td>{when(d.due_at)}</td>
                  <td>
                    <StatusTag status={d.status} label={d.status_label} overdue={d.overdue} dueSoon={d.due_soon} t={t} />
                    {d.status === 4 && (t.ds.stages[d.stage] || d.stage_label) && <span className="hint"> · {t.ds.stages[d.stage] ?? d.stage_label}</span>}
                    {d.assignee && <span className="hint"> · {d.assignee.name}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <button type="button" className="secondary" onClick={() => void loadMore()}>
            {t.ds.showMore}
          </button>
        )}
      </section>
      <section aria-labelledby="register-title" className="panel">
        <h2 id="register-title">{t.ds.registerTitle}</h2>
        <div className="register-row">
          <div className="field">
            <label htmlFor="register-from">{t.ds.from}</label>
            <input id="register-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="register-to">{t.ds.to}</label>
            <input id="register-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-describedby="register-hint" />
          </div>
          {rangeOk ? (
            <>
              <a className="button-link" href={`/api/v1/reports/register.csv?from=${from}&to=${to}`} download>
                {t.ds.downloadRegister}
              </a>
              <a className="button-link" href={`/api/v1/reports/register.pdf?from=${from}&to=${to}`} download>
                {t.ds.downloadRegisterPdf}
              </a>
            </>
          ) : null}
        </div>
        <p id="register-hint" className="hint">
          {t.ds.registerRange}
        </p>
      </section>
    </>
  );
}
