// More feedback pages: the system administrators' Open311 keys (issue — shown once —, list,
// revoke); the lookup page where a petitioner without an account follows an item with its code
// and secret lookup key and rates the answer; the officers' searchable agency picker for a
// transfer; and the leader's preview of the texts to be published, personal data hidden.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Field, Link, Notice } from '../ui';
import { fill, when } from './dossierCommon';

const words = {
  vi: {
    keysTitle: 'Khóa Open311 của đơn vị tích hợp',
    keysLead: 'Ứng dụng bên ngoài gửi phản ánh qua giao diện Open311 GeoReport v2 (/open311/v2/) bằng khóa api_key. Cấp một khóa cho mỗi đơn vị tích hợp; thu hồi khi không còn dùng.',
    keysOnly: 'Chỉ quản trị hệ thống xem được trang này.',
    keyName: 'Tên đơn vị tích hợp',
    keyNameHint: 'Ví dụ: Ứng dụng Hà Nội iHanoi',
    issue: 'Cấp khóa',
    issuedTitle: 'Khóa mới cho {name}',
    issuedWarn: 'Chép khóa này ngay và gửi cho đơn vị tích hợp qua kênh an toàn. Khóa chỉ hiển thị một lần; hệ thống chỉ lưu mã băm nên không thể xem lại.',
    copy: 'Chép khóa',
    copied: 'Đã chép khóa.',
    copyFailed: 'Không chép được; hãy chọn và chép khóa bằng tay.',
    done: 'Tôi đã lưu khóa',
    keysNone: 'Chưa cấp khóa nào.',
    colName: 'Đơn vị tích hợp',
    colCreated: 'Ngày cấp',
    colLastUsed: 'Dùng lần cuối',
    colRequests: 'Phản ánh đã gửi',
    colState: 'Trạng thái',
    active: 'Đang dùng',
    revokedAt: 'Đã thu hồi {at}',
    never: 'Chưa dùng',
    revoke: 'Thu hồi',
    revokeConfirm: 'Thu hồi khóa của {name}? Ứng dụng dùng khóa này sẽ không gửi phản ánh được nữa. Không thể hoàn tác.',
    revokeYes: 'Thu hồi khóa',
    cancel: 'Hủy',
    revoked: 'Đã thu hồi khóa của {name}.',
    lookupTitle: 'Tra cứu phản ánh, kiến nghị',
    lookupLead: 'Nhập mã phản ánh và mã tra cứu bạn nhận khi gửi (trên màn hình xác nhận, trong thư điện tử hoặc tin nhắn).',
    code: 'Mã phản ánh',
    codeHint: 'Ví dụ: PAKN-261204-0001',
    key: 'Mã tra cứu',
    keyHint: 'Dạng XXXX-XXXX-XXXX-XXXX-XXXX, không phân biệt chữ hoa, chữ thường',
    find: 'Tra cứu',
    notFound: 'Không tìm thấy phản ánh với mã và mã tra cứu này.',
    tooMany: 'Bạn đã tra cứu quá nhiều lần. Hãy thử lại sau {n} giây.',
    sentKeyTitle: 'Mã tra cứu của bạn',
    sentKeyLead: 'Dùng mã phản ánh và mã tra cứu này để theo dõi và đánh giá câu trả lời. Hãy lưu lại và giữ bí mật; mã cũng được gửi đến thư điện tử hoặc số điện thoại bạn đã nhập.',
    lookupLink: 'Trang tra cứu phản ánh',
    agencySearch: 'Tìm cơ quan có thẩm quyền',
    agencySearchHint: 'Nhập tên hoặc mã cơ quan',
    agencyChoose: 'Chọn cơ quan nhận',
    agencyNone: 'Không có cơ quan phù hợp.',
    agencyChosen: 'Đã chọn: {name} ({code})',
    previewTitle: 'Nội dung sẽ được công khai',
    previewLead: 'Thông tin cá nhân (họ tên, tên gọi, số điện thoại, thư điện tử, số CMND/CCCD) đã được thay bằng ***. Đọc kỹ trước khi công khai; có thể sửa rồi xem lại.',
    previewRefresh: 'Xem lại sau khi sửa',
    publicTitle: 'Tiêu đề công khai',
    publicContent: 'Nội dung công khai',
    publicAnswer: 'Câu trả lời công khai',
  },
  en: {
    keysTitle: 'Open311 integrator keys',
    keysLead: 'Outside applications send feedback through the Open311 GeoReport v2 interface (/open311/v2/) with an api_key. Issue one key per integrator; revoke it when it is no longer used.',
    keysOnly: 'Only system administrators can see this page.',
    keyName: 'Integrator name',
    keyNameHint: 'e.g. the city app',
    issue: 'Issue a key',
    issuedTitle: 'New key for {name}',
    issuedWarn: 'Copy this key now and give it to the integrator over a safe channel. It is shown only once; only its hash is stored, so it cannot be shown again.',
    copy: 'Copy key',
    copied: 'Key copied.',
    copyFailed: 'Could not copy; select the key and copy it by hand.',
    done: 'I have saved the key',
    keysNone: 'No key has been issued yet.',
    colName: 'Integrator',
    colCreated: 'Issued',
    colLastUsed: 'Last used',
    colRequests: 'Items sent',
    colState: 'State',
    active: 'Active',
    revokedAt: 'Revoked {at}',
    never: 'Never',
    revoke: 'Revoke',
    revokeConfirm: 'Revoke the key of {name}? Applications using it can no longer send feedback. This cannot be undone.',
    revokeYes: 'Revoke the key',
    cancel: 'Cancel',
    revoked: 'The key of {name} was revoked.',
    lookupTitle: 'Look up feedback',
    lookupLead: 'Enter the feedback code and the lookup key you were given when you sent it (on the confirmation screen, in the e-mail or text message).',
    code: 'Feedback code',
    codeHint: 'e.g. PAKN-261204-0001',
    key: 'Lookup key',
    keyHint: 'Like XXXX-XXXX-XXXX-XXXX-XXXX, in any case',
    find: 'Look up',
    notFound: 'No feedback with this code and lookup key.',
    tooMany: 'Too many lookups. Try again in {n} seconds.',
    sentKeyTitle: 'Your lookup key',
    sentKeyLead: 'Use the feedback code and this lookup key to follow it and rate the answer. Keep them, and keep the key secret; it was also sent to the e-mail or phone you gave.',
    lookupLink: 'Feedback lookup page',
    agencySearch: 'Find the competent agency',
    agencySearchHint: 'Type the agency’s name or code',
    agencyChoose: 'Receiving agency',
    agencyNone: 'No matching agency.',
    agencyChosen: 'Chosen: {name} ({code})',
    previewTitle: 'What will be published',
    previewLead: 'Personal data (names, given names, phone numbers, e-mail addresses, ID card numbers) has been replaced by ***. Read it before publishing; you may edit it and preview again.',
    previewRefresh: 'Preview the edits',
    publicTitle: 'Public title',
    publicContent: 'Public content',
    publicAnswer: 'Public answer',
  },
};

export const fbWords = (lang: Lang) => words[lang === 'en' ? 'en' : 'vi'];
export const lookupHref = (code?: string) => `/phan-anh/tra-cuu${code ? `?ma=${encodeURIComponent(code)}` : ''}`;

/** The key shown once, with a copy button. */
export function SecretBox({ id, value, lang }: { id: string; value: string; lang: Lang }) {
  const w = fbWords(lang);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(w.copied);
    } catch {
      setCopied(w.copyFailed);
    }
  };
  return (
    <div className="secret">
      <code id={id} data-testid={id} className="secret-value">{value}</code>{' '}
      <button type="button" className="secondary" aria-describedby={id} onClick={() => void copy()}>{w.copy}</button>
      {copied && <p role="status" className="hint">{copied}</p>}
    </div>
  );
}

interface ApiKey {
  id: string;
  name: string;
  created_at: string | null;
  created_by: string;
  revoked_at: string | null;
  last_used_at: string | null;
  requests: number;
}

/** /quan-tri/open311: system administrators issue, list and revoke integrator keys. */
export function Open311Keys({ t, lang }: { t: Messages; lang: Lang }) {
  const w = fbWords(lang);
  const { me, loaded } = useSession();
  const allowed = !!me && me.roles.includes('sysadmin');
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; api_key: string } | null>(null);
  const [confirm, setConfirm] = useState<ApiKey | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<{ message: string; errors?: { field: string; message: string }[] } | null>(null);
  const load = () => void api<{ items: ApiKey[] }>('GET', '/api/v1/admin/open311/keys', undefined, lang).then((r) => setKeys(r.ok ? r.data.items : []));
  useEffect(() => {
    if (allowed) load();
  }, [allowed, lang]);  // eslint-disable-line react-hooks/exhaustive-deps
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) return <><h1>{w.keysTitle}</h1><p>{w.keysOnly}</p></>;
  const issue = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api<{ name: string; api_key: string }>('POST', '/api/v1/admin/open311/keys', { name }, lang);
    if (r.ok) {
      setIssued(r.data);
      setName('');
      setError(null);
      setNotice('');
      load();
    } else {
      setError({ message: r.problem.detail || t.genericError, errors: r.problem.errors });
    }
  };
  const revoke = async (k: ApiKey) => {
    const r = await api<unknown>('DELETE', `/api/v1/admin/open311/keys/${encodeURIComponent(k.id)}`, undefined, lang);
    setConfirm(null);
    if (r.ok) setNotice(fill(w.revoked, { name: k.name }));
    else setError({ message: r.problem.detail || t.genericError });
    load();
  };
  return (
    <>
      <h1>{w.keysTitle}</h1>
      <p className="lead">{w.keysLead}</p>
      {notice && <Notice>{notice}</Notice>}
      {error && <ErrorSummary title={w.issue} message={error.message} errors={error.errors} fieldIds={{ name: 'o311-name' }} />}
      {issued ? (
        <section className="panel warn" aria-labelledby="o311-issued-title">
          <h2 id="o311-issued-title">{fill(w.issuedTitle, { name: issued.name })}</h2>
          <p><strong>{w.issuedWarn}</strong></p>
          <SecretBox id="o311-new-key" value={issued.api_key} lang={lang} />
          <p><button type="button" onClick={() => setIssued(null)}>{w.done}</button></p>
        </section>
      ) : (
        <form className="form panel" onSubmit={(e) => void issue(e)}>
          <Field id="o311-name" label={w.keyName} hint={w.keyNameHint} value={name} onChange={setName} required />
          <button type="submit">{w.issue}</button>
        </form>
      )}
      {keys === null ? <p role="status">{t.loading}</p> : keys.length === 0 ? <p>{w.keysNone}</p> : (
        <div className="table-scroll">
          <table className="table" data-testid="o311-keys">
            <thead>
              <tr><th scope="col">{w.colName}</th><th scope="col">{w.colCreated}</th><th scope="col">{w.colLastUsed}</th><th scope="col">{w.colRequests}</th><th scope="col">{w.colState}</th></tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{when(k.created_at)}{k.created_by && <span className="hint"> · {k.created_by}</span>}</td>
                  <td>{k.last_used_at ? when(k.last_used_at) : w.never}</td>
                  <td>{k.requests}</td>
                  <td>
                    {k.revoked_at ? fill(w.revokedAt, { at: when(k.revoked_at) }) : (
                      <>
                        {w.active}{' '}
                        {confirm?.id === k.id ? (
                          <span role="alertdialog" aria-labelledby={`o311-confirm-${k.id}`} className="confirm">
                            <span id={`o311-confirm-${k.id}`}>{fill(w.revokeConfirm, { name: k.name })}</span>{' '}
                            <button type="button" className="danger" onClick={() => void revoke(k)}>{w.revokeYes}</button>{' '}
                            <button type="button" className="secondary" onClick={() => setConfirm(null)}>{w.cancel}</button>
                          </span>
                        ) : (
                          <button type="button" className="secondary" aria-label={`${w.revoke}: ${k.name}`} onClick={() => setConfirm(k)}>{w.revoke}</button>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

interface LookupItem {
  code: string;
  status_label: string;
  title: string;
  content?: string;
  agency: { code: string; name: string };
  received_at: string | null;
  due_at: string | null;
  answer?: string | null;
  answered_at: string | null;
  rating?: number | null;
  can_rate?: boolean;
  events?: { at: string; action: string; status_label: string; note: string; agency: string }[];
}

/** /phan-anh/tra-cuu: code + lookup key → status, timeline, answer, rating. */
export function FeedbackLookup({ t, lang }: { t: Messages; lang: Lang }) {
  const w = fbWords(lang);
  const query = new URLSearchParams(window.location.search);
  const [code, setCode] = useState(query.get('ma') ?? '');
  const [key, setKey] = useState('');
  const [item, setItem] = useState<LookupItem | null>(null);
  const [problem, setProblem] = useState('');
  const [rating, setRating] = useState('2');
  const [comment, setComment] = useState('');
  const [notice, setNotice] = useState('');
  const explain = (p: { status: number; retryAfter: number | null; detail: string }) =>
    p.status === 429 ? fill(w.tooMany, { n: p.retryAfter ?? 60 }) : p.status === 404 ? w.notFound : p.status === 0 ? t.networkError : p.detail || t.genericError;
  const find = async (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    const r = await api<LookupItem>('POST', '/api/v1/feedback-lookup', { code: code.trim(), lookup_key: key.trim() }, lang);
    if (r.ok) {
      setItem(r.data);
      setProblem('');
    } else {
      setItem(null);
      setProblem(explain(r.problem));
    }
  };
  const rate = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api<LookupItem>('POST', '/api/v1/feedback-lookup/rating', { code: code.trim(), lookup_key: key.trim(), rating: Number(rating), comment }, lang);
    if (r.ok) {
      setItem(r.data);
      setNotice(t.fb.rated);
    } else {
      setProblem(explain(r.problem));
    }
  };
  return (
    <>
      <h1>{w.lookupTitle}</h1>
      <p className="lead">{w.lookupLead}</p>
      <form className="form panel" onSubmit={(e) => void find(e)}>
        <Field id="lk-code" label={w.code} hint={w.codeHint} value={code} onChange={setCode} required autoComplete="off" />
        <Field id="lk-key" label={w.key} hint={w.keyHint} value={key} onChange={setKey} required autoComplete="off" />
        <button type="submit">{w.find}</button>
      </form>
      {problem && <p className="error" role="alert">{problem}</p>}
      {notice && <Notice>{notice}</Notice>}
      {item && (
        <section aria-labelledby="lk-item-title">
          <h2 id="lk-item-title">{fill(t.fb.detailTitle, { code: item.code })}</h2>
          <p className="lead">{item.title}</p>
          <dl className="facts">
            <div><dt>{t.fb.colStatus}</dt><dd data-testid="lk-status">{item.status_label}</dd></div>
            <div><dt>{t.fb.agency}</dt><dd>{item.agency.name}</dd></div>
            <div><dt>{t.fb.receivedAt}</dt><dd>{when(item.received_at)}</dd></div>
            <div><dt>{t.fb.dueAt}</dt><dd>{when(item.due_at)}</dd></div>
          </dl>
          {item.answer && (
            <section aria-labelledby="lk-answer-title" className="panel">
              <h3 id="lk-answer-title">{t.fb.answer}</h3>
              <p className="hint">{when(item.answered_at)}</p>
              <p className="fb-text" data-testid="lk-answer">{item.answer}</p>
            </section>
          )}
          {item.can_rate && (
            <form className="form panel" onSubmit={(e) => void rate(e)}>
              <fieldset>
                <legend>{t.fb.rateTitle}</legend>
                {item.rating && <p data-testid="lk-rating">{fill(t.fb.yourRating, { r: t.fb.ratings[String(item.rating)] })}</p>}
                {['1', '2', '3'].map((r) => (
                  <label key={r} className="choice">
                    <input type="radio" name="lk-rating" value={r} checked={rating === r} onChange={() => setRating(r)} /> {t.fb.ratings[r]}
                  </label>
                ))}
              </fieldset>
              <Field id="lk-comment" label={t.fb.rateComment} value={comment} onChange={setComment} />
              <button type="submit">{t.fb.rateSend}</button>
            </form>
          )}
          {item.events && (
            <>
              <h3>{t.fb.history}</h3>
              <ol className="timeline" data-testid="lk-history">
                {item.events.map((e, i) => (
                  <li key={i}>
                    <span className="hint">{when(e.at)}</span> — <strong>{t.fb.actions[e.action] ?? e.action}</strong> → {e.status_label}
                    {e.agency && <> · {e.agency}</>}
                    {e.note && <> — {e.note}</>}
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      )}
      <p><Link to="/phan-anh">{t.fb.publicTitle}</Link></p>
    </>
  );
}

interface Agency {
  code: string;
  name: string;
}

/** A searchable list of agencies (name and code) for a transfer; `onChange` gets the code. */
export function AgencyPicker({ id, value, onChange, lang }: { id: string; value: string; onChange: (code: string) => void; lang: Lang }) {
  const w = fbWords(lang);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Agency[]>([]);
  const [chosen, setChosen] = useState<Agency | null>(null);
  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) {
      setFound([]);
      return;
    }
    const timer = setTimeout(() => {
      void api<{ items: Agency[] }>('GET', `/api/v1/agencies?q=${encodeURIComponent(term)}&limit=20`, undefined, lang).then((r) => setFound(r.ok ? r.data.items : []));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, lang]);
  return (
    <div className="agency-picker">
      <div className="field">
        <label htmlFor={`${id}-q`}>{w.agencySearch}<span aria-hidden="true"> *</span></label>
        <p id={`${id}-q-hint`} className="hint">{w.agencySearchHint}</p>
        <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby={`${id}-q-hint`} autoComplete="off" />
      </div>
      {q.trim().length >= 2 && (
        <fieldset>
          <legend>{w.agencyChoose}</legend>
          {found.length === 0 ? <p role="status">{w.agencyNone}</p> : found.map((a) => (
            <label key={a.code} className="choice">
              <input type="radio" name={`${id}-agency`} value={a.code} checked={value === a.code}
                onChange={() => { setChosen(a); onChange(a.code); }} /> {a.name} <span className="code">({a.code})</span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen && value === chosen.code && <p role="status" data-testid={`${id}-chosen`}>{fill(w.agencyChosen, { name: chosen.name, code: chosen.code })}</p>}
    </div>
  );
}

/** The leader's view of what `publish` will write, with the texts editable. */
export function PublishPreview({ code, lang, onTexts }: { code: string; lang: Lang; onTexts: (texts: Record<string, string>) => void }) {
  const w = fbWords(lang);
  const { me } = useSession();
  // Only those who publish see the preview (others are refused it).
  const leader = !!me && (me.roles.includes('leader') || me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  const [texts, setTexts] = useState<Record<string, string> | null>(null);
  const [problem, setProblem] = useState('');
  const preview = async (body: Record<string, string>) => {
    const r = await api<Record<string, string>>('POST', `/api/v1/feedback/${encodeURIComponent(code)}/publication-preview`, body, lang);
    if (r.ok) {
      setTexts(r.data);
      onTexts(r.data);
      setProblem('');
    } else {
      setProblem(r.problem.detail);
    }
  };
  useEffect(() => {
    if (leader) void preview({});
  }, [code, lang, leader]);  // eslint-disable-line react-hooks/exhaustive-deps
  if (!leader) return null;
  if (problem) return <p className="error" role="alert">{problem}</p>;
  if (!texts) return <p role="status">…</p>;
  const set = (k: string) => (v: string) => {
    const next = { ...texts, [k]: v };
    setTexts(next);
    onTexts(next);
  };
  return (
    <div className="publish-preview" data-testid="fb-publish-preview">
      <h4>{w.previewTitle}</h4>
      <p className="hint">{w.previewLead}</p>
      <Field id="fb-pub-title" label={w.publicTitle} value={texts.public_title} onChange={set('public_title')} />
      {(['public_content', 'public_answer'] as const).map((k) => (
        <div className="field" key={k}>
          <label htmlFor={`fb-pub-${k}`}>{k === 'public_content' ? w.publicContent : w.publicAnswer}</label>
          <textarea id={`fb-pub-${k}`} rows={5} value={texts[k]} onChange={(e) => set(k)(e.target.value)} />
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => void preview(texts)}>{w.previewRefresh}</button>
    </div>
  );
}
