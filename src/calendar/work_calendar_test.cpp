// Working-day arithmetic: worked examples from the rules officers apply by hand (DOMAIN.md
// §3.8), then properties over thousands of seeded-random instants and amounts, checked also
// against a minute-by-minute reference.
#include "calendar/work_calendar.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace motcua::calendar {
namespace {

using namespace std::chrono_literals;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year(y), std::chrono::month(m), std::chrono::day(d)}; }
Instant L(int y, unsigned m, unsigned d, int hh, int mm = 0) { return LocalTime(D(y, m, d), hh * 60 + mm); }

// Vietnam's 2026 as decided: New Year swapped with Saturday 10/1, Tết 16–20/2, Giỗ Tổ on a
// Sunday compensated on Monday 27/4, 30/4–1/5, National Day 1–2/9 with 31/8 swapped with
// Saturday 22/8.
std::map<Date, DayKind> Vietnam2026() {
  std::map<Date, DayKind> e;
  for (Date d : {D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19),
                 D(2026, 2, 20), D(2026, 4, 26), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1), D(2026, 8, 31),
                 D(2026, 9, 1), D(2026, 9, 2)}) {
    e[d] = DayKind::kHoliday;
  }
  e[D(2026, 1, 10)] = DayKind::kWorkingDay;
  e[D(2026, 8, 22)] = DayKind::kWorkingDay;
  return e;
}

WorkCalendar Vn() { return WorkCalendar(WorkingHours{}, Vietnam2026()); }

std::string F(Instant t) { return FormatLocal(t); }

TEST(WorkCalendar, DefaultHoursAreEightHours) {
  EXPECT_EQ(WorkingHours{}.MinutesPerDay(), 480);  // 4 h 30 + 3 h 30
  EXPECT_TRUE(WorkingHours{}.Valid());
  EXPECT_FALSE((WorkingHours{.morning_start = 600, .morning_end = 500}).Valid());
  EXPECT_FALSE((WorkingHours{.afternoon_end = 24 * 60 + 1}).Valid());
  EXPECT_TRUE((WorkingHours{480, 720, 720, 1020}).Valid());  // no lunch break
  EXPECT_THROW(WorkCalendar(WorkingHours{.morning_start = 600, .morning_end = 500}, {}), std::invalid_argument);
}

TEST(WorkCalendar, LocalTimeIsUtcPlusSeven) {
  EXPECT_EQ(L(2026, 3, 10, 7), Instant(std::chrono::sys_days(D(2026, 3, 10))) + 0h);
  EXPECT_EQ(LocalDate(Instant(std::chrono::sys_days(D(2026, 3, 10))) + 16h + 59min), D(2026, 3, 10));
  EXPECT_EQ(LocalDate(Instant(std::chrono::sys_days(D(2026, 3, 10))) + 17h), D(2026, 3, 11));
  EXPECT_EQ(F(L(2026, 11, 23, 16, 30)), "2026-11-23T16:30:00+07:00");
}

TEST(WorkCalendar, WorkingDaysWeekendsHolidaysAndSwappedSaturdays) {
  auto c = Vn();
  EXPECT_TRUE(c.IsWorkingDay(D(2026, 3, 10)));    // Tuesday
  EXPECT_FALSE(c.IsWorkingDay(D(2026, 3, 14)));   // Saturday
  EXPECT_FALSE(c.IsWorkingDay(D(2026, 3, 15)));   // Sunday
  EXPECT_FALSE(c.IsWorkingDay(D(2026, 2, 17)));   // mùng 1 Tết Bính Ngọ
  EXPECT_TRUE(c.IsWorkingDay(D(2026, 1, 10)));    // Saturday made a working day
  EXPECT_FALSE(c.IsWorkingDay(D(2026, 1, 2)));    // the Friday it was swapped with
  EXPECT_TRUE(c.IsWorkingMoment(L(2026, 3, 10, 7)));
  EXPECT_FALSE(c.IsWorkingMoment(L(2026, 3, 10, 11, 30)));
  EXPECT_FALSE(c.IsWorkingMoment(L(2026, 3, 10, 12)));
  EXPECT_TRUE(c.IsWorkingMoment(L(2026, 3, 10, 13, 30)));
  EXPECT_FALSE(c.IsWorkingMoment(L(2026, 3, 10, 17)));
  EXPECT_TRUE(c.IsPeriodEnd(L(2026, 3, 10, 11, 30)));
  EXPECT_TRUE(c.IsPeriodEnd(L(2026, 3, 10, 17)));
  EXPECT_FALSE(c.IsPeriodEnd(L(2026, 3, 14, 17)));  // not on a Saturday
}

TEST(WorkCalendar, NextWorkingMoment) {
  auto c = Vn();
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 10, 6))), "2026-03-10T07:00:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 10, 9, 15))), "2026-03-10T09:15:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 10, 12))), "2026-03-10T13:30:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 10, 11, 30))), "2026-03-10T13:30:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 10, 17))), "2026-03-11T07:00:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 3, 13, 18))), "2026-03-16T07:00:00+07:00");
  EXPECT_EQ(F(c.NextWorkingMoment(L(2026, 2, 13, 17, 1))), "2026-02-23T07:00:00+07:00");
}

TEST(WorkCalendar, WorkedExamples) {
  auto c = Vn();
  // Over the lunch break.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 10, 30), 2h)), "2026-03-10T14:30:00+07:00");
  // Received after 17:00: counted from the next morning.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 17, 30), 1h)), "2026-03-11T08:00:00+07:00");
  // Friday afternoon to Monday.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 13, 16), 2h)), "2026-03-16T08:00:00+07:00");
  // Across Tết 2026: one hour on Friday 13/2, seven on Monday 23/2.
  EXPECT_EQ(F(c.AddWorkingDays(L(2026, 2, 13, 16), 1)), "2026-02-23T16:00:00+07:00");
  EXPECT_EQ(c.WorkingDurationBetween(L(2026, 2, 13, 16), L(2026, 2, 23, 16)), 8h);
  // A swapped Saturday is worked; the swapped Friday is not.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 1, 9, 16), 2h)), "2026-01-10T08:00:00+07:00");
  EXPECT_EQ(F(c.AddWorkingHours(L(2025, 12, 31, 16), 2h)), "2026-01-05T08:00:00+07:00");
  // Ending exactly at a period end stays there.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 7), 4h + 30min)), "2026-03-10T11:30:00+07:00");
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 7), 8h)), "2026-03-10T17:00:00+07:00");
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 7), 8h + 1min)), "2026-03-11T07:01:00+07:00");
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 7), 4h + 31min)), "2026-03-10T13:31:00+07:00");
  // Zero: a working moment or period end stays; anything else moves to the next working moment.
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 11, 30), 0min)), "2026-03-10T11:30:00+07:00");
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 14, 9), 0min)), "2026-03-16T07:00:00+07:00");
  // A working day is 8 working hours: from the morning start to the same day's end.
  EXPECT_EQ(F(c.AddWorkingDays(L(2026, 3, 10, 7), 1)), "2026-03-10T17:00:00+07:00");
  EXPECT_EQ(F(c.AddWorkingDays(L(2026, 3, 10, 9), 3)), "2026-03-13T09:00:00+07:00");
  EXPECT_EQ(F(c.AddWorkingDays(L(2026, 3, 10, 7), 0)), "2026-03-10T07:00:00+07:00");
  // Calendar days never end on a holiday: 16/2 is Tết, so the next working moment.
  EXPECT_EQ(F(c.AddCalendarDays(L(2026, 2, 13, 10), 3)), "2026-02-23T07:00:00+07:00");
  EXPECT_EQ(F(c.AddCalendarDays(L(2026, 3, 10, 10), 7)), "2026-03-17T10:00:00+07:00");
  EXPECT_EQ(F(c.AddCalendarDays(L(2026, 3, 10, 17), 1)), "2026-03-11T17:00:00+07:00");  // a period end
  EXPECT_THROW(c.AddWorkingHours(L(2026, 3, 10, 7), -1min), std::invalid_argument);
}

TEST(WorkCalendar, PaperCutOffAtThreeInTheAfternoon) {
  auto c = Vn();
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 10, 14, 59))), "2026-03-10T14:59:00+07:00");
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 10, 15, 0))), "2026-03-10T15:00:00+07:00");
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 10, 15, 1))), "2026-03-11T07:00:00+07:00");
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 10, 6, 30))), "2026-03-10T07:00:00+07:00");
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 10, 12))), "2026-03-10T13:30:00+07:00");
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 13, 15, 30))), "2026-03-16T07:00:00+07:00");  // Friday
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 3, 14, 9))), "2026-03-16T07:00:00+07:00");       // Saturday
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 1, 9, 15, 30))), "2026-01-10T07:00:00+07:00");   // worked Saturday next
  EXPECT_EQ(F(c.PaperCountingStart(L(2026, 2, 13, 16))), "2026-02-23T07:00:00+07:00");      // before Tết
  // Online submissions count from the next working moment, whatever the hour.
  EXPECT_EQ(F(c.OnlineCountingStart(L(2026, 3, 10, 15, 30))), "2026-03-10T15:30:00+07:00");
  EXPECT_EQ(F(c.OnlineCountingStart(L(2026, 3, 14, 22))), "2026-03-16T07:00:00+07:00");
}

TEST(WorkCalendar, AgencyHoursWithoutLunchBreak) {
  WorkCalendar c(WorkingHours{7 * 60 + 30, 12 * 60, 12 * 60, 16 * 60 + 30}, Vietnam2026());
  EXPECT_EQ(c.Hours().MinutesPerDay(), 540);
  EXPECT_TRUE(c.IsWorkingMoment(L(2026, 3, 10, 12)));
  EXPECT_EQ(F(c.AddWorkingHours(L(2026, 3, 10, 11), 2h)), "2026-03-10T13:00:00+07:00");
  EXPECT_EQ(F(c.AddWorkingDays(L(2026, 3, 10, 7, 30), 1)), "2026-03-10T15:30:00+07:00");
}

TEST(WorkCalendar, ParsingAndFormatting) {
  EXPECT_EQ(ParseDate("2026-02-28"), D(2026, 2, 28));
  EXPECT_EQ(ParseDate("2024-02-29"), D(2024, 2, 29));
  for (const char* bad : {"2026-02-29", "2026-02-30", "2026-13-01", "2026-2-01", "26-02-01", "2026-02-01x", "",
                          "abcd-ef-gh", "2026/02/01"}) {
    EXPECT_FALSE(ParseDate(bad)) << bad;
  }
  EXPECT_EQ(FormatDate(D(2026, 1, 5)), "2026-01-05");
  EXPECT_EQ(ParseRfc3339("2026-11-23T16:30:00+07:00"), L(2026, 11, 23, 16, 30));
  EXPECT_EQ(ParseRfc3339("2026-11-23T09:30:00Z"), L(2026, 11, 23, 16, 30));
  EXPECT_EQ(ParseRfc3339("2026-11-23T09:30:00.123456Z"), L(2026, 11, 23, 16, 30));
  EXPECT_EQ(ParseRfc3339("2026-11-23T04:30:00-05:00"), L(2026, 11, 23, 16, 30));
  for (const char* bad : {"2026-11-23", "2026-11-23T16:30:00", "2026-11-23T24:00:00Z", "2026-11-23T16:30Z",
                          "2026-02-30T10:00:00Z", "2026-11-23T16:30:00+0700", "2026-11-23T16:30:00.Z",
                          "2026-11-23T16:30:00+07:00 ", "now"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
  EXPECT_EQ(FormatMinutes(7 * 60), "07:00");
  EXPECT_EQ(FormatMinutes(13 * 60 + 30), "13:30");
  EXPECT_EQ(ParseMinutes("13:30"), 13 * 60 + 30);
  EXPECT_EQ(ParseMinutes("24:00"), 24 * 60);
  for (const char* bad : {"7:00", "24:01", "12:60", "1230", "ab:cd", ""}) EXPECT_FALSE(ParseMinutes(bad)) << bad;
}

// ---- properties ----

// Minute-by-minute reference of AddWorkingHours for minute-aligned starts.
Instant ReferenceAdd(const WorkCalendar& c, Instant start, Minutes amount) {
  Instant t = c.NextWorkingMoment(start);
  if (amount == 0min) return c.IsWorkingMoment(start) || c.IsPeriodEnd(start) ? start : t;
  while (amount > 0min) {
    if (c.IsWorkingMoment(t)) amount -= 1min;
    t += 1min;
  }
  return t;
}

std::vector<WorkCalendar> Calendars() {
  return {Vn(), WorkCalendar(WorkingHours{7 * 60 + 30, 12 * 60, 12 * 60, 16 * 60 + 30}, Vietnam2026()),
          WorkCalendar(WorkingHours{8 * 60, 11 * 60 + 45, 13 * 60 + 15, 17 * 60 + 15}, Vietnam2026()),
          WorkCalendar(WorkingHours{}, {})};
}

struct Random {
  std::mt19937_64 gen{20260216};
  // An instant between December 2025 and March 2027, on a whole minute half of the time.
  Instant At() {
    auto from = L(2025, 12, 1, 0);
    std::uniform_int_distribution<std::int64_t> secs(0, 456LL * 24 * 3600);
    Instant t = from + std::chrono::seconds(secs(gen));
    if (gen() % 2 == 0) t = std::chrono::floor<Minutes>(t);
    return t;
  }
  // Working time up to ~3 weeks, favouring the amounts that land on period ends.
  Minutes Amount() {
    switch (gen() % 4) {
      case 0: return Minutes(std::uniform_int_distribution<int>(0, 60)(gen));
      case 1: return Minutes(30 * std::uniform_int_distribution<int>(0, 200)(gen));
      case 2: return std::chrono::hours(8 * std::uniform_int_distribution<int>(0, 15)(gen));
      default: return Minutes(std::uniform_int_distribution<int>(0, 9000)(gen));
    }
  }
};

TEST(WorkCalendarProperty, MonotonicAdditiveAndEndsOnWorkingTime) {
  Random r;
  for (const auto& c : Calendars()) {
    for (int i = 0; i < 2500; ++i) {
      Instant s = r.At();
      Minutes a = r.Amount(), b = r.Amount();
      Instant sa = c.AddWorkingHours(s, a), sb = c.AddWorkingHours(s, b);
      // Monotonic in the amount.
      if (a <= b) {
        EXPECT_LE(sa, sb) << F(s) << " " << a.count() << " " << b.count();
      } else {
        EXPECT_GE(sa, sb) << F(s) << " " << a.count() << " " << b.count();
      }
      // Never before the start; never on non-working time other than a period end.
      EXPECT_GE(sa, s);
      EXPECT_TRUE(c.IsWorkingMoment(sa) || c.IsPeriodEnd(sa)) << F(s) << " + " << a.count() << " = " << F(sa);
      // The working time between the start and the result is the amount.
      EXPECT_EQ(c.WorkingDurationBetween(s, sa), a) << F(s) << " + " << a.count();
      // Additive from a working moment.
      Instant t = c.NextWorkingMoment(s);
      EXPECT_EQ(c.AddWorkingHours(c.AddWorkingHours(t, a), b), c.AddWorkingHours(t, a + b))
          << F(t) << " + " << a.count() << " + " << b.count();
    }
  }
}

TEST(WorkCalendarProperty, WorkingDaysNeverLandOnWeekendsOrHolidays) {
  Random r;
  auto c = Vn();
  for (int i = 0; i < 3000; ++i) {
    Instant s = r.At();
    int n = std::uniform_int_distribution<int>(0, 40)(r.gen);
    Instant due = c.AddWorkingDays(s, n);
    EXPECT_TRUE(c.IsWorkingDay(LocalDate(due))) << F(s) << " + " << n << " days = " << F(due);
    EXPECT_EQ(c.WorkingDurationBetween(s, due), std::chrono::hours(8 * n));
    Instant cal = c.AddCalendarDays(s, n);
    EXPECT_TRUE(c.IsWorkingDay(LocalDate(cal))) << F(s) << " + " << n << " calendar days = " << F(cal);
    EXPECT_GE(cal, s + std::chrono::days(n));
    EXPECT_TRUE(c.IsWorkingMoment(c.NextWorkingMoment(s)));
    Instant paper = c.PaperCountingStart(s);
    EXPECT_TRUE(c.IsWorkingMoment(paper));
    EXPECT_GE(paper, s);
  }
}

TEST(WorkCalendarProperty, AgreesWithMinuteByMinuteReference) {
  Random r;
  for (const auto& c : Calendars()) {
    for (int i = 0; i < 150; ++i) {
      Instant s = std::chrono::floor<Minutes>(r.At());
      Minutes a(std::uniform_int_distribution<int>(0, 1500)(r.gen));
      EXPECT_EQ(F(c.AddWorkingHours(s, a)), F(ReferenceAdd(c, s, a))) << F(s) << " + " << a.count();
    }
  }
}

TEST(WorkCalendarProperty, DurationIsSplitAdditive) {
  Random r;
  auto c = Vn();
  for (int i = 0; i < 3000; ++i) {
    Instant a = std::chrono::floor<Minutes>(r.At()), b = std::chrono::floor<Minutes>(r.At());
    Instant m = std::chrono::floor<Minutes>(r.At());
    if (a > b) std::swap(a, b);
    if (m < a || m > b) m = a;
    EXPECT_EQ(c.WorkingDurationBetween(a, b), c.WorkingDurationBetween(a, m) + c.WorkingDurationBetween(m, b));
    EXPECT_EQ(c.WorkingDurationBetween(b, a), 0min);
  }
}

TEST(WorkCalendarProperty, LargeAmountsSkipWholeDays) {
  // Ten years of working days from every hour of one week: each is a handful of steps.
  auto c = Vn();
  for (int h = 0; h < 7 * 24; ++h) {
    Instant s = L(2026, 3, 9, 0) + std::chrono::hours(h);
    Instant due = c.AddWorkingDays(s, 2500);
    EXPECT_EQ(c.WorkingDurationBetween(s, due), std::chrono::hours(8 * 2500));
    EXPECT_TRUE(c.IsWorkingDay(LocalDate(due)));
  }
  // 2026 has 250 working days after its exceptions; 2027 (no exceptions here) has 261.
  EXPECT_EQ(c.WorkingDurationBetween(L(2026, 1, 1, 0), L(2027, 1, 1, 0)), Minutes(480 * 250));
  EXPECT_EQ(c.WorkingDurationBetween(L(2027, 1, 1, 0), L(2028, 1, 1, 0)), Minutes(480 * 261));
}

}  // namespace
}  // namespace motcua::calendar
