// The signed-in person's own pages: profile and password, sessions, and security (TOTP
// second factor with a QR code, recent security events).
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import QRCode from 'qrcode';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession, type Me } from '../session';
import { ErrorSummary, Field, Link, Notice, fieldError } from '../ui';

function when(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
}

function AccountNav({ t, path }: { t: Messages; path: string }) {
  const items: [string, string][] = [
    ['/tai-khoan', t.accountProfile],
    ['/tai-khoan/phien', t.accountSessions],
    ['/tai-khoan/bao-mat', t.accountSecurity],
  ];
  return (
    <nav className="subnav" aria-label={t.accountNav}>
      <ul>
        {items.map(([to, label]) => (
          <li key={to}>
            <Link to={to} current={path === to}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Renders its page only for a signed-in person; otherwise a link to the login page. */
function SignedIn({ t, path, children }: { t: Messages; path: string; children: (me: Me) => ReactNode }) {
  const { me, loaded } = useSession();
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) {
    return (
      <>
        <h1>{t.accountTitle}</h1>
        <p>
          {t.signInFirst} <Link to={`/dang-nhap?return_to=${encodeURIComponent(path)}`}>{t.loginTitle}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t.accountTitle}</h1>
      {me.enrolment_required && <p className="note">{t.enrolmentRequired}</p>}
      <AccountNav t={t} path={path} />
      {children(me)}
    </>
  );
}

export function Account({ t, lang }: { t: Messages; lang: Lang }) {
  return (
    <SignedIn t={t} path="/tai-khoan">
      {(me) => <Profile t={t} lang={lang} me={me} />}
    </SignedIn>
  );
}

function Profile({ t, lang, me }: { t: Messages; lang: Lang; me: Me }) {
  const { refresh } = useSession();
  const [contact, setContact] = useState({ email: me.email, phone: me.phone, address: me.address });
  const [contactErrors, setContactErrors] = useState<FieldError[] | null>(null);
  const [saved, setSaved] = useState('');
  const [pw, setPw] = useState({ current: '', next: '', again: '' });
  const [pwErrors, setPwErrors] = useState<FieldError[] | null>(null);
  const [pwMessage, setPwMessage] = useState('');

  const saveContact = async (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    const r = await api('PATCH', '/api/v1/me', contact, lang);
    if (!r.ok) {
      setContactErrors(r.problem.errors.length ? r.problem.errors : [{ field: '', message: r.problem.detail || t.genericError }]);
      return;
    }
    setContactErrors(null);
    setSaved(t.saved);
    await refresh();
  };

  const changePassword = async (e: FormEvent) => {
    e.preventDefault();
    setPwMessage('');
    if (pw.next !== pw.again) {
      setPwErrors([{ field: 'again', message: t.passwordMismatch }]);
      return;
    }
    const r = await api('POST', '/api/v1/me/password', { current_password: pw.current, new_password: pw.next }, lang);
    if (!r.ok) {
      setPwErrors(r.problem.errors.length ? r.problem.errors : [{ field: '', message: r.problem.detail || t.genericError }]);
      return;
    }
    setPwErrors(null);
    setPw({ current: '', next: '', again: '' });
    setPwMessage(t.passwordChanged);
  };

  const rows: [string, string][] = [
    [t.loginName, me.login],
    [t.fullName, me.full_name],
  ];
  if (me.personal_id) rows.push([t.personalId, me.personal_id]);
  if (me.birth_date) rows.push([t.birthDate, me.birth_date]);
  if (me.tax_code) rows.push([t.taxCode, me.tax_code]);
  if (me.business_name) rows.push([t.businessName, me.business_name]);
  if (me.agency) rows.push([t.agency, lang === 'en' ? me.agency.name_en || me.agency.name : me.agency.name]);
  if (me.roles.length) rows.push([t.roles, me.roles.map((r) => (t.roleNames as Record<string, string>)[r] ?? r).join(', ')]);
  rows.push([t.assurance, t.assuranceLevel.replace('{n}', String(me.assurance_level))]);

  return (
    <>
      <section aria-labelledby="profile-title">
        <h2 id="profile-title">{t.accountProfile}</h2>
        <dl className="facts">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="contact-title">
        <h2 id="contact-title">{t.contactTitle}</h2>
        {contactErrors && <ErrorSummary title={t.genericFailed} errors={contactErrors}
          fieldIds={{ email: 'me-email', phone: 'me-phone', address: 'me-address' }} />}
        {saved && <Notice>{saved}</Notice>}
        <form className="form" onSubmit={saveContact} noValidate>
          <Field id="me-email" label={t.email} type="email" value={contact.email} autoComplete="email"
            onChange={(v) => setContact({ ...contact, email: v })} error={fieldError(contactErrors ?? undefined, 'email')} />
          <Field id="me-phone" label={t.phone} type="tel" value={contact.phone} autoComplete="tel"
            onChange={(v) => setContact({ ...contact, phone: v })} error={fieldError(contactErrors ?? undefined, 'phone')} />
          <Field id="me-address" label={t.address} value={contact.address} autoComplete="street-address"
            onChange={(v) => setContact({ ...contact, address: v })} error={fieldError(contactErrors ?? undefined, 'address')} />
          <button type="submit">{t.save}</button>
        </form>
      </section>
      <section aria-labelledby="password-title">
        <h2 id="password-title">{t.changePassword}</h2>
        {pwErrors && <ErrorSummary title={t.genericFailed} errors={pwErrors}
          fieldIds={{ current_password: 'pw-current', new_password: 'pw-new', again: 'pw-again' }} />}
        {pwMessage && <Notice>{pwMessage}</Notice>}
        <form className="form" onSubmit={changePassword} noValidate>
          <Field id="pw-current" label={t.currentPassword} type="password" value={pw.current} autoComplete="current-password"
            onChange={(v) => setPw({ ...pw, current: v })} error={fieldError(pwErrors ?? undefined, 'current_password')} />
          <Field id="pw-new" label={t.newPassword} hint={t.passwordRules} type="password" value={pw.next} autoComplete="new-password"
            onChange={(v) => setPw({ ...pw, next: v })} error={fieldError(pwErrors ?? undefined, 'new_password')} />
          <Field id="pw-again" label={t.confirmPassword} type="password" value={pw.again} autoComplete="new-password"
            onChange={(v) => setPw({ ...pw, again: v })} error={fieldError(pwErrors ?? undefined, 'again')} />
          <button type="submit">{t.changePassword}</button>
        </form>
        <p className="hint">{t.passwordChangeNote}</p>
      </section>
    </>
  );
}

interface SessionRow {
  id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
  user_agent: string;
  amr: string;
  current: boolean;
}

function browserName(ua: string): string {
  if (!ua) return '—';
  const m = /(Edg|Firefox|Chrome|Chromium|Safari)\/[\d.]+/.exec(ua);
  return m ? m[0].split('/')[0].replace('Edg', 'Edge') : ua.slice(0, 40);
}

export function Sessions({ t, lang }: { t: Messages; lang: Lang }) {
  return (
    <SignedIn t={t} path="/tai-khoan/phien">
      {() => <SessionList t={t} lang={lang} />}
    </SignedIn>
  );
}

function SessionList({ t, lang }: { t: Messages; lang: Lang }) {
  const { signOut } = useSession();
  const [rows, setRows] = useState<SessionRow[] | null>(null);
  const [notice, setNotice] = useState('');
  const load = useCallback(async () => {
    const r = await api<{ items: SessionRow[] }>('GET', '/api/v1/me/sessions', undefined, lang);
    setRows(r.ok ? r.data.items : []);
  }, [lang]);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (row: SessionRow) => {
    const r = await api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(row.id)}`, undefined, lang);
    if (!r.ok) {
      setNotice(r.problem.detail || t.genericError);
      return;
    }
    if (row.current) {
      await signOut();
      return;
    }
    setNotice(t.sessionRevoked);
    await load();
  };

  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t.accountSessions}</h2>
      <p>{t.sessionsLead}</p>
      {notice && <Notice>{notice}</Notice>}
      {rows === null ? (
        <p role="status">{t.loading}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{t.accountSessions}</caption>
          <thead>
            <tr>
              <th scope="col">{t.sessionStarted}</th>
              <th scope="col">{t.sessionLastSeen}</th>
              <th scope="col">{t.sessionWhere}</th>
              <th scope="col">{t.sessionMethod}</th>
              <th scope="col">
                <span className="visually-hidden">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-testid="session-row" data-current={row.current ? 'true' : 'false'}>
                <td>
                  {when(row.created_at, lang)}
                  {row.current && <strong className="tag"> {t.sessionCurrent}</strong>}
                </td>
                <td>{when(row.last_seen_at, lang)}</td>
                <td>
                  {browserName(row.user_agent)} · {row.ip || '—'}
                </td>
                <td>{(t.amrNames as Record<string, string>)[row.amr] ?? row.amr}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => void revoke(row)}
                    aria-label={`${row.current ? t.signOutHere : t.sessionRevoke} (${when(row.created_at, lang)})`}>
                    {row.current ? t.signOutHere : t.sessionRevoke}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface SecurityEvent {
  id: string;
  at: string;
  event: string;
  ip: string;
}

export function Security({ t, lang }: { t: Messages; lang: Lang }) {
  return (
    <SignedIn t={t} path="/tai-khoan/bao-mat">
      {(me) => <SecurityPage t={t} lang={lang} me={me} />}
    </SignedIn>
  );
}

function SecurityPage({ t, lang, me }: { t: Messages; lang: Lang; me: Me }) {
  const { refresh } = useSession();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauth_uri: string; qr: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [events, setEvents] = useState<SecurityEvent[] | null>(null);

  const loadEvents = useCallback(async () => {
    const r = await api<{ items: SecurityEvent[] }>('GET', '/api/v1/me/security-events?limit=20', undefined, lang);
    setEvents(r.ok ? r.data.items : []);
  }, [lang]);
  useEffect(() => {
    void loadEvents();
  }, [loadEvents]);

  const start = async () => {
    setError('');
    setNotice('');
    const r = await api<{ secret: string; otpauth_uri: string }>('POST', '/api/v1/me/totp', undefined, lang);
    if (!r.ok) {
      setError(r.problem.detail || t.genericError);
      return;
    }
    const qr = await QRCode.toDataURL(r.data.otpauth_uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
    setEnrolment({ ...r.data, qr });
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(t.totpFormat);
      return;
    }
    const r = await api('POST', '/api/v1/me/totp/confirm', { code: code.trim() }, lang);
    if (!r.ok) {
      setError(r.problem.status === 400 || r.problem.status === 401 ? t.totpWrong : r.problem.detail || t.genericError);
      return;
    }
    setEnrolment(null);
    setCode('');
    setError('');
    setNotice(t.totpEnabled);
    await refresh();
    await loadEvents();
  };

  const disable = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api('DELETE', '/api/v1/me/totp', { code: code.trim() }, lang);
    if (!r.ok) {
      setError(r.problem.status === 400 || r.problem.status === 401 ? t.totpWrong : r.problem.detail || t.genericError);
      return;
    }
    setCode('');
    setError('');
    setNotice(t.totpDisabled);
    await refresh();
    await loadEvents();
  };

  return (
    <>
      <section aria-labelledby="totp-title">
        <h2 id="totp-title">{t.totpTitle}</h2>
        {error && <ErrorSummary title={t.genericFailed} message={error} />}
        {notice && <Notice>{notice}</Notice>}
        {me.totp_enabled ? (
          <>
            <p>{t.totpOn}</p>
            {!me.totp_required && (
              <form className="form" onSubmit={disable} noValidate>
                <Field id="totp-disable-code" label={t.totpCode} hint={t.totpDisableHint} value={code} onChange={setCode}
                  inputMode="numeric" autoComplete="one-time-code" />
                <button type="submit" className="secondary">{t.totpDisable}</button>
              </form>
            )}
          </>
        ) : enrolment ? (
          <>
            <ol className="steps">
              <li>{t.totpStep1}</li>
              <li>
                {t.totpStep2}
                <div className="qr">
                  <img src={enrolment.qr} alt={t.totpQrAlt} width={220} height={220} data-testid="totp-qr" />
                  <p>
                    {t.totpSecretText} <code data-testid="totp-secret">{enrolment.secret}</code>
                  </p>
                </div>
              </li>
              <li>{t.totpStep3}</li>
            </ol>
            <form className="form" onSubmit={confirm} noValidate>
              <Field id="totp-confirm-code" label={t.totpCode} value={code} onChange={setCode} inputMode="numeric"
                autoComplete="one-time-code" required />
              <button type="submit">{t.totpConfirm}</button>
            </form>
          </>
        ) : (
          <>
            <p>{me.totp_required ? t.totpRequiredText : t.totpOffText}</p>
            <button type="button" className="primary" onClick={() => void start()}>
              {t.totpStart}
            </button>
          </>
        )}
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">{t.eventsTitle}</h2>
        {events === null ? (
          <p role="status">{t.loading}</p>
        ) : events.length === 0 ? (
          <p>{t.eventsNone}</p>
        ) : (
          <ul className="events">
            {events.map((ev) => (
              <li key={ev.id}>
                <span>{when(ev.at, lang)}</span> — {(t.eventNames as Record<string, string>)[ev.event] ?? ev.event}
                {ev.ip && <span className="hint"> ({ev.ip})</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
