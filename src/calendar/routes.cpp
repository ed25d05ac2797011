#include "calendar/routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "http/json.hpp"
#include "http/problem.hpp"

namespace motcua::calendar {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;

const db::Query kAgencyByCode{"calendar_agency_by_code", "SELECT id, path FROM agencies WHERE code = $1"};

std::optional<std::string> AgencyId(db::Connection& conn, const std::string& code) {
  auto r = conn.Execute(kAgencyByCode, {code});
  if (r.Empty()) return std::nullopt;
  return r.Text(0, 0);
}

Response Bad(const Request& req, std::string vi_en, std::vector<core::FieldError> fields = {}) {
  return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, std::move(vi_en), std::move(fields)});
}

Response UnknownAgency(const Request& req, const std::string& code) {
  return Bad(req, "Không có cơ quan có mã này. / No agency has this code.",
             {{"agency", "Không có cơ quan có mã " + code + ". / No agency has the code " + code + "."}});
}

std::optional<int> IntParam(std::string_view v) {
  int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || ptr != v.data() + v.size()) return std::nullopt;
  return n;
}

json::object HoursJson(const WorkingHours& h) {
  return json::object{{"morning_start", FormatMinutes(h.morning_start)},
                      {"morning_end", FormatMinutes(h.morning_end)},
                      {"afternoon_start", FormatMinutes(h.afternoon_start)},
                      {"afternoon_end", FormatMinutes(h.afternoon_end)},
                      {"minutes_per_day", h.MinutesPerDay()}};
}

json::object DayJson(const DayEntry& e) {
  return json::object{{"date", e.date},           {"kind", e.kind},         {"name", e.name},
                      {"name_en", e.name_en},     {"source", e.source},     {"confirmed", e.confirmed},
                      {"updated_by", e.updated_by}, {"updated_at", e.updated_at}};
}

// GET /api/v1/calendar?year=&agency= — public: the year's exceptions and the working hours.
awaitable<Response> GetCalendar(Deps& d, Request req) {
  int year = 0;
  if (auto y = req.Query("year"); y && !y->empty()) {
    auto n = IntParam(*y);
    if (!n || *n < 2000 || *n > 2100) co_return Bad(req, "Năm từ 2000 đến 2100. / year is 2000 to 2100.", {{"year", "Năm từ 2000 đến 2100. / A year from 2000 to 2100."}});
    year = *n;
  } else {
    year = static_cast<int>(LocalDate(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())).year());
  }
  std::string agency(req.Query("agency").value_or(""));
  std::optional<json::object> body = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto conn = d.calendar.Db().Acquire();
    std::optional<WorkingHours> own;
    if (!agency.empty()) {
      auto id = AgencyId(*conn, agency);
      if (!id) return std::nullopt;
      own = d.calendar.AgencyHours(*conn, *id);
    }
    json::array days;
    for (const auto& e : d.calendar.Days(*conn, year)) days.push_back(DayJson(e));
    return json::object{{"year", year},
                        {"agency", agency.empty() ? json::value(nullptr) : json::value(agency)},
                        {"working_hours", HoursJson(own.value_or(WorkingHours{}))},
                        {"own_working_hours", own.has_value()},
                        {"hours_per_working_day", kHoursPerWorkingDay},
                        {"paper_cut_off", FormatMinutes(kPaperCutOffMinutes)},
                        {"days", std::move(days)}};
  });
  if (!body) co_return UnknownAgency(req, agency);
  co_return http::JsonResponse(200, *body);
}

// GET /api/v1/calendar/deadline?start=&amount=&unit=&agency=&channel= — public: when a
// duration counted from `start` ends (what a dossier's due date will be).
awaitable<Response> GetDeadline(Deps& d, Request req) {
  std::vector<core::FieldError> errors;
  std::optional<Instant> start;
  if (auto s = req.Query("start"); s && !s->empty()) {
    start = ParseRfc3339(*s);
    if (!start) errors.push_back({"start", "Thời điểm RFC 3339, ví dụ 2026-11-23T08:00:00+07:00. / An RFC 3339 instant."});
  } else {
    start = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  int amount = 0;
  auto a = req.Query("amount");
  auto n = a ? IntParam(*a) : std::nullopt;
  if (!n || *n < 0 || *n > 3650) errors.push_back({"amount", "Số nguyên từ 0 đến 3650. / A whole number from 0 to 3650."});
  else amount = *n;
  std::string unit(req.Query("unit").value_or("working_days"));
  if (unit != "working_days" && unit != "working_hours" && unit != "days") {
    errors.push_back({"unit", "working_days | working_hours | days"});
  }
  std::string channel(req.Query("channel").value_or("online"));
  if (channel != "online" && channel != "paper") errors.push_back({"channel", "online | paper"});
  if (!errors.empty()) co_return Bad(req, "Tham số chưa hợp lệ. / Invalid parameters.", std::move(errors));
  std::string agency(req.Query("agency").value_or(""));
  std::optional<json::object> body = co_await http::Offload(d.workers, [&]() -> std::optional<json::object> {
    auto conn = d.calendar.Db().Acquire();
    std::optional<std::string> id;
    if (!agency.empty() && !(id = AgencyId(*conn, agency))) return std::nullopt;
    WorkCalendar cal = id ? d.calendar.For(*conn, *id) : d.calendar.National(*conn);
    Instant counting = channel == "paper" ? cal.PaperCountingStart(*start) : cal.OnlineCountingStart(*start);
    Instant due = unit == "working_hours" ? cal.AddWorkingHours(counting, std::chrono::hours(amount))
                  : unit == "days"        ? cal.AddCalendarDays(counting, amount)
                                          : cal.AddWorkingDays(counting, amount);
    return json::object{{"start", FormatLocal(*start)},
                        {"counting_start", FormatLocal(counting)},
                        {"amount", amount},
                        {"unit", unit},
                        {"channel", channel},
                        {"due_at", FormatLocal(due)},
                        {"working_minutes", cal.WorkingDurationBetween(counting, due).count()}};
  });
  if (!body) co_return UnknownAgency(req, agency);
  co_return http::JsonResponse(200, *body);
}

awaitable<core::Result<identity::Principal>> Sysadmin(Deps& d, const Request& req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return std::unexpected(who.error());
  if (!who->HasRole(identity::Role::kSysadmin)) {
    co_return core::Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống sửa lịch nghỉ lễ. / Only system administrators change the holiday calendar.");
  }
  co_return std::move(*who);
}

// PUT /api/v1/admin/calendar/days/{date} {kind, name, name_en}
awaitable<Response> PutDay(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string date(req.PathParam("date"));
  auto parsed = ParseDate(date);
  if (!parsed) co_return Bad(req, "Ngày phải có dạng YYYY-MM-DD và có thật. / The date must be a real YYYY-MM-DD date.", {{"date", "Ngày " + date + " không có thật hoặc không có dạng YYYY-MM-DD. / " + date + " is not a real YYYY-MM-DD date."}});
  auto body = http::ParseJsonBody(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  if (!body->is_object()) co_return Bad(req, "Cần một đối tượng JSON. / A JSON object is needed.");
  const json::object& o = body->as_object();
  std::vector<core::FieldError> errors;
  auto text = [&](std::string_view key, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
      return std::string();
    }
    if (!v->is_string()) {
      errors.push_back({std::string(key), "Phải là chuỗi ký tự. / Must be a string."});
      return std::string();
    }
    std::string s(v->as_string());
    if (s.size() > 200) errors.push_back({std::string(key), "Tối đa 200 byte. / 200 bytes at most."});
    if (required && s.find_first_not_of(" \t") == std::string::npos) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
    return s;
  };
  DayEntry e;
  e.date = date;
  e.kind = text("kind", true);
  e.name = text("name", true);
  e.name_en = text("name_en", false);
  e.updated_by = who->login;
  if (!e.kind.empty() && e.kind != "holiday" && e.kind != "working_day") {
    errors.push_back({"kind", "holiday | working_day"});
  }
  bool weekend = std::chrono::weekday(std::chrono::sys_days(*parsed)).iso_encoding() >= 6;
  if (e.kind == "holiday" && weekend) {
    errors.push_back({"kind", "Thứ Bảy, Chủ nhật vốn là ngày nghỉ; hãy khai báo ngày nghỉ bù. / A weekend day is already off; declare the day off in lieu instead."});
  }
  if (e.kind == "working_day" && !weekend) {
    errors.push_back({"kind", "Chỉ thứ Bảy hoặc Chủ nhật mới là ngày làm bù. / Only a Saturday or Sunday can be a swapped working day."});
  }
  if (!errors.empty()) co_return Bad(req, "Ngày chưa hợp lệ. / The day is not valid.", std::move(errors));
  DayEntry saved = co_await http::Offload(d.workers, [&]() {
    auto conn = d.calendar.Db().Acquire();
    db::Transaction tx(*conn);
    DayEntry out = d.calendar.PutDay(*conn, e);
    tx.Commit();
    d.calendar.Invalidate();
    return out;
  });
  co_return http::JsonResponse(200, DayJson(saved));
}

// DELETE /api/v1/admin/calendar/days/{date} — back to the weekly rule.
awaitable<Response> DeleteDay(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string date(req.PathParam("date"));
  if (!ParseDate(date)) co_return Bad(req, "Ngày phải có dạng YYYY-MM-DD và có thật. / The date must be a real YYYY-MM-DD date.", {{"date", "Ngày " + date + " không có thật hoặc không có dạng YYYY-MM-DD. / " + date + " is not a real YYYY-MM-DD date."}});
  bool found = co_await http::Offload(d.workers, [&]() {
    auto conn = d.calendar.Db().Acquire();
    db::Transaction tx(*conn);
    bool ok = d.calendar.ResetDay(*conn, date, who->login);
    tx.Commit();
    d.calendar.Invalidate();
    return ok;
  });
  if (!found) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Ngày này không có trong lịch. / This date is not in the calendar.", {}});
  Response res;
  res.status = 204;
  co_return res;
}

struct HoursCaller {
  identity::Principal who;
  std::string agency_id;
};

// The agency admin of the agency (or an ancestor), or a sysadmin; the agency (by its code)
// must exist.
awaitable<core::Result<HoursCaller>> HoursAdmin(Deps& d, const Request& req, const std::string& code) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return std::unexpected(who.error());
  if (auto role = identity::RequireAnyRole(*who, {identity::Role::kAgencyAdmin}); !role) {
    co_return std::unexpected(role.error());
  }
  std::optional<std::pair<std::string, std::string>> agency =
      co_await http::Offload(d.workers, [&]() -> std::optional<std::pair<std::string, std::string>> {
        auto conn = d.calendar.Db().Acquire();
        auto r = conn->Execute(kAgencyByCode, {code});
        if (r.Empty()) return std::nullopt;
        return std::pair{r.Text(0, 0), r.Text(0, 1)};
      });
  if (!agency) co_return core::Fail(ErrorCode::kNotFound, "Không có cơ quan này. / No such agency.");
  auto ok = identity::RequireRoleIn(*who, identity::Role::kAgencyAdmin, agency->second);
  if (!ok) co_return std::unexpected(ok.error());
  co_return HoursCaller{std::move(*who), agency->first};
}

awaitable<Response> GetHours(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  auto who = co_await HoursAdmin(d, req, code);
  if (!who) co_return http::ProblemResponse(req, who.error());
  const std::string& agency = who->agency_id;
  std::optional<WorkingHours> own = co_await http::Offload(d.workers, [&]() {
    auto conn = d.calendar.Db().Acquire();
    return d.calendar.AgencyHours(*conn, agency);
  });
  json::object body = HoursJson(own.value_or(WorkingHours{}));
  body["agency"] = code;
  body["own"] = own.has_value();
  co_return http::JsonResponse(200, body);
}

awaitable<Response> PutHours(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  auto who = co_await HoursAdmin(d, req, code);
  if (!who) co_return http::ProblemResponse(req, who.error());
  const std::string& agency = who->agency_id;
  auto body = http::ParseJsonBody(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  if (!body->is_object()) co_return Bad(req, "Cần một đối tượng JSON. / A JSON object is needed.");
  const json::object& o = body->as_object();
  std::vector<core::FieldError> errors;
  auto minutes = [&](std::string_view key) {
    const json::value* v = o.if_contains(key);
    std::optional<int> m;
    if (v != nullptr && v->is_string()) m = ParseMinutes(v->as_string());
    if (!m) {
      errors.push_back({std::string(key), "Giờ dạng HH:MM. / A time as HH:MM."});
      return 0;
    }
    return *m;
  };
  WorkingHours h{minutes("morning_start"), minutes("morning_end"), minutes("afternoon_start"), minutes("afternoon_end")};
  if (errors.empty() && !h.Valid()) {
    errors.push_back({"afternoon_end", "Các mốc giờ phải tăng dần trong ngày. / The times must be in order within the day."});
  }
  if (errors.empty() && h.MinutesPerDay() < 4 * 60) {
    errors.push_back({"morning_start", "Một ngày làm việc có ít nhất 4 giờ. / A working day has at least 4 hours."});
  }
  if (!errors.empty()) co_return Bad(req, "Giờ làm việc chưa hợp lệ. / The working hours are not valid.", std::move(errors));
  co_await http::Offload(d.workers, [&]() {
    auto conn = d.calendar.Db().Acquire();
    db::Transaction tx(*conn);
    d.calendar.PutAgencyHours(*conn, agency, h, who->who.login);
    tx.Commit();
    d.calendar.Invalidate();
  });
  json::object out = HoursJson(h);
  out["agency"] = code;
  out["own"] = true;
  co_return http::JsonResponse(200, out);
}

awaitable<Response> DeleteHours(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  auto who = co_await HoursAdmin(d, req, code);
  if (!who) co_return http::ProblemResponse(req, who.error());
  const std::string& agency = who->agency_id;
  co_await http::Offload(d.workers, [&]() {
    auto conn = d.calendar.Db().Acquire();
    db::Transaction tx(*conn);
    d.calendar.ResetAgencyHours(*conn, agency);
    tx.Commit();
    d.calendar.Invalidate();
  });
  Response res;
  res.status = 204;
  co_return res;
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  router.Add(Method::kGet, "/api/v1/calendar", bind(&GetCalendar));
  router.Add(Method::kGet, "/api/v1/calendar/deadline", bind(&GetDeadline));
  router.Add(Method::kPut, "/api/v1/admin/calendar/days/{date}", bind(&PutDay), {.body_limit = 16u << 10});
  router.Add(Method::kDelete, "/api/v1/admin/calendar/days/{date}", bind(&DeleteDay));
  router.Add(Method::kGet, "/api/v1/admin/agencies/{code}/working-hours", bind(&GetHours));
  router.Add(Method::kPut, "/api/v1/admin/agencies/{code}/working-hours", bind(&PutHours), {.body_limit = 16u << 10});
  router.Add(Method::kDelete, "/api/v1/admin/agencies/{code}/working-hours", bind(&DeleteHours));
}

}  // namespace motcua::calendar
