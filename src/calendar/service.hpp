// The working calendar of a deployment: shipped public holidays, administrators' changes, and
// per-agency working hours, loaded from the database into immutable WorkCalendar values.
// Blocking (database): call from the worker pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "db/database.hpp"

namespace motcua::calendar {

/// One row of the calendar table. `kind` is `holiday`, `working_day`, or `normal` (an
/// administrator returned the date to the weekly rule, overriding a shipped entry).
struct DayEntry {
  std::string date;  ///< YYYY-MM-DD
  std::string kind;
  std::string name;
  std::string name_en;
  std::string source;  ///< `shipped` or `admin`
  bool confirmed = true;
  std::string updated_by;
  std::string updated_at;
};

/// The holidays shipped with motcua (data/calendar/holidays.json), parsed.
std::vector<DayEntry> ShippedDays();

class Service {
 public:
  explicit Service(db::Database& db, std::chrono::seconds cache_ttl = std::chrono::seconds(30));

  db::Database& Db() { return db_; }

  /// Inserts every shipped day whose date has no row yet; returns how many were inserted.
  /// Run at start-up: a new deployment gets the holidays, an edited one keeps its edits.
  std::size_t SeedShipped(db::Connection& conn);

  /// The national calendar (default working hours) and the calendar of one agency (its own
  /// working hours when set, else the default). Unknown agencies get the national calendar.
  /// Cached; refreshed after `cache_ttl` or at once after a change made through this Service.
  WorkCalendar National(db::Connection& conn);
  WorkCalendar For(db::Connection& conn, const std::string& agency_id);

  /// Rows of one year (all kinds), ordered by date.
  std::vector<DayEntry> Days(db::Connection& conn, int year);
  std::optional<DayEntry> Day(db::Connection& conn, const std::string& date);
  /// Sets a date as a holiday or a working day (an administrator's entry).
  DayEntry PutDay(db::Connection& conn, const DayEntry& entry);
  /// Returns a date to the weekly rule. A shipped date keeps a `normal` row so the next
  /// start-up does not bring it back; an administrator's own entry is deleted. False when the
  /// date had no row.
  bool ResetDay(db::Connection& conn, const std::string& date, const std::string& by);

  /// The agency's own working hours, or nullopt when it uses the default.
  std::optional<WorkingHours> AgencyHours(db::Connection& conn, const std::string& agency_id);
  void PutAgencyHours(db::Connection& conn, const std::string& agency_id, const WorkingHours& hours,
                      const std::string& by);
  bool ResetAgencyHours(db::Connection& conn, const std::string& agency_id);

  /// Drops the cache (after a change made on this node).
  void Invalidate();

 private:
  struct Snapshot {
    std::chrono::steady_clock::time_point loaded;
    std::map<Date, DayKind> exceptions;
    std::map<std::string, WorkingHours> hours;
  };
  std::shared_ptr<const Snapshot> Current(db::Connection& conn);

  db::Database& db_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace motcua::calendar
