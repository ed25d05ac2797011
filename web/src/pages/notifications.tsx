// Notifications: the bell in the header with the unread count, the signed-in person's list
// (/thong-bao), and for system administrators the delivery log with retries
// (/quan-tri/thong-bao) and the message templates (/quan-tri/mau-thong-bao).
import { useCallback, useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate } from '../router';
import { useSession } from '../session';
import { ErrorSummary, Link, Notice } from '../ui';

interface Item {
  id: string;
  event: string;
  title: string;
  body: string;
  dossier_code: string | null;
  created_at: string;
  read: boolean;
}

interface Inbox {
  items: Item[];
  next_cursor: string | null;
  total: number;
  unread: number;
}

// Every minute, and whenever the page changes or a notice is read.
const POLL_MS = 60000;
export const UNREAD_CHANGED = 'motcua:notifications-changed';
/** Sent by the session just before it signs out. */
export const SIGNING_OUT = 'motcua:signing-out';
// The account whose sign-out is under way.
let signingOutOf = '';

function when(instant: string, lang: Lang): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
}

export function NotificationBell({ t, path }: { t: Messages; path: string }) {
  const { me } = useSession();
  const [unread, setUnread] = useState(0);
  const account = me?.id ?? '';
  useEffect(() => {
    if (!account) {
      signingOutOf = '';
      return;
    }
    // A count still on its way when the person signs out is dropped, and none is asked for
    // until the session is gone (the answer would be a 401).
    let ctrl: AbortController | null = null;
    const load = () => {
      if (signingOutOf === account) return;
      ctrl?.abort();
      const mine = new AbortController();
      ctrl = mine;
      fetch('/api/v1/me/notifications?limit=1', { signal: mine.signal, headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then((r) => (r.ok ? (r.json() as Promise<Inbox>) : null))
        .then((v) => {
          if (v && !mine.signal.aborted) setUnread(v.unread);
        })
        .catch(() => {});
    };
    const stop = () => {
      signingOutOf = account;
      ctrl?.abort();
    };
    load();
    const timer = window.setInterval(load, POLL_MS);
    window.addEventListener(UNREAD_CHANGED, load);
    window.addEventListener(SIGNING_OUT, stop);
    return () => {
      ctrl?.abort();
      window.clearInterval(timer);
      window.removeEventListener(UNREAD_CHANGED, load);
      window.removeEventListener(SIGNING_OUT, stop);
    };
  }, [account, path]);
  if (!me) return null;
  const label = unread > 0 ? t.nt.bellUnread.replace('{n}', String(unread)) : t.nt.bell;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate('/thong-bao');
  };
  return (
    <a className="bell" href="/thong-bao" onClick={onClick} aria-label={label} title={label} data-testid="bell">
      <svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {unread > 0 && (
        <span className="bell-count" aria-hidden="true" data-testid="bell-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </a>
  );
}

export function MyNotifications({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [failed, setFailed] = useState(false);
  const load = useCallback(
    async (cursor?: string) => {
      const q = new URLSearchParams({ limit: '20' });
      if (unreadOnly) q.set('unread', 'true');
      if (cursor) q.set('cursor', cursor);
      const r = await api<Inbox>('GET', `/api/v1/me/notifications?${q}`, undefined, lang);
      if (!r.ok) {
        setFailed(true);
        return;
      }
      setFailed(false);
      setInbox((prev) => (cursor && prev ? { ...r.data, items: [...prev.items, ...r.data.items] } : r.data));
    },
    [lang, unreadOnly],
  );
  useEffect(() => {
    if (me) void load();
  }, [me, load]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{t.nt.title}</h1>
        <p>
          <Link to="/dang-nhap?return_to=/thong-bao">{t.navLogin}</Link>
        </p>
      </>
    );
  }
  const changed = () => window.dispatchEvent(new Event(UNREAD_CHANGED));
  const markRead = async (id: string) => {
    const r = await api<{ unread: number }>('POST', `/api/v1/me/notifications/${encodeURIComponent(id)}/read`, undefined, lang);
    if (r.ok) {
      setInbox((prev) => prev && { ...prev, unread: r.data.unread, items: prev.items.map((i) => (i.id === id ? { ...i, read: true } : i)) });
      changed();
    }
  };
  const markAll = async () => {
    const r = await api('POST', '/api/v1/me/notifications/read-all', undefined, lang);
    if (r.ok) {
      setInbox((prev) => prev && { ...prev, unread: 0, items: prev.items.map((i) => ({ ...i, read: true })) });
      changed();
    }
  };
  return (
    <>
      <h1>{t.nt.title}</h1>
      {failed && (
        <p className="error" role="alert">
          {t.nt.loadFailed}
        </p>
      )}
      {inbox && (
        <>
          <p role="status" data-testid="unread-count">
            {t.nt.unreadCount.replace('{n}', String(inbox.unread))}
          </p>
          <div className="actions">
            <label className="check">
              <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> {t.nt.unreadOnly}
            </label>
            {inbox.unread > 0 && (
              <button type="button" className="secondary" onClick={() => void markAll()}>
                {t.nt.markAllRead}
              </button>
            )}
          </div>
          {inbox.items.length === 0 ? (
            <p>{t.nt.none}</p>
          ) : (
            <ul className="notifications" data-testid="notifications">
              {inbox.items.map((n) => (
                <li key={n.id} className={n.read ? 'read' : 'unread'}>
                  <h2>
                    {!n.read && <span className="badge">{t.nt.newLabel}</span>} {n.title}
                  </h2>
                  <p className="notification-body">{n.body}</p>
                  <p className="meta">
                    <time dateTime={n.created_at}>{when(n.created_at, lang)}</time>
                    {n.dossier_code && (
                      <>
                        {' · '}
                        <Link to={`/ho-so/${encodeURIComponent(n.dossier_code)}`}>{t.nt.openDossier.replace('{code}', n.dossier_code)}</Link>
                      </>
                    )}
                    {!n.read && (
                      <>
                        {' · '}
                        <button type="button" className="secondary small" onClick={() => void markRead(n.id)}>
                          {t.nt.markRead}
                        </button>
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )}
          {inbox.next_cursor && (
            <button type="button" className="secondary" onClick={() => void load(inbox.next_cursor ?? undefined)}>
              {t.nt.more}
            </button>
          )}
        </>
      )}
    </>
  );
}

interface LogItem {
  id: string;
  event: string;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  last_error: string;
}

export function NotificationLog({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [filter, setFilter] = useState({ status: '', channel: '', recipient: '' });
  const [page, setPage] = useState<{ items: LogItem[]; next_cursor: string | null; total: number } | null>(null);
  const [notice, setNotice] = useState('');
  const [message, setMessage] = useState('');
  const allowed = !!me && me.roles.includes('sysadmin');
  const load = useCallback(
    async (cursor?: string) => {
      const q = new URLSearchParams({ limit: '50' });
      for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
      if (cursor) q.set('cursor', cursor);
      const r = await api<{ items: LogItem[]; next_cursor: string | null; total: number }>('GET', `/api/v1/admin/notifications?${q}`, undefined, lang);
      if (!r.ok) {
        setMessage(r.problem.detail || t.genericError);
        return;
      }
      setMessage('');
      setPage((prev) => (cursor && prev ? { ...r.data, items: [...prev.items, ...r.data.items] } : r.data));
    },
    // The filter is applied on submit, not on each keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [lang],
  );
  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.nt.adminTitle}</h1>
        <p>{t.nt.sysadminOnly}</p>
      </>
    );
  }
  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    void load();
  };
  const retry = async (id: string) => {
    const r = await api('POST', `/api/v1/admin/notifications/${encodeURIComponent(id)}/retry`, undefined, lang);
    if (!r.ok) {
      setMessage(r.problem.detail || t.genericError);
      return;
    }
    setNotice(t.nt.retried.replace('{id}', id));
    void load();
  };
  return (
    <>
      <h1>{t.nt.adminTitle}</h1>
      <p className="lead">{t.nt.adminLead}</p>
      <p className="links">
        <Link to="/quan-tri/mau-thong-bao">{t.nt.templatesTitle}</Link>
      </p>
      {notice && <Notice>{notice}</Notice>}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <form className="form filters" onSubmit={onFilter} aria-label={t.nt.filterApply}>
        <div className="field">
          <label htmlFor="nt-status">{t.nt.filterStatus}</label>
          <select id="nt-status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">{t.nt.any}</option>
            {Object.entries(t.nt.statuses).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nt-channel">{t.nt.filterChannel}</label>
          <select id="nt-channel" value={filter.channel} onChange={(e) => setFilter({ ...filter, channel: e.target.value })}>
            <option value="">{t.nt.any}</option>
            {Object.entries(t.nt.channels).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nt-recipient">{t.nt.filterRecipient}</label>
          <input id="nt-recipient" value={filter.recipient} onChange={(e) => setFilter({ ...filter, recipient: e.target.value })} />
        </div>
        <div className="actions">
          <button type="submit">{t.nt.filterApply}</button>
        </div>
      </form>
      {page && (
        <>
          <p role="status">{t.nt.total.replace('{n}', String(page.total))}</p>
          <table className="table" data-testid="notification-log">
            <caption className="visually-hidden">{t.nt.adminTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t.nt.colCreated}</th>
                <th scope="col">{t.nt.colEvent}</th>
                <th scope="col">{t.nt.colChannel}</th>
                <th scope="col">{t.nt.colRecipient}</th>
                <th scope="col">{t.nt.colStatus}</th>
                <th scope="col">{t.nt.colAttempts}</th>
                <th scope="col">{t.nt.colError}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.nt.retry}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr key={m.id}>
                  <td>{when(m.created_at, lang)}</td>
                  <td>{m.event}</td>
                  <td>{t.nt.channels[m.channel] ?? m.channel}</td>
                  <td>{m.recipient}</td>
                  <td>
                    {t.nt.statuses[m.status] ?? m.status}
                    {m.status === 'pending' && m.next_attempt_at && (
                      <>
                        <br />
                        {t.nt.colNext}: {when(m.next_attempt_at, lang)}
                      </>
                    )}
                  </td>
                  <td>{m.attempts}</td>
                  <td>{m.last_error}</td>
                  <td>
                    {(m.status === 'failed' || m.status === 'dead') && (
                      <button type="button" className="secondary small" onClick={() => void retry(m.id)}>
                        {t.nt.retry}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.next_cursor && (
            <button type="button" className="secondary" onClick={() => void load(page.next_cursor ?? undefined)}>
              {t.nt.more}
            </button>
          )}
        </>
      )}
    </>
  );
}

interface TemplateText {
  subject?: string;
  body: string;
  customized: boolean;
}
type Templates = Record<string, Record<string, TemplateText>>;
interface EventTemplates {
  event: string;
  description: string;
  fields: string[];
  templates: Templates;
}

const CHANNELS = ['email', 'sms', 'in_app'];
const LANGS = ['vi', 'en'];

export function NotificationTemplates({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [events, setEvents] = useState<{ event: string; description: string }[]>([]);
  const [event, setEvent] = useState('');
  const [data, setData] = useState<EventTemplates | null>(null);
  const [draft, setDraft] = useState<Templates>({});
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState('');
  const [notice, setNotice] = useState('');
  const allowed = !!me && me.roles.includes('sysadmin');
  useEffect(() => {
    if (!allowed) return;
    void api<{ items: { event: string; description: string }[] }>('GET', '/api/v1/admin/notification-templates', undefined, lang).then((r) => {
      if (r.ok) {
        setEvents(r.data.items);
        setEvent((e) => e || r.data.items[0]?.event || '');
      }
    });
  }, [allowed, lang]);
  useEffect(() => {
    if (!allowed || !event) return;
    void api<EventTemplates>('GET', `/api/v1/admin/notification-templates/${encodeURIComponent(event)}`, undefined, lang).then((r) => {
      if (r.ok) {
        setData(r.data);
        setDraft(r.data.templates);
        setErrors(null);
        setMessage('');
      }
    });
  }, [allowed, event, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.nt.templatesTitle}</h1>
        <p>{t.nt.sysadminOnly}</p>
      </>
    );
  }
  const put = async (templates: Record<string, Record<string, { subject?: string; body: string } | null>>) => {
    const r = await api<EventTemplates>('PUT', `/api/v1/admin/notification-templates/${encodeURIComponent(event)}`, { templates }, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.detail || t.genericError);
      setNotice('');
      return;
    }
    setErrors(null);
    setMessage('');
    setData(r.data);
    setDraft(r.data.templates);
    setNotice(t.nt.saved);
  };
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    const out: Record<string, Record<string, { subject?: string; body: string }>> = {};
    for (const ch of CHANNELS) {
      out[ch] = {};
      for (const l of LANGS) {
        const d = draft[ch]?.[l];
        if (d) out[ch][l] = ch === 'sms' ? { body: d.body } : { subject: d.subject ?? '', body: d.body };
      }
    }
    void put(out);
  };
  const edit = (ch: string, l: string, key: 'subject' | 'body', value: string) =>
    setDraft((prev) => ({ ...prev, [ch]: { ...prev[ch], [l]: { ...prev[ch][l], [key]: value } } }));
  const fieldIds: Record<string, string> = {};
  for (const ch of CHANNELS) for (const l of LANGS) for (const k of ['subject', 'body']) fieldIds[`/templates/${ch}/${l}/${k}`] = `tpl-${ch}-${l}-${k}`;
  const errorOf = (id: string) => errors?.find((e) => e.field === id)?.message;
  return (
    <>
      <h1>{t.nt.templatesTitle}</h1>
      <p className="lead">{t.nt.templatesLead}</p>
      <p className="links">
        <Link to="/quan-tri/thong-bao">{t.nt.adminTitle}</Link>
      </p>
      <div className="field">
        <label htmlFor="tpl-event">{t.nt.eventLabel}</label>
        <select id="tpl-event" value={event} onChange={(e) => setEvent(e.target.value)}>
          {events.map((e) => (
            <option key={e.event} value={e.event}>
              {e.event} — {e.description}
            </option>
          ))}
        </select>
      </div>
      {data && (
        <form className="form" onSubmit={onSave} noValidate>
          <p>
            {t.nt.fieldsLabel}: {data.fields.map((f) => `{{${f}}}`).join(', ')}
          </p>
          {errors && <ErrorSummary title={t.genericError} message={message} errors={errors} fieldIds={fieldIds} />}
          {notice && <Notice>{notice}</Notice>}
          {CHANNELS.map((ch) => (
            <fieldset key={ch}>
              <legend>{t.nt.channels[ch]}</legend>
              {LANGS.map((l) => {
                const d = draft[ch]?.[l];
                if (!d) return null;
                const base = `/templates/${ch}/${l}`;
                return (
                  <div key={l} className="template">
                    <h3>
                      {l === 'vi' ? t.nt.langVi : t.nt.langEn} ({data.templates[ch][l].customized ? t.nt.customized : t.nt.shipped})
                    </h3>
                    {ch !== 'sms' && (
                      <div className="field">
                        <label htmlFor={fieldIds[`${base}/subject`]}>{t.nt.subject}</label>
                        <input id={fieldIds[`${base}/subject`]} value={d.subject ?? ''} onChange={(e) => edit(ch, l, 'subject', e.target.value)}
                          aria-invalid={!!errorOf(`${base}/subject`)} />
                        {errorOf(`${base}/subject`) && <p className="error">{errorOf(`${base}/subject`)}</p>}
                      </div>
                    )}
                    <div className="field">
                      <label htmlFor={fieldIds[`${base}/body`]}>{t.nt.body}</label>
                      <textarea id={fieldIds[`${base}/body`]} rows={ch === 'email' ? 8 : 3} value={d.body} onChange={(e) => edit(ch, l, 'body', e.target.value)}
                        aria-invalid={!!errorOf(`${base}/body`)} />
                      {errorOf(`${base}/body`) && <p className="error">{errorOf(`${base}/body`)}</p>}
                    </div>
                    {data.templates[ch][l].customized && (
                      <button type="button" className="secondary small" onClick={() => void put({ [ch]: { [l]: null } })}>
                        {t.nt.resetDefault}
                      </button>
                    )}
                  </div>
                );
              })}
            </fieldset>
          ))}
          <div className="actions">
            <button type="submit">{t.nt.save}</button>
          </div>
        </form>
      )}
    </>
  );
}
