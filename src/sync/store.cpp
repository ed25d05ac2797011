#include "sync/store.hpp"

namespace motcua::sync::store {

// A lease is taken when free, expired or already ours; affected = 1 means we hold it.
const db::Query kTakeLease{"sync_take_lease",
    "INSERT INTO sync_leases (name, holder, until) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET "
    "holder = excluded.holder, until = excluded.until WHERE sync_leases.until < $4 OR sync_leases.holder = $2"};

// The agency the dossier was submitted to (NoiNopHoSo) and the owner account's assurance
// level (TaiKhoanDuocXacThucVoiVNeID; 0 without an account): identity's and agencies' tables,
// read-only.
#define MOTCUA_SYNC_MORE_FACTS                                                                          \
  "COALESCE((SELECT r.name FROM agencies r WHERE r.id = d.agency_id), ''), "                            \
  "COALESCE((SELECT u.assurance_level FROM accounts u WHERE u.id = d.owner_account), 0) "

// Oldest first; one dossier's events in their order. The dossier columns are its state now
// (committed), which is never older than the event.
const db::Query kPendingEvents{"sync_pending_events",
    "SELECT o.id, o.generation, o.seq, e.at, e.action, e.status_to, e.actor_name, e.actor_role, COALESCE(e.agency_name, ''), "
    "e.note, d.id, d.code, d.procedure_code, d.procedure_name, d.channel, d.applicant_name, d.applicant_id_number, d.summary, "
    "d.status, d.submitted_at, COALESCE(d.received_at, ''), COALESCE(d.due_at, ''), COALESCE(d.finished_at, ''), "
    "COALESCE(d.returned_at, ''), COALESCE(a.name, ''), COALESCE(d.step_due_at, ''), d.body, d.supplements, "
    MOTCUA_SYNC_MORE_FACTS
    "FROM sync_outbox o JOIN dossier_events e ON e.dossier_id = o.dossier_id AND e.seq = o.seq "
    "JOIN dossiers d ON d.id = o.dossier_id LEFT JOIN agencies a ON a.id = d.handling_agency_id "
    "WHERE o.sent_at IS NULL ORDER BY o.created_at, o.dossier_id, o.seq LIMIT $1"};
// The member's own data for the checker: every dossier with its latest event, in the columns
// of kPendingEvents (row id '<dossier id>:<seq>', generation 0).
const db::Query kMemberLatest{"sync_member_latest",
    "SELECT d.id || ':' || e.seq, 0, e.seq, e.at, e.action, e.status_to, e.actor_name, e.actor_role, COALESCE(e.agency_name, ''), "
    "e.note, d.id, d.code, d.procedure_code, d.procedure_name, d.channel, d.applicant_name, d.applicant_id_number, d.summary, "
    "d.status, d.submitted_at, COALESCE(d.received_at, ''), COALESCE(d.due_at, ''), COALESCE(d.finished_at, ''), "
    "COALESCE(d.returned_at, ''), COALESCE(a.name, ''), COALESCE(d.step_due_at, ''), d.body, d.supplements, "
    MOTCUA_SYNC_MORE_FACTS
    "FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id "
    "AND e.seq = (SELECT MAX(x.seq) FROM dossier_events x WHERE x.dossier_id = d.id) "
    "LEFT JOIN agencies a ON a.id = d.handling_agency_id ORDER BY d.code LIMIT 1000000"};
// The payment module's requests, read-only: the items of those paid (through the platform).
const db::Query kPaidItems{"sync_paid_items",
    "SELECT items FROM payment_requests WHERE dossier_id = $1 AND state = 'paid' ORDER BY created_at, id LIMIT 50"};
// The catalog's record of a procedure as published (else its latest version), read-only: its
// field (LINHVUCTHUCHIEN).
const db::Query kProcedureRecord{"sync_procedure_record",
    "SELECT v.record FROM procedures p JOIN procedure_versions v ON v.code = p.code "
    "AND v.version = COALESCE(p.published_version, p.latest_version) WHERE p.code = $1"};
// The generation guards against marking a row a re-sync raised meanwhile.
const db::Query kMarkSent{"sync_mark_sent",
    "UPDATE sync_outbox SET sent_at = $2 WHERE id = $1 AND generation = $3 AND sent_at IS NULL"};
const db::Query kOutboxDepth{"sync_outbox_depth",
    "SELECT COUNT(*), COALESCE(MIN(created_at), '') FROM sync_outbox WHERE sent_at IS NULL"};
const db::Query kPurgeSent{"sync_purge_sent",
    "DELETE FROM sync_outbox WHERE sent_at IS NOT NULL AND sent_at < $1"};
// Every event of [from, to) queued again under a new generation (its own Nats-Msg-Id).
const db::Query kResync{"sync_resync",
    "INSERT INTO sync_outbox (id, dossier_id, seq, created_at, generation) "
    "SELECT e.dossier_id || ':' || e.seq, e.dossier_id, e.seq, e.at, 1 FROM dossier_events e WHERE e.at >= $1 AND e.at < $2 "
    "ON CONFLICT (id) DO UPDATE SET sent_at = NULL, generation = sync_outbox.generation + 1"};

#define MOTCUA_NATIONAL_COLUMNS                                                                          \
  "member_code, MaHoSo, seq, event_id, MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc, KenhThucHien, ChuHoSo, "   \
  "SoGiayToChuHoSo, LoaiDoiTuong, TrichYeuHoSo, NgayNopHoSo, NgayTiepNhan, NgayHenTra, TrangThaiHoSo, "   \
  "NgayTra, NgayKetThucXuLy, NgayTuChoi, DonViXuLy, record, event_at, ingested_at"
// An older record (lower seq) never overwrites a newer one; the same seq again changes nothing.
#define MOTCUA_NATIONAL_UPSERT                                                                           \
  " ON CONFLICT (member_code, MaHoSo) DO UPDATE SET seq = excluded.seq, event_id = excluded.event_id, "   \
  "MaTTHC = excluded.MaTTHC, TenTTHC = excluded.TenTTHC, MaLinhVuc = excluded.MaLinhVuc, "                \
  "TenLinhVuc = excluded.TenLinhVuc, KenhThucHien = excluded.KenhThucHien, ChuHoSo = excluded.ChuHoSo, "  \
  "SoGiayToChuHoSo = excluded.SoGiayToChuHoSo, LoaiDoiTuong = excluded.LoaiDoiTuong, "                    \
  "TrichYeuHoSo = excluded.TrichYeuHoSo, NgayNopHoSo = excluded.NgayNopHoSo, "                            \
  "NgayTiepNhan = excluded.NgayTiepNhan, NgayHenTra = excluded.NgayHenTra, "                              \
  "TrangThaiHoSo = excluded.TrangThaiHoSo, NgayTra = excluded.NgayTra, "                                  \
  "NgayKetThucXuLy = excluded.NgayKetThucXuLy, NgayTuChoi = excluded.NgayTuChoi, "                        \
  "DonViXuLy = excluded.DonViXuLy, record = excluded.record, event_at = excluded.event_at, "              \
  "ingested_at = excluded.ingested_at WHERE excluded.seq > national_dossiers.seq"

// A whole batch in one statement: $1 is a JSON array of flat rows (keys below), $2 the
// ingest instant. Engine-specific only in how the array is unpacked.
const db::Query kUpsertDossiersPg{"sync_upsert_dossiers_pg",
    "INSERT INTO national_dossiers (" MOTCUA_NATIONAL_COLUMNS ") "
    "SELECT m, k, s, e, tt, ten, lv, tlv, kenh, chu, so, loai, trich, nop, tn, ht, st, tra, kt, tc, dv, r, at, $2::text "
    "FROM jsonb_to_recordset($1::jsonb) AS x(m text, k text, s bigint, e text, tt text, ten text, lv text, tlv text, "
    "kenh int, chu text, so text, loai int, trich text, nop text, tn text, ht text, st int, tra text, kt text, tc text, "
    "dv text, r text, at text)" MOTCUA_NATIONAL_UPSERT};
const db::Query kUpsertDossiersSqlite{"sync_upsert_dossiers_sqlite",
    "INSERT INTO national_dossiers (" MOTCUA_NATIONAL_COLUMNS ") "
    "SELECT value->>'m', value->>'k', value->>'s', value->>'e', value->>'tt', value->>'ten', value->>'lv', value->>'tlv', "
    "value->>'kenh', value->>'chu', value->>'so', value->>'loai', value->>'trich', value->>'nop', value->>'tn', value->>'ht', "
    "value->>'st', value->>'tra', value->>'kt', value->>'tc', value->>'dv', value->>'r', value->>'at', $2 "
    "FROM json_each($1) WHERE 1" MOTCUA_NATIONAL_UPSERT};

#define MOTCUA_PROGRESS_COLUMNS                                                                        \
  "member_code, MaHoSo, event_key, seq, NguoiXuLy, ChucDanh, ThoiDiemXuLy, PhongBanXuLy, NoiDungXuLy, " \
  "TrangThai, NgayBatDau, NgayKetThucTheoQuyDinh, ingested_at"
const db::Query kInsertProgressPg{"sync_insert_progress_pg",
    "INSERT INTO national_progress (" MOTCUA_PROGRESS_COLUMNS ") "
    "SELECT m, k, ek, s, nx, cd, tg, pb, nd, tt, bd, kt, $2::text FROM jsonb_to_recordset($1::jsonb) AS x(m text, k text, ek text, "
    "s bigint, nx text, cd text, tg text, pb text, nd text, tt int, bd text, kt text) "
    "ON CONFLICT (member_code, MaHoSo, event_key) DO NOTHING"};
const db::Query kInsertProgressSqlite{"sync_insert_progress_sqlite",
    "INSERT INTO national_progress (" MOTCUA_PROGRESS_COLUMNS ") "
    "SELECT value->>'m', value->>'k', value->>'ek', value->>'s', value->>'nx', value->>'cd', value->>'tg', value->>'pb', "
    "value->>'nd', value->>'tt', value->>'bd', value->>'kt', $2 FROM json_each($1) WHERE 1 "
    "ON CONFLICT (member_code, MaHoSo, event_key) DO NOTHING"};

// Per member of a batch: {m, n (events), at (latest event instant)}.
#define MOTCUA_MEMBER_EVENTS_UPSERT                                                                     \
  " ON CONFLICT (code) DO UPDATE SET events = sync_members.events + excluded.events, "                  \
  "last_event_at = CASE WHEN sync_members.last_event_at IS NULL OR excluded.last_event_at > "           \
  "sync_members.last_event_at THEN excluded.last_event_at ELSE sync_members.last_event_at END, "        \
  "last_ingest_at = excluded.last_ingest_at, last_stream_seq = CASE WHEN excluded.last_stream_seq > "     \
  "sync_members.last_stream_seq THEN excluded.last_stream_seq ELSE sync_members.last_stream_seq END"
const db::Query kMemberEventsPg{"sync_member_events_pg",
    "INSERT INTO sync_members (code, events, last_event_at, last_ingest_at, created_at, last_stream_seq) "
    "SELECT m, n, at, $2::text, $2::text, q FROM jsonb_to_recordset($1::jsonb) AS x(m text, n bigint, at text, q bigint)" MOTCUA_MEMBER_EVENTS_UPSERT};
const db::Query kMemberEventsSqlite{"sync_member_events_sqlite",
    "INSERT INTO sync_members (code, events, last_event_at, last_ingest_at, created_at, last_stream_seq) "
    "SELECT value->>'m', value->>'n', value->>'at', $2, $2, value->>'q' FROM json_each($1) WHERE 1" MOTCUA_MEMBER_EVENTS_UPSERT};
const db::Query kMemberRejected{"sync_member_rejected",
    "INSERT INTO sync_members (code, rejected, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (code) DO UPDATE SET rejected = sync_members.rejected + excluded.rejected"};
const db::Query kMemberByClient{"sync_member_by_client", "SELECT code FROM sync_members WHERE client_id = $1"};
const db::Query kUpsertMember{"sync_upsert_member",
    "INSERT INTO sync_members (code, name, client_id, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (code) DO UPDATE SET name = excluded.name, client_id = excluded.client_id"};
const db::Query kMembers{"sync_members",
    "SELECT code, name, COALESCE(client_id, ''), events, rejected, COALESCE(last_event_at, ''), COALESCE(last_ingest_at, ''), "
    "last_stream_seq FROM sync_members ORDER BY code LIMIT 1000"};

const db::Query kCurrentSeq{"sync_current_seq",
    "SELECT seq FROM national_dossiers WHERE member_code = $1 AND MaHoSo = $2"};
const db::Query kNationalByCode{"sync_national_by_code",
    "SELECT member_code, MaHoSo, seq, TrangThaiHoSo, MaTTHC, TenTTHC, COALESCE(NgayTiepNhan, ''), COALESCE(NgayHenTra, ''), "
    "COALESCE(NgayTra, ''), DonViXuLy, SoGiayToChuHoSo, record, event_at, ingested_at, COALESCE(m.name, '') "
    "FROM national_dossiers n LEFT JOIN sync_members m ON m.code = n.member_code WHERE n.MaHoSo = $1 "
    "ORDER BY n.member_code LIMIT 2"};
const db::Query kNationalProgress{"sync_national_progress",
    "SELECT seq, NguoiXuLy, ChucDanh, ThoiDiemXuLy, PhongBanXuLy, NoiDungXuLy, TrangThai, COALESCE(NgayBatDau, ''), "
    "COALESCE(NgayKetThucTheoQuyDinh, '') FROM national_progress WHERE member_code = $1 AND MaHoSo = $2 "
    "ORDER BY ThoiDiemXuLy, seq LIMIT 500"};
const db::Query kNationalMine{"sync_national_mine",
    "SELECT member_code, MaHoSo, seq, TrangThaiHoSo, MaTTHC, TenTTHC, COALESCE(NgayTiepNhan, ''), COALESCE(NgayHenTra, ''), "
    "COALESCE(NgayTra, ''), DonViXuLy, SoGiayToChuHoSo, record, event_at, ingested_at, '' "
    "FROM national_dossiers WHERE SoGiayToChuHoSo = $1 ORDER BY event_at DESC, MaHoSo LIMIT $2 OFFSET $3"};
const db::Query kCountNationalMine{"sync_count_national_mine",
    "SELECT COUNT(*) FROM national_dossiers WHERE SoGiayToChuHoSo = $1"};
// "My dossiers" on the portal: the applicant's dossiers at the members, except those held
// here as the caller's own (the dossier module lists them), newest submission first.
#define MOTCUA_NATIONAL_OTHERS_WHERE                                                                    \
  " FROM national_dossiers n WHERE n.SoGiayToChuHoSo = $1 AND ($2 = 0 OR n.TrangThaiHoSo = $2) AND NOT EXISTS (" \
  "SELECT 1 FROM dossiers d WHERE d.code = n.MaHoSo AND d.owner_account = $3)"
const db::Query kNationalOthers{"sync_national_others",
    "SELECT n.member_code, n.MaHoSo, n.TrangThaiHoSo, n.MaTTHC, n.TenTTHC, COALESCE(n.NgayNopHoSo, ''), "
    "COALESCE(n.NgayTiepNhan, ''), COALESCE(n.NgayHenTra, ''), COALESCE(n.NgayTra, ''), n.DonViXuLy, "
    "COALESCE((SELECT m.name FROM sync_members m WHERE m.code = n.member_code), '')" MOTCUA_NATIONAL_OTHERS_WHERE
    " ORDER BY COALESCE(n.NgayNopHoSo, '') DESC, n.MaHoSo DESC LIMIT $4"};
const db::Query kCountNationalOthers{"sync_count_national_others", "SELECT COUNT(*)" MOTCUA_NATIONAL_OTHERS_WHERE};
// The identity module's accounts table, read-only: the signed-in citizen's ID number.
const db::Query kAccountPersonalId{"sync_account_personal_id",
    "SELECT COALESCE(personal_id, '') FROM accounts WHERE id = $1"};

// Statistics from the roll-up (national_stats, migration 0014), over days of receipt
// [$1, $2] (yyyyMMdd; '' and '99999999' for all).
const db::Query kStatsByMember{"sync_stats_by_member",
    "SELECT member_code, TrangThaiHoSo, CAST(SUM(n) AS BIGINT) FROM national_stats WHERE day >= $1 AND day <= $2 "
    "GROUP BY member_code, TrangThaiHoSo HAVING SUM(n) <> 0 ORDER BY member_code, TrangThaiHoSo LIMIT 20000"};
const db::Query kStatsByProcedure{"sync_stats_by_procedure",
    "SELECT MaTTHC, TrangThaiHoSo, CAST(SUM(n) AS BIGINT) FROM national_stats WHERE day >= $1 AND day <= $2 "
    "GROUP BY MaTTHC, TrangThaiHoSo HAVING SUM(n) <> 0 ORDER BY MaTTHC, TrangThaiHoSo LIMIT 20000"};
const db::Query kStatsByStatus{"sync_stats_by_status",
    "SELECT TrangThaiHoSo, TrangThaiHoSo, CAST(SUM(n) AS BIGINT) FROM national_stats WHERE day >= $1 AND day <= $2 "
    "GROUP BY TrangThaiHoSo HAVING SUM(n) <> 0 ORDER BY TrangThaiHoSo LIMIT 20"};
// The checker: what the portal holds of one member.
const db::Query kMemberDossiers{"sync_member_dossiers",
    "SELECT MaHoSo, seq, TrangThaiHoSo, record FROM national_dossiers WHERE member_code = $1 ORDER BY MaHoSo LIMIT 1000000"};

}  // namespace motcua::sync::store
