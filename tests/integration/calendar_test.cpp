// The working calendar through real HTTP on both engines: the shipped holidays, the deadline
// calculator across Tết, administrators' holidays and working hours (and who may change
// them), bad input, an edit that survives a restart, and dossier due dates that follow it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "calendar/work_calendar.hpp"
#include "integration/api_user.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

class Calendar : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam());
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }
  json::value Deadline(const std::string& query) {
    auto r = Fetch(port(), "GET", "/api/v1/calendar/deadline?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return Json(r);
  }
  std::string Due(const std::string& query) {
    auto v = Deadline(query);
    return v.is_object() ? std::string(v.at("due_at").as_string()) : "";
  }
  std::unique_ptr<TestApp> app_;
};

json::object Day(const json::value& calendar, std::string_view date) {
  for (const auto& d : calendar.at("days").as_array()) {
    if (d.at("date").as_string() == date) return d.as_object();
  }
  return {};
}

TEST_P(Calendar, ShipsTheHolidaysAndCountsDeadlinesAcrossTet) {
  auto year = Fetch(port(), "GET", "/api/v1/calendar?year=2026");
  ASSERT_EQ(year.status, 200) << year.body;
  json::value cal = Json(year);
  EXPECT_EQ(Day(cal, "2026-02-17").at("kind"), "holiday");  // mùng 1 Tết Bính Ngọ
  EXPECT_EQ(Day(cal, "2026-02-17").at("source"), "shipped");
  EXPECT_EQ(Day(cal, "2026-01-10").at("kind"), "working_day");  // Saturday worked for 2 January
  EXPECT_EQ(cal.at("working_hours").at("morning_start"), "07:00");
  EXPECT_EQ(cal.at("working_hours").at("afternoon_end"), "17:00");
  EXPECT_EQ(cal.at("paper_cut_off"), "15:00");

  // Friday 13 Feb 2026 16:00, one working day: one hour that Friday, Tết from Mon 16 to
  // Fri 20, then seven hours on Monday 23 Feb.
  EXPECT_EQ(Due("start=2026-02-13T16:00:00%2B07:00&amount=1"), "2026-02-23T16:00:00+07:00");
  // On paper after 15:00: counted from the next working day, which is after Tết.
  auto paper = Deadline("start=2026-02-13T15:30:00%2B07:00&amount=1&channel=paper");
  EXPECT_EQ(paper.at("counting_start"), "2026-02-23T07:00:00+07:00");
  EXPECT_EQ(paper.at("due_at"), "2026-02-23T17:00:00+07:00");
  EXPECT_EQ(paper.at("working_minutes"), 480);
  // An online submission on a Saturday evening counts from Monday 07:00.
  EXPECT_EQ(Deadline("start=2026-11-21T20:00:00%2B07:00&amount=4&unit=working_hours").at("counting_start"),
            "2026-11-23T07:00:00+07:00");
  // The swapped working Saturday 10 January 2026 counts; Friday 2 January does not.
  EXPECT_EQ(Due("start=2026-01-01T09:00:00%2B07:00&amount=1"), "2026-01-05T17:00:00+07:00");
  EXPECT_EQ(Due("start=2026-01-09T17:00:00%2B07:00&amount=1"), "2026-01-10T17:00:00+07:00");

  for (const char* bad : {"amount=-1", "amount=x", "", "amount=1&unit=weeks", "amount=1&start=yesterday",
                          "amount=1&channel=fax", "amount=99999", "amount=1&agency=no.such.agency"}) {
    auto r = Fetch(port(), "GET", std::string("/api/v1/calendar/deadline?") + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/problem+json") << bad;
  }
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/calendar?year=1800").status, 400);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/calendar?year=2026&agency=nope").status, 400);
}

TEST_P(Calendar, SystemAdministratorsEditHolidaysAndTheEditSurvivesARestart) {
  User sys = SignIn(port(), "sysadmin.demo");
  User agency_admin = SignIn(port(), "admin.demo");
  const std::string before = Due("start=2027-03-05T16:00:00%2B07:00&amount=1");
  EXPECT_EQ(before, "2027-03-08T16:00:00+07:00");

  // A local holiday on Monday 8 March 2027 moves the deadline to Tuesday.
  std::string body = R"({"kind":"holiday","name":"Nghỉ lễ địa phương","name_en":"Local holiday"})";
  EXPECT_EQ(agency_admin.Call("PUT", "/api/v1/admin/calendar/days/2027-03-08", body).status, 403);
  auto put = sys.Call("PUT", "/api/v1/admin/calendar/days/2027-03-08", body);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("source"), "admin");
  EXPECT_EQ(Due("start=2027-03-05T16:00:00%2B07:00&amount=1"), "2027-03-09T16:00:00+07:00");

  // Bad input is refused with the field that is wrong, and changes nothing.
  struct Bad {
    std::string date, body, field;
  };
  for (const auto& [date, bad, field] : std::vector<Bad>{
           {"2027-02-30", body, "date"},
           {"2027-3-9", body, "date"},
           {"2027-03-06", body, "kind"},  // a Saturday is already off
           {"2027-03-09", R"({"kind":"working_day","name":"x"})", "kind"},  // a Tuesday is already worked
           {"2027-03-09", R"({"kind":"holiday"})", "name"},
           {"2027-03-09", R"({"kind":"vacation","name":"x"})", "kind"},
           {"2027-03-09", R"({"kind":"holiday","name":7})", "name"}}) {
    auto r = sys.Call("PUT", "/api/v1/admin/calendar/days/" + date, bad);
    EXPECT_EQ(r.status, 400) << date << " " << bad << ": " << r.body;
    EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << r.body;
  }
  EXPECT_EQ(sys.Call("PUT", "/api/v1/admin/calendar/days/2027-03-09", "[1,2").status, 400);
  EXPECT_EQ(Due("start=2027-03-05T16:00:00%2B07:00&amount=1"), "2027-03-09T16:00:00+07:00");

  // A shipped holiday returned to the weekly rule stays a working day after a restart.
  EXPECT_EQ(sys.Call("DELETE", "/api/v1/admin/calendar/days/2027-09-03").status, 204);
  EXPECT_EQ(sys.Call("DELETE", "/api/v1/admin/calendar/days/2027-10-05").status, 404);
  EXPECT_EQ(Due("start=2027-09-02T08:00:00%2B07:00&amount=1"), "2027-09-03T17:00:00+07:00");
  app_->Restart();
  EXPECT_EQ(Due("start=2027-09-02T08:00:00%2B07:00&amount=1"), "2027-09-03T17:00:00+07:00");
  EXPECT_EQ(Due("start=2027-03-05T16:00:00%2B07:00&amount=1"), "2027-03-09T16:00:00+07:00");
  auto cal = Json(Fetch(port(), "GET", "/api/v1/calendar?year=2027"));
  EXPECT_EQ(Day(cal, "2027-09-03").at("kind"), "normal");
  EXPECT_EQ(Day(cal, "2027-03-08").at("kind"), "holiday");
  // An administrator's own entry removed is gone altogether.
  sys = SignIn(port(), "sysadmin.demo");
  EXPECT_EQ(sys.Call("DELETE", "/api/v1/admin/calendar/days/2027-03-08").status, 204);
  EXPECT_TRUE(Day(Json(Fetch(port(), "GET", "/api/v1/calendar?year=2027")), "2027-03-08").empty());
}

TEST_P(Calendar, AgencyAdministratorsSetTheirAgencysWorkingHours) {
  User admin = SignIn(port(), "admin.demo");  // Sở Tư pháp 000.00.02.H99
  const std::string path = "/api/v1/admin/agencies/000.00.02.H99/working-hours";
  auto own = admin.Call("GET", path);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Json(own).at("own"), false);
  EXPECT_EQ(Json(own).at("minutes_per_day"), 480);

  for (const char* bad : {R"({"morning_start":"07:00","morning_end":"06:00","afternoon_start":"13:00","afternoon_end":"17:00"})",
                          R"({"morning_start":"25:00","morning_end":"11:00","afternoon_start":"13:00","afternoon_end":"17:00"})",
                          R"({"morning_start":"08:00","morning_end":"09:00","afternoon_start":"10:00","afternoon_end":"11:00"})",
                          R"({"morning_start":"07:00"})", R"("07:00")"}) {
    auto r = admin.Call("PUT", path, bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  auto put = admin.Call("PUT", path, R"({"morning_start":"07:30","morning_end":"11:30","afternoon_start":"13:00","afternoon_end":"17:00"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("minutes_per_day"), 480);
  // Wednesday 2 December 2026 at 07:15 is not yet working time at this agency.
  EXPECT_EQ(Deadline("start=2026-12-02T07:15:00%2B07:00&amount=2&unit=working_hours&agency=000.00.02.H99").at("due_at"),
            "2026-12-02T09:30:00+07:00");
  EXPECT_EQ(Deadline("start=2026-12-02T07:15:00%2B07:00&amount=2&unit=working_hours").at("due_at"),
            "2026-12-02T09:15:00+07:00");
  EXPECT_EQ(Json(Fetch(port(), "GET", "/api/v1/calendar?agency=000.00.02.H99")).at("working_hours").at("afternoon_start"), "13:00");

  // Another agency's hours are not this admin's business; an unknown agency is not found.
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/agencies/000.00.03.H99/working-hours",
                       R"({"morning_start":"07:30","morning_end":"11:30","afternoon_start":"13:00","afternoon_end":"17:00"})").status, 403);
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/agencies/000.00.99.H99/working-hours").status, 404);
  EXPECT_EQ(SignIn(port(), "receiver.demo").Call("GET", path).status, 403);

  EXPECT_EQ(admin.Call("DELETE", path).status, 204);
  EXPECT_EQ(Json(admin.Call("GET", path)).at("own"), false);
  EXPECT_EQ(Deadline("start=2026-12-02T07:15:00%2B07:00&amount=2&unit=working_hours&agency=000.00.02.H99").at("due_at"),
            "2026-12-02T09:15:00+07:00");
}

TEST_P(Calendar, ADossiersDueDateSkipsTheHolidaysAdministratorsDeclare) {
  // Every weekday of the next three weeks becomes a holiday; a dossier accepted now is due
  // after them, exactly when the deadline calculator says.
  User sys = SignIn(port(), "sysadmin.demo");
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::string last;
  for (int i = 1; i <= 21; ++i) {
    auto date = calendar::LocalDate(now + std::chrono::days(i));
    unsigned wd = std::chrono::weekday(std::chrono::sys_days(date)).iso_encoding();
    if (wd >= 6) continue;
    last = calendar::FormatDate(date);
    auto r = sys.Call("PUT", "/api/v1/admin/calendar/days/" + last, R"({"kind":"holiday","name":"Nghỉ thử"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  User citizen = SignIn(port(), "citizen.demo");
  auto tpl = Json(citizen.Call("GET", "/api/v1/procedures/2.913001/submission"));
  int days = 0;
  std::string unit;
  for (const auto& ch : tpl.at("channels").as_array()) {
    if (ch.at("channel") != "online") continue;
    days = static_cast<int>(ch.at("duration").to_number<double>());
    unit = ch.at("unit") == "days" ? "days" : "working_days";  // "10 ngày" (calendar) or working days
  }
  ASSERT_GT(days, 0);
  json::array docs{json::object{{"code", "GT.2913001.1.01"},
                                {"attachment_ids", json::array{json::string(citizen.Upload("a.pdf", "application/pdf", Pdf("a")))}}}};
  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"documents", docs}, {"form", CriminalRecordForm()},
                    {"summary", "Phiếu lý lịch tư pháp"}};
  auto submitted = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "cal-1"}});
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  std::string code(Json(submitted).at("code").as_string());
  auto accepted = SignIn(port(), "receiver.demo").Act(code, "accept", {{"note", "đủ"}});
  std::string received(accepted.at("received_at").as_string()), due(accepted.at("due_at").as_string());
  EXPECT_GT(due.substr(0, 10), last) << "due " << due << " falls before the declared holidays end";
  std::string plus = received;
  plus.replace(plus.find('+'), 1, "%2B");
  EXPECT_EQ(due, Due("start=" + plus + "&amount=" + std::to_string(days) + "&unit=" + unit + "&agency=000.00.02.H99"));
}

INSTANTIATE_TEST_SUITE_P(Engines, Calendar, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
