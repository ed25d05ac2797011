// National sync for sysadmins of the national portal: each member (province, ministry) with
// the events stored, records refused, its last event and our last ingest, its lag in the
// stream, and the national counts by status (docs/sync.md).
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';

interface Member {
  code: string;
  name: string;
  events: number;
  rejected: number;
  last_event_at: string | null;
  last_ingest_at: string | null;
  stream_lag: number;
}
interface StatRow {
  key: string;
  total: number;
  by_status: Record<string, number>;
}

const words = {
  vi: {
    title: 'Đồng bộ hồ sơ với Cổng quốc gia',
    only: 'Chỉ quản trị hệ thống xem được trang này.',
    members: 'Đơn vị đồng bộ',
    code: 'Mã đơn vị',
    name: 'Tên',
    events: 'Sự kiện đã nhận',
    refused: 'Bản ghi bị từ chối',
    lastEvent: 'Sự kiện gần nhất (giờ của đơn vị)',
    lastIngest: 'Lần nhận gần nhất',
    lag: 'Độ trễ trong luồng (số thứ tự tin chưa nhận)',
    none: 'Chưa có đơn vị nào gửi dữ liệu.',
    stats: 'Hồ sơ theo đơn vị và trạng thái',
    total: 'Tổng',
  },
  en: {
    title: 'Dossier sync with the national portal',
    only: 'Only system administrators can see this page.',
    members: 'Members',
    code: 'Code',
    name: 'Name',
    events: 'Events stored',
    refused: 'Records refused',
    lastEvent: 'Latest event (member clock)',
    lastIngest: 'Last stored',
    lag: 'Lag in the stream (sequences not yet taken)',
    none: 'No member has sent anything yet.',
    stats: 'Dossiers by member and status',
    total: 'Total',
  },
};

function instant(s: string | null): string {
  if (!s) return '—';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
}

export function SyncAdmin({ t, lang }: { t: Messages; lang: Lang }) {
  const w = words[lang === 'en' ? 'en' : 'vi'];
  const { me, loaded } = useSession();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [stats, setStats] = useState<StatRow[]>([]);
  const allowed = !!me && me.roles.includes('sysadmin');
  useEffect(() => {
    if (!allowed) return;
    void api<{ items: Member[] }>('GET', '/api/v1/admin/sync/members', undefined, lang).then((r) => setMembers(r.ok ? r.data.items : []));
    void api<{ rows: StatRow[] }>('GET', '/api/v1/national/stats?by=member', undefined, lang).then((r) => setStats(r.ok ? r.data.rows : []));
  }, [allowed, lang]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{w.title}</h1>
        <p>{w.only}</p>
      </>
    );
  }
  const statuses = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
  return (
    <>
      <h1>{w.title}</h1>
      <h2>{w.members}</h2>
      {members === null ? (
        <p role="status">{t.loading}</p>
      ) : members.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <table data-testid="sync-members">
          <thead>
            <tr>
              <th scope="col">{w.code}</th>
              <th scope="col">{w.name}</th>
              <th scope="col">{w.events}</th>
              <th scope="col">{w.refused}</th>
              <th scope="col">{w.lastEvent}</th>
              <th scope="col">{w.lastIngest}</th>
              <th scope="col">{w.lag}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.code}>
                <th scope="row">{m.code}</th>
                <td>{m.name}</td>
                <td>{m.events}</td>
                <td>{m.rejected}</td>
                <td>{instant(m.last_event_at)}</td>
                <td>{instant(m.last_ingest_at)}</td>
                <td data-testid={`sync-lag-${m.code}`}>{m.stream_lag ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stats.length > 0 && (
        <>
          <h2>{w.stats}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{w.code}</th>
                {statuses.map((s) => (
                  <th scope="col" key={s}>
                    {t.ds.statusNames[s] ?? s}
                  </th>
                ))}
                <th scope="col">{w.total}</th>
              </tr>
            </thead>
            <tbody>
              {stats.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.key}</th>
                  {statuses.map((s) => (
                    <td key={s}>{r.by_status[s] ?? 0}</td>
                  ))}
                  <td>{r.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
