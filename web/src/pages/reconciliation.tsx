// Reconciliation of online payments over one day or a window of days (Decision 31/2021 Art. 36, docs/payment.md) for agency
// administrators: the provider's statement — uploaded as CSV or fetched from the payment
// platform — against our ledger, in total, per day, per agency, per payment provider and per
// transaction-type code (G22.…), each line
// matched / amount mismatch / missing on either side; the result downloads as CSV.
import { useState, type FormEvent } from 'react';
import { currentCsrfToken } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { Field, Notice } from '../ui';
import { money } from './dossierCommon';

interface Counts {
  matched: number;
  amount_mismatch: number;
  missing_ours: number;
  missing_theirs: number;
  ours_total: number;
  theirs_total: number;
}
interface Line {
  reference: string;
  ours: number;
  theirs: number;
  outcome: keyof typeof words.vi.outcomes;
  provider: string;
  agency_code: string;
  agency_name: string;
  day: string;
  type_code: string;
}
interface Result {
  from: string;
  to: string;
  source: 'upload' | 'platform';
  summary: Counts;
  by_agency: (Counts & { agency_code: string; agency_name: string })[];
  by_provider: (Counts & { provider: string })[];
  by_day: (Counts & { day: string | null })[];
  by_type: (Counts & { type_code: string | null })[];
  lines: Line[];
}

const words = {
  vi: {
    lead: 'So khớp các giao dịch đã thu trong khoảng ngày chọn trên hệ thống với bảng kê của nền tảng thanh toán, theo từng ngày, từng cơ quan, từng ngân hàng/trung gian thanh toán và từng loại giao dịch.',
    from: 'Từ ngày',
    to: 'Đến ngày (tối đa 31 ngày)',
    byDay: 'Theo ngày',
    day: 'Ngày',
    source: 'Bảng kê của nền tảng thanh toán',
    upload: 'Tải lên tệp CSV',
    platform: 'Lấy trực tiếp từ nền tảng thanh toán',
    file: 'Tệp bảng kê (CSV, có cột MaThamChieu, SoTien; tùy chọn MaGiaoDich, MaNganHang, MaLoaiGiaoDich, ThoiGianGD hoặc Ngay)',
    run: 'Đối soát',
    running: 'Đang đối soát…',
    download: 'Tải kết quả (CSV)',
    noFile: 'Hãy chọn tệp bảng kê CSV.',
    failed: 'Không đối soát được',
    summary: 'Tổng hợp',
    byAgency: 'Theo cơ quan',
    byProvider: 'Theo ngân hàng / trung gian thanh toán',
    byType: 'Theo loại giao dịch',
    type: 'Mã loại giao dịch',
    lines: 'Chi tiết giao dịch',
    onlyProblems: 'Chỉ hiện giao dịch lệch',
    agency: 'Cơ quan',
    provider: 'Ngân hàng',
    reference: 'Mã tham chiếu',
    ours: 'Hệ thống',
    theirs: 'Bảng kê',
    outcome: 'Kết quả',
    unknown: '(không xác định)',
    none: 'Không có giao dịch nào trong khoảng ngày này.',
    outcomes: { matched: 'Khớp', amount_mismatch: 'Lệch số tiền', missing_ours: 'Thiếu trên hệ thống', missing_theirs: 'Thiếu trên bảng kê' },
    oursTotal: 'Tổng hệ thống',
    theirsTotal: 'Tổng bảng kê',
    fromPlatform: 'Bảng kê lấy từ nền tảng thanh toán.',
    fromUpload: 'Bảng kê từ tệp tải lên.',
  },
  en: {
    lead: "Matches the transactions collected in this system over the chosen days against the payment platform's statement, per day, per agency, per bank or payment intermediary and per transaction type.",
    from: 'From',
    to: 'To (at most 31 days)',
    byDay: 'Per day',
    day: 'Day',
    source: "The payment platform's statement",
    upload: 'Upload a CSV file',
    platform: 'Fetch it from the payment platform',
    file: 'Statement file (CSV with MaThamChieu, SoTien; optionally MaGiaoDich, MaNganHang, MaLoaiGiaoDich, ThoiGianGD or Ngay)',
    run: 'Reconcile',
    running: 'Reconciling…',
    download: 'Download the result (CSV)',
    noFile: 'Choose the CSV statement.',
    failed: 'Reconciliation failed',
    summary: 'Summary',
    byAgency: 'Per agency',
    byProvider: 'Per bank or payment intermediary',
    byType: 'Per transaction type',
    type: 'Transaction-type code',
    lines: 'Transactions',
    onlyProblems: 'Only discrepancies',
    agency: 'Agency',
    provider: 'Bank',
    reference: 'Reference',
    ours: 'Ours',
    theirs: 'Statement',
    outcome: 'Outcome',
    unknown: '(unknown)',
    none: 'No transactions on these days.',
    outcomes: { matched: 'Matched', amount_mismatch: 'Amount differs', missing_ours: 'Missing here', missing_theirs: 'Missing in the statement' },
    oursTotal: 'Our total',
    theirsTotal: 'Statement total',
    fromPlatform: 'Statement fetched from the payment platform.',
    fromUpload: 'Statement from the uploaded file.',
  },
};

function today(): string {
  // The local day in Vietnam (UTC+7), as the reconciliation counts it.
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function CountsTable({ caption, rows, keyHeader, w, lang }: {
  caption: string; rows: { key: string; c: Counts }[]; keyHeader: string; w: typeof words.vi; lang: Lang;
}) {
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyHeader}</th>
            <th scope="col" className="num">{w.outcomes.matched}</th>
            <th scope="col" className="num">{w.outcomes.amount_mismatch}</th>
            <th scope="col" className="num">{w.outcomes.missing_ours}</th>
            <th scope="col" className="num">{w.outcomes.missing_theirs}</th>
            <th scope="col" className="num">{w.oursTotal}</th>
            <th scope="col" className="num">{w.theirsTotal}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, c }) => (
            <tr key={key}>
              <th scope="row">{key || w.unknown}</th>
              <td className="num">{c.matched}</td>
              <td className="num">{c.amount_mismatch}</td>
              <td className="num">{c.missing_ours}</td>
              <td className="num">{c.missing_theirs}</td>
              <td className="num">{money(c.ours_total, lang)}</td>
              <td className="num">{money(c.theirs_total, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Reconciliation({ t, lang }: { t: Messages; lang: Lang }) {
  const w = words[lang === 'en' ? 'en' : 'vi'];
  const { me, loaded } = useSession();
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [source, setSource] = useState<'upload' | 'platform'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Result | null>(null);
  const [statement, setStatement] = useState('');
  const [onlyProblems, setOnlyProblems] = useState(false);
  const allowed = !!me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.reconTitle}</h1>
        <p>{t.adminOnly}</p>
      </>
    );
  }

  const call = async (csv: boolean, body: string) => {
    const q = new URLSearchParams({ from, to, source });
    if (csv) q.set('format', 'csv');
    return fetch(`/api/v1/admin/payments/reconciliation?${q.toString()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', 'Accept-Language': lang, 'X-CSRF-Token': currentCsrfToken() },
      body,
      credentials: 'same-origin',
    });
  };
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    let body = '';
    if (source === 'upload') {
      if (!file) {
        setError(w.noFile);
        return;
      }
      body = await file.text();
    }
    setBusy(true);
    try {
      const res = await call(false, body);
      const data: unknown = await res.json().catch(() => null);
      if (!res.ok) {
        const p = (data ?? {}) as { detail?: string; title?: string };
        setError(`${w.failed}: ${p.detail || p.title || res.status}`);
        setResult(null);
      } else {
        setResult(data as Result);
        setStatement(body);
      }
    } catch {
      setError(w.failed);
    }
    setBusy(false);
  };
  const download = async () => {
    const res = await call(true, statement);
    if (!res.ok) {
      setError(w.failed);
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = from === to ? `doi-soat-${from}.csv` : `doi-soat-${from}_${to}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  const lines = result ? result.lines.filter((l) => !onlyProblems || l.outcome !== 'matched') : [];

  return (
    <>
      <h1>{t.reconTitle}</h1>
      <p>{w.lead}</p>
      <form className="form recon-form" onSubmit={(e) => void run(e)}>
        <div className="recon-window">
          <Field id="recon-from" label={w.from} type="date" value={from} onChange={setFrom} required />
          <Field id="recon-to" label={w.to} type="date" value={to} onChange={setTo} required />
        </div>
        <fieldset>
          <legend>{w.source}</legend>
          <label>
            <input type="radio" name="source" value="upload" checked={source === 'upload'} onChange={() => setSource('upload')} /> {w.upload}
          </label>
          <label>
            <input type="radio" name="source" value="platform" checked={source === 'platform'} onChange={() => setSource('platform')} /> {w.platform}
          </label>
        </fieldset>
        {source === 'upload' && (
          <div className="field">
            <label htmlFor="recon-file">{w.file}</label>
            <input id="recon-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
        )}
        <p className="actions">
          <button type="submit" disabled={busy}>{busy ? w.running : w.run}</button>
        </p>
      </form>
      {error && <Notice>{error}</Notice>}
      {result && (
        <section aria-labelledby="recon-result" data-testid="recon-result">
          <h2 id="recon-result">
            {w.summary} — {result.from === result.to ? result.from : `${result.from} → ${result.to}`}
          </h2>
          <p>{result.source === 'platform' ? w.fromPlatform : w.fromUpload}</p>
          <div className="recon-summary">
            {(['matched', 'amount_mismatch', 'missing_ours', 'missing_theirs'] as const).map((k) => (
              <div key={k} data-testid={`recon-${k}`}>
                <strong>{result.summary[k]}</strong> {w.outcomes[k]}
              </div>
            ))}
            <div>
              <strong>{money(result.summary.ours_total, lang)}</strong> {w.oursTotal}
            </div>
            <div>
              <strong>{money(result.summary.theirs_total, lang)}</strong> {w.theirsTotal}
            </div>
          </div>
          <p className="actions">
            <button type="button" className="secondary" onClick={() => void download()}>{w.download}</button>
          </p>
          {result.lines.length === 0 ? (
            <p>{w.none}</p>
          ) : (
            <>
              <CountsTable caption={w.byDay} keyHeader={w.day} w={w} lang={lang}
                rows={result.by_day.map((g) => ({ key: g.day ?? '', c: g }))} />
              <CountsTable caption={w.byAgency} keyHeader={w.agency} w={w} lang={lang}
                rows={result.by_agency.map((g) => ({ key: g.agency_name ? `${g.agency_name} (${g.agency_code})` : '', c: g }))} />
              <CountsTable caption={w.byProvider} keyHeader={w.provider} w={w} lang={lang}
                rows={result.by_provider.map((g) => ({ key: g.provider, c: g }))} />
              <CountsTable caption={w.byType} keyHeader={w.type} w={w} lang={lang}
                rows={(result.by_type ?? []).map((g) => ({ key: g.type_code ?? '', c: g }))} />
              <label className="check">
                <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /> {w.onlyProblems}
              </label>
              <div className="table-scroll">
                <table className="table" data-testid="recon-lines">
                  <caption>{w.lines}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{w.day}</th>
                      <th scope="col">{w.reference}</th>
                      <th scope="col">{w.agency}</th>
                      <th scope="col">{w.provider}</th>
                      <th scope="col">{w.type}</th>
                      <th scope="col" className="num">{w.ours}</th>
                      <th scope="col" className="num">{w.theirs}</th>
                      <th scope="col">{w.outcome}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map((l) => (
                      <tr key={l.reference} className={`outcome-${l.outcome}`}>
                        <td>{l.day || w.unknown}</td>
                        <td className="code">{l.reference}</td>
                        <td>{l.agency_name || w.unknown}</td>
                        <td>{l.provider || w.unknown}</td>
                        <td className="code">{l.type_code || w.unknown}</td>
                        <td className="num">{money(l.ours, lang)}</td>
                        <td className="num">{money(l.theirs, lang)}</td>
                        <td>{w.outcomes[l.outcome] ?? l.outcome}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </>
  );
}
