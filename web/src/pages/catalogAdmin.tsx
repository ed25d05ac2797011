// Catalog administration for agency admins and sysadmins: the procedures with their status and
// publication deadline, publish / suspend / repeal, versions with a readable diff, import of a
// LayThuTuc file with its per-record report, and export.
import { useCallback, useEffect, useState, type ChangeEvent } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { navigate } from '../router';
import { useSession } from '../session';
import { ErrorSummary, Link, Notice } from '../ui';

interface Row {
  code: string;
  name: string;
  status: string;
  latest_version: number;
  published_version: number | null;
  publication_deadline: string | null;
  deadline_missed: boolean;
  updated_at: string;
  /** False for another agency's procedure: shown, but only its versions can be opened. */
  managed?: boolean;
}

interface Change {
  pointer: string;
  kind: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

interface RecordError {
  index: number;
  code: string;
  pointer: string;
  message: string;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function Versions({ t, code }: { t: Messages; code: string }) {
  const [versions, setVersions] = useState<{ version: number; created_at: string; created_by: string }[]>([]);
  const [diff, setDiff] = useState<Change[] | null>(null);
  useEffect(() => {
    void api<{ versions: { version: number; created_at: string; created_by: string }[] }>(
      'GET', `/api/v1/admin/procedures/${encodeURIComponent(code)}/versions`,
    ).then((r) => {
      if (r.ok) setVersions(r.data.versions);
    });
  }, [code]);
  const compare = async (from: number, to: number) => {
    const r = await api<{ changes: Change[] }>('GET', `/api/v1/admin/procedures/${encodeURIComponent(code)}/versions/${from}/diff/${to}`);
    setDiff(r.ok ? r.data.changes : []);
  };
  return (
    <div className="versions">
      <ul>
        {versions.map((v) => (
          <li key={v.version}>
            {t.versionText.replace('{n}', String(v.version))} · {v.created_at.slice(0, 16).replace('T', ' ')} · {v.created_by}{' '}
            {v.version > 1 && (
              <button type="button" className="secondary small" onClick={() => void compare(v.version - 1, v.version)}>
                {t.compareWithPrevious}
              </button>
            )}
          </li>
        ))}
      </ul>
      {diff && (
        <table className="table">
          <caption>{t.diffTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{t.diffField}</th>
              <th scope="col">{t.diffBefore}</th>
              <th scope="col">{t.diffAfter}</th>
            </tr>
          </thead>
          <tbody>
            {diff.map((c) => (
              <tr key={c.pointer} data-kind={c.kind}>
                <td className="code">{c.pointer}</td>
                <td>{show(c.before)}</td>
                <td>{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CatalogAdmin({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState<{ message: string; records: RecordError[] } | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api<{ items: Row[] }>('GET', '/api/v1/admin/procedures', undefined, lang);
    if (r.ok) setRows(r.data.items);
    else setProblem({ message: r.problem.detail || t.genericError, records: [] });
  }, [lang, t]);
  const allowed = !!me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.catalogAdminTitle}</h1>
        <p>
          {t.adminOnly} {!me && <Link to="/dang-nhap?return_to=%2Fquan-tri%2Fthu-tuc">{t.loginTitle}</Link>}
        </p>
      </>
    );
  }

  const act = async (code: string, action: 'publish' | 'suspend' | 'repeal') => {
    setNotice('');
    const r = await api<{ status: string }>('POST', `/api/v1/admin/procedures/${encodeURIComponent(code)}/actions/${action}`, undefined, lang);
    if (!r.ok) {
      setProblem({ message: r.problem.detail || t.genericError, records: [] });
      return;
    }
    setProblem(null);
    setNotice(t.statusChanged.replace('{code}', code).replace('{status}', (t.statusNames as Record<string, string>)[r.data.status] ?? r.data.status));
    await load();
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setNotice('');
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      setProblem({ message: t.importNotJson, records: [] });
      return;
    }
    const r = await api<{ created: number; updated: number }>('POST', '/api/v1/admin/procedures/import', body, lang);
    if (!r.ok) {
      const records = (r.problem.body as { records?: RecordError[] } | null)?.records;
      setProblem({ message: r.problem.detail || t.genericError, records: Array.isArray(records) ? records : [] });
      return;
    }
    setProblem(null);
    setNotice(t.importDone.replace('{created}', String(r.data.created)).replace('{updated}', String(r.data.updated)));
    await load();
  };

  return (
    <>
      <h1>{t.catalogAdminTitle}</h1>
      <p className="actions">
        <Link to="/quan-tri/thu-tuc/moi">+ {t.ed.addProcedure}</Link>
        <Link to="/quan-tri/hoi-dap">{t.faqAdminTitle}</Link>
      </p>
      {problem && (
        <ErrorSummary title={t.genericFailed} message={problem.message}
          errors={problem.records.map((e) => ({ field: '', message: `#${e.index + 1} ${e.code} ${e.pointer}: ${e.message}` }))} />
      )}
      {notice && <Notice>{notice}</Notice>}
      <div className="actions">
        <div className="field">
          <label htmlFor="import-file">{t.importLabel}</label>
          <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} />
        </div>
        <a className="button-link" href="/api/v1/admin/procedures/export" download>
          {t.exportJson}
        </a>
        <a className="button-link" href="/api/v1/admin/procedures/export?format=csv" download>
          {t.exportCsv}
        </a>
      </div>
      {rows === null ? (
        <p role="status">{t.loading}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{t.catalogAdminTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{t.procedureCode}</th>
              <th scope="col">{t.procedureName}</th>
              <th scope="col">{t.statusTitle}</th>
              <th scope="col">{t.deadlineTitle}</th>
              <th scope="col">{t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.code} data-testid="admin-row">
                <td className="code">{row.code}</td>
                <td>
                  <Link to={`/thu-tuc/${row.code}`}>{row.name}</Link>
                  {open === row.code && <Versions t={t} code={row.code} />}
                </td>
                <td>
                  {(t.statusNames as Record<string, string>)[row.status] ?? row.status}
                  <span className="hint"> · {t.versionText.replace('{n}', String(row.latest_version))}</span>
                </td>
                <td>
                  {row.publication_deadline ?? '—'}
                  {row.deadline_missed && <strong className="late"> {t.deadlineMissed}</strong>}
                </td>
                <td className="row-actions">
                  {row.managed === false && <span className="hint" data-testid="not-managed">{t.notManaged}</span>}
                  {row.managed !== false && <>
                  <a className="button-link small" href={`/quan-tri/thu-tuc/${row.code}/sua`} aria-label={`${t.ed.edit} ${row.code}`}
                    onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; e.preventDefault(); navigate(`/quan-tri/thu-tuc/${row.code}/sua`); }}>
                    {t.ed.edit}
                  </a>
                  {row.published_version !== null && row.status !== 'repealed' && (
                    <a className="button-link small" href={`/quan-tri/thu-tuc/${row.code}/cau-hinh`} aria-label={t.cf.openFor.replace('{code}', row.code)}
                      onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; e.preventDefault(); navigate(`/quan-tri/thu-tuc/${row.code}/cau-hinh`); }}>
                      {t.cf.open}
                    </a>
                  )}
                  {(row.status === 'draft' || row.status === 'suspended' ||
                    (row.status === 'published' && row.published_version !== row.latest_version)) && (
                    <button type="button" className="secondary small" onClick={() => void act(row.code, 'publish')}>
                      {t.publish}
                    </button>
                  )}
                  {row.status === 'published' && (
                    <button type="button" className="secondary small" onClick={() => void act(row.code, 'suspend')}>
                      {t.suspend}
                    </button>
                  )}
                  {(row.status === 'published' || row.status === 'suspended') && (
                    <button type="button" className="secondary small" onClick={() => void act(row.code, 'repeal')}>
                      {t.repeal}
                    </button>
                  )}
                  </>}
                  <button type="button" className="secondary small" aria-expanded={open === row.code}
                    onClick={() => setOpen(open === row.code ? null : row.code)}>
                    {t.versionsButton}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
