import { useEffect, useRef, useState } from 'react';
import { initialLang, messages, saveLang, type Lang, type Messages } from './i18n';
import { Account, Security, Sessions } from './pages/account';
import { Consent, ForgotPassword, Login, Register, ResetPassword } from './pages/auth';
import { Bundles, CatalogSearch, Faq, ProcedurePage } from './pages/catalog';
import { CalendarAdmin, WorkCalendar } from './pages/calendarAdmin';
import { SyncAdmin } from './pages/syncAdmin';
import { FeedbackLookup, Open311Keys } from './pages/feedbackExtra';
import { CatalogAdmin } from './pages/catalogAdmin';
import { ProcedureConfig } from './pages/procedureConfig';
import { ProcedureEditor } from './pages/procedureEditor';
import { DossierPage, MyDossiers } from './pages/dossier';
import { FaqAdmin } from './pages/faqAdmin';
import { FeedbackAnswers, FeedbackInbox, FeedbackPage, FeedbackSubmit, MyFeedback, QuestionInbox } from './pages/feedback';
import { Reconciliation } from './pages/reconciliation';
import { Inbox } from './pages/inbox';
import { MyNotifications, NotificationBell, NotificationLog, NotificationTemplates } from './pages/notifications';
import { PRINT_FORMS, PrintForm } from './pages/printForms';
import { CounterEntry, SubmitWizard } from './pages/submit';
import { BundleStatus, BundleSubmit } from './pages/bundle';
import { TrackPage } from './pages/track';
import { navigate, usePath } from './router';
import { SessionProvider, useSession } from './session';
import { Link } from './ui';

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

function Home({ t }: { t: Messages }) {
  const cards: [string, string, string][] = [
    ['/thu-tuc', t.homeFind, t.homeFindText],
    ['/tra-cuu-ho-so', t.homeTrack, t.homeTrackText],
    ['/dang-nhap', t.homeLogin, t.homeLoginText],
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

function Page({ path, t, lang }: { path: string; t: Messages; lang: Lang }) {
  if (path === '/') return <Home t={t} />;
  if (path === '/thu-tuc' || path === '/procedures') return <CatalogSearch t={t} lang={lang} />;
  if (path.startsWith('/thu-tuc/') && path.length > 9) return <ProcedurePage t={t} lang={lang} code={decodeURIComponent(path.slice(9))} />;
  if (path === '/hoi-dap') return <Faq t={t} lang={lang} />;
  if (path === '/quan-tri/thu-tuc') return <CatalogAdmin t={t} lang={lang} />;
  if (path === '/quan-tri/thu-tuc/moi') return <ProcedureEditor t={t} lang={lang} code={null} />;
  if (path.startsWith('/quan-tri/thu-tuc/') && path.endsWith('/sua') && path.length > 22) {
    return <ProcedureEditor t={t} lang={lang} code={decodeURIComponent(path.slice(18, -4))} />;
  }
  if (path.startsWith('/quan-tri/thu-tuc/') && path.endsWith('/cau-hinh') && path.length > 27) {
    return <ProcedureConfig t={t} lang={lang} code={decodeURIComponent(path.slice(18, -9))} />;
  }
  if (path === '/quan-tri/hoi-dap') return <FaqAdmin t={t} lang={lang} />;
  if (path === '/lich-lam-viec') return <WorkCalendar t={t} lang={lang} />;
  if (path === '/quan-tri/lich-lam-viec') return <CalendarAdmin t={t} lang={lang} />;
  if (path === '/quan-tri/dong-bo') return <SyncAdmin t={t} lang={lang} />;
  if (path === '/quan-tri/open311') return <Open311Keys t={t} lang={lang} />;
  if (path === '/quan-tri/doi-soat-thanh-toan') return <Reconciliation t={t} lang={lang} />;
  if (path === '/lien-thong') return <Bundles t={t} lang={lang} />;
  if (path.startsWith('/lien-thong/')) return <Bundles t={t} lang={lang} code={decodeURIComponent(path.slice(12))} />;
  const query = new URLSearchParams(window.location.search);
  if (path === '/tra-cuu-ho-so') return <TrackPage t={t} lang={lang} code={query.get('ma') || undefined} />;
  if (path.startsWith('/tra-cuu-ho-so/') && path.length > 15) return <TrackPage t={t} lang={lang} code={decodeURIComponent(path.slice(15))} />;
  if (path === '/nop-ho-so-lien-thong') return <BundleSubmit t={t} lang={lang} code={query.get('nhom') ?? ''} />;
  if (path === '/ho-so-lien-thong') return <BundleStatus t={t} lang={lang} id={query.get('id') ?? ''} />;
  if (path === '/nop-ho-so' && query.get('thu-tuc')) return <SubmitWizard t={t} lang={lang} code={query.get('thu-tuc') ?? ''} />;
  if (path.startsWith('/nop-ho-so/') && path.length > 11) return <SubmitWizard t={t} lang={lang} code={decodeURIComponent(path.slice(11))} />;
  if (path === '/ho-so-cua-toi') return <MyDossiers t={t} lang={lang} />;
  if (path === '/ho-so' && query.get('ma')) return <DossierPage t={t} lang={lang} code={query.get('ma') ?? ''} />;
  if (path.startsWith('/ho-so/')) {
    const parts = path.slice(7).split('/');
    if (parts.length === 3 && parts[1] === 'in' && PRINT_FORMS.includes(parts[2])) {
      return <PrintForm t={t} lang={lang} code={decodeURIComponent(parts[0])} form={parts[2]} />;
    }
    if (parts.length === 1 && parts[0]) return <DossierPage t={t} lang={lang} code={decodeURIComponent(parts[0])} />;
  }
  if (path === '/phan-anh') return <FeedbackAnswers t={t} lang={lang} />;
  if (path === '/phan-anh/gui') return <FeedbackSubmit t={t} lang={lang} />;
  if (path === '/phan-anh/tra-cuu') return <FeedbackLookup t={t} lang={lang} />;
  if (path.startsWith('/phan-anh/') && path.length > 10) return <FeedbackPage t={t} lang={lang} code={decodeURIComponent(path.slice(10))} />;
  if (path === '/phan-anh-cua-toi') return <MyFeedback t={t} lang={lang} />;
  if (path === '/can-bo/phan-anh') return <FeedbackInbox t={t} lang={lang} />;
  if (path === '/can-bo/hoi-dap') return <QuestionInbox t={t} lang={lang} />;
  if (path === '/thong-bao') return <MyNotifications t={t} lang={lang} />;
  if (path === '/quan-tri/thong-bao') return <NotificationLog t={t} lang={lang} />;
  if (path === '/quan-tri/mau-thong-bao') return <NotificationTemplates t={t} lang={lang} />;
  if (path === '/can-bo/ho-so') return <Inbox t={t} lang={lang} />;
  if (path === '/can-bo/tiep-nhan') return <CounterEntry t={t} lang={lang} />;
  if (path === '/dang-nhap' || path === '/login') return <Login t={t} lang={lang} />;
  if (path === '/dang-ky') return <Register t={t} lang={lang} />;
  if (path === '/quen-mat-khau') return <ForgotPassword t={t} lang={lang} />;
  if (path === '/dat-lai-mat-khau') return <ResetPassword t={t} lang={lang} />;
  if (path === '/dong-y') return <Consent t={t} lang={lang} />;
  if (path === '/tai-khoan') return <Account t={t} lang={lang} />;
  if (path === '/tai-khoan/phien') return <Sessions t={t} lang={lang} />;
  if (path === '/tai-khoan/bao-mat') return <Security t={t} lang={lang} />;
  return <NotFound t={t} />;
}

function titleOf(path: string, t: Messages): string {
  if (path === '/procedures' || path.startsWith('/thu-tuc')) return t.proceduresTitle;
  if (path === '/hoi-dap') return t.faqTitle;
  if (path === '/quan-tri/hoi-dap') return t.faqAdminTitle;
  if (path === '/lich-lam-viec') return t.calTitle;
  if (path === '/quan-tri/lich-lam-viec') return t.calAdminTitle;
  if (path === '/phan-anh/tra-cuu') return t.fb.lookupTitle;
  if (path === '/quan-tri/open311') return t.fb.keysTitle;
  if (path === '/phan-anh' || path === '/phan-anh/gui') return path === '/phan-anh' ? t.fb.publicTitle : t.fb.submitTitle;
  if (path.startsWith('/phan-anh/')) return t.fb.detailTitle.replace('{code}', decodeURIComponent(path.slice(10)));
  if (path === '/phan-anh-cua-toi') return t.fb.mineTitle;
  if (path === '/can-bo/phan-anh') return t.fb.inboxTitle;
  if (path === '/can-bo/hoi-dap') return t.fb.questionsTitle;
  if (path === '/quan-tri/doi-soat-thanh-toan') return t.reconTitle;
  if (path === '/thong-bao') return t.nt.title;
  if (path === '/quan-tri/thong-bao') return t.nt.adminTitle;
  if (path === '/quan-tri/mau-thong-bao') return t.nt.templatesTitle;
  if (path.startsWith('/quan-tri')) return t.catalogAdminTitle;
  if (path.startsWith('/lien-thong')) return t.bundlesTitle;
  if (path.startsWith('/tra-cuu-ho-so')) return t.trackTitle;
  if (path === '/nop-ho-so-lien-thong') return t.ds.bd.submitTitle;
  if (path === '/ho-so-lien-thong') return t.ds.bd.statusTitle;
  if (path.startsWith('/nop-ho-so')) return t.ds.submitTitle;
  if (path === '/ho-so-cua-toi') return t.ds.myDossiers;
  if (path === '/ho-so' || path.startsWith('/ho-so/')) {
    const code = path === '/ho-so' ? new URLSearchParams(window.location.search).get('ma') ?? '' : decodeURIComponent(path.slice(7).split('/')[0]);
    return t.ds.dossierTitle.replace('{code}', code);
  }
  if (path === '/can-bo/ho-so') return t.ds.inboxTitle;
  if (path === '/can-bo/tiep-nhan') return t.ds.counterTitle;
  if (path === '/dang-nhap' || path === '/login') return t.loginTitle;
  if (path === '/dang-ky') return t.registerTitle;
  if (path === '/quen-mat-khau') return t.forgotTitle;
  if (path === '/dat-lai-mat-khau') return t.resetTitle;
  if (path === '/dong-y') return t.consentTitle;
  if (path.startsWith('/tai-khoan')) return t.accountTitle;
  if (path === '/') return t.homeTitle;
  return t.notFoundTitle;
}

function UserArea({ t }: { t: Messages }) {
  const { me, signOut } = useSession();
  if (!me) return null;
  return (
    <div className="user" role="group" aria-label={t.userMenu}>
      <Link to="/tai-khoan">{me.full_name || me.login}</Link>
      <button
        type="button"
        onClick={() => {
          void signOut().then(() => navigate('/'));
        }}
      >
        {t.signOut}
      </button>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { me } = useSession();
  const [lang, setLang] = useState<Lang>(initialLang);
  const [instance, setInstance] = useState<Instance | null>(null);
  const routed = usePath();
  // The first tracking address (/track, /track/{code}) now lives at /tra-cuu-ho-so.
  const path = routed === '/track' || routed.startsWith('/track/') ? '/tra-cuu-ho-so' + routed.slice(6) : routed;
  useEffect(() => {
    if (path !== routed) window.history.replaceState({}, '', path + window.location.search);
  }, [path, routed]);
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
    ['/thu-tuc', t.navProcedures],
    ['/hoi-dap', t.navFaq],
    ['/tra-cuu-ho-so', t.navTrack],
    ['/phan-anh', t.fb.navFeedback],
    ...(me && me.kind !== 'officer' ? ([['/ho-so-cua-toi', t.ds.navMine], ['/phan-anh-cua-toi', t.fb.navMine]] as [string, string][]) : []),
    ...(me && me.kind === 'officer' ? ([['/can-bo/ho-so', t.ds.navInbox], ['/can-bo/phan-anh', t.fb.navInbox]] as [string, string][]) : []),
    ...(me && me.kind === 'officer' && (me.roles.includes('receiver') || me.roles.includes('sysadmin'))
      ? ([['/can-bo/tiep-nhan', t.ds.navCounter]] as [string, string][])
      : []),
    ...(me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'))
      ? ([['/quan-tri/thu-tuc', t.navAdmin], ['/quan-tri/lich-lam-viec', t.navCalendarAdmin], ['/quan-tri/doi-soat-thanh-toan', t.navReconciliation]] as [string, string][])
      : []),
    ...(me && me.roles.includes('sysadmin') ? ([['/quan-tri/thong-bao', t.nt.navAdmin]] as [string, string][]) : []),
    ...(me && me.roles.includes('sysadmin') ? ([['/quan-tri/dong-bo', lang === 'en' ? 'National sync' : 'Đồng bộ quốc gia']] as [string, string][]) : []),
    ...(me && me.roles.includes('sysadmin') ? ([['/quan-tri/open311', t.fb.navKeys]] as [string, string][]) : []),
    me ? ['/tai-khoan', t.navAccount] : ['/dang-nhap', t.navLogin],
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
          <NotificationBell t={t} path={path} />
          <UserArea t={t} />
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
        <Page path={path} t={t} lang={lang} />
      </main>
      <footer>
        <p>
          {name && <>{name} · </>}
          {t.footer} · <Link to="/lich-lam-viec">{t.footerCalendar}</Link> ·{' '}
          <span data-testid="version">{instance?.version ? `motcua ${instance.version}` : 'motcua'}</span>
        </p>
      </footer>
    </>
  );
}
