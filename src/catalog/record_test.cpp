#include "catalog/record.hpp"

#include <map>

#include <gtest/gtest.h>

namespace motcua::catalog {
namespace {

namespace json = boost::json;

json::object Birth() {
  return json::parse(R"({
    "MATTHC": "1.001193", "TENTTHC": "Đăng ký khai sinh", "TENTTHC_EN": "Birth registration",
    "MACOQUANCONGBO": "000.00.00.G11", "DICHVUCONG": "full_online", "MUCDO": 4,
    "CAPTHUCHIEN": ["Cấp Xã"], "LINHVUCTHUCHIEN": [{"MALINHVUC": "G11-HT", "TENLINHVUC": "Hộ tịch"}],
    "CACHTHUCTHUCHIEN": [{"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày làm việc",
      "PHILEPHI": [{"MAPHILEPHI": "LP1", "SOTIEN": "8000", "LOAIPHILEPHI": "LEPHI"}]}]},
      {"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày làm việc", "PHILEPHI": []}]}],
    "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Nộp hồ sơ"}, {"TENTRINHTU": "Trả kết quả"}]}],
    "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [{"MAGIAYTO": "GT1", "TENGIAYTO": "Tờ khai đăng ký khai sinh",
      "SOBANCHINH": 1, "SOBANSAO": 0}]}],
    "MOTRUONGLA": "kept as it came"
  })").as_object();
}

TEST(Record, ReadsTheNationalShape) {
  auto parsed = ParseRecord(Birth());
  ASSERT_TRUE(parsed.procedure) << parsed.errors.front().pointer << " " << parsed.errors.front().message;
  const Procedure& p = *parsed.procedure;
  EXPECT_EQ(p.code, "1.001193");
  EXPECT_EQ(p.levels, std::vector<std::string>{"commune"});
  ASSERT_EQ(p.channels.size(), 2u);
  EXPECT_EQ(p.channels[1].channel, 2);
  EXPECT_EQ(p.channels[0].durations[0].unit, "working_days");
  EXPECT_EQ(p.channels[0].durations[0].fees[0].amount, 8000);
  EXPECT_EQ(p.channels[0].durations[0].fees[0].kind, "le_phi");
  ASSERT_EQ(p.cases.size(), 1u);
  EXPECT_EQ(p.cases[0].steps.size(), 2u);
  EXPECT_EQ(p.cases[0].documents[0].originals, 1);
}

TEST(Record, EveryProblemIsNamedWithItsPlace) {
  json::object o = Birth();
  o["MATTHC"] = "1001193";
  o["CACHTHUCTHUCHIEN"].as_array()[0].as_object()["THOIGIAN"].as_array()[0].as_object()["DONVITINH"] = "tuần";
  o["CACHTHUCTHUCHIEN"].as_array()[0].as_object()["THOIGIAN"].as_array()[0].as_object()["PHILEPHI"].as_array()[0].as_object()["SOTIEN"] = -5;
  o["THANHPHANHOSO"].as_array()[0].as_object()["GIAYTO"].as_array()[0].as_object()["SOBANSAO"] = 1.5;
  o["CACHTHUCTHUCHIEN"].as_array()[1].as_object()["KENH"] = 7;
  o["TENTTHC"] = std::string(1001, 'a');
  auto parsed = ParseRecord(o);
  EXPECT_FALSE(parsed.procedure);
  std::vector<std::string> pointers;
  for (const auto& e : parsed.errors) pointers.push_back(e.pointer);
  for (const char* expected : {"/MATTHC", "/TENTTHC", "/CACHTHUCTHUCHIEN/0/THOIGIAN/0/DONVITINH",
                               "/CACHTHUCTHUCHIEN/0/THOIGIAN/0/PHILEPHI/0/SOTIEN", "/CACHTHUCTHUCHIEN/1/KENH",
                               "/THANHPHANHOSO/0/GIAYTO/0/SOBANSAO"}) {
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), expected), pointers.end()) << expected;
  }
}

TEST(Record, RequiredAndTypedFields) {
  auto parsed = ParseRecord(json::parse(R"({"TENTTHC": 5, "CACHTHUCTHUCHIEN": "x", "MUCDO": 9})").as_object());
  EXPECT_FALSE(parsed.procedure);
  EXPECT_GE(parsed.errors.size(), 3u);
}

}  // namespace
}  // namespace motcua::catalog

#include "catalog/demo.hpp"

namespace motcua::catalog {
namespace {

TEST(Synthetic, RecordsCheckAndAreTheSameForTheSameSeed) {
  auto a = SyntheticRecords(200, 7);
  auto b = SyntheticRecords(200, 7);
  ASSERT_EQ(a.size(), 200u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, SyntheticRecords(200, 8));
  for (const auto& r : a) {
    auto parsed = ParseRecord(r);
    ASSERT_TRUE(parsed.procedure) << boost::json::serialize(r);
    EXPECT_EQ(parsed.procedure->code.rfind("8.", 0), 0u);
  }
}

}  // namespace
}  // namespace motcua::catalog

namespace motcua::catalog {
namespace {

TEST(Deadline, WorkingDaysSkipWeekends) {
  EXPECT_EQ(PublicationDeadline("2026-01-02", false), "2026-01-09");  // Fri + 5 working days
  EXPECT_EQ(PublicationDeadline("2026-01-02", true), "2026-01-16");   // Fri + 10 working days
  EXPECT_EQ(PublicationDeadline("2026-02-30", true), "");
  EXPECT_EQ(PublicationDeadline("", true), "");
}

TEST(Deadline, HolidaysAndSwappedSaturdaysCountOnTheCalendar) {
  using namespace std::chrono;
  std::map<calendar::Date, calendar::DayKind> days{
      {2026y / February / 16, calendar::DayKind::kHoliday}, {2026y / February / 17, calendar::DayKind::kHoliday},
      {2026y / February / 18, calendar::DayKind::kHoliday}, {2026y / February / 19, calendar::DayKind::kHoliday},
      {2026y / February / 20, calendar::DayKind::kHoliday}, {2026y / February / 28, calendar::DayKind::kWorkingDay}};
  calendar::WorkCalendar tet(calendar::WorkingHours{}, days);
  // Decision on Friday 13 February 2026: Tết week is skipped, Saturday 28 February is worked.
  EXPECT_EQ(PublicationDeadline("2026-02-13", false), "2026-02-20");
  EXPECT_EQ(PublicationDeadline("2026-02-13", false, &tet), "2026-02-27");
  EXPECT_EQ(PublicationDeadline("2026-02-13", true, &tet), "2026-03-05");
}

TEST(Diff, NamesEveryChangeByPointer) {
  auto a = boost::json::parse(R"({"A":1,"B":{"C":[1,2]},"D/E":"x"})");
  auto b = boost::json::parse(R"({"A":2,"B":{"C":[1]},"F":true,"D/E":"x"})");
  auto changes = Diff(a, b);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].pointer, "/A");
  EXPECT_EQ(changes[0].kind, "changed");
  EXPECT_EQ(changes[1].pointer, "/B/C/1");
  EXPECT_EQ(changes[1].kind, "removed");
  EXPECT_EQ(changes[2].pointer, "/F");
  EXPECT_EQ(changes[2].kind, "added");
  EXPECT_TRUE(Diff(a, a).empty());
}

}  // namespace
}  // namespace motcua::catalog
