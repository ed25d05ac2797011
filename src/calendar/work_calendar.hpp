// Working-day and working-hour arithmetic (DOMAIN.md §3.8): working hours per agency, weekends,
// public holidays and swapped working days. Pure: no I/O; the calendar module's Service loads
// the tables from the database and hands out WorkCalendar values.
//
// Instants are UTC; every rule is applied in Asia/Ho_Chi_Minh local time (UTC+7, no DST).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace motcua::calendar {

using Instant = std::chrono::sys_seconds;
using Minutes = std::chrono::minutes;
using Date = std::chrono::year_month_day;

/// Vietnam's civil time offset. There is no daylight saving time.
inline constexpr std::chrono::hours kVietnamOffset{7};

/// The working periods of one working day, as minutes after local midnight (defaults
/// 07:00–11:30 and 13:30–17:00). `morning_end == afternoon_start` means no lunch break.
struct WorkingHours {
  int morning_start = 7 * 60;
  int morning_end = 11 * 60 + 30;
  int afternoon_start = 13 * 60 + 30;
  int afternoon_end = 17 * 60;

  /// Working minutes in one working day (8 h with the defaults: 4 h 30 + 3 h 30).
  int MinutesPerDay() const;
  /// True when the periods are ordered and inside the day.
  bool Valid() const;
};

/// How a date differs from the weekly rule: a public holiday (nghỉ lễ, Tết, or a day off swapped
/// with a Saturday) or a working day on a weekend (ngày làm bù).
enum class DayKind { kHoliday, kWorkingDay };

/// A legal duration is counted in working hours: one working day is 8 working hours whatever
/// the agency's actual hours (DOMAIN.md §3.8, the production rule).
inline constexpr int kHoursPerWorkingDay = 8;

/// A working calendar. Cheap to copy; immutable once built; thread-safe to share.
class WorkCalendar {
 public:
  WorkCalendar() = default;
  WorkCalendar(WorkingHours hours, std::map<Date, DayKind> exceptions);

  const WorkingHours& Hours() const { return hours_; }

  /// Monday–Friday unless a holiday; Saturday/Sunday only when listed as a working day.
  bool IsWorkingDay(Date d) const;
  /// True when `t` falls inside a working period of a working day (start inclusive, end exclusive).
  bool IsWorkingMoment(Instant t) const;
  /// `t` itself when it is a working moment, otherwise the start of the next working period
  /// (after 17:00 → next working day 07:00; before 07:00 → 07:00; lunch → 13:30).
  Instant NextWorkingMoment(Instant t) const;

  /// The instant reached after `amount` of working time counted from `start` (first moved to
  /// its next working moment). The result is always a working moment or the end of a working
  /// period (an amount that ends exactly at 11:30 gives 11:30, not 13:30). amount ≥ 0.
  /// An amount of 0 gives `start` itself when it is a working moment or a period end, so that
  /// AddWorkingHours(AddWorkingHours(t, a), b) == AddWorkingHours(t, a + b) for a working
  /// moment t. Whole weeks and days are skipped at once: a year of working time costs a few
  /// hundred steps. Throws std::invalid_argument on a negative amount.
  Instant AddWorkingHours(Instant start, Minutes amount) const;
  /// AddWorkingHours(start, days × 8 h).
  Instant AddWorkingDays(Instant start, int days) const;
  /// Calendar days (unit "ngày"): `days` × 24 h later, then moved forward until it is a working
  /// moment or a period end, so it never ends on a non-working day.
  Instant AddCalendarDays(Instant start, int days) const;
  /// Working time between two instants (0 when b ≤ a).
  Minutes WorkingDurationBetween(Instant a, Instant b) const;

  /// When a paper dossier received at `t` starts being handled: a dossier received after 15:00
  /// local time (or outside working time) counts from the start of the next working day
  /// (Decree 61/2018 Art. 18).
  Instant PaperCountingStart(Instant t) const;
  /// When an online submission at `t` counts as received: the next working moment.
  Instant OnlineCountingStart(Instant t) const { return NextWorkingMoment(t); }

  /// True when `t` is exactly the end of a working period of a working day (11:30 or 17:00
  /// with the defaults).
  bool IsPeriodEnd(Instant t) const;
  /// The listed exceptions (holidays and swapped working days), by local date.
  const std::map<Date, DayKind>& Exceptions() const { return exceptions_; }

 private:
  WorkingHours hours_;
  std::map<Date, DayKind> exceptions_;
};

/// Local (UTC+7) calendar date of an instant.
Date LocalDate(Instant t);
/// The instant of local midnight + `minutes` on `d`.
Instant LocalTime(Date d, int minutes);

/// The paper cut-off (Decree 61/2018 Art. 18): 15:00 local time, as minutes after midnight.
inline constexpr int kPaperCutOffMinutes = 15 * 60;

/// `YYYY-MM-DD` of a real calendar date; nullopt otherwise (2026-02-30, 2026-2-1, …).
std::optional<Date> ParseDate(std::string_view text);
/// `YYYY-MM-DD`.
std::string FormatDate(Date d);
/// An RFC 3339 instant with an offset or `Z` (`2026-11-23T16:30:00+07:00`, fractions of a
/// second dropped); nullopt when malformed or out of range.
std::optional<Instant> ParseRfc3339(std::string_view text);
/// `t` in Vietnam's local time with its offset, `2026-11-23T16:30:00+07:00`.
std::string FormatLocal(Instant t);
/// `HH:MM` of minutes after midnight (0–1440).
std::string FormatMinutes(int minutes);
/// Minutes after midnight of `HH:MM` (00:00–24:00); nullopt otherwise.
std::optional<int> ParseMinutes(std::string_view text);

}  // namespace motcua::calendar
