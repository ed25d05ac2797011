// The official forms of Circular 01/2018 (Mẫu 01–05) laid out for A4 printing from
// GET /api/v1/dossiers/{code}/forms/{form}: national motto, agency, title, then the form's data.
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { Link } from '../ui';
import { dossierHref, fill, formPdfHref, when } from './dossierCommon';

interface FormData {
  form: string;
  code: string;
  title: string;
  agency_name: string;
  procedure_name: string;
  applicant: Record<string, string> | null;
  received_at: string | null;
  due_at: string | null;
  return_place: string;
  officer_name?: string;
  documents?: { name: string; originals: number; copies: number }[];
  reason?: string;
  requested_documents?: string[];
  requested_document_names?: string[];
  requested_at?: string;
  old_due_at?: string | null;
  new_due_at?: string;
  steps?: { step: string; agency: string; started_at: string; due_at: string | null; finished_at: string | null; late_minutes: number | null; result: string }[];
}

export const PRINT_FORMS = ['mau01', 'mau02', 'mau03', 'mau04', 'mau05'];

function Signatures({ left, right, rightName, t }: { left?: string; right: string; rightName?: string; t: Messages }) {
  return (
    <div className="signatures">
      <div>
        {left && (
          <>
            <p className="sig-title">{left}</p>
            <p className="sig-note">{t.ds.signature}</p>
          </>
        )}
      </div>
      <div>
        <p className="sig-title">{right}</p>
        <p className="sig-note">{t.ds.signature}</p>
        <p className="sig-name">{rightName}</p>
      </div>
    </div>
  );
}

export function PrintForm({ t, lang, code, form }: { t: Messages; lang: Lang; code: string; form: string }) {
  const { me, loaded } = useSession();
  const [data, setData] = useState<FormData | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!me) return;
    void api<FormData>('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/forms/${encodeURIComponent(form)}`, undefined, lang).then((r) => {
      if (r.ok) setData(r.data);
      else setError(r.problem.status === 409 || r.problem.status === 404 ? r.problem.detail || t.ds.formNotAvailable : t.genericError);
    });
  }, [me, code, form, lang, t]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!me) return <p>{t.ds.signInToSee}</p>;
  const back = (
    <p className="no-print actions">
      <Link to={dossierHref(code)}>{t.ds.backToDossier}</Link>
      {data && (
        <button type="button" className="primary" onClick={() => window.print()}>
          {t.ds.print}
        </button>
      )}
      {data && (
        <a className="button-link" href={formPdfHref(code, form)} download>
          {t.ds.downloadPdf}
        </a>
      )}
    </p>
  );
  if (error) {
    return (
      <>
        <h1>{t.ds.forms[form] ?? form}</h1>
        <p className="error" role="alert">
          {error}
        </p>
        {back}
      </>
    );
  }
  if (!data) return <p role="status">{t.loading}</p>;
  const a = data.applicant ?? {};
  const today = data.received_at ?? data.requested_at ?? new Date().toISOString();
  const place = when(today).slice(0, 10).split('/');
  return (
    <>
      {back}
      <article className="a4" lang="vi" aria-labelledby="form-title">
        <header className="a4-head">
          <div className="agency-block">
            <p className="agency">{data.agency_name.toUpperCase()}</p>
            <p className="rule" aria-hidden="true" />
            <p className="small">
              Số: <span className="code">{data.code}</span>
            </p>
          </div>
          <div className="nation-block">
            <p className="nation">{t.ds.nation}</p>
            <p className="motto">{t.ds.motto}</p>
            <p className="rule" aria-hidden="true" />
            <p className="date">
              <em>
                ngày {place[0]} tháng {place[1]} năm {place[2]}
              </em>
            </p>
          </div>
        </header>
        <h1 id="form-title" className="form-title">
          {data.title}
        </h1>
        <p className="form-code">
          ({data.form === 'mau05' ? 'Mẫu số 05' : `Mẫu số 0${data.form.slice(-1)}`} — {t.ds.code}: <span className="code">{data.code}</span>)
        </p>
        {data.form !== 'mau05' && (
          <>
            <p>
              {t.ds.receivedFrom}: <strong>{a.name}</strong>
              {a.id_number && <> — {t.ds.idNumber}: {a.id_number}</>}
            </p>
            {a.address && (
              <p>
                {t.ds.address}: {a.address}
              </p>
            )}
            {(a.phone || a.email) && (
              <p>
                {a.phone && <>{t.ds.phone}: {a.phone} </>}
                {a.email && <>{t.ds.email}: {a.email}</>}
              </p>
            )}
            <p>
              {t.ds.aboutProcedure}: {data.procedure_name}
            </p>
          </>
        )}
        {data.form === 'mau01' && (
          <>
            <p>{t.ds.docsReceived}:</p>
            <table className="print-table">
              <thead>
                <tr>
                  <th scope="col">TT</th>
                  <th scope="col">{t.ds.docName}</th>
                  <th scope="col">{t.ds.originals}</th>
                  <th scope="col">{t.ds.copies}</th>
                </tr>
              </thead>
              <tbody>
                {(data.documents ?? []).map((d, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td>{d.name}</td>
                    <td>{d.originals}</td>
                    <td>{d.copies}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              {t.ds.receivedAt}: {when(data.received_at)}
            </p>
            <p>
              <strong>
                {t.ds.appointment}: {when(data.due_at)}
              </strong>
            </p>
            <p>
              {t.ds.returnPlace}: {data.return_place}
            </p>
            <Signatures left={t.ds.applicantSignature} right={t.ds.officer} rightName={data.officer_name} t={t} />
          </>
        )}
        {data.form === 'mau02' && (
          <>
            <p>
              {t.ds.requestedDocs}: {data.reason}
            </p>
            {(data.requested_document_names ?? data.requested_documents ?? []).length > 0 && (
              <ol>
                {(data.requested_document_names ?? data.requested_documents ?? []).map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ol>
            )}
            <p>
              {t.ds.when}: {when(data.requested_at)}
            </p>
            <Signatures right={t.ds.officer} rightName={data.officer_name} t={t} />
          </>
        )}
        {data.form === 'mau03' && (
          <>
            <p>
              {t.ds.reason}: {data.reason}
            </p>
            <Signatures right={t.ds.officer} rightName={data.officer_name} t={t} />
          </>
        )}
        {data.form === 'mau04' && (
          <>
            <p>{t.ds.apologyText}</p>
            <p>
              {t.ds.reason}: {data.reason}
            </p>
            <p>
              {t.ds.oldDue}: {when(data.old_due_at)}
            </p>
            <p>
              <strong>
                {t.ds.newDue}: {when(data.new_due_at)}
              </strong>
            </p>
            <Signatures right={data.agency_name} rightName={data.officer_name} t={t} />
          </>
        )}
        {data.form === 'mau05' && (
          <>
            <p>
              {t.ds.procedure}: {data.procedure_name} — {t.ds.applicant}: {a.name}
            </p>
            <p>
              {t.ds.receivedAt}: {when(data.received_at)} — {t.ds.dueAt}: {when(data.due_at)}
            </p>
            <table className="print-table">
              <thead>
                <tr>
                  <th scope="col">{t.ds.stepCol}</th>
                  <th scope="col">{t.ds.agency}</th>
                  <th scope="col">{t.ds.startedAt}</th>
                  <th scope="col">{t.ds.dueAt}</th>
                  <th scope="col">{t.ds.finished}</th>
                  <th scope="col">{t.ds.resultCol}</th>
                </tr>
              </thead>
              <tbody>
                {(data.steps ?? []).map((s, i) => (
                  <tr key={i}>
                    <td>{t.ds.stages[s.step] ?? s.step}</td>
                    <td>{s.agency}</td>
                    <td>{when(s.started_at)}</td>
                    <td>{when(s.due_at)}</td>
                    <td>{when(s.finished_at)}</td>
                    <td>{s.result}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </article>
      <p className="hint no-print">{fill(t.ds.dossierTitle, { code: data.code })}</p>
    </>
  );
}
