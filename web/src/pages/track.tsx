// Public tracking (tra cứu hồ sơ): anyone sees a dossier's status and completion by its code;
// with the applicant's ID number (or signed in as the owner) also the timeline.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate } from '../router';
import { Link } from '../ui';
import { trackHref, StatusTag, when, type HistoryEntry } from './dossierCommon';

interface Tracked {
  code: string;
  procedure_name: string;
  status: number;
  status_label: string;
  completion: number;
  due_at: string | null;
  received_at: string | null;
  returned_at: string | null;
  detailed: boolean;
  agency?: { name: string };
  history?: HistoryEntry[];
}

/** A dossier of another member as the national portal holds it (DongBoHoSoMC fields). */
interface National {
  MaHoSo: string;
  madonvi: string;
  member_name: string;
  TenTTHC: string;
  TrangThaiHoSo: number;
  NgayTiepNhan: string;
  NgayHenTra: string;
  NgayTra: string;
  DonViXuLy: string;
  details: boolean;
  CapNhatTienDoHoSoMC?: { NguoiXuLy: string; ChucDanh: string; ThoiDiemXuLy: string; PhongBanXuLy: string; NoiDungXuLy: string; TrangThai: number }[];
}

// yyyyMMddHHmmss (national, local time) → YYYY-MM-DDTHH:MM, which `when` shows.
function nationalTime(s: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(s || '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}` : null;
}

const nationalCompletion: Record<number, number> = { 1: 10, 2: 25, 4: 50, 5: 50, 6: 60, 9: 90, 3: 100, 7: 100, 8: 100, 10: 100 };

function fromNational(n: National): Tracked {
  return {
    code: n.MaHoSo,
    procedure_name: n.TenTTHC,
    status: n.TrangThaiHoSo,
    status_label: '',
    completion: nationalCompletion[n.TrangThaiHoSo] ?? 0,
    due_at: nationalTime(n.NgayHenTra),
    received_at: nationalTime(n.NgayTiepNhan),
    returned_at: nationalTime(n.NgayTra),
    detailed: n.details,
    agency: { name: [n.DonViXuLy, n.member_name || n.madonvi].filter(Boolean).join(' — ') },
    history: n.CapNhatTienDoHoSoMC?.map((p) => ({
      at: nationalTime(p.ThoiDiemXuLy) ?? '',
      action: '',
      action_label: p.NoiDungXuLy,
      status: p.TrangThai,
      status_label: '',
      stage: '',
      agency: p.PhongBanXuLy,
      note: '',
      actor: { name: p.NguoiXuLy, role: p.ChucDanh, role_label: p.ChucDanh },
    })),
  };
}

export function TrackPage({ t, lang, code }: { t: Messages; lang: Lang; code?: string }) {
  const [input, setInput] = useState(code ?? '');
  const [idNumber, setIdNumber] = useState('');
  const [shownId, setShownId] = useState('');
  const [error, setError] = useState('');
  const [result, setResult] = useState<Tracked | null>(null);
  const [notFound, setNotFound] = useState(false);

  useEffect(() => {
    setInput(code ?? '');
    setResult(null);
    setNotFound(false);
    if (!code) return;
    const q = shownId ? `?id_number=${encodeURIComponent(shownId)}` : '';
    void api<Tracked>('GET', `/api/v1/track/${encodeURIComponent(code)}${q}`, undefined, lang).then(async (r) => {
      if (r.ok) return setResult(r.data);
      if (r.problem.status !== 404 && r.problem.status !== 400) {
        return setError(r.problem.status === 0 ? t.networkError : r.problem.detail || t.genericError);
      }
      // Not one of ours: on the national portal, a dossier of another province or ministry.
      const n = await api<National>('GET', `/api/v1/national/dossiers/${encodeURIComponent(code)}${q}`, undefined, lang);
      if (n.ok) setResult(fromNational(n.data));
      else setNotFound(true);
    });
  }, [code, shownId, lang, t]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = input.trim();
    if (!trimmed) {
      setError(t.trackEmpty);
      return;
    }
    setError('');
    setShownId(idNumber.trim());
    navigate(trackHref(trimmed));
  };

  return (
    <>
      {code ? (
        <h1>
          {t.trackResultTitle} <span className="code">{code}</span>
        </h1>
      ) : (
        <h1>{t.trackTitle}</h1>
      )}
      {!code && <p className="lead">{t.ds.trackLead}</p>}
      {code && (
        <div aria-live="polite">
          {notFound && <p className="note">{t.ds.trackNotFound}</p>}
          {result && (
            <section aria-labelledby="track-result" className="track-result">
              <h2 id="track-result" className="visually-hidden">
                {t.ds.overview}
              </h2>
              <p className="lead">{result.procedure_name}</p>
              <dl className="facts">
                <div>
                  <dt>{t.ds.status}</dt>
                  <dd data-testid="track-status">
                    <StatusTag status={result.status} label={result.status_label} t={t} />
                  </dd>
                </div>
                <div>
                  <dt>{t.ds.completion}</dt>
                  <dd>
                    <progress max={100} value={result.completion} aria-label={t.ds.completion} /> {result.completion}%
                  </dd>
                </div>
                <div>
                  <dt>{t.ds.receivedAt}</dt>
                  <dd>{when(result.received_at)}</dd>
                </div>
                <div>
                  <dt>{t.ds.dueAt}</dt>
                  <dd>{when(result.due_at)}</dd>
                </div>
                {result.returned_at && (
                  <div>
                    <dt>{t.ds.returnedAt}</dt>
                    <dd>{when(result.returned_at)}</dd>
                  </div>
                )}
                {result.agency && (
                  <div>
                    <dt>{t.ds.handlingAgency}</dt>
                    <dd>{result.agency.name}</dd>
                  </div>
                )}
              </dl>
              {result.history ? (
                <>
                  <h2>{t.ds.historyTitle}</h2>
                  <ol className="timeline" data-testid="track-history">
                    {result.history.map((h, i) => (
                      <li key={i}>
                        <span className="hint">{when(h.at)}</span> — <strong>{h.action_label}</strong>
                        {h.agency && <> · {h.agency}</>}
                        {h.actor.role_label && <span className="hint"> ({h.actor.role_label})</span>}
                      </li>
                    ))}
                  </ol>
                </>
              ) : (
                <p className="hint">{t.ds.trackPublicOnly}</p>
              )}
            </section>
          )}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="form">
        {code && <h2>{t.trackAgain}</h2>}
        <label htmlFor="dossier-code">{t.trackLabel}</label>
        <input id="dossier-code" name="code" value={input} onChange={(e) => setInput(e.target.value)}
          aria-describedby="dossier-code-hint dossier-code-error" aria-invalid={error ? true : undefined} autoComplete="off" spellCheck={false} />
        <p id="dossier-code-hint" className="hint">
          {t.trackHint}
        </p>
        <p id="dossier-code-error" className="error" role="alert">
          {error}
        </p>
        <label htmlFor="track-id-number">{t.ds.trackIdOptional}</label>
        <input id="track-id-number" value={idNumber} onChange={(e) => setIdNumber(e.target.value)} inputMode="numeric" autoComplete="off" />
        <button type="submit">{t.trackSubmit}</button>
      </form>
      {code && (
        <p>
          <Link to="/tra-cuu-ho-so">{t.trackAgain}</Link>
        </p>
      )}
    </>
  );
}
