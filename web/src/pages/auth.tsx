// Signing in and everything before it: login (password, then TOTP when enrolled; external
// providers), registration, forgotten password, password reset, and the OIDC consent page.
import { useEffect, useState, type FormEvent } from 'react';
import { api, safeReturnTo, setCsrfToken, type FieldError, type Problem } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate } from '../router';
import { useSession, type Me } from '../session';
import { ErrorSummary, Field, Link, Notice, fieldError } from '../ui';

function query(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

/** Where a completed login goes: an OIDC request (a full page load, the server continues it),
 *  a local page, or the account page; officers who must enrol a second factor go there first. */
function finishLogin(me: Me | null, returnTo: string | null): void {
  if (returnTo && returnTo.startsWith('/oauth2/')) {
    window.location.assign(returnTo);
    return;
  }
  if (me?.enrolment_required) {
    navigate('/tai-khoan/bao-mat');
    return;
  }
  navigate(returnTo ?? '/tai-khoan');
}

function waitText(t: Messages, seconds: number | null): string {
  if (seconds === null) return t.loginThrottled.replace('{wait}', t.aMoment);
  if (seconds < 90) return t.loginThrottled.replace('{wait}', t.seconds.replace('{n}', String(seconds)));
  return t.loginThrottled.replace('{wait}', t.minutes.replace('{n}', String(Math.ceil(seconds / 60))));
}

function loginProblem(t: Messages, p: Problem): string {
  if (p.status === 429) return waitText(t, p.retryAfter);
  if (p.status === 0) return t.networkError;
  return p.detail || p.title || t.genericError;
}

interface Provider {
  id: string;
  name: string;
}

export function Login({ t, lang }: { t: Messages; lang: Lang }) {
  const { refresh } = useSession();
  const returnTo = safeReturnTo(query('return_to'));
  const forced = query('force') === '1';
  const external = query('external_error');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [stage, setStage] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [providers, setProviders] = useState<Provider[]>([]);

  useEffect(() => {
    void api<{ items: Provider[] }>('GET', '/api/v1/identity-providers').then((r) => {
      if (r.ok && Array.isArray(r.data?.items)) setProviders(r.data.items);
    });
  }, []);

  const externalMessage = external ? (t.externalErrors as Record<string, string>)[external] ?? t.externalErrors.provider : '';

  const after = async (data: { stage?: string; csrf_token?: string }) => {
    if (data.csrf_token) setCsrfToken(data.csrf_token);
    if (data.stage === 'totp') {
      setStage('totp');
      setError('');
      return;
    }
    finishLogin(await refresh(), returnTo);
  };

  const onPassword = async (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim() || !password) {
      setError(t.loginMissing);
      return;
    }
    setBusy(true);
    const r = await api<{ stage: string; csrf_token: string }>('POST', '/api/v1/session', { login: login.trim(), password }, lang);
    setBusy(false);
    if (!r.ok) {
      setError(r.problem.status === 401 ? t.loginWrong : loginProblem(t, r.problem));
      return;
    }
    await after(r.data);
  };

  const onCode = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(t.totpFormat);
      return;
    }
    setBusy(true);
    const r = await api<{ stage: string; csrf_token: string }>('POST', '/api/v1/session/totp', { code: code.trim() }, lang);
    setBusy(false);
    if (!r.ok) {
      setError(r.problem.status === 401 ? t.totpWrong : loginProblem(t, r.problem));
      return;
    }
    await after(r.data);
  };

  const providerHref = (id: string) =>
    `/api/v1/identity-providers/${encodeURIComponent(id)}/login` +
    (returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : '');

  return (
    <>
      <h1>{t.loginTitle}</h1>
      {forced && <p className="note">{t.loginForced}</p>}
      {externalMessage && !error && <ErrorSummary title={t.loginFailedTitle} message={externalMessage} />}
      {error && <ErrorSummary title={t.loginFailedTitle} message={error} />}
      {stage === 'password' ? (
        <form className="form" onSubmit={onPassword} noValidate>
          <Field id="login" label={t.loginUser} value={login} onChange={setLogin} autoComplete="username" required />
          <Field id="password" label={t.loginPassword} value={password} onChange={setPassword} type="password"
            autoComplete="current-password" required />
          <button type="submit" disabled={busy}>
            {busy ? t.working : t.loginSubmit}
          </button>
          <p className="links">
            <Link to="/quen-mat-khau">{t.forgotLink}</Link> · <Link to="/dang-ky">{t.registerLink}</Link>
          </p>
        </form>
      ) : (
        <form className="form" onSubmit={onCode} noValidate>
          <p>{t.totpPrompt}</p>
          <Field id="totp-code" label={t.totpCode} value={code} onChange={setCode} inputMode="numeric"
            autoComplete="one-time-code" hint={t.totpHint} required />
          <button type="submit" disabled={busy}>
            {busy ? t.working : t.totpSubmit}
          </button>
        </form>
      )}
      {stage === 'password' && providers.length > 0 && (
        <section className="providers" aria-labelledby="providers-title">
          <h2 id="providers-title">{t.providersTitle}</h2>
          <ul>
            {providers.map((p) => (
              <li key={p.id}>
                <a className="button-link" href={providerHref(p.id)}>
                  {t.loginWith.replace('{name}', p.name)}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

type Kind = 'citizen' | 'business';

export function Register({ t, lang }: { t: Messages; lang: Lang }) {
  const { refresh } = useSession();
  const [kind, setKind] = useState<Kind>('citizen');
  const [v, setV] = useState({
    personal_id: '', full_name: '', birth_date: '', gender: '', tax_code: '', business_name: '',
    email: '', phone: '', password: '', password2: '',
  });
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (value: string) => setV({ ...v, [k]: value });

  const fieldIds: Record<string, string> = {
    personal_id: 'reg-personal-id', full_name: 'reg-full-name', birth_date: 'reg-birth-date', gender: 'reg-gender',
    tax_code: 'reg-tax-code', business_name: 'reg-business-name', email: 'reg-email', phone: 'reg-phone',
    password: 'reg-password', password2: 'reg-password2',
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (v.password !== v.password2) {
      setMessage('');
      setErrors([{ field: 'password2', message: t.passwordMismatch }]);
      return;
    }
    const body: Record<string, string> = { kind, full_name: v.full_name.trim(), email: v.email.trim(), phone: v.phone.trim(), password: v.password };
    if (kind === 'citizen') Object.assign(body, { personal_id: v.personal_id.trim(), birth_date: v.birth_date, gender: v.gender });
    else Object.assign(body, { tax_code: v.tax_code.trim(), business_name: v.business_name.trim() });
    setBusy(true);
    const r = await api<{ csrf_token: string }>('POST', '/api/v1/accounts', body, lang);
    setBusy(false);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.errors.length ? t.registerFix : r.problem.detail || t.genericError);
      return;
    }
    // The new account is signed in by the registration itself.
    setCsrfToken(r.data.csrf_token);
    const me = await refresh();
    navigate(me ? '/tai-khoan' : '/dang-nhap');
  };

  const err = (f: string) => fieldError(errors ?? undefined, f);
  return (
    <>
      <h1>{t.registerTitle}</h1>
      <p className="lead">{t.registerLead}</p>
      {errors && <ErrorSummary title={t.registerFailed} message={message} errors={errors} fieldIds={fieldIds} />}
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset>
          <legend>{t.registerKind}</legend>
          <label className="choice">
            <input type="radio" name="kind" value="citizen" checked={kind === 'citizen'} onChange={() => setKind('citizen')} />
            {t.kindCitizen}
          </label>
          <label className="choice">
            <input type="radio" name="kind" value="business" checked={kind === 'business'} onChange={() => setKind('business')} />
            {t.kindBusiness}
          </label>
        </fieldset>
        {kind === 'citizen' ? (
          <>
            <Field id="reg-personal-id" label={t.personalId} hint={t.personalIdHint} value={v.personal_id}
              onChange={set('personal_id')} inputMode="numeric" error={err('personal_id')} required />
            <Field id="reg-full-name" label={t.fullName} value={v.full_name} onChange={set('full_name')}
              autoComplete="name" error={err('full_name')} required />
            <Field id="reg-birth-date" label={t.birthDate} type="date" value={v.birth_date} onChange={set('birth_date')}
              autoComplete="bday" error={err('birth_date')} required />
            <div className="field">
              <label htmlFor="reg-gender">
                {t.gender}
                <span aria-hidden="true"> *</span>
              </label>
              <select id="reg-gender" value={v.gender} onChange={(e) => set('gender')(e.target.value)}
                aria-invalid={err('gender') ? true : undefined} aria-describedby={err('gender') ? 'reg-gender-error' : undefined}>
                <option value="">{t.choose}</option>
                <option value="female">{t.female}</option>
                <option value="male">{t.male}</option>
              </select>
              {err('gender') && <p id="reg-gender-error" className="error">{err('gender')}</p>}
            </div>
          </>
        ) : (
          <>
            <Field id="reg-tax-code" label={t.taxCode} hint={t.taxCodeHint} value={v.tax_code} onChange={set('tax_code')}
              error={err('tax_code')} required />
            <Field id="reg-business-name" label={t.businessName} value={v.business_name} onChange={set('business_name')}
              autoComplete="organization" error={err('business_name')} required />
            <Field id="reg-full-name" label={t.representative} value={v.full_name} onChange={set('full_name')}
              autoComplete="name" error={err('full_name')} required />
          </>
        )}
        <Field id="reg-email" label={t.email} type="email" value={v.email} onChange={set('email')} autoComplete="email"
          error={err('email')} required />
        <Field id="reg-phone" label={t.phone} type="tel" value={v.phone} onChange={set('phone')} autoComplete="tel"
          error={err('phone')} required />
        <Field id="reg-password" label={t.newPassword} hint={t.passwordRules} type="password" value={v.password}
          onChange={set('password')} autoComplete="new-password" error={err('password')} required />
        <Field id="reg-password2" label={t.confirmPassword} type="password" value={v.password2} onChange={set('password2')}
          autoComplete="new-password" error={err('password2')} required />
        <button type="submit" disabled={busy}>
          {busy ? t.working : t.registerSubmit}
        </button>
      </form>
      <p>
        {t.haveAccount} <Link to="/dang-nhap">{t.loginTitle}</Link>
      </p>
    </>
  );
}

export function ForgotPassword({ t, lang }: { t: Messages; lang: Lang }) {
  const [login, setLogin] = useState('');
  const [sent, setSent] = useState('');
  const [error, setError] = useState('');
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim()) {
      setError(t.forgotMissing);
      return;
    }
    const r = await api<{ message: string }>('POST', '/api/v1/password-resets', { login: login.trim() }, lang);
    if (!r.ok) {
      setError(loginProblem(t, r.problem));
      return;
    }
    setError('');
    setSent(r.data.message || t.forgotSent);
  };
  return (
    <>
      <h1>{t.forgotTitle}</h1>
      <p>{t.forgotLead}</p>
      {error && <ErrorSummary title={t.genericFailed} message={error} />}
      {sent ? (
        <Notice>{sent}</Notice>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          <Field id="forgot-login" label={t.loginUser} value={login} onChange={setLogin} autoComplete="username" required />
          <button type="submit">{t.forgotSubmit}</button>
        </form>
      )}
    </>
  );
}

export function ResetPassword({ t, lang }: { t: Messages; lang: Lang }) {
  const token = query('token') ?? '';
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState('');
  const [done, setDone] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== password2) {
      setMessage('');
      setErrors([{ field: 'password2', message: t.passwordMismatch }]);
      return;
    }
    const r = await api('POST', '/api/v1/password-resets/confirm', { token, new_password: password }, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.detail || t.genericError);
      return;
    }
    setDone(true);
  };
  if (!token) {
    return (
      <>
        <h1>{t.resetTitle}</h1>
        <p>{t.resetNoToken}</p>
        <p>
          <Link to="/quen-mat-khau">{t.forgotTitle}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t.resetTitle}</h1>
      {errors && (
        <ErrorSummary title={t.genericFailed} message={message} errors={errors}
          fieldIds={{ new_password: 'reset-password', password2: 'reset-password2' }} />
      )}
      {done ? (
        <>
          <Notice>{t.resetDone}</Notice>
          <p>
            <Link to="/dang-nhap">{t.loginTitle}</Link>
          </p>
        </>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          <Field id="reset-password" label={t.newPassword} hint={t.passwordRules} type="password" value={password}
            onChange={setPassword} autoComplete="new-password" error={fieldError(errors ?? undefined, 'new_password')} required />
          <Field id="reset-password2" label={t.confirmPassword} type="password" value={password2} onChange={setPassword2}
            autoComplete="new-password" error={fieldError(errors ?? undefined, 'password2')} required />
          <button type="submit">{t.resetSubmit}</button>
        </form>
      )}
    </>
  );
}

interface ClientInfo {
  client_id: string;
  name: string;
  name_en: string;
}

export function Consent({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const clientId = query('client_id') ?? '';
  const scope = query('scope') ?? '';
  const returnTo = safeReturnTo(query('return_to'));
  const [client, setClient] = useState<ClientInfo | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!clientId) return;
    void api<ClientInfo>('GET', `/api/v1/oauth2/clients/${encodeURIComponent(clientId)}`, undefined, lang).then((r) => {
      if (r.ok) setClient(r.data);
      else setError(t.consentUnknownClient);
    });
  }, [clientId, lang, t]);

  if (!clientId || !returnTo || !returnTo.startsWith('/oauth2/authorize')) {
    return (
      <>
        <h1>{t.consentTitle}</h1>
        <p>{t.consentBadRequest}</p>
      </>
    );
  }
  if (loaded && !me) {
    return (
      <>
        <h1>{t.consentTitle}</h1>
        <p>
          <Link to={`/dang-nhap?return_to=${encodeURIComponent(returnTo)}`}>{t.loginTitle}</Link>
        </p>
      </>
    );
  }
  const scopes = scope.split(' ').filter(Boolean);
  const describe = (s: string) => (t.scopes as Record<string, string>)[s] ?? s;
  const name = client ? (lang === 'en' ? client.name_en || client.name : client.name) : clientId;

  const allow = async () => {
    const r = await api('POST', '/api/v1/oauth2/consents', { client_id: clientId, scope }, lang);
    if (!r.ok) {
      setError(r.problem.detail || t.genericError);
      return;
    }
    window.location.assign(returnTo);
  };
  const deny = () => window.location.assign(`${returnTo}&consent=denied`);

  return (
    <>
      <h1>{t.consentTitle}</h1>
      {error && <ErrorSummary title={t.genericFailed} message={error} />}
      <p className="lead">{t.consentLead.replace('{client}', name)}</p>
      <ul className="scopes">
        {scopes.map((s) => (
          <li key={s}>{describe(s)}</li>
        ))}
      </ul>
      <p className="hint">{t.consentNote}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void allow()}>
          {t.consentAllow}
        </button>
        <button type="button" className="secondary" onClick={deny}>
          {t.consentDeny}
        </button>
      </div>
    </>
  );
}
