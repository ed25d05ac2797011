#include "calendar/work_calendar.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace motcua::calendar {

namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using Seconds = std::int64_t;

constexpr Seconds kDay = 24 * 3600;
// Further than any exception can be: no exception ahead.
constexpr std::int64_t kNoException = std::int64_t{1} << 40;

// A working period of one day as seconds after local midnight, [start, end).
struct Period {
  Seconds start;
  Seconds end;
};

std::array<Period, 2> Periods(const WorkingHours& h) {
  return {Period{h.morning_start * 60LL, h.morning_end * 60LL},
          Period{h.afternoon_start * 60LL, h.afternoon_end * 60LL}};
}

sys_days LocalDay(Instant t) {
  return std::chrono::floor<days>(t + kVietnamOffset);
}

// Seconds since local midnight.
Seconds SecondOfDay(Instant t) {
  auto local = t + kVietnamOffset;
  return (local - std::chrono::floor<days>(local)).count();
}

Instant At(sys_days day, Seconds second_of_day) {
  return Instant(day) + seconds(second_of_day) - kVietnamOffset;
}

bool Weekend(sys_days d) {
  auto wd = std::chrono::weekday(d);
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// Working seconds of a working day between two seconds of that day.
Seconds WorkedBetween(const WorkingHours& h, Seconds from, Seconds to) {
  Seconds total = 0;
  for (const Period& p : Periods(h)) {
    Seconds a = std::max(from, p.start);
    Seconds b = std::min(to, p.end);
    if (b > a) total += b - a;
  }
  return total;
}

}  // namespace

int WorkingHours::MinutesPerDay() const {
  return (morning_end - morning_start) + (afternoon_end - afternoon_start);
}

bool WorkingHours::Valid() const {
  return 0 <= morning_start && morning_start < morning_end && morning_end <= afternoon_start &&
         afternoon_start < afternoon_end && afternoon_end <= 24 * 60;
}

WorkCalendar::WorkCalendar(WorkingHours hours, std::map<Date, DayKind> exceptions)
    : hours_(hours), exceptions_(std::move(exceptions)) {
  // A calendar without working time would never reach a deadline.
  if (!hours_.Valid()) throw std::invalid_argument("working hours out of order");
}

bool WorkCalendar::IsWorkingDay(Date d) const {
  if (auto it = exceptions_.find(d); it != exceptions_.end()) return it->second == DayKind::kWorkingDay;
  return !Weekend(sys_days(d));
}

bool WorkCalendar::IsWorkingMoment(Instant t) const {
  if (!IsWorkingDay(LocalDate(t))) return false;
  Seconds s = SecondOfDay(t);
  for (const Period& p : Periods(hours_)) {
    if (s >= p.start && s < p.end) return true;
  }
  return false;
}

bool WorkCalendar::IsPeriodEnd(Instant t) const {
  if (!IsWorkingDay(LocalDate(t))) return false;
  Seconds s = SecondOfDay(t);
  return s == hours_.morning_end * 60LL || s == hours_.afternoon_end * 60LL;
}

Instant WorkCalendar::NextWorkingMoment(Instant t) const {
  sys_days day = LocalDay(t);
  if (IsWorkingDay(Date(day))) {
    Seconds s = SecondOfDay(t);
    for (const Period& p : Periods(hours_)) {
      if (s < p.start) return At(day, p.start);
      if (s < p.end) return t;
    }
  }
  do {
    day += days(1);
  } while (!IsWorkingDay(Date(day)));
  return At(day, hours_.morning_start * 60LL);
}

Instant WorkCalendar::AddWorkingHours(Instant start, Minutes amount) const {
  if (amount < Minutes::zero()) throw std::invalid_argument("negative working time");
  if (amount == Minutes::zero()) {
    return IsWorkingMoment(start) || IsPeriodEnd(start) ? start : NextWorkingMoment(start);
  }
  Instant t = NextWorkingMoment(start);
  Seconds remaining = std::chrono::duration_cast<seconds>(amount).count();
  const Seconds per_day = hours_.MinutesPerDay() * 60LL;
  sys_days day = LocalDay(t);
  Seconds from = SecondOfDay(t);
  for (;;) {
    // Within the current (working) day, from `from` on. Reaching the amount exactly at a
    // period end stops there: the period end belongs to the time before it.
    for (const Period& p : Periods(hours_)) {
      if (p.end <= from) continue;
      Seconds a = std::max(from, p.start);
      if (remaining <= p.end - a) return At(day, a + remaining);
      remaining -= p.end - a;
    }
    day += days(1);
    from = 0;
    // Whole days that the remaining amount passes over entirely, a week at a time where no
    // exception falls inside the week (any 7 consecutive days hold 5 weekdays).
    while (remaining > per_day) {
      auto next = exceptions_.lower_bound(Date(day));
      std::int64_t gap = next == exceptions_.end() ? kNoException
                                                   : (sys_days(next->first) - day).count();
      std::int64_t weeks = std::min<std::int64_t>((remaining - 1) / (5 * per_day), gap / 7);
      if (weeks > 0) {
        day += days(7 * weeks);
        remaining -= 5 * per_day * weeks;
        continue;
      }
      if (IsWorkingDay(Date(day))) remaining -= per_day;
      day += days(1);
    }
    while (!IsWorkingDay(Date(day))) day += days(1);
  }
}

Instant WorkCalendar::AddWorkingDays(Instant start, int days_count) const {
  return AddWorkingHours(start, std::chrono::hours(static_cast<std::int64_t>(days_count) * kHoursPerWorkingDay));
}

Instant WorkCalendar::AddCalendarDays(Instant start, int days_count) const {
  if (days_count < 0) throw std::invalid_argument("negative number of days");
  Instant t = start + days(days_count);
  return IsWorkingMoment(t) || IsPeriodEnd(t) ? t : NextWorkingMoment(t);
}

Minutes WorkCalendar::WorkingDurationBetween(Instant a, Instant b) const {
  if (b <= a) return Minutes::zero();
  sys_days first = LocalDay(a);
  sys_days last = LocalDay(b);
  auto worked = [&](sys_days d, Seconds from, Seconds to) {
    return IsWorkingDay(Date(d)) ? WorkedBetween(hours_, from, to) : 0;
  };
  if (first == last) return std::chrono::floor<Minutes>(seconds(worked(first, SecondOfDay(a), SecondOfDay(b))));
  Seconds total = worked(first, SecondOfDay(a), kDay) + worked(last, 0, SecondOfDay(b));
  const Seconds per_day = hours_.MinutesPerDay() * 60LL;
  sys_days day = first + days(1);
  while (day < last) {
    auto next = exceptions_.lower_bound(Date(day));
    std::int64_t gap = next == exceptions_.end() ? kNoException : (sys_days(next->first) - day).count();
    std::int64_t weeks = std::min<std::int64_t>((last - day).count(), gap) / 7;
    if (weeks > 0) {
      day += days(7 * weeks);
      total += 5 * per_day * weeks;
      continue;
    }
    if (IsWorkingDay(Date(day))) total += per_day;
    day += days(1);
  }
  return std::chrono::floor<Minutes>(seconds(total));
}

Instant WorkCalendar::PaperCountingStart(Instant t) const {
  sys_days day = LocalDay(t);
  if (IsWorkingDay(Date(day)) && SecondOfDay(t) <= kPaperCutOffMinutes * 60LL) {
    Instant next = NextWorkingMoment(t);
    // Before the cut-off but after the day's last period (an agency closing before 15:00)
    // rolls to the next working day through NextWorkingMoment already.
    return next;
  }
  do {
    day += days(1);
  } while (!IsWorkingDay(Date(day)));
  return At(day, hours_.morning_start * 60LL);
}

Date LocalDate(Instant t) { return Date(LocalDay(t)); }

Instant LocalTime(Date d, int minutes) { return At(sys_days(d), minutes * 60LL); }

namespace {

// Digits only, exactly `n` of them.
std::optional<int> Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  Date date{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
            std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<Instant> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (text.size() < 20) return std::nullopt;
  auto date = ParseDate(text.substr(0, 10));
  if (!date || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') return std::nullopt;
  auto hh = Digits(text, 11, 2), mm = Digits(text, 14, 2), ss = Digits(text, 17, 2);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;
  std::size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 9) ++i, ++digits;
    if (digits == 0) return std::nullopt;
  }
  if (i >= text.size()) return std::nullopt;
  int offset_minutes = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    auto oh = Digits(text, i + 1, 2), om = Digits(text, i + 4, 2);
    if (!oh || !om || i + 3 >= text.size() || text[i + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (text[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return Instant(sys_days(*date)) + std::chrono::hours(*hh) + Minutes(*mm) + seconds(*ss) - Minutes(offset_minutes);
}

std::string FormatLocal(Instant t) {
  Date d = LocalDate(t);
  Seconds s = SecondOfDay(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld+07:00", FormatDate(d).c_str(), static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

std::string FormatMinutes(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 100, minutes % 60);
  return buf;
}

std::optional<int> ParseMinutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = Digits(text, 0, 2), m = Digits(text, 3, 2);
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace motcua::calendar
