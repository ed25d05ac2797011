import { useEffect, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { initialLang, messages, saveLang, type Lang, type Messages } from './i18n';
import { navigate, usePath } from './router';

/** GET /api/v1/instance */
interface Instance {
  name: string;
  name_en: string;
  version: string;
  demo: boolean;
  database: string;
}

// The header must not break on an unexpected answer: anything that is not an instance is ignored.
function asInstance(v: unknown): Instance | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || !o.name) return null;
  return {
    name: o.name,
    name_en: typeof o.name_en === 'string' && o.name_en ? o.name_en : o.name,
    version: typeof o.version === 'string' ? o.version : '',
    demo: o.demo === true,
    database: typeof o.database === 'string' ? o.database : '',
  };
}

function Link({ to, children, current }: { to: string; children: ReactNode; current?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

function Home({ t }: { t: Messages }) {
  const cards: [string, string, string][] = [
    ['/procedures', t.homeFind, t.homeFindText],
    ['/track', t.homeTrack, t.homeTrackText],
    ['/login', t.homeLogin, t.homeLoginText],
  ];
  return (
    <>
      <h1>{t.homeTitle}</h1>
      <p className="lead">{t.homeLead}</p>
      <ul className="cards">
        {cards.map(([to, title, text]) => (
          <li key={to}>
            <h2>
              <Link to={to}>{title}</Link>
            </h2>
            <p>{text}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

function Procedures({ t }: { t: Messages }) {
  return (
    <>
      <h1>{t.proceduresTitle}</h1>
      <p>{t.proceduresText}</p>
    </>
  );
}

function Track({ t }: { t: Messages }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = code.trim();
    if (!trimmed) {
      setError(t.trackEmpty);
      return;
    }
    navigate('/track/' + encodeURIComponent(trimmed));
  };
  return (
    <>
      <h1>{t.trackTitle}</h1>
      <form onSubmit={onSubmit} noValidate className="form">
        <label htmlFor="dossier-code">{t.trackLabel}</label>
        <input
          id="dossier-code"
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-describedby="dossier-code-hint dossier-code-error"
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          spellCheck={false}
        />
        <p id="dossier-code-hint" className="hint">
          {t.trackHint}
        </p>
        <p id="dossier-code-error" className="error" role="alert">
          {error}
        </p>
        <button type="submit">{t.trackSubmit}</button>
      </form>
    </>
  );
}

function TrackResult({ t, code }: { t: Messages; code: string }) {
  return (
    <>
      <h1>
        {t.trackResultTitle} <span className="code">{code}</span>
      </h1>
      <p>{t.trackResultText}</p>
      <p>
        <Link to="/track">{t.trackAgain}</Link>
      </p>
    </>
  );
}

function Login({ t }: { t: Messages }) {
  return (
    <>
      <h1>{t.loginTitle}</h1>
      <form className="form" onSubmit={(e) => e.preventDefault()} aria-describedby="login-note">
        <label htmlFor="login">{t.loginUser}</label>
        <input id="login" name="login" autoComplete="username" />
        <label htmlFor="password">{t.loginPassword}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" />
        <p id="login-note" className="hint">
          {t.loginNote}
        </p>
        <button type="submit" disabled>
          {t.loginSubmit}
        </button>
      </form>
    </>
  );
}

function NotFound({ t }: { t: Messages }) {
  return (
    <>
      <h1>{t.notFoundTitle}</h1>
      <p>{t.notFoundText}</p>
      <p>
        <Link to="/">{t.notFoundHome}</Link>
      </p>
    </>
  );
}

function Page({ path, t }: { path: string; t: Messages }) {
  if (path === '/') return <Home t={t} />;
  if (path === '/procedures') return <Procedures t={t} />;
  if (path === '/track') return <Track t={t} />;
  if (path.startsWith('/track/') && path.length > 7) {
    return <TrackResult t={t} code={decodeURIComponent(path.slice(7))} />;
  }
  if (path === '/login') return <Login t={t} />;
  return <NotFound t={t} />;
}

function titleOf(path: string, t: Messages): string {
  if (path === '/procedures') return t.proceduresTitle;
  if (path.startsWith('/track')) return t.trackTitle;
  if (path === '/login') return t.loginTitle;
  if (path === '/') return t.homeTitle;
  return t.notFoundTitle;
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [instance, setInstance] = useState<Instance | null>(null);
  const path = usePath();
  const t = messages[lang];
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(path);

  useEffect(() => {
    const ctrl = new AbortController();
    fetch('/api/v1/instance', { signal: ctrl.signal, headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((v: unknown) => setInstance(asInstance(v)))
      // Unreachable or failing API: the header shows the product name only.
      .catch(() => setInstance(null));
    return () => ctrl.abort();
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    saveLang(lang);
  }, [lang]);

  const name = instance ? (lang === 'en' ? instance.name_en : instance.name) : null;
  useEffect(() => {
    document.title = `${titleOf(path, t)} — ${name ?? t.product}`;
  }, [path, t, name]);

  // After client-side navigation (only then: not on first load, not when the instance name or
  // the language changes), move focus to the new page's content for keyboard and screen readers.
  useEffect(() => {
    if (shownPath.current === path) return;
    shownPath.current = path;
    main.current?.focus();
  }, [path]);

  const nav: [string, string][] = [
    ['/', t.navHome],
    ['/procedures', t.navProcedures],
    ['/track', t.navTrack],
    ['/login', t.navLogin],
  ];
  const isCurrent = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(to + '/'));

  return (
    <>
      <a className="skip" href="#main">
        {t.skip}
      </a>
      <header className="masthead">
        <div className="bar">
          <Link to="/">
            <span className="emblem" aria-hidden="true">
              ★
            </span>
            <span className="brand">
              {name ? (
                <>
                  <span className="instance" data-testid="instance-name">
                    {name}
                  </span>
                  <span className="product">{t.product}</span>
                </>
              ) : (
                <span className="instance" data-testid="product-name">
                  {t.product}
                </span>
              )}
            </span>
          </Link>
          {instance?.demo && (
            <span className="badge" title={t.demoNote}>
              {t.demo}
            </span>
          )}
          <div className="lang" role="group" aria-label={t.langLabel}>
            <button type="button" lang="vi" aria-pressed={lang === 'vi'} onClick={() => setLang('vi')}>
              Tiếng Việt
            </button>
            <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
              English
            </button>
          </div>
        </div>
        <nav aria-label={t.navLabel}>
          <ul>
            {nav.map(([to, label]) => (
              <li key={to}>
                <Link to={to} current={isCurrent(to)}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={path} t={t} />
      </main>
      <footer>
        <p>
          {name && <>{name} · </>}
          {t.footer} ·{' '}
          <span data-testid="version">{instance?.version ? `motcua ${instance.version}` : 'motcua'}</span>
        </p>
      </footer>
    </>
  );
}
