#include "calendar/service.hpp"

#include <boost/json.hpp>

#include <stdexcept>

#include "calendar/holidays.hpp"
#include "core/time.hpp"

namespace motcua::calendar {

namespace {

namespace json = boost::json;

const db::Query kInsertShipped{"calendar_insert_shipped",
    "INSERT INTO calendar_days (day, kind, name, name_en, source, confirmed, updated_by, updated_at) "
    "VALUES ($1, $2, $3, $4, 'shipped', $5, '', $6) ON CONFLICT (day) DO NOTHING"};
const db::Query kExceptions{"calendar_exceptions",
    "SELECT day, kind FROM calendar_days WHERE kind <> 'normal'"};
const db::Query kAllHours{"calendar_all_hours",
    "SELECT agency_id, morning_start, morning_end, afternoon_start, afternoon_end FROM agency_working_hours"};
const db::Query kDaysBetween{"calendar_days_between",
    "SELECT day, kind, name, name_en, source, confirmed, updated_by, updated_at FROM calendar_days "
    "WHERE day >= $1 AND day <= $2 ORDER BY day"};
const db::Query kUpsertDay{"calendar_upsert_day",
    "INSERT INTO calendar_days (day, kind, name, name_en, source, confirmed, updated_by, updated_at) "
    "VALUES ($1, $2, $3, $4, 'admin', 1, $5, $6) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, "
    "name = excluded.name, name_en = excluded.name_en, source = 'admin', confirmed = 1, "
    "updated_by = excluded.updated_by, updated_at = excluded.updated_at"};
const db::Query kNormalDay{"calendar_normal_day",
    "UPDATE calendar_days SET kind = 'normal', source = 'admin', confirmed = 1, updated_by = $2, updated_at = $3 "
    "WHERE day = $1"};
const db::Query kDeleteDay{"calendar_delete_day", "DELETE FROM calendar_days WHERE day = $1"};
const db::Query kAgencyHours{"calendar_agency_hours",
    "SELECT morning_start, morning_end, afternoon_start, afternoon_end FROM agency_working_hours WHERE agency_id = $1"};
const db::Query kUpsertHours{"calendar_upsert_hours",
    "INSERT INTO agency_working_hours (agency_id, morning_start, morning_end, afternoon_start, afternoon_end, "
    "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agency_id) DO UPDATE SET "
    "morning_start = excluded.morning_start, morning_end = excluded.morning_end, "
    "afternoon_start = excluded.afternoon_start, afternoon_end = excluded.afternoon_end, "
    "updated_by = excluded.updated_by, updated_at = excluded.updated_at"};
const db::Query kDeleteHours{"calendar_delete_hours", "DELETE FROM agency_working_hours WHERE agency_id = $1"};

DayEntry ReadDay(const db::ResultSet& r, std::size_t i) {
  return DayEntry{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                  r.Text(i, 4), r.Int(i, 5) != 0, r.Text(i, 6), r.Text(i, 7)};
}

}  // namespace

std::vector<DayEntry> ShippedDays() {
  std::vector<DayEntry> out;
  for (const auto& file : EmbeddedHolidays()) {
    json::value doc = json::parse(file.content);
    for (const auto& v : doc.at("days").as_array()) {
      const auto& o = v.as_object();
      DayEntry e;
      e.date = std::string(o.at("date").as_string());
      if (!ParseDate(e.date)) throw std::logic_error("holidays.json: bad date " + e.date);
      e.kind = std::string(o.at("kind").as_string());
      if (e.kind != "holiday" && e.kind != "working_day") throw std::logic_error("holidays.json: bad kind " + e.kind);
      e.name = std::string(o.at("name").as_string());
      e.name_en = std::string(o.at("name_en").as_string());
      e.source = "shipped";
      e.confirmed = o.at("confirmed").as_bool();
      out.push_back(std::move(e));
    }
  }
  return out;
}

Service::Service(db::Database& db, std::chrono::seconds cache_ttl) : db_(db), ttl_(cache_ttl) {}

std::size_t Service::SeedShipped(db::Connection& conn) {
  std::size_t inserted = 0;
  std::string now = core::NowUtc();
  for (const auto& e : ShippedDays()) {
    inserted += static_cast<std::size_t>(
        conn.Execute(kInsertShipped, {e.date, e.kind, e.name, e.name_en, std::int64_t{e.confirmed ? 1 : 0}, now}).affected);
  }
  Invalidate();
  return inserted;
}

std::shared_ptr<const Service::Snapshot> Service::Current(db::Connection& conn) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (snapshot_ && now - snapshot_->loaded < ttl_) return snapshot_;
  }
  auto fresh = std::make_shared<Snapshot>();
  fresh->loaded = now;
  auto days = conn.Execute(kExceptions);
  for (std::size_t i = 0; i < days.rows.size(); ++i) {
    auto date = ParseDate(days.Text(i, 0));
    if (!date) continue;
    fresh->exceptions[*date] = days.Text(i, 1) == "working_day" ? DayKind::kWorkingDay : DayKind::kHoliday;
  }
  auto hours = conn.Execute(kAllHours);
  for (std::size_t i = 0; i < hours.rows.size(); ++i) {
    WorkingHours h{static_cast<int>(hours.Int(i, 1)), static_cast<int>(hours.Int(i, 2)),
                   static_cast<int>(hours.Int(i, 3)), static_cast<int>(hours.Int(i, 4))};
    if (h.Valid()) fresh->hours[hours.Text(i, 0)] = h;
  }
  std::lock_guard lock(mu_);
  snapshot_ = fresh;
  return fresh;
}

WorkCalendar Service::National(db::Connection& conn) {
  return WorkCalendar(WorkingHours{}, Current(conn)->exceptions);
}

WorkCalendar Service::For(db::Connection& conn, const std::string& agency_id) {
  auto snap = Current(conn);
  auto it = snap->hours.find(agency_id);
  return WorkCalendar(it == snap->hours.end() ? WorkingHours{} : it->second, snap->exceptions);
}

std::vector<DayEntry> Service::Days(db::Connection& conn, int year) {
  auto r = conn.Execute(kDaysBetween, {std::to_string(year) + "-01-01", std::to_string(year) + "-12-31"});
  std::vector<DayEntry> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(ReadDay(r, i));
  return out;
}

std::optional<DayEntry> Service::Day(db::Connection& conn, const std::string& date) {
  auto r = conn.Execute(kDaysBetween, {date, date});
  if (r.Empty()) return std::nullopt;
  return ReadDay(r, 0);
}

DayEntry Service::PutDay(db::Connection& conn, const DayEntry& entry) {
  std::string now = core::NowUtc();
  conn.Execute(kUpsertDay, {entry.date, entry.kind, entry.name, entry.name_en, entry.updated_by, now});
  Invalidate();
  return *Day(conn, entry.date);
}

bool Service::ResetDay(db::Connection& conn, const std::string& date, const std::string& by) {
  auto existing = Day(conn, date);
  if (!existing) return false;
  bool shipped = false;
  for (const auto& e : ShippedDays()) shipped = shipped || e.date == date;
  if (shipped) {
    conn.Execute(kNormalDay, {date, by, core::NowUtc()});
  } else {
    conn.Execute(kDeleteDay, {date});
  }
  Invalidate();
  return true;
}

std::optional<WorkingHours> Service::AgencyHours(db::Connection& conn, const std::string& agency_id) {
  auto r = conn.Execute(kAgencyHours, {agency_id});
  if (r.Empty()) return std::nullopt;
  return WorkingHours{static_cast<int>(r.Int(0, 0)), static_cast<int>(r.Int(0, 1)), static_cast<int>(r.Int(0, 2)),
                      static_cast<int>(r.Int(0, 3))};
}

void Service::PutAgencyHours(db::Connection& conn, const std::string& agency_id, const WorkingHours& hours,
                             const std::string& by) {
  if (!hours.Valid()) throw std::invalid_argument("working hours out of order");
  conn.Execute(kUpsertHours, {agency_id, std::int64_t{hours.morning_start}, std::int64_t{hours.morning_end},
                              std::int64_t{hours.afternoon_start}, std::int64_t{hours.afternoon_end}, by,
                              core::NowUtc()});
  Invalidate();
}

bool Service::ResetAgencyHours(db::Connection& conn, const std::string& agency_id) {
  bool gone = conn.Execute(kDeleteHours, {agency_id}).affected > 0;
  Invalidate();
  return gone;
}

void Service::Invalidate() {
  std::lock_guard lock(mu_);
  snapshot_.reset();
}

}  // namespace motcua::calendar
