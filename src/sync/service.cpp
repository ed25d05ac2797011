#include "sync/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/log.hpp"
#include "core/time.hpp"
#include "http/json.hpp"
#include "sync/store.hpp"

namespace motcua::sync {

namespace json = boost::json;
using core::ErrorCode;
using core::Fail;
using Clock = std::chrono::system_clock;

namespace {

constexpr std::size_t kMaxHttpRecords = 1000;

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

// A number or numeric string as an integer (the national adapter sends both); nullopt otherwise.
std::optional<std::int64_t> IntOf(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() < (1ull << 62)) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_string()) {
    try {
      std::size_t used = 0;
      auto s = std::string(it->value().as_string());
      auto v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

json::value IntOrNull(const json::object& o, std::string_view key) {
  auto v = IntOf(o, key);
  return v ? json::value(*v) : json::value(nullptr);
}
json::value TextOrNull(const json::object& o, std::string_view key) {
  auto s = Str(o, key);
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The flat row the batch upsert unpacks (store.cpp, kUpsertDossiers*).
json::object FlatDossier(const DossierRow& d) {
  const auto& r = d.record;
  return json::object{{"m", d.member}, {"k", Str(r, "MaHoSo")}, {"s", d.seq}, {"e", d.event_id}, {"tt", Str(r, "MaTTHC")},
                      {"ten", Str(r, "TenTTHC")}, {"lv", Str(r, "MaLinhVuc")}, {"tlv", Str(r, "TenLinhVuc")},
                      {"kenh", IntOrNull(r, "KenhThucHien")}, {"chu", Str(r, "ChuHoSo")}, {"so", Str(r, "SoGiayToChuHoSo")},
                      {"loai", IntOrNull(r, "LoaiDoiTuong")}, {"trich", Str(r, "TrichYeuHoSo")}, {"nop", TextOrNull(r, "NgayNopHoSo")},
                      {"tn", TextOrNull(r, "NgayTiepNhan")}, {"ht", TextOrNull(r, "NgayHenTra")}, {"st", IntOrNull(r, "TrangThaiHoSo")},
                      {"tra", TextOrNull(r, "NgayTra")}, {"kt", TextOrNull(r, "NgayKetThucXuLy")}, {"tc", TextOrNull(r, "NgayTuChoi")},
                      {"dv", Str(r, "DonViXuLy")}, {"r", json::serialize(r)}, {"at", d.event_at}};
}

json::object FlatProgress(const ProgressRow& p) {
  const auto& r = p.record;
  return json::object{{"m", p.member}, {"k", Str(r, "MaHoSo")}, {"ek", p.event_key},
                      {"s", p.seq ? json::value(*p.seq) : json::value(nullptr)}, {"nx", Str(r, "NguoiXuLy")},
                      {"cd", Str(r, "ChucDanh")}, {"tg", Str(r, "ThoiDiemXuLy")}, {"pb", Str(r, "PhongBanXuLy")},
                      {"nd", Str(r, "NoiDungXuLy")}, {"tt", IntOrNull(r, "TrangThai")}, {"bd", TextOrNull(r, "NgayBatDau")},
                      {"kt", TextOrNull(r, "NgayKetThucTheoQuyDinh")}};
}

std::string Reasons(const std::vector<RecordError>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e.field + ": " + e.message;
  return out;
}

json::array ErrorsJson(const std::vector<RecordError>& errors) {
  json::array out;
  for (const auto& e : errors) out.push_back(json::object{{"field", e.field}, {"message", e.message}});
  return out;
}

struct MemberCount {
  std::int64_t events = 0;
  std::string latest;          // the latest event instant (the member's clock)
  std::uint64_t stream_seq = 0;  // the highest stream sequence taken (stored or refused)
};
using MemberEvents = std::map<std::string, MemberCount>;

void Count(MemberEvents& members, const std::string& member, const std::string& at) {
  auto& m = members[member];
  m.events += 1;
  if (at > m.latest) m.latest = at;
}

// Stores validated rows: dossiers deduplicated to the highest seq per dossier (one statement
// may not update a row twice), progress deduplicated by key; member counters per batch.
void Store(db::Connection& c, const std::vector<DossierRow>& dossiers, const std::vector<ProgressRow>& progress,
           const MemberEvents& members, const std::string& now) {
  bool pg = c.GetEngine() == db::Engine::kPostgres;
  std::map<std::pair<std::string, std::string>, std::size_t> latest;
  for (std::size_t i = 0; i < dossiers.size(); ++i) {
    auto [it, fresh] = latest.emplace(std::make_pair(dossiers[i].member, dossiers[i].code), i);
    if (!fresh && dossiers[it->second].seq < dossiers[i].seq) it->second = i;
  }
  json::array rows;
  for (auto& [key, i] : latest) rows.push_back(FlatDossier(dossiers[i]));
  // Every statement writes its rows in key order, so two batches stored at once (several
  // ingest threads) wait for each other but never deadlock.
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> keyed;
  for (std::size_t i = 0; i < progress.size(); ++i) keyed.emplace(std::make_tuple(progress[i].member, progress[i].code, progress[i].event_key), i);
  json::array steps;
  for (const auto& [key, i] : keyed) steps.push_back(FlatProgress(progress[i]));
  if (!rows.empty()) c.Execute(pg ? store::kUpsertDossiersPg : store::kUpsertDossiersSqlite, {json::serialize(rows), now});
  if (!steps.empty()) c.Execute(pg ? store::kInsertProgressPg : store::kInsertProgressSqlite, {json::serialize(steps), now});
  json::array counts;
  for (const auto& [code, m] : members) {
    counts.push_back(json::object{{"m", code}, {"n", m.events}, {"at", m.latest.empty() ? json::value(nullptr) : json::value(m.latest)},
                                  {"q", m.stream_seq}});
  }
  if (!counts.empty()) c.Execute(pg ? store::kMemberEventsPg : store::kMemberEventsSqlite, {json::serialize(counts), now});
}

}  // namespace

Service::Service(db::Database& db, Settings settings) : db_(db), settings_(std::move(settings)) {}

// ---- member ----

namespace {

DossierFacts FactsOf(const db::ResultSet& r, std::size_t i) {
  DossierFacts f;
  f.seq = r.Int(i, 2);
  f.event_at = r.Text(i, 3);
  f.action = r.Text(i, 4);
  f.event_status = static_cast<int>(r.Int(i, 5));
  f.actor_name = r.Text(i, 6);
  f.actor_role = r.Text(i, 7);
  f.event_agency_name = r.Text(i, 8);
  f.note = r.Text(i, 9);
  f.dossier_id = r.Text(i, 10);
  f.code = r.Text(i, 11);
  f.procedure_code = r.Text(i, 12);
  f.procedure_name = r.Text(i, 13);
  f.channel = r.Text(i, 14);
  f.applicant_name = r.Text(i, 15);
  f.applicant_id_number = r.Text(i, 16);
  f.summary = r.Text(i, 17);
  f.status = static_cast<int>(r.Int(i, 18));
  f.submitted_at = r.Text(i, 19);
  f.received_at = r.Text(i, 20);
  f.due_at = r.Text(i, 21);
  f.finished_at = r.Text(i, 22);
  f.returned_at = r.Text(i, 23);
  f.handling_agency_name = r.Text(i, 24);
  f.step_due_at = r.Text(i, 25);
  f.body = r.Text(i, 26);
  f.supplements = r.Int(i, 27);
  f.submitted_to_name = r.Text(i, 28);
  f.owner_assurance = static_cast<int>(r.Int(i, 29));
  return f;
}

// The field (MALINHVUC, TENLINHVUC) a catalog record names first; empty when none.
std::pair<std::string, std::string> FieldOf(const std::string& record) {
  boost::system::error_code ec;
  auto v = json::parse(record, ec);
  if (ec || !v.is_object()) return {};
  const json::value* list = v.as_object().if_contains("LINHVUCTHUCHIEN");
  if (list == nullptr || !list->is_array()) return {};
  for (const auto& f : list->as_array()) {
    if (f.is_object()) return {Str(f.as_object(), "MALINHVUC"), Str(f.as_object(), "TENLINHVUC")};
  }
  return {};
}

// The facts of rows read by kPendingEvents or kMemberLatest, with what other modules hold:
// the procedure's field in the catalog and the dossier's paid payment requests.
std::vector<DossierFacts> ReadFacts(db::Connection& c, const db::ResultSet& r, const std::string& file_url) {
  std::vector<DossierFacts> out;
  out.reserve(r.rows.size());
  std::map<std::string, std::pair<std::string, std::string>> fields;
  std::map<std::string, std::string> paid;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    auto f = FactsOf(r, i);
    auto field = fields.find(f.procedure_code);
    if (field == fields.end()) {
      auto p = c.Execute(store::kProcedureRecord, {f.procedure_code});
      field = fields.emplace(f.procedure_code, p.Empty() ? std::pair<std::string, std::string>() : FieldOf(p.Text(0, 0))).first;
    }
    f.field_code = field->second.first;
    f.field_name = field->second.second;
    auto items = paid.find(f.dossier_id);
    if (items == paid.end()) {
      auto p = c.Execute(store::kPaidItems, {f.dossier_id});
      std::string list;
      for (std::size_t j = 0; j < p.rows.size(); ++j) list += (list.empty() ? "[" : ",") + p.Text(j, 0);
      items = paid.emplace(f.dossier_id, list.empty() ? list : list + "]").first;
    }
    f.paid_items = items->second;
    f.file_url = file_url;
    out.push_back(std::move(f));
  }
  return out;
}

// Nats-Msg-Id: the member, the row (dossier id and event seq) and, after a re-sync, its
// generation. Two relays publishing the same row produce the same id.
std::string MsgId(const std::string& member, const std::string& row_id, std::int64_t generation) {
  std::string id = member + ":" + row_id;
  if (generation > 0) id += ":g" + std::to_string(generation);
  return id;
}

}  // namespace

std::vector<OutMessage> Service::PendingMessages(std::size_t limit) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kPendingEvents, {static_cast<std::int64_t>(limit)});
  std::vector<OutMessage> out;
  out.reserve(r.rows.size());
  std::string subject = SubjectFor(settings_.member);
  auto all = ReadFacts(*c, r, FileUrl());
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const auto& facts = all[i];
    std::string row_id = r.Text(i, 0);
    std::string event_id = settings_.member + ":" + row_id;
    out.push_back({subject, MsgId(settings_.member, row_id, r.Int(i, 1)), json::serialize(EventMessage(settings_.member, event_id, facts))});
  }
  return out;
}

RelayReport Service::RelayOnce(Nats& nats, const std::string& holder) {
  RelayReport report;
  if (settings_.member.empty()) return report;
  auto c = db_.Acquire();
  // One relay at a time publishes (per-dossier order); a crashed holder's lease runs out.
  auto now = Clock::now();
  auto lease = std::chrono::duration_cast<Clock::duration>(settings_.publish_wait * 4 + std::chrono::seconds(10));
  if (c->Execute(store::kTakeLease, {"relay", holder, core::FormatUtc(now + lease), core::FormatUtc(now)}).affected != 1) {
    report.leased = false;
    return report;
  }
  std::string subject = SubjectFor(settings_.member);
  while (true) {
    auto r = c->Execute(store::kPendingEvents, {static_cast<std::int64_t>(settings_.relay_batch)});
    if (r.Empty()) break;
    std::vector<OutMessage> messages;
    messages.reserve(r.rows.size());
    auto all = ReadFacts(*c, r, FileUrl());
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      const auto& facts = all[i];
      std::string row_id = r.Text(i, 0);
      messages.push_back({subject, MsgId(settings_.member, row_id, r.Int(i, 1)),
                          json::serialize(EventMessage(settings_.member, settings_.member + ":" + row_id, facts))});
    }
    auto stored = nats.Publish(messages, settings_.publish_wait);
    // A crash here (published, not yet marked) republishes the same Nats-Msg-Id next time:
    // the stream drops it as a duplicate inside its window, and the portal's upsert is
    // idempotent after it.
    std::size_t ok = 0;
    {
      db::Transaction tx(*c);
      std::string sent_at = core::NowUtc();
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        if (!stored[i]) continue;
        c->Execute(store::kMarkSent, {r.Text(i, 0), sent_at, r.Int(i, 1)});
        ++ok;
      }
      tx.Commit();
    }
    report.published += ok;
    report.failed += r.rows.size() - ok;
    if (ok < r.rows.size()) break;  // NATS is down or slow: the rest waits for the next pass
    if (r.rows.size() < settings_.relay_batch) break;
    // Keep the lease while draining a long backlog.
    now = Clock::now();
    c->Execute(store::kTakeLease, {"relay", holder, core::FormatUtc(now + lease), core::FormatUtc(now)});
  }
  c->Execute(store::kPurgeSent, {core::FormatUtc(Clock::now() - settings_.keep_sent)});
  return report;
}

std::string Service::FileUrl() const {
  std::string base = settings_.public_url ? settings_.public_url() : std::string();
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/v1/attachments/";
}

std::vector<json::object> Service::MemberRecords() {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kMemberLatest);
  std::vector<json::object> out;
  out.reserve(r.rows.size());
  for (auto& f : ReadFacts(*c, r, FileUrl())) {
    auto record = DossierRecord(f);
    record["seq"] = f.seq;
    out.push_back(std::move(record));
  }
  return out;
}

std::pair<std::int64_t, std::string> Service::OutboxDepth() {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kOutboxDepth);
  return {r.Int(0, 0), r.Text(0, 1)};
}

std::int64_t Service::Resync(const std::string& from, const std::string& to) {
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto r = c->Execute(store::kResync, {from, to});
  tx.Commit();
  return r.affected;
}

// ---- portal ----

namespace {

// Parses and checks one NATS message; on success appends its rows.
bool Accept(Incoming& in, std::vector<DossierRow>& dossiers, std::vector<ProgressRow>& progress, std::string& at) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 16;
  auto v = json::parse(in.data, ec, {}, po);
  if (ec || !v.is_object()) {
    in.reason = "not a JSON object";
    return false;
  }
  // A member's own SQLite database may hold one; the portal's PostgreSQL would cut the text short
  // at it (http::NulPointer).
  if (auto nul = http::NulPointer(v)) {
    in.reason = "the NUL character (\\u0000) at " + *nul;  // inside the object: never the empty pointer
    return false;
  }
  auto& o = v.as_object();
  if (Str(o, "madonvi") != in.member) {
    in.reason = "madonvi '" + Str(o, "madonvi") + "' is not the subject's member '" + in.member + "'";
    return false;
  }
  auto seq = IntOf(o, "seq");
  std::string event_id = Str(o, "event_id");
  at = Str(o, "at");
  if (!seq || *seq < 1 || event_id.empty() || event_id.size() > 200 || at.size() > 40) {
    in.reason = "seq, event_id or at missing or malformed";
    return false;
  }
  const json::value* d = o.if_contains(kDossierService);
  const json::value* p = o.if_contains(kProgressService);
  if ((d == nullptr && p == nullptr) || (d != nullptr && !d->is_object()) || (p != nullptr && !p->is_object())) {
    in.reason = "no DongBoHoSoMC or CapNhatTienDoHoSoMC record";
    return false;
  }
  std::vector<RecordError> errors;
  if (d != nullptr) errors = CheckDossierRecord(d->as_object(), in.member);
  if (p != nullptr) {
    auto more = CheckProgressRecord(p->as_object(), in.member);
    errors.insert(errors.end(), more.begin(), more.end());
    if (d != nullptr && Str(d->as_object(), "MaHoSo") != Str(p->as_object(), "MaHoSo")) {
      errors.push_back({"MaHoSo", "two records of one event name different dossiers"});
    }
  }
  if (!errors.empty()) {
    in.reason = Reasons(errors);
    return false;
  }
  if (d != nullptr) dossiers.push_back({in.member, Str(d->as_object(), "MaHoSo"), event_id, at, *seq, d->as_object()});
  if (p != nullptr) {
    progress.push_back({in.member, Str(p->as_object(), "MaHoSo"), ProgressKey(p->as_object(), *seq), at, *seq, p->as_object()});
  }
  return true;
}

void StoreRange(const std::function<void(std::size_t, std::size_t)>& store, std::span<char> stored, std::size_t from,
                std::size_t to, int& failures_left, std::string& refused_alone) {
  try {
    store(from, to);
    std::fill(stored.begin() + static_cast<std::ptrdiff_t>(from), stored.begin() + static_cast<std::ptrdiff_t>(to), 1);
    return;
  } catch (const db::DbError& e) {
    if (e.Unavailable() || --failures_left <= 0) throw;
    if (to - from <= 1) {
      if (refused_alone.empty()) refused_alone = e.what();
      return;
    }
  }
  std::size_t half = from + (to - from) / 2;
  StoreRange(store, stored, from, half, failures_left, refused_alone);
  StoreRange(store, stored, half, to, failures_left, refused_alone);
}

}  // namespace

void StoreInHalves(const std::function<void(std::size_t, std::size_t)>& store, std::span<char> stored, std::string& refused_alone) {
  int failures_left = kMaxSplitFailures;
  StoreRange(store, stored, 0, stored.size(), failures_left, refused_alone);
}

void Service::Ingest(std::span<Incoming> batch) {
  std::vector<DossierRow> dossiers;
  std::vector<ProgressRow> progress;
  std::map<std::string, std::int64_t> refused;
  MemberEvents members;
  dossiers.reserve(batch.size());
  progress.reserve(batch.size());
  for (auto& in : batch) {
    std::string at;
    in.accepted = Accept(in, dossiers, progress, at);
    if (in.accepted) Count(members, in.member, at);
    if (in.stream_seq > 0 && !in.member.empty()) {
      auto& m = members[in.member];
      m.stream_seq = std::max(m.stream_seq, in.stream_seq);
    }
    if (!in.accepted) {
      refused[in.member.empty() ? std::string("?") : in.member] += 1;
      core::Log(core::LogLevel::kWarn, "sync record refused", {{"member", std::string_view(in.member)}, {"reason", std::string_view(in.reason)}});
    }
  }
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  std::string now = core::NowUtc();
  Store(*c, dossiers, progress, members, now);
  for (const auto& [member, n] : refused) c->Execute(store::kMemberRejected, {member, n, now});
  tx.Commit();
}

core::Result<json::object> Service::Post(const identity::Principal& who, const json::object& body) {
  if (who.kind != identity::AccountKind::kClient || !who.HasScope("dossier.sync")) {
    return Fail(ErrorCode::kForbidden, "Cần ứng dụng có quyền dossier.sync. / A client with the dossier.sync scope is required.");
  }
  auto c = db_.Acquire();
  auto m = c->Execute(store::kMemberByClient, {who.account_id});
  if (m.Empty()) return Fail(ErrorCode::kForbidden, "Ứng dụng chưa được đăng ký là đơn vị đồng bộ. / This client is not registered as a sync member.");
  std::string member = m.Text(0, 0);
  std::string madonvi = Str(body, "madonvi");
  if (!madonvi.empty() && madonvi != member) {
    return Fail(ErrorCode::kForbidden, "Ứng dụng không được gửi thay đơn vị " + madonvi + ". / This client may not send for " + madonvi + ".");
  }
  std::string service = Str(body, "service");
  if (service != kDossierService && service != kProgressService) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "service phải là DongBoHoSoMC hoặc CapNhatTienDoHoSoMC. / service must be DongBoHoSoMC or CapNhatTienDoHoSoMC.",
        {{"/service", "DongBoHoSoMC | CapNhatTienDoHoSoMC"}}}));
  }
  const json::value* data = body.if_contains("data");
  if (data == nullptr || !data->is_array() || data->as_array().empty() || data->as_array().size() > kMaxHttpRecords) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "data phải là mảng 1–1000 bản ghi. / data must be an array of 1 to 1000 records.", {{"/data", "1..1000 records"}}}));
  }
  bool dossier = service == kDossierService;
  // Each record is checked first; those that pass are then stored in one transaction.
  struct Checked {
    std::size_t index;
    json::object record;
    std::string code;
    std::optional<std::int64_t> seq;
  };
  std::vector<Checked> valid;
  const auto& records = data->as_array();
  json::array results(records.size(), json::object{});
  std::size_t refused = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    json::object& res = results[i].as_object();
    res["index"] = i;
    if (!records[i].is_object()) {
      res["status"] = "refused";
      res["errors"] = json::array{json::object{{"field", ""}, {"message", "Bản ghi phải là đối tượng JSON. / A record must be a JSON object."}}};
      ++refused;
      continue;
    }
    json::object record = records[i].as_object();
    std::string code = Str(record, "MaHoSo");
    res["MaHoSo"] = code;
    auto errors = dossier ? CheckDossierRecord(record, member) : CheckProgressRecord(record, member);
    // A record holding a NUL character is refused on its own (the route lets it through the body
    // check, which would refuse the whole request): PostgreSQL's text cannot hold it.
    if (auto nul = http::NulPointer(records[i])) {
      errors.push_back({nul->substr(1),  // the record is an object: the pointer names a field in it
                        "Không được chứa ký tự NUL (\\u0000). / May not contain the NUL character (\\u0000)."});
    }
    // motcua extension: `seq`, the sender's per-dossier event order (optional).
    std::optional<std::int64_t> seq;
    if (record.contains("seq")) {
      seq = IntOf(record, "seq");
      if (!seq || *seq < 1) errors.push_back({"seq", "seq phải là số nguyên dương. / seq must be a positive integer."});
      record.erase("seq");
    }
    if (!errors.empty()) {
      res["status"] = "refused";
      res["errors"] = ErrorsJson(errors);
      ++refused;
      continue;
    }
    valid.push_back({i, std::move(record), std::move(code), seq});
  }
  std::string now = core::NowUtc();
  // Stores one checked record on `c`, inside the caller's transaction; says what became of it.
  auto store_one = [&](const Checked& r) -> std::string {
    std::vector<DossierRow> ds;
    std::vector<ProgressRow> ps;
    if (dossier) {
      auto current = c->Execute(store::kCurrentSeq, {member, r.code});
      std::optional<std::int64_t> have = current.Empty() ? std::nullopt : std::optional<std::int64_t>(current.Int(0, 0));
      // Without a seq the records are ordered as they arrive (the legacy adapter's isUpdating).
      std::int64_t s = r.seq ? *r.seq : have.value_or(0) + 1;
      if (have && *have >= s) return *have == s ? "duplicate" : "stale";
      ds.push_back({member, r.code, "http:" + who.account_id + ":" + r.code + ":" + std::to_string(s), now, s, r.record});
    } else {
      ps.push_back({member, r.code, ProgressKey(r.record, r.seq), now, r.seq, r.record});
    }
    MemberEvents counted;
    Count(counted, member, now);
    Store(*c, ds, ps, counted, now);
    return "accepted";
  };
  // In one transaction, with the count of the refused; a record the database refuses (a rule the
  // checks above do not know of) holds back only itself and is answered `failed`, to be sent again.
  bool rejected_counted = refused == 0;  // with the first part stored
  auto count_rejected = [&] { c->Execute(store::kMemberRejected, {member, static_cast<std::int64_t>(refused), now}); };
  std::vector<char> stored(valid.size(), 0);
  std::string refused_alone;
  StoreInHalves([&](std::size_t from, std::size_t to) {
    db::Transaction tx(*c);
    for (std::size_t i = from; i < to; ++i) results[valid[i].index].as_object()["status"] = store_one(valid[i]);
    if (!rejected_counted) count_rejected();
    tx.Commit();
    rejected_counted = true;
  }, stored, refused_alone);
  if (!rejected_counted) count_rejected();  // no part was stored
  std::size_t failed = 0;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (stored[i]) continue;
    json::object& res = results[valid[i].index].as_object();
    res["status"] = "failed";
    res["errors"] = json::array{json::object{
        {"field", ""}, {"message", "Cổng chưa lưu được bản ghi này; hãy gửi lại sau. / The portal could not store this record; send it again later."}}};
    ++failed;
  }
  if (failed > 0) {
    core::Log(core::LogLevel::kWarn, "sync records the database refuses",
              {{"member", std::string_view(member)}, {"failed", static_cast<std::int64_t>(failed)}, {"error", std::string_view(refused_alone)}});
  }
  std::size_t accepted = records.size() - refused - failed;
  bool all = refused + failed == 0;
  return json::object{{"error_code", all ? "00" : "01"},
                      {"message", all ? "Đã nhận. / Accepted."
                                      : "Một số bản ghi bị từ chối hoặc chưa lưu được; xem results. / Some records were refused or not stored; see results."},
                      {"accepted", accepted},
                      {"refused", refused},
                      {"failed", failed},
                      {"results", std::move(results)}};
}

namespace {

json::object Summary(const db::ResultSet& r, std::size_t i) {
  return json::object{{"MaHoSo", r.Text(i, 1)},     {"madonvi", r.Text(i, 0)},      {"member_name", r.Text(i, 14)},
                      {"TrangThaiHoSo", r.Int(i, 3)}, {"MaTTHC", r.Text(i, 4)},       {"TenTTHC", r.Text(i, 5)},
                      {"NgayTiepNhan", r.Text(i, 6)}, {"NgayHenTra", r.Text(i, 7)},    {"NgayTra", r.Text(i, 8)},
                      {"DonViXuLy", r.Text(i, 9)},    {"synced_at", r.Text(i, 13)}};
}

}  // namespace

core::Result<json::object> Service::Track(const std::optional<identity::Principal>& who, const std::string& code,
                                          const std::string& id_number) {
  if (code.empty() || code.size() > 64) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  auto c = db_.Acquire();
  auto r = c->Execute(store::kNationalByCode, {code});
  if (r.Empty()) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  // Circular 01/2018 Art. 16 §2d: code and state for anyone; details for the owner.
  json::object out = Summary(r, 0);
  std::string owner_id = r.Text(0, 10);
  bool owner = !owner_id.empty() && id_number == owner_id;
  if (!owner && who && who->kind == identity::AccountKind::kCitizen) {
    auto p = c->Execute(store::kAccountPersonalId, {who->account_id});
    owner = !p.Empty() && !owner_id.empty() && p.Text(0, 0) == owner_id;
  }
  out["details"] = owner;
  if (owner) {
    boost::system::error_code ec;
    auto record = json::parse(r.Text(0, 11), ec);
    out[kDossierService] = ec ? json::value(nullptr) : record;
    json::array steps;
    auto p = c->Execute(store::kNationalProgress, {r.Text(0, 0), code});
    for (std::size_t i = 0; i < p.rows.size(); ++i) {
      steps.push_back(json::object{{"NguoiXuLy", p.Text(i, 1)}, {"ChucDanh", p.Text(i, 2)}, {"ThoiDiemXuLy", p.Text(i, 3)},
                                   {"PhongBanXuLy", p.Text(i, 4)}, {"NoiDungXuLy", p.Text(i, 5)}, {"TrangThai", p.Int(i, 6)},
                                   {"NgayBatDau", p.Text(i, 7)}, {"NgayKetThucTheoQuyDinh", p.Text(i, 8)}});
    }
    out[kProgressService] = std::move(steps);
  }
  return out;
}

core::Result<json::object> Service::Mine(const identity::Principal& who, std::size_t offset, std::size_t limit) {
  if (who.kind != identity::AccountKind::kCitizen && who.kind != identity::AccountKind::kBusiness) {
    return Fail(ErrorCode::kForbidden, "Chỉ người nộp hồ sơ xem được. / Only applicants have dossiers.");
  }
  auto c = db_.Acquire();
  auto p = c->Execute(store::kAccountPersonalId, {who.account_id});
  std::string id = p.Empty() ? std::string() : p.Text(0, 0);
  json::array items;
  std::int64_t total = 0;
  if (!id.empty()) {
    auto r = c->Execute(store::kNationalMine, {id, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)});
    for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(Summary(r, i));
    total = c->Execute(store::kCountNationalMine, {id}).Int(0, 0);
  }
  bool more = static_cast<std::int64_t>(offset + items.size()) < total;
  return json::object{{"items", std::move(items)},
                      {"next_cursor", more ? json::value(std::to_string(offset + limit)) : json::value(nullptr)},
                      {"total", total}};
}

namespace {

// yyyyMMddHHmmss in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) → the instant; nullopt when malformed.
std::optional<Clock::time_point> NationalInstant(std::string_view s) {
  if (s.size() != 14 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return std::nullopt;
  auto num = [&](std::size_t at, std::size_t len) { return std::stoi(std::string(s.substr(at, len))); };
  std::chrono::year_month_day ymd{std::chrono::year(num(0, 4)), std::chrono::month(static_cast<unsigned>(num(4, 2))),
                                  std::chrono::day(static_cast<unsigned>(num(6, 2)))};
  if (!ymd.ok()) return std::nullopt;
  return Clock::time_point(std::chrono::sys_days(ymd)) + std::chrono::hours(num(8, 2)) + std::chrono::minutes(num(10, 2)) +
         std::chrono::seconds(num(12, 2)) - std::chrono::hours(7);
}

// yyyyMMddHHmmss → RFC 3339 in Vietnam's time, as the dossier API answers instants.
json::value NationalLocal(std::string_view s) {
  if (!NationalInstant(s)) return nullptr;
  return json::value(std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" + std::string(s.substr(6, 2)) + "T" +
                     std::string(s.substr(8, 2)) + ":" + std::string(s.substr(10, 2)) + ":" + std::string(s.substr(12, 2)) + "+07:00");
}

}  // namespace

std::pair<std::vector<OtherDossier>, std::int64_t> Service::OthersOf(db::Connection& c, const identity::Principal& who, int status,
                                                                     std::size_t n) {
  std::pair<std::vector<OtherDossier>, std::int64_t> out{{}, 0};
  if (who.kind != identity::AccountKind::kCitizen && who.kind != identity::AccountKind::kBusiness) return out;
  auto p = c.Execute(store::kAccountPersonalId, {who.account_id});
  std::string id = p.Empty() ? std::string() : p.Text(0, 0);
  if (id.empty()) return out;
  std::int64_t st = status;
  auto r = c.Execute(store::kNationalOthers, {id, st, who.account_id, static_cast<std::int64_t>(n)});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    std::string member = r.Text(i, 0), code = r.Text(i, 1), submitted = r.Text(i, 5);
    json::object agency{{"id", ""}, {"code", member}, {"name", r.Text(i, 9)}};
    json::object item{{"code", code},
                      {"source", "national"},
                      {"member", json::object{{"code", member}, {"name", r.Text(i, 10)}}},
                      {"procedure_code", r.Text(i, 3)},
                      {"procedure_name", r.Text(i, 4)},
                      {"status", r.Int(i, 2)},
                      {"agency", agency},
                      {"handling_agency", agency},
                      {"submitted_at", NationalLocal(submitted)},
                      {"received_at", NationalLocal(r.Text(i, 6))},
                      {"due_at", NationalLocal(r.Text(i, 7))},
                      {"returned_at", NationalLocal(r.Text(i, 8))},
                      {"tracking_url", "/api/v1/national/dossiers/" + code}};
    out.first.push_back({NationalInstant(submitted).value_or(Clock::time_point{}), code, std::move(item)});
  }
  out.second = c.Execute(store::kCountNationalOthers, {id, st, who.account_id}).Int(0, 0);
  return out;
}

core::Result<json::object> Service::Stats(const std::string& by, const std::string& from, const std::string& to) {
  const db::Query* q = by == "member" ? &store::kStatsByMember : by == "procedure" ? &store::kStatsByProcedure
                                                              : by == "status" ? &store::kStatsByStatus : nullptr;
  if (q == nullptr) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "by phải là member, procedure hoặc status. / by must be member, procedure or status.", {{"/by", "member | procedure | status"}}}));
  }
  // Days of receipt, YYYY-MM-DD (Asia/Ho_Chi_Minh), both included; the roll-up keeps yyyyMMdd.
  auto day = [](const std::string& d) -> std::optional<std::string> {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
    std::string out = d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
    if (!std::all_of(out.begin(), out.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return std::nullopt;
    return out;
  };
  auto lo = from.empty() ? std::optional<std::string>("") : day(from);
  auto hi = to.empty() ? std::optional<std::string>("99999999") : day(to);
  if (!lo || !hi) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "from và to là ngày YYYY-MM-DD. / from and to are days, YYYY-MM-DD.", {{!lo ? "/from" : "/to", "YYYY-MM-DD"}}}));
  }
  if (*hi < *lo) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "to không được trước from. / to must not be before from.", {{"/to", "≥ from"}}}));
  }
  auto c = db_.Acquire();
  auto r = c->Execute(*q, {*lo, *hi});
  json::array rows;
  std::int64_t total = 0;
  std::string last;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    std::string key = r.Text(i, 0);
    if (rows.empty() || key != last) {
      rows.push_back(json::object{{"key", key}, {"total", 0}, {"by_status", json::object{}}});
      last = key;
    }
    auto& row = rows.back().as_object();
    std::int64_t n = r.Int(i, 2);
    row["total"] = row["total"].as_int64() + n;
    row["by_status"].as_object()[r.Text(i, 1)] = n;
    total += n;
  }
  return json::object{{"by", by}, {"total", total}, {"rows", std::move(rows)}};
}

core::Result<json::object> Service::Members(const identity::Principal& who) {
  if (!who.HasRole(identity::Role::kSysadmin)) return Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống. / Sysadmins only.");
  RefreshLag();
  json::array items;
  for (const auto& m : Lag()) {
    items.push_back(json::object{{"code", m.code}, {"name", m.name}, {"events", m.events}, {"rejected", m.rejected},
                                 {"last_event_at", m.last_event_at.empty() ? json::value(nullptr) : json::value(m.last_event_at)},
                                 {"last_ingest_at", m.last_ingest_at.empty() ? json::value(nullptr) : json::value(m.last_ingest_at)},
                                 {"last_stream_seq", m.last_stream_seq}, {"stream_lag", m.stream_lag}});
  }
  std::size_t total = items.size();
  return json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}};
}

core::Result<json::object> Service::PutMember(const identity::Principal& who, const std::string& code, const json::object& body) {
  if (!who.HasRole(identity::Role::kSysadmin)) return Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống. / Sysadmins only.");
  if (!ValidMemberCode(code)) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument,
        "Mã đơn vị gồm 1–35 ký tự 0-9, A-Z, dấu chấm. / A member code is 1 to 35 of 0-9, A-Z and dots.", {{"/code", "invalid"}}}));
  }
  std::string name = Str(body, "name"), client = Str(body, "client_id");
  if (name.size() > 300 || client.size() > 200) {
    return core::Result<json::object>(std::unexpected(core::Error{ErrorCode::kInvalidArgument, "Quá dài. / Too long.", {{"/name", "≤ 300 bytes"}}}));
  }
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  try {
    c->Execute(store::kUpsertMember, {code, name, client.empty() ? db::Value(nullptr) : db::Value(client), core::NowUtc()});
  } catch (const db::DbError& e) {
    if (e.kind() != db::DbError::Kind::kUniqueViolation) throw;
    return Fail(ErrorCode::kConflict, "Ứng dụng này đã gắn với đơn vị khác. / This client belongs to another member.");
  }
  tx.Commit();
  return json::object{{"code", code}, {"name", name}, {"client_id", client.empty() ? json::value(nullptr) : json::value(client)}};
}

std::vector<std::string> Service::Compare(const std::string& member,
                                          const std::vector<std::tuple<std::string, std::int64_t, int>>& truth) {
  std::vector<json::object> records;
  records.reserve(truth.size());
  for (const auto& [code, seq, status] : truth) {
    records.push_back(json::object{{"MaHoSo", code}, {"seq", seq}, {"TrangThaiHoSo", status}});
  }
  return CompareRecords(member, records);
}

std::vector<std::string> Service::CompareRecords(const std::string& member, const std::vector<json::object>& truth) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kMemberDossiers, {member});
  struct Held {
    std::int64_t seq;
    int status;
    std::string record;
  };
  std::map<std::string, Held> national;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    national[r.Text(i, 0)] = {r.Int(i, 1), static_cast<int>(r.Int(i, 2)), r.Text(i, 3)};
  }
  std::vector<std::string> diffs;
  for (const auto& want : truth) {
    std::string code = Str(want, "MaHoSo");
    std::int64_t seq = IntOf(want, "seq").value_or(0);
    int status = static_cast<int>(IntOf(want, "TrangThaiHoSo").value_or(0));
    auto it = national.find(code);
    if (it == national.end()) {
      diffs.push_back(code + ": missing");
      continue;
    }
    if (it->second.seq != seq || it->second.status != status) {
      diffs.push_back(code + ": national seq " + std::to_string(it->second.seq) + " status " + std::to_string(it->second.status) +
                      ", member seq " + std::to_string(seq) + " status " + std::to_string(status));
    } else {
      // Every other national field the member's record names must be held as sent.
      boost::system::error_code ec;
      auto held = json::parse(it->second.record, ec);
      for (const auto& [key, value] : want) {
        if (key == "seq" || key == "MaHoSo" || key == "TrangThaiHoSo") continue;
        const json::value* have = ec || !held.is_object() ? nullptr : held.as_object().if_contains(key);
        if (have == nullptr || *have != value) {
          diffs.push_back(code + ": " + std::string(key) + " national " + (have ? json::serialize(*have) : std::string("(none)")) +
                          ", member " + json::serialize(value));
        }
      }
    }
    national.erase(it);
  }
  for (const auto& [code, v] : national) diffs.push_back(code + ": not at the member");
  return diffs;
}

std::vector<MemberLag> Service::Lag() const {
  std::lock_guard lock(lag_mu_);
  return lag_;
}

void Service::RefreshLag() {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kMembers);
  std::vector<MemberLag> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    MemberLag m{r.Text(i, 0), r.Text(i, 1), r.Int(i, 3), r.Int(i, 4), r.Text(i, 5), r.Text(i, 6)};
    m.last_stream_seq = static_cast<std::uint64_t>(r.Int(i, 7));
    out.push_back(std::move(m));
  }
  std::lock_guard lock(lag_mu_);
  // The stream's side is refreshed separately (RefreshStreamLag): keep its last figures.
  for (auto& m : out) {
    auto old = std::find_if(lag_.begin(), lag_.end(), [&](const MemberLag& o) { return o.code == m.code; });
    if (old != lag_.end()) m.stream_lag = old->stream_lag;
  }
  lag_ = std::move(out);
}

bool Service::RefreshStreamLag(Nats& nats) {
  std::vector<std::pair<std::string, std::uint64_t>> ingested;
  {
    std::lock_guard lock(lag_mu_);
    for (const auto& m : lag_) ingested.emplace_back(m.code, m.last_stream_seq);
  }
  std::map<std::string, std::uint64_t> lag;
  for (const auto& [code, taken] : ingested) {
    auto last = nats.LastSeq(settings_.stream.name, SubjectFor(code));
    if (!last) return false;
    lag[code] = *last > taken ? *last - taken : 0;
  }
  std::lock_guard lock(lag_mu_);
  for (auto& m : lag_) {
    auto it = lag.find(m.code);
    // A member ingested meanwhile: the sequence read then is newer than the one compared.
    if (it != lag.end()) m.stream_lag = it->second;
  }
  return true;
}

}  // namespace motcua::sync
