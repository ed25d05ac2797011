// The deadline watcher (Service::WatchDeadlines) on both engines, at fixed instants: a dossier
// due within one working day is marked at risk and one due date past is marked overdue, each
// once and with one notice to its agency; open steps past their time get their lateness in the
// working minutes of their agency; every candidate is reached however many there are, including
// across a long holiday; and a dossier the database refuses to mark holds back only itself, even
// when so many are refused that a pass gives up.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/database.hpp"
#include "dossier/service.hpp"
#include "integration/api_user.hpp"
#include "integration/refuse.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

std::chrono::system_clock::time_point At(const char* utc) { return *core::ParseUtc(utc); }

class Deadlines : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // No watcher of the server's own: each pass here runs at an instant the test chooses.
    app_ = std::make_unique<TestApp>(GetParam(), true, [](config::Config& c) { c.deadline_watch_seconds = 0; });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
    citizen_ = SignIn(app_->port(), "citizen.demo");
    receiver_ = SignIn(app_->port(), "receiver.demo");
  }
  // A dossier accepted by the receiver (status 2, its due date set).
  std::string Accepted(const std::string& summary) {
    std::string code = SubmitCriminalRecord(citizen_, summary);
    receiver_.Act(code, "accept", {});
    return code;
  }
  dossier::WatchReport Watch(const char* utc) { return app_->app().dossiers->WatchDeadlines(At(utc)); }
  // A statement is prepared under its name, one name per text; db::Query only views both, so
  // they are kept here for the connections' caches.
  db::ResultSet Run(const std::string& sql, const std::vector<db::Value>& params) {
    auto it = queries_.try_emplace(sql, "test_deadline_" + std::to_string(queries_.size())).first;
    return app_->app().db->Acquire()->Execute({it->second, it->first}, params);
  }
  void Exec(const std::string& sql, const std::vector<db::Value>& params = {}) { Run(sql, params); }
  std::int64_t Count(const std::string& sql, const std::vector<db::Value>& params = {}) { return Run(sql, params).Int(0, 0); }
  void SetDue(const std::string& code, const std::string& due) {
    Exec("UPDATE dossiers SET due_at = $2 WHERE code = $1", {code, due});
  }
  bool Flag(const std::string& code, const char* column) {
    return Count(std::string("SELECT ") + column + " FROM dossiers WHERE code = $1", {code}) != 0;
  }
  // The notices of `event` about the dossier `code` queued for its agency.
  std::int64_t Notices(const std::string& event, const std::string& code) {
    return Count("SELECT COUNT(*) FROM notification_outbox WHERE event = $1 AND channel = 'in_app' AND payload LIKE $2",
                 {event, "%\"code\":\"" + code + "\"%"});
  }
  // `n` copies of the dossier `code` due at `due`, at risk or not, in one transaction.
  void Copies(const std::string& code, int n, const std::string& due, int at_risk, const std::string& tag) {
    auto c = app_->app().db->Acquire();
    db::Transaction tx(*c);
    for (int i = 0; i < n; ++i) {
      c->Execute({"test_deadline_copy",
                  "INSERT INTO dossiers (id, code, procedure_code, procedure_name, case_code, case_name, channel, agency_id, "
                  "agency_path, handling_agency_id, handling_path, owner_account, applicant_name, applicant_id_number, body, "
                  "summary, status, stage, submitted_at, received_at, due_at, duration_minutes, duration_unit, at_risk, overdue, "
                  "version, updated_at) SELECT $1, $2, procedure_code, procedure_name, case_code, case_name, channel, agency_id, "
                  "agency_path, handling_agency_id, handling_path, owner_account, applicant_name, applicant_id_number, body, "
                  "summary, status, stage, submitted_at, received_at, $3, duration_minutes, duration_unit, $4, 0, 1, updated_at "
                  "FROM dossiers WHERE code = $5"},
                 {core::Uuid::NewV7().ToString(), tag + "-" + std::to_string(i), due, std::int64_t{at_risk}, code});
    }
    tx.Commit();
  }
  std::map<std::string, std::string> queries_;  // text → name; before app_, which uses them
  std::unique_ptr<TestApp> app_;
  User citizen_, receiver_;
};

// Tuesday 8 December 2026, 10:00 in Hà Nội.
constexpr const char* kTuesday10 = "2026-12-08T03:00:00.000Z";

TEST_P(Deadlines, EachDossierIsMarkedOnceWithOneNoticeAndLateStepsGetTheirWorkingMinutes) {
  std::string soon = Accepted("hạn chiều nay"), past = Accepted("quá hạn"), later = Accepted("còn hai ngày"),
              stepped = Accepted("bước trễ");
  SetDue(soon, "2026-12-08T07:00:00.000Z");   // 14:00 today: two working hours left
  SetDue(past, "2026-12-07T09:00:00.000Z");   // 16:00 yesterday
  SetDue(later, "2026-12-10T09:00:00.000Z");  // Thursday 16:00: more than a working day
  SetDue(stepped, "2026-12-31T09:00:00.000Z");
  // The agency starts work at 07:30 (its own hours), so its open step, due at 15:00 yesterday,
  // is two working hours late from then and two and a half this morning (three by the national
  // hours).
  auto hours = SignIn(app_->port(), "admin.demo").Call("PUT", "/api/v1/admin/agencies/000.00.02.H99/working-hours",
      R"({"morning_start":"07:30","morning_end":"11:30","afternoon_start":"13:00","afternoon_end":"17:00"})");
  ASSERT_EQ(hours.status, 200) << hours.body;
  Exec("UPDATE dossier_steps SET due_at = '2026-12-07T08:00:00.000Z' WHERE finished_at IS NULL AND dossier_id = "
       "(SELECT id FROM dossiers WHERE code = $1)",
       {stepped});

  auto first = Watch(kTuesday10);
  EXPECT_GE(first.at_risk, 1u);
  EXPECT_GE(first.overdue, 1u);
  EXPECT_EQ(first.failed, 0u);
  EXPECT_TRUE(Flag(soon, "at_risk"));
  EXPECT_FALSE(Flag(soon, "overdue"));
  EXPECT_TRUE(Flag(past, "overdue"));
  EXPECT_TRUE(Flag(past, "at_risk")) << "an overdue dossier is at risk as well";
  EXPECT_FALSE(Flag(later, "at_risk"));
  EXPECT_FALSE(Flag(stepped, "at_risk"));
  EXPECT_EQ(Notices("dossier.due_soon", soon), 1);
  EXPECT_EQ(Notices("dossier.overdue", past), 1);
  EXPECT_EQ(Notices("dossier.due_soon", later) + Notices("dossier.overdue", later), 0);
  EXPECT_EQ(Count("SELECT late_minutes FROM dossier_steps WHERE finished_at IS NULL AND dossier_id = "
                  "(SELECT id FROM dossiers WHERE code = $1)",
                  {stepped}),
            270);
  // The officers see it on the dossier.
  auto d = Json(receiver_.Call("GET", "/api/v1/dossiers/" + soon));
  EXPECT_EQ(d.at("at_risk"), true);
  EXPECT_EQ(d.at("overdue"), false);

  // A second pass (or another node's) marks nothing again and tells no one twice.
  auto second = Watch(kTuesday10);
  EXPECT_EQ(second.at_risk + second.overdue + second.late_steps + second.failed, 0u);
  EXPECT_EQ(Notices("dossier.due_soon", soon), 1);
  EXPECT_EQ(Notices("dossier.overdue", past), 1);

  // The dossier at risk becomes overdue once its time is past: one notice more.
  Watch("2026-12-08T08:00:00.000Z");
  EXPECT_TRUE(Flag(soon, "overdue"));
  EXPECT_EQ(Notices("dossier.overdue", soon), 1);
}

TEST_P(Deadlines, ADossierDueRightAfterTetIsAtRiskOnTheLastWorkingDayBeforeIt) {
  // Tết 2027 (data/calendar/holidays.json): Thursday 4 to Wednesday 10 February are not
  // working days. At 15:00 on Wednesday 3 February, a dossier due at 09:00 on Thursday
  // 11 February has four working hours left, though it is eight calendar days away.
  std::string after_tet = Accepted("sau Tết"), week_later = Accepted("tuần sau Tết");
  SetDue(after_tet, "2027-02-11T02:00:00.000Z");
  SetDue(week_later, "2027-02-17T02:00:00.000Z");
  Watch("2027-02-03T08:00:00.000Z");
  EXPECT_TRUE(Flag(after_tet, "at_risk"));
  EXPECT_EQ(Notices("dossier.due_soon", after_tet), 1) << "the agency hears of it before the holiday, not during it";
  EXPECT_FALSE(Flag(week_later, "at_risk"));
}

TEST_P(Deadlines, EveryCandidateIsReachedHoweverManyAreAlreadyAtRiskOrOverdue) {
  // A busy province: 2,000 dossiers already at risk and 600 overdue since yesterday, all due
  // before the one that has just come within a working day of its date.
  std::string model = Accepted("mẫu"), soon = Accepted("đến lượt");
  Copies(model, 2000, "2026-12-08T04:00:00.000Z", 1, "AT-RISK");
  Copies(model, 600, "2026-12-07T02:00:00.000Z", 0, "OVERDUE");
  SetDue(model, "2026-12-30T02:00:00.000Z");
  SetDue(soon, "2026-12-08T07:00:00.000Z");
  auto r = Watch(kTuesday10);
  EXPECT_EQ(r.overdue, 600u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM dossiers WHERE code LIKE 'OVERDUE-%' AND overdue = 1"), 600);
  EXPECT_TRUE(Flag(soon, "at_risk")) << "in the same pass as the 2,600 before it";
  EXPECT_EQ(Notices("dossier.due_soon", soon), 1);
  EXPECT_EQ(r.failed, 0u);
}

// The database refuses to mark the dossiers whose code is `code` (LIKE; "" for all), as a rule
// the watcher does not know of would.
void RefuseOverdue(app::App& a, const std::string& engine, const std::string& code) {
  RefuseRows(*a.db->Acquire(), engine, "UPDATE", "dossiers", code.empty() ? "NEW.overdue = 1" : "NEW.overdue = 1 AND NEW.code LIKE '" + code + "'",
             "a rule this dossier breaks");
}

void StopRefusing(app::App& a, const std::string& engine) { StopRefusingRows(*a.db->Acquire(), engine, "dossiers"); }

TEST_P(Deadlines, ADossierTheDatabaseRefusesToMarkHoldsBackOnlyItselfUntilTheCauseIsGone) {
  std::string refused = Accepted("bị từ chối"), other = Accepted("bình thường"), soon = Accepted("sắp hạn");
  SetDue(refused, "2026-12-07T02:00:00.000Z");
  SetDue(other, "2026-12-07T03:00:00.000Z");
  SetDue(soon, "2026-12-08T07:00:00.000Z");
  RefuseOverdue(app_->app(), GetParam(), refused);
  auto r = Watch(kTuesday10);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_FALSE(Flag(refused, "overdue"));
  EXPECT_EQ(Notices("dossier.overdue", refused), 0) << "its notice went with the mark it could not make";
  EXPECT_TRUE(Flag(other, "overdue")) << "the dossiers after it in the same pass are marked";
  EXPECT_TRUE(Flag(soon, "at_risk"));
  StopRefusing(app_->app(), GetParam());
  r = Watch(kTuesday10);
  EXPECT_EQ(r.overdue, 1u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_TRUE(Flag(refused, "overdue"));
  EXPECT_EQ(Notices("dossier.overdue", refused), 1);
  EXPECT_EQ(Notices("dossier.overdue", other), 1);

  // A database that refuses every mark: the pass stops after 32 refusals, and the next two
  // passes (the refusal gone) mark them all: the first resumes after the 32nd, the second
  // starts from the head.
  Copies(refused, 40, "2026-12-07T05:00:00.000Z", 0, "REFUSED");
  RefuseOverdue(app_->app(), GetParam(), "");
  r = Watch(kTuesday10);
  EXPECT_EQ(r.failed, 32u);
  EXPECT_EQ(r.overdue, 0u);
  StopRefusing(app_->app(), GetParam());
  EXPECT_EQ(Watch(kTuesday10).overdue, 8u);
  EXPECT_EQ(Watch(kTuesday10).overdue, 32u);
}

TEST_P(Deadlines, DossiersTheDatabaseKeepsRefusingAtTheHeadOfTheOrderDoNotHoldBackThoseBehindThem) {
  // 40 dossiers a rule refuses for good, all due before one it accepts. A pass gives up after 32
  // refusals; the next resumes after the 32nd instead of meeting the same 32 again.
  std::string model = Accepted("mẫu"), behind = Accepted("phía sau");
  SetDue(model, "2026-12-30T02:00:00.000Z");
  Copies(model, 40, "2026-12-07T02:00:00.000Z", 0, "REFUSED");
  SetDue(behind, "2026-12-07T09:00:00.000Z");
  RefuseOverdue(app_->app(), GetParam(), "REFUSED-%");
  auto r = Watch(kTuesday10);
  EXPECT_EQ(r.failed, 32u);
  EXPECT_FALSE(Flag(behind, "overdue"));
  r = Watch(kTuesday10);
  EXPECT_EQ(r.failed, 8u);
  EXPECT_EQ(r.overdue, 1u);
  EXPECT_TRUE(Flag(behind, "overdue")) << "reached by the pass after the one that gave up";
  EXPECT_EQ(Notices("dossier.overdue", behind), 1);
  // The next pass starts from the head again: the rule is tried once more, nothing told twice.
  r = Watch(kTuesday10);
  EXPECT_EQ(r.failed, 32u);
  EXPECT_EQ(r.overdue, 0u);
  StopRefusing(app_->app(), GetParam());
  r = Watch(kTuesday10);  // resumes after the 32nd, then the next pass from the head
  EXPECT_EQ(r.overdue + Watch(kTuesday10).overdue, 40u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'dossier.overdue' AND channel = 'in_app'"), 41);
}

INSTANTIATE_TEST_SUITE_P(Engines, Deadlines, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
