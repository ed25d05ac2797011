// The national synchronisation records (DOMAIN.md §2.6): DongBoHoSoMC (a dossier's state) and
// CapNhatTienDoHoSoMC (one processing step), their validation on the portal, the NATS subject
// of a member and the national date format. Pure code: no I/O.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::sync {

/// The record kinds of the national sync protocol (`service` of a request).
inline constexpr std::string_view kDossierService = "DongBoHoSoMC";
inline constexpr std::string_view kProgressService = "CapNhatTienDoHoSoMC";

/// Subjects of the sync stream: `motcua.sync.<member>` (dots of a member code become `_`).
inline constexpr std::string_view kSubjectPrefix = "motcua.sync.";

/// True for a member code the portal accepts: a level-1 code of Decision 20/2020 (`H41`,
/// `G09`) or any code of `[0-9A-Z.]`, 1–35 characters (DOMAIN.md §1.1).
bool ValidMemberCode(std::string_view code);
/// `motcua.sync.H41`.
std::string SubjectFor(std::string_view member);
/// The member of a subject made by SubjectFor; empty when it is not one.
std::string MemberOfSubject(std::string_view subject);

/// `2026-11-22T05:30:00.123Z` (UTC, as stored) → `20261122123000` (Asia/Ho_Chi_Minh, the
/// national format, DOMAIN.md §1.5); empty for empty or unparsable input.
std::string NationalTime(std::string_view utc);
/// True for 14 digits that form a real calendar date and time.
bool ValidNationalTime(std::string_view text);

/// Whether dossier code `code` (Circular 01/2018 Art. 19: `<agency e-ID>-<YYMMDD>-<NNNN>`)
/// was issued by an agency of `member`: the agency e-ID's level-1 group (rightmost in the
/// QCVN 102:2016 form, `000.00.01.H22`) or the whole e-ID equals the member code.
bool CodeBelongsTo(std::string_view code, std::string_view member);

/// A field-level reason a record was refused.
struct RecordError {
  std::string field;    ///< national field name, e.g. `TrangThaiHoSo`
  std::string message;  ///< Vietnamese / English
};

/// Checks a DongBoHoSoMC record sent by `member`: required fields, types, codes, dates, and
/// that the dossier code belongs to the member (a forged record names another's dossier).
std::vector<RecordError> CheckDossierRecord(const boost::json::object& record, std::string_view member);
/// Checks a CapNhatTienDoHoSoMC record sent by `member`.
std::vector<RecordError> CheckProgressRecord(const boost::json::object& record, std::string_view member);

/// A validated record as the national view stores it.
struct DossierRow {
  std::string member, code, event_id, event_at;
  std::int64_t seq = 0;
  boost::json::object record;
};
struct ProgressRow {
  std::string member, code, event_key, event_at;
  std::optional<std::int64_t> seq;
  boost::json::object record;
};

/// The event key of a progress record: `seq:<n>` when the sender numbered it, else a digest
/// of its content (so the same record sent twice is stored once).
std::string ProgressKey(const boost::json::object& record, std::optional<std::int64_t> seq);

/// What a member knows of one dossier event, from which the relay builds the message.
struct DossierFacts {
  std::string dossier_id, code, procedure_code, procedure_name, channel, applicant_name, applicant_id_number;
  std::string summary, submitted_at, received_at, due_at, finished_at, returned_at, handling_agency_name;
  int status = 0;
  // the event
  std::int64_t seq = 0;
  std::string event_at, action, actor_name, actor_role, event_agency_name, note, step_started_at, step_due_at;
  int event_status = 0;
  // what the dossier holds (its stored body: documents, fees, supplement, results, payment),
  // the procedure's field in the catalog and the fees paid through the payment platform
  std::string body;                  ///< dossiers.body (JSON); "" when unknown
  std::string field_code, field_name;  ///< MALINHVUC / TENLINHVUC of the procedure
  std::string paid_items;            ///< JSON array of the items of paid payment requests
  std::string file_url;              ///< base of file links (`<public url>/api/v1/attachments/`)
  std::int64_t supplements = 0;      ///< supplement requests so far (dossiers.supplements)
  std::string submitted_to_name;     ///< the agency the dossier was submitted to (NoiNopHoSo)
  int owner_assurance = 0;           ///< the owner account's assurance level (Decree 59/2022); 0: no account
};

/// `2026-12-04T09:00:00+07:00` (RFC 3339 in Vietnam's time, as a dossier body stores
/// instants) → `20261204090000`; empty for anything else.
std::string NationalTimeOfLocal(std::string_view local);

/// The DongBoHoSoMC record of a dossier's state: its fields, and TaiLieuNop (each submitted
/// file), DanhSachLePhi (the fees of the dossier and of its paid payment requests),
/// DanhSachHoSoBoSung (its supplement request), DanhSachGiayToKetQua (its results),
/// MaLinhVuc/TenLinhVuc, HoSoCoThanhPhanSoHoa and DuocThanhToanTrucTuyen.
boost::json::object DossierRecord(const DossierFacts& f);
/// The CapNhatTienDoHoSoMC record of the event.
boost::json::object ProgressRecord(const DossierFacts& f);
/// The message a member publishes for one event: `{madonvi, event_id, seq, at, DongBoHoSoMC,
/// CapNhatTienDoHoSoMC}`.
boost::json::object EventMessage(std::string_view member, const std::string& event_id, const DossierFacts& f);

}  // namespace motcua::sync
