#include "catalog/routes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>

#include "catalog/store.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "http/json.hpp"
#include "http/offload.hpp"
#include "http/problem.hpp"

namespace motcua::catalog {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;

bool English(const Request& req) { return req.language == http::Language::kEn; }

Response Bad(const Request& req, std::string vi_en, std::vector<core::FieldError> fields = {}) {
  return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, std::move(vi_en), std::move(fields)});
}

std::optional<std::size_t> SizeParam(const Request& req, std::string_view name, std::size_t def, std::size_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return def;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || ptr != v->data() + v->size() || n > max) return std::nullopt;
  return n;
}

json::array Facets(const std::vector<Facet>& list, const std::function<std::string(const Facet&)>& label) {
  json::array a;
  for (const auto& f : list) a.push_back(json::object{{"value", f.value}, {"label", label(f)}, {"count", f.count}});
  return a;
}

std::string_view ClassText(std::string_view c, bool en) {
  if (c == "full_online") return en ? "Full online service" : "Dịch vụ công trực tuyến toàn trình";
  if (c == "partial_online") return en ? "Partly online service" : "Dịch vụ công trực tuyến một phần";
  if (c == "info_only") return en ? "Information only" : "Thông tin thủ tục hành chính";
  return c;
}

std::string_view ChannelText(std::string_view c, bool en) {
  if (c == "1") return en ? "In person" : "Trực tiếp";
  if (c == "2") return en ? "Online" : "Trực tuyến";
  if (c == "3") return en ? "Public post" : "Bưu chính công ích";
  return c;
}

json::object Summary(const Procedure& p) {
  json::array fields, channels, levels;
  for (const auto& f : p.fields) fields.push_back(json::object{{"code", f.code}, {"name", f.name}});
  for (const auto& l : p.levels) levels.push_back(json::string(l));
  for (const auto& c : p.channels) {
    for (const auto& d : c.durations) {
      std::int64_t total = 0;
      for (const auto& f : d.fees) total += f.amount;
      channels.push_back(json::object{{"channel", c.channel}, {"duration", d.value}, {"unit", d.unit}, {"fee_total", total}});
      break;  // the first option of each channel
    }
  }
  return json::object{{"code", p.code},     {"name", p.name},       {"name_en", p.name_en},
                      {"fields", fields},   {"levels", levels},     {"service_class", p.service_class},
                      {"level", p.level},   {"channels", channels}, {"implementing", p.implementing.empty() ? "" : p.implementing.front().name}};
}

// ---- public ----

awaitable<Response> SearchProcedures(Deps& d, Request req) {
  SearchQuery q;
  q.q = std::string(req.Query("q").value_or(""));
  if (q.q.size() > 500) co_return Bad(req, "Từ khóa tìm kiếm quá dài (tối đa 500 byte). / The search text is too long (500 bytes at most).", {{"q", "too long"}});
  if (!q.q.empty() && QueryWords(q.q).empty()) {
    co_return Bad(req, "Từ khóa tìm kiếm không có chữ hoặc số nào. / The search text has no letters or digits.", {{"q", "no words"}});
  }
  q.field = std::string(req.Query("field").value_or(""));
  q.level = std::string(req.Query("level").value_or(""));
  q.agency = std::string(req.Query("agency").value_or(""));
  q.service_class = std::string(req.Query("service_class").value_or(""));
  if (!q.level.empty() && LevelText(q.level, false) == q.level) {
    co_return Bad(req, "Cấp phải là central, province, district hoặc commune. / level must be central, province, district or commune.", {{"level", q.level}});
  }
  if (!q.service_class.empty() && ClassText(q.service_class, false) == q.service_class) {
    co_return Bad(req, "Mức dịch vụ không hợp lệ. / service_class must be info_only, partial_online or full_online.", {{"service_class", q.service_class}});
  }
  if (auto ch = req.Query("channel"); ch && !ch->empty()) {
    if (*ch != "1" && *ch != "2" && *ch != "3") co_return Bad(req, "Kênh là 1, 2 hoặc 3. / channel is 1, 2 or 3.", {{"channel", std::string(*ch)}});
    q.channel = (*ch)[0] - '0';
  }
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  if (!limit || *limit == 0) co_return Bad(req, "limit từ 1 đến 100. / limit is 1 to 100.", {{"limit", "1..100"}});
  if (!offset) co_return Bad(req, "cursor không hợp lệ. / Not a cursor.", {{"cursor", "invalid"}});
  q.limit = *limit;
  q.offset = *offset;
  struct Out {
    json::object body;
  };
  bool en = English(req);
  Out out = co_await http::Offload(d.workers, [&]() {
    auto snapshot = d.catalog.Current();
    SearchResult r = snapshot->procedures->Search(q);
    json::array items;
    for (const auto& h : r.hits) {
      json::object item = Summary(*h.procedure);
      item["name_html"] = h.name_html;
      item["snippet_html"] = h.snippet_html;
      items.push_back(std::move(item));
    }
    std::size_t next = q.offset + r.hits.size();
    json::object facets;
    for (const auto& [dim, list] : r.facets) {
      facets[dim] = Facets(list, [&](const Facet& f) -> std::string {
        if (dim == "level") return std::string(LevelText(f.value, en));
        if (dim == "service_class") return std::string(ClassText(f.value, en));
        if (dim == "channel") return std::string(ChannelText(f.value, en));
        return f.label;
      });
    }
    return Out{json::object{{"items", std::move(items)},
                            {"next_cursor", next < r.total ? json::value(std::to_string(next)) : json::value(nullptr)},
                            {"total", r.total},
                            {"facets", std::move(facets)}}};
  });
  co_return http::JsonResponse(200, out.body);
}

awaitable<Response> GetProcedure(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  std::optional<json::object> detail = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto snapshot = d.catalog.Current();
    const Procedure* p = snapshot->procedures->Find(code);
    if (p == nullptr) return std::nullopt;
    return DetailJson(*p);
  });
  if (!detail) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có thủ tục này. / No such procedure.", {}});
  co_return http::JsonResponse(200, *detail);
}

awaitable<Response> GetProcedureRecord(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  std::optional<json::object> record = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto conn = d.catalog.Db().Acquire();
    auto row = store::FindProcedure(*conn, code);
    if (!row || row->status != "published" || !row->published_version) return std::nullopt;
    return store::Record(*conn, code, *row->published_version);
  });
  if (!record) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có thủ tục này. / No such procedure.", {}});
  co_return http::JsonResponse(200, *record);
}

awaitable<Response> GetFields(Deps& d, Request /*req*/) {
  json::array items = co_await http::Offload(d.workers, [&]() {
    auto snapshot = d.catalog.Current();
    std::map<std::string, std::size_t> counts;
    for (const auto& p : snapshot->procedures->All()) {
      for (const auto& f : p.fields) ++counts[f.code];
    }
    json::array a;
    for (const auto& [code, names] : snapshot->fields) {
      a.push_back(json::object{{"code", code}, {"name", names.first}, {"name_en", names.second},
                               {"procedures", counts.contains(code) ? counts.at(code) : 0}});
    }
    return a;
  });
  std::size_t total = items.size();
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}});
}

awaitable<Response> GetFaq(Deps& d, Request req) {
  std::string q(req.Query("q").value_or(""));
  if (q.size() > 500) co_return Bad(req, "Từ khóa tìm kiếm quá dài. / The search text is too long.", {{"q", "too long"}});
  if (!q.empty() && QueryWords(q).empty()) co_return Bad(req, "Từ khóa tìm kiếm không có chữ hoặc số nào. / The search text has no letters or digits.", {{"q", "no words"}});
  std::string procedure(req.Query("procedure").value_or(""));
  std::string field(req.Query("field").value_or(""));
  auto limit = SizeParam(req, "limit", 20, 100);
  if (!limit || *limit == 0) co_return Bad(req, "limit từ 1 đến 100. / limit is 1 to 100.", {{"limit", "1..100"}});
  json::object body = co_await http::Offload(d.workers, [&]() {
    auto snapshot = d.catalog.Current();
    auto hits = SearchFaq(*snapshot, q, procedure, field);
    auto words = QueryWords(q);
    std::set<std::string> terms(words.begin(), words.end());
    json::array items;
    for (std::size_t i = 0; i < hits.size() && items.size() < *limit; ++i) {
      const FaqEntry& f = *hits[i];
      items.push_back(json::object{{"id", f.id}, {"question", f.question}, {"answer", f.answer},
                                   {"question_en", f.question_en}, {"answer_en", f.answer_en},
                                   {"question_html", Snippet(f.question, terms)},
                                   {"procedure_code", f.procedure_code}, {"field_code", f.field_code}});
    }
    return json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", hits.size()}};
  });
  co_return http::JsonResponse(200, body);
}

awaitable<Response> GetBundles(Deps& d, Request req) {
  bool en = English(req);
  json::array items = co_await http::Offload(d.workers, [&]() {
    auto snapshot = d.catalog.Current();
    json::array a;
    for (const auto& b : snapshot->bundles) a.push_back(BundleDetail(*snapshot, b, en));
    return a;
  });
  std::size_t total = items.size();
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}});
}

awaitable<Response> GetBundle(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  bool en = English(req);
  std::optional<json::object> found = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto snapshot = d.catalog.Current();
    if (const auto* b = snapshot->FindBundle(code)) return BundleDetail(*snapshot, *b, en);
    return std::nullopt;
  });
  if (!found) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có nhóm thủ tục này. / No such bundle.", {}});
  co_return http::JsonResponse(200, *found);
}

// ---- administration ----

// Agency admins within the agency subtree of a procedure (its publisher or an implementing
// agency); sysadmins everywhere.
awaitable<core::Result<identity::Principal>> Administrator(Deps& d, const Request& req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return std::unexpected(who.error());
  auto ok = identity::RequireAnyRole(*who, {identity::Role::kAgencyAdmin});
  if (!ok) co_return std::unexpected(ok.error());
  co_return std::move(*who);
}

awaitable<Response> AdminList(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string status(req.Query("status").value_or(""));
  json::array items = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    auto published_here = store::LastPublished(*conn);
    calendar::WorkCalendar national = d.calendar.National(*conn);
    std::string today = core::NowUtc().substr(0, 10);
    // Whether this administrator may change a procedure (the server checks again on every
    // change): the publisher's or an implementing agency's path is theirs. The implementing
    // agencies are known here for published procedures only; the others stay open to try.
    auto snapshot = d.catalog.Current();
    std::map<std::string, std::string> paths;
    auto under = [&](const std::string& code) {
      auto [it, fresh] = paths.try_emplace(code);
      if (fresh) it->second = store::AgencyPath(*conn, code);
      return !who->agency_path.empty() && it->second.starts_with(who->agency_path);
    };
    bool everywhere = who->HasRole(identity::Role::kSysadmin);
    json::array a;
    for (const auto& p : store::ListProcedures(*conn, status)) {
      bool managed = everywhere || under(p.publisher_code);
      if (!managed) {
        const auto* published = snapshot->procedures->Find(p.code);
        managed = published == nullptr ||
                  std::any_of(published->implementing.begin(), published->implementing.end(), [&](const auto& ag) { return under(ag.code); });
      }
      std::string level1 = p.publisher_code.substr(p.publisher_code.rfind('.') + 1);
      std::string deadline = PublicationDeadline(p.decision_date, !level1.starts_with("H"), &national);
      // Late: a draft still unpublished after the deadline, or published here after it. Records
      // imported already published keep the history of the catalog they came from.
      bool missed = false;
      if (!deadline.empty() && p.status == "draft") missed = today > deadline;
      else if (!deadline.empty() && published_here.contains(p.code)) missed = published_here.at(p.code).substr(0, 10) > deadline;
      a.push_back(json::object{{"code", p.code}, {"name", p.name}, {"status", p.status},
                               {"publication_deadline", deadline.empty() ? json::value(nullptr) : json::value(deadline)},
                               {"deadline_missed", missed},
                               {"latest_version", p.latest_version},
                               {"published_version", p.published_version ? json::value(*p.published_version) : json::value(nullptr)},
                               {"publisher_code", p.publisher_code}, {"decision_date", p.decision_date},
                               {"updated_at", p.updated_at}, {"managed", managed}});
    }
    return a;
  });
  std::size_t total = items.size();
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}});
}

awaitable<Response> AdminImport(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto body = http::ParseJsonBody(req, {.max_depth = 16});
  if (!body) co_return http::ProblemResponse(req, body.error());
  ImportScope scope;
  scope.account = who->login;
  scope.everywhere = who->HasRole(identity::Role::kSysadmin);
  scope.agency_path = who->agency_path;
  ImportReport report = co_await http::Offload(d.workers, [&]() { return d.catalog.Import(*body, scope); });
  if (!report.errors.empty()) {
    std::vector<core::FieldError> fields;
    json::array errors;
    for (const auto& e : report.errors) {
      errors.push_back(json::object{{"index", e.index}, {"code", e.code}, {"pointer", e.pointer}, {"message", e.message}});
    }
    Response res = http::ProblemResponse(
        req, {ErrorCode::kInvalidArgument,
              "Tệp có " + std::to_string(report.errors.size()) + " lỗi; không thủ tục nào được nhập. / The file has " +
                  std::to_string(report.errors.size()) + " problem(s); nothing was imported.",
              {}});
    // The per-record report, in the problem body.
    boost::system::error_code ec;
    json::value problem = json::parse(res.body, ec);
    if (!ec && problem.is_object()) {
      problem.as_object()["records"] = std::move(errors);
      res.body = json::serialize(problem);
    }
    res.status = 422;
    co_return res;
  }
  co_return http::JsonResponse(200, json::object{{"created", report.created}, {"updated", report.updated}});
}

std::string CsvField(const std::string& v) {
  bool quote = v.find_first_of(",\"\n\r") != std::string::npos;
  std::string out = v;
  if (!out.empty() && (out[0] == '=' || out[0] == '+' || out[0] == '-' || out[0] == '@')) out = "'" + out;  // no formulas
  if (!quote) return out;
  std::string q = "\"";
  for (char c : out) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

awaitable<Response> AdminExport(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string format(req.Query("format").value_or("json"));
  if (format != "json" && format != "csv") co_return Bad(req, "format là json hoặc csv. / format is json or csv.", {{"format", format}});
  std::string status(req.Query("status").value_or(""));
  Response res = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    auto rows = store::ListProcedures(*conn, status);
    if (format == "json") {
      json::array records;
      for (const auto& p : rows) {
        if (auto r = store::Record(*conn, p.code, p.latest_version)) records.push_back(std::move(*r));
      }
      Response r = http::JsonResponse(200, records);
      r.SetHeader("Content-Disposition", "attachment; filename=\"thu-tuc.json\"");
      return r;
    }
    std::string csv = "MATTHC,TENTTHC,TRANGTHAI,DICHVUCONG,MUCDO,CAPTHUCHIEN,LINHVUC,MACOQUANCONGBO,SOQUYETDINHCONGBO,"
                      "NGAYQUYETDINHCONGBO,PHIENBAN\r\n";
    for (const auto& p : rows) {
      auto record = store::Record(*conn, p.code, p.latest_version);
      auto parsed = record ? ParseRecord(*record) : Parsed{};
      std::string levels, fields;
      if (parsed.procedure) {
        for (const auto& l : parsed.procedure->levels) levels += (levels.empty() ? "" : "; ") + std::string(LevelText(l, false));
        for (const auto& f : parsed.procedure->fields) fields += (fields.empty() ? "" : "; ") + f.name;
      }
      const Procedure empty;
      const Procedure& pr = parsed.procedure ? *parsed.procedure : empty;
      csv += CsvField(p.code) + "," + CsvField(p.name) + "," + p.status + "," + pr.service_class + "," +
             std::to_string(pr.level) + "," + CsvField(levels) + "," + CsvField(fields) + "," + CsvField(p.publisher_code) +
             "," + CsvField(pr.decision_number) + "," + pr.decision_date + "," + std::to_string(p.latest_version) + "\r\n";
    }
    Response r = Response::Text(200, "\xEF\xBB\xBF" + csv, "text/csv; charset=utf-8");
    r.SetHeader("Content-Disposition", "attachment; filename=\"thu-tuc.csv\"");
    return r;
  });
  co_return res;
}

awaitable<Response> AdminAction(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code"));
  std::string action(req.PathParam("action"));
  if (action != "publish" && action != "suspend" && action != "repeal") {
    co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có thao tác này. / No such action.", {}});
  }
  struct Outcome {
    int status = 200;
    std::string message;
    std::string new_status;
  };
  Outcome out = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    auto row = store::FindProcedure(*conn, code);
    if (!row) return Outcome{404, "Không có thủ tục này. / No such procedure.", ""};
    auto record = store::Record(*conn, code, row->latest_version);
    auto parsed = record ? ParseRecord(*record) : Parsed{};
    if (!who->HasRole(identity::Role::kSysadmin)) {
      auto paths = parsed.procedure ? d.catalog.AgencyPathsOf(*conn, *parsed.procedure) : std::vector<std::string>{};
      bool covered = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return who->CoversAgency(p); });
      // Outside the admin's agencies the procedure is answered as if it did not exist.
      if (!covered) return Outcome{404, "Không có thủ tục này. / No such procedure.", ""};
    }
    std::string from = row->status;
    std::string to = action == "publish" ? "published" : action == "suspend" ? "suspended" : "repealed";
    bool allowed = (to == "published" && (from == "draft" || from == "suspended" ||
                                          (from == "published" && row->published_version != row->latest_version))) ||
                   (to == "suspended" && from == "published") ||
                   (to == "repealed" && (from == "published" || from == "suspended"));
    if (!allowed) {
      return Outcome{409, "Không thể chuyển thủ tục từ trạng thái " + from + " sang " + to + ". / A procedure cannot go from " +
                              from + " to " + to + ".", ""};
    }
    db::Transaction tx(*conn);
    store::SetStatus(*conn, code, to, to == "published", who->login, core::NowUtc());
    store::BumpGeneration(*conn);
    tx.Commit();
    d.catalog.Invalidate();
    return Outcome{200, "", to};
  });
  if (out.status == 404) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, out.message, {}});
  if (out.status == 409) co_return http::ProblemResponse(req, {ErrorCode::kConflict, out.message, {}});
  co_return http::JsonResponse(200, json::object{{"code", code}, {"status", out.new_status}});
}

awaitable<Response> AdminDiff(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code"));
  auto number = [](std::string_view v) -> std::optional<std::int64_t> {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || ptr != v.data() + v.size() || n < 1) return std::nullopt;
    return n;
  };
  auto a = number(req.PathParam("a"));
  auto b = number(req.PathParam("b"));
  if (!a || !b) co_return Bad(req, "Số phiên bản là số nguyên dương. / Versions are positive whole numbers.");
  std::optional<json::object> body = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto conn = d.catalog.Db().Acquire();
    auto from = store::Record(*conn, code, *a);
    auto to = store::Record(*conn, code, *b);
    if (!from || !to) return std::nullopt;
    json::array changes;
    for (auto& c : Diff(*from, *to)) {
      changes.push_back(json::object{{"pointer", c.pointer}, {"kind", c.kind}, {"before", std::move(c.before)},
                                     {"after", std::move(c.after)}});
    }
    return json::object{{"code", code}, {"from", *a}, {"to", *b}, {"changes", std::move(changes)}};
  });
  if (!body) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có phiên bản này. / No such version.", {}});
  co_return http::JsonResponse(200, *body);
}

// ---- the editor ----

// A problem response with more members in its body (an import's records, a conflict's version).
Response ProblemWith(const Request& req, core::Error error, int status, json::object extra) {
  Response res = http::ProblemResponse(req, std::move(error));
  boost::system::error_code ec;
  json::value problem = json::parse(res.body, ec);
  if (!ec && problem.is_object()) {
    for (auto& [k, v] : extra) problem.as_object()[k] = std::move(v);
    res.body = json::serialize(problem);
  }
  res.status = status;
  return res;
}

Response RecordProblems(const Request& req, const std::vector<RecordError>& errors) {
  std::vector<core::FieldError> fields;
  for (const auto& e : errors) fields.push_back({e.pointer, e.message});
  return ProblemWith(
      req,
      {ErrorCode::kInvalidArgument,
       "Thủ tục có " + std::to_string(errors.size()) + " lỗi; chưa lưu gì. / The procedure has " +
           std::to_string(errors.size()) + " problem(s); nothing was saved.",
       std::move(fields)},
      422, {});
}

ImportScope ScopeOf(const identity::Principal& who) {
  ImportScope scope;
  scope.account = who.login;
  scope.everywhere = who.HasRole(identity::Role::kSysadmin);
  scope.agency_path = who.agency_path;
  return scope;
}

// The latest version's record (draft or published), with its version for If-Match.
awaitable<Response> AdminRecord(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code"));
  ImportScope scope = ScopeOf(*who);
  std::optional<json::object> body =
      co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
        auto conn = d.catalog.Db().Acquire();
        auto row = store::FindProcedure(*conn, code);
        if (!row) return std::nullopt;
        auto record = store::Record(*conn, code, row->latest_version);
        if (!record) return std::nullopt;
        if (!scope.everywhere) {
          auto parsed = ParseRecord(*record);
          auto paths = parsed.procedure ? d.catalog.AgencyPathsOf(*conn, *parsed.procedure)
                                        : std::vector<std::string>{};
          bool covered = std::any_of(paths.begin(), paths.end(),
                                     [&](const std::string& p) { return who->CoversAgency(p); });
          if (!covered) return std::nullopt;
        }
        return json::object{
            {"code", code},
            {"status", row->status},
            {"version", row->latest_version},
            {"published_version",
             row->published_version ? json::value(*row->published_version) : json::value(nullptr)},
            {"record", std::move(*record)}};
      });
  if (!body)
    co_return http::ProblemResponse(
        req, {ErrorCode::kNotFound, "Không có thủ tục này. / No such procedure.", {}});
  std::string etag = "\"" + std::to_string(body->at("version").as_int64()) + "\"";
  Response res = http::JsonResponse(200, *body);
  res.SetHeader("ETag", etag);
  co_return res;
}

// If-Match: "3" (or 3): the version the editor started from; absent when creating.
std::optional<std::optional<std::int64_t>> BaseVersion(const Request& req) {
  auto h = req.Header("If-Match");
  if (!h || h->empty()) return std::optional<std::int64_t>{};
  std::string_view v = *h;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || ptr != v.data() + v.size() || n < 1) return std::nullopt;
  return std::optional<std::int64_t>{n};
}

awaitable<Response> AdminSave(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code"));
  auto base = BaseVersion(req);
  if (!base) {
    co_return Bad(req,
                  "If-Match là số phiên bản đã sửa, ví dụ \"3\". / If-Match is the version edited, "
                  "e.g. \"3\".",
                  {{"If-Match", "version"}});
  }
  auto body = http::ParseJsonBody(req, {.max_depth = 16});
  if (!body) co_return http::ProblemResponse(req, body.error());
  ImportScope scope = ScopeOf(*who);
  std::optional<std::int64_t> base_version = *base;
  SaveResult r = co_await http::Offload(
      d.workers, [&]() { return d.catalog.SaveDraft(*body, code, base_version, scope); });
  switch (r.kind) {
    case SaveResult::Kind::kInvalid:
      co_return RecordProblems(req, r.errors);
    case SaveResult::Kind::kNotFound:
      co_return http::ProblemResponse(
          req, {ErrorCode::kNotFound, "Không có thủ tục này. / No such procedure.", {}});
    case SaveResult::Kind::kConflict:
      co_return ProblemWith(
          req, {ErrorCode::kConflict, r.message, {}}, 409,
          {{"current_version", r.version > 0 ? json::value(r.version) : json::value(nullptr)}});
    case SaveResult::Kind::kSaved:
      break;
  }
  Response res = http::JsonResponse(
      r.created ? 201 : 200,
      json::object{
          {"code", code}, {"version", r.version}, {"status", r.status}, {"created", r.created}});
  res.SetHeader("ETag", "\"" + std::to_string(r.version) + "\"");
  co_return res;
}

// The public page's JSON for a record, not saved.
awaitable<Response> AdminPreview(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto body = http::ParseJsonBody(req, {.max_depth = 16});
  if (!body) co_return http::ProblemResponse(req, body.error());
  Parsed parsed = co_await http::Offload(d.workers, [&]() { return Catalog::Preview(*body); });
  if (!parsed.procedure) co_return RecordProblems(req, parsed.errors);
  co_return http::JsonResponse(200, DetailJson(*parsed.procedure));
}

// ---- FAQ administration ----

json::object FaqJson(const store::FaqRow& f) {
  return json::object{{"id", f.id}, {"question", f.question}, {"answer", f.answer}, {"question_en", f.question_en},
                      {"answer_en", f.answer_en}, {"procedure_code", f.procedure_code}, {"field_code", f.field_code},
                      {"published", f.published}, {"updated_at", f.updated_at}};
}

awaitable<Response> AdminFaqList(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  json::array items = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    json::array a;
    for (const auto& f : store::Faq(*conn, false)) a.push_back(FaqJson(f));
    return a;
  });
  std::size_t total = items.size();
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}});
}

// Creates (no id in the path) or replaces an entry. A question about a procedure may be managed
// by the admins of that procedure's agencies; a question about a whole field, by sysadmins.
awaitable<Response> AdminFaqSave(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto body = http::ParseJsonBody(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  if (!body->is_object()) co_return Bad(req, "Cần một đối tượng JSON. / A JSON object is needed.");
  const json::object& o = body->as_object();
  std::vector<core::FieldError> errors;
  auto text = [&](std::string_view key, std::size_t max, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
      return std::string();
    }
    if (!v->is_string()) {
      errors.push_back({std::string(key), "Phải là chuỗi ký tự. / Must be a string."});
      return std::string();
    }
    std::string out(v->as_string());
    if (out.size() > max) errors.push_back({std::string(key), "Quá dài. / Too long."});
    if (required && out.find_first_not_of(" \t\r\n") == std::string::npos) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
    return out;
  };
  store::FaqRow f;
  f.id = req.PathParam("id").empty() ? core::Uuid::NewV7().ToString() : std::string(req.PathParam("id"));
  f.question = text("question", 4000, true);
  f.answer = text("answer", 40000, true);
  f.question_en = text("question_en", 4000, false);
  f.answer_en = text("answer_en", 40000, false);
  f.procedure_code = text("procedure_code", 20, false);
  f.field_code = text("field_code", 50, false);
  f.published = true;
  if (const json::value* p = o.if_contains("published")) {
    if (!p->is_bool()) errors.push_back({"published", "true | false"});
    else f.published = p->as_bool();
  }
  if (f.procedure_code.empty() && f.field_code.empty()) {
    errors.push_back({"procedure_code", "Cần mã thủ tục hoặc mã lĩnh vực. / A procedure or a field code is needed."});
  }
  if (!errors.empty()) co_return Bad(req, "Câu hỏi chưa hợp lệ. / The entry is not valid.", std::move(errors));
  bool creating = req.PathParam("id").empty();
  struct Outcome {
    int status = 200;
    std::string message;
    std::vector<core::FieldError> fields;
  };
  Outcome out = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    if (!creating) {
      bool exists = false;
      for (const auto& existing : store::Faq(*conn, false)) exists = exists || existing.id == f.id;
      if (!exists) return Outcome{404, "Không có câu hỏi này. / No such entry.", {}};
    }
    std::vector<std::string> paths;
    if (!f.procedure_code.empty()) {
      auto row = store::FindProcedure(*conn, f.procedure_code);
      if (!row) return Outcome{400, "Không có thủ tục này. / No such procedure.", {{"procedure_code", f.procedure_code}}};
      auto record = store::Record(*conn, f.procedure_code, row->latest_version);
      auto parsed = record ? ParseRecord(*record) : Parsed{};
      if (parsed.procedure) paths = d.catalog.AgencyPathsOf(*conn, *parsed.procedure);
    }
    if (!f.field_code.empty()) {
      bool known = false;
      for (const auto& field : store::Fields(*conn)) known = known || field.code == f.field_code;
      if (!known) return Outcome{400, "Không có lĩnh vực này. / No such field.", {{"field_code", f.field_code}}};
    }
    if (!who->HasRole(identity::Role::kSysadmin)) {
      bool covered = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return who->CoversAgency(p); });
      if (!covered) {
        return Outcome{403, "Câu hỏi này không thuộc thủ tục của cơ quan bạn. / This entry is not about your agency's procedures.", {}};
      }
    }
    f.updated_at = core::NowUtc();
    db::Transaction tx(*conn);
    store::UpsertFaq(*conn, f);
    store::BumpGeneration(*conn);
    tx.Commit();
    d.catalog.Invalidate();
    return Outcome{creating ? 201 : 200, "", {}};
  });
  if (out.status == 400) co_return Bad(req, out.message, out.fields);
  if (out.status == 403) co_return http::ProblemResponse(req, {ErrorCode::kForbidden, out.message, {}});
  if (out.status == 404) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, out.message, {}});
  co_return http::JsonResponse(out.status, FaqJson(f));
}

awaitable<Response> AdminFaqDelete(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  if (!who->HasRole(identity::Role::kSysadmin)) {
    co_return http::ProblemResponse(req, {ErrorCode::kForbidden, "Chỉ quản trị hệ thống xóa câu hỏi; hãy bỏ công khai. / Only system administrators delete entries; unpublish it instead.", {}});
  }
  std::string id(req.PathParam("id"));
  bool deleted = co_await http::Offload(d.workers, [&]() {
    auto conn = d.catalog.Db().Acquire();
    db::Transaction tx(*conn);
    bool gone = store::DeleteFaq(*conn, id);
    store::BumpGeneration(*conn);
    tx.Commit();
    d.catalog.Invalidate();
    return gone;
  });
  if (!deleted) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có câu hỏi này. / No such entry.", {}});
  Response res;
  res.status = 204;
  co_return res;
}

awaitable<Response> AdminVersions(Deps& d, Request req) {
  auto who = co_await Administrator(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code"));
  std::optional<json::object> body = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto conn = d.catalog.Db().Acquire();
    auto row = store::FindProcedure(*conn, code);
    if (!row) return std::nullopt;
    json::array versions, events;
    for (const auto& v : store::Versions(*conn, code)) {
      versions.push_back(json::object{{"version", v.version}, {"created_at", v.created_at}, {"created_by", v.created_by}});
    }
    for (const auto& e : store::Events(*conn, code)) {
      events.push_back(json::object{{"version", e.version}, {"action", e.action}, {"at", e.at}, {"by", e.by_account}});
    }
    return json::object{{"code", code}, {"status", row->status}, {"latest_version", row->latest_version},
                        {"published_version", row->published_version ? json::value(*row->published_version) : json::value(nullptr)},
                        {"versions", std::move(versions)}, {"events", std::move(events)}};
  });
  if (!body) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có thủ tục này. / No such procedure.", {}});
  co_return http::JsonResponse(200, *body);
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  router.Add(Method::kGet, "/api/v1/procedures", bind(&SearchProcedures));
  router.Add(Method::kGet, "/api/v1/procedures/{code}", bind(&GetProcedure));
  router.Add(Method::kGet, "/api/v1/procedures/{code}/laythutuc", bind(&GetProcedureRecord));
  router.Add(Method::kGet, "/api/v1/fields", bind(&GetFields));
  router.Add(Method::kGet, "/api/v1/faq", bind(&GetFaq));
  router.Add(Method::kGet, "/api/v1/bundles", bind(&GetBundles));
  router.Add(Method::kGet, "/api/v1/bundles/{code}", bind(&GetBundle));
  router.Add(Method::kGet, "/api/v1/admin/procedures", bind(&AdminList));
  router.Add(Method::kPost, "/api/v1/admin/procedures/import", bind(&AdminImport), {.body_limit = 32u << 20});
  router.Add(Method::kGet, "/api/v1/admin/procedures/export", bind(&AdminExport));
  router.Add(Method::kPost, "/api/v1/admin/procedures/preview", bind(&AdminPreview),
             {.body_limit = 2u << 20});
  router.Add(Method::kGet, "/api/v1/admin/procedures/{code}/record", bind(&AdminRecord));
  router.Add(Method::kPut, "/api/v1/admin/procedures/{code}", bind(&AdminSave),
             {.body_limit = 2u << 20});
  router.Add(Method::kPost, "/api/v1/admin/procedures/{code}/actions/{action}", bind(&AdminAction));
  router.Add(Method::kGet, "/api/v1/admin/procedures/{code}/versions", bind(&AdminVersions));
  router.Add(Method::kGet, "/api/v1/admin/procedures/{code}/versions/{a}/diff/{b}", bind(&AdminDiff));
  router.Add(Method::kGet, "/api/v1/admin/faq", bind(&AdminFaqList));
  router.Add(Method::kPost, "/api/v1/admin/faq", bind(&AdminFaqSave), {.body_limit = 256u << 10});
  router.Add(Method::kPut, "/api/v1/admin/faq/{id}", bind(&AdminFaqSave), {.body_limit = 256u << 10});
  router.Add(Method::kDelete, "/api/v1/admin/faq/{id}", bind(&AdminFaqDelete));
}

}  // namespace motcua::catalog
