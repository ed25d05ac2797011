#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "feedback/lifecycle.hpp"
#include "feedback/open311_format.hpp"
#include "text/fold.hpp"

namespace motcua::feedback {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(FeedbackLifecycle, ClassificationDecidesWhereAnItemGoes) {
  EXPECT_EQ(After(Action::kRegister, Status::kReceived), Status::kRegistered);
  EXPECT_EQ(After(Action::kClassify, Status::kRegistered, Classification::kNotAccepted), Status::kNotAccepted);
  EXPECT_EQ(After(Action::kClassify, Status::kRegistered, Classification::kConduct), Status::kClassified);
  EXPECT_EQ(After(Action::kClassify, Status::kRegistered, Classification::kRegulationOutside), Status::kClassified);
  EXPECT_EQ(After(Action::kClassify, Status::kRegistered, Classification::kRegulationWithin), Status::kProcessing);
  EXPECT_EQ(After(Action::kTransfer, Status::kClassified), Status::kTransferred);
  EXPECT_EQ(After(Action::kProcess, Status::kTransferred), Status::kProcessing);
  EXPECT_EQ(After(Action::kAnswer, Status::kProcessing), Status::kAnswered);
  EXPECT_EQ(After(Action::kPublish, Status::kAnswered), Status::kPublished);
}

TEST(FeedbackLifecycle, NothingSkipsAStage) {
  EXPECT_FALSE(After(Action::kAnswer, Status::kReceived));
  EXPECT_FALSE(After(Action::kClassify, Status::kReceived));
  EXPECT_FALSE(After(Action::kTransfer, Status::kProcessing));
  EXPECT_FALSE(After(Action::kPublish, Status::kProcessing));
  EXPECT_FALSE(After(Action::kMerge, Status::kAnswered));
  for (Status closed : {Status::kNotAccepted, Status::kPublished, Status::kMerged}) {
    EXPECT_TRUE(AllowedIn(closed).empty()) << StatusName(closed);
  }
}

TEST(FeedbackLifecycle, Open311SeesOpenUntilAnswered) {
  for (Status s : {Status::kReceived, Status::kRegistered, Status::kClassified, Status::kTransferred, Status::kProcessing, Status::kMerged}) {
    EXPECT_EQ(Open311Status(s), "open") << StatusName(s);
  }
  for (Status s : {Status::kNotAccepted, Status::kAnswered, Status::kPublished}) EXPECT_EQ(Open311Status(s), "closed");
  for (Status s : {Status::kReceived, Status::kMerged, Status::kPublished}) EXPECT_EQ(ParseStatus(StatusName(s)), s);
}

TEST(FeedbackSimilarity, IgnoresDiacriticsCaseAndOrder) {
  std::string a = text::Fold("Cán bộ tiếp nhận hồ sơ khai sinh chậm trễ, hẹn lại nhiều lần");
  std::string b = text::Fold("HẸN LẠI NHIỀU LẦN: hồ sơ khai sinh, cán bộ tiếp nhận chậm trễ");
  std::string other = text::Fold("Đề nghị bỏ yêu cầu nộp bản sao sổ hộ khẩu khi đăng ký kết hôn");
  EXPECT_DOUBLE_EQ(Similarity(a, b), 1.0);
  EXPECT_LT(Similarity(a, other), kDuplicateThreshold);
  EXPECT_EQ(Similarity("", a), 0.0);
}

TEST(FeedbackPublication, PersonalDataIsHidden) {
  std::string s = HidePersonalData("Tôi là Nguyễn Văn An, số 0912 345 678, CCCD 001085012345, thư an.nguyen@example.vn; nộp 2 bản.",
                                   {"Nguyễn Văn An"});
  EXPECT_EQ(s, "Tôi là ***, số ***, CCCD ***, thư ***; nộp 2 bản.");
  EXPECT_EQ(HidePersonalData("Ngày 04/12/2026 lúc 9 giờ", {}), "Ngày 04/12/2026 lúc 9 giờ");
}

TEST(FeedbackPublication, NameFormsOfThePetitioner) {
  EXPECT_EQ(PersonalNames("Nguyễn Văn An"), (std::vector<std::string>{"Nguyễn Văn An", "Văn An", "An"}));
  EXPECT_EQ(PersonalNames("  Trần   Lan "), (std::vector<std::string>{"Trần Lan", "Lan"}));
  EXPECT_EQ(PersonalNames("Mai"), (std::vector<std::string>{"Mai"}));
  EXPECT_TRUE(PersonalNames("").empty());
}

TEST(FeedbackPublication, GivenNamesAndHonorificsAreHidden) {
  auto names = PersonalNames("Nguyễn Văn An");
  // The given name alone, and with an honorific; not inside another word ("Anh", "Anna").
  EXPECT_EQ(HidePersonalData("Ông An đã đến ba lần. An đề nghị trả lời sớm.", names), "Ông *** đã đến ba lần. *** đề nghị trả lời sớm.");
  EXPECT_EQ(HidePersonalData("Anh Văn An phản ánh, Thanh An không.", names), "Anh *** phản ánh, Thanh *** không.");
  EXPECT_EQ(HidePersonalData("Anh ấy và Anna đến.", names), "Anh ấy và Anna đến.");
  EXPECT_EQ(HidePersonalData("Khu phố An Bình", {}), "Khu phố An Bình");
  // Any name after an honorific, even not the petitioner's: a neighbour, a relative.
  EXPECT_EQ(HidePersonalData("Tôi và chị Lan Anh cùng nộp hồ sơ; bà Hoàng Thị Mơ làm chứng.", {}),
            "Tôi và chị *** cùng nộp hồ sơ; bà *** làm chứng.");
  EXPECT_EQ(HidePersonalData("cháu Đức bị hẹn lại", {}), "cháu *** bị hẹn lại");
  // Titles and acronyms are not names; lower-case words after "anh", "em" are not either.
  EXPECT_EQ(HidePersonalData("Đề nghị ông Chủ tịch UBND xem xét; anh ấy đã chờ. Em UBND", {}),
            "Đề nghị ông Chủ tịch UBND xem xét; anh ấy đã chờ. Em UBND");
}

TEST(FeedbackPublication, PhonesEmailsAndIdNumbersAreHidden) {
  // Mobile numbers in every usual spelling.
  EXPECT_EQ(HidePersonalData("Gọi 0912345678, 0912 345 678, 0912.345.678, 0912-345-678 hoặc +84 912 345 678.", {}),
            "Gọi ***, ***, ***, *** hoặc ***.");
  // A landline with its area code.
  EXPECT_EQ(HidePersonalData("Điện thoại (024) 3825 1234", {}), "Điện thoại (024) ***");
  // CMND (9 digits) and CCCD (12 digits).
  EXPECT_EQ(HidePersonalData("CMND số 012345678, CCCD số 001 085 012 345.", {}), "CMND số ***, CCCD số ***.");
  // E-mail addresses, the full stop after one stays.
  EXPECT_EQ(HidePersonalData("Thư: tran.thi-mo_1980@gmail.com. Hoặc MO@EXAMPLE.GOV.VN", {}), "Thư: ***. Hoặc ***");
  // The contact details as given, wherever they stand.
  EXPECT_EQ(HidePersonalData("Nhà tôi ở số 5 ngõ 12 Láng Hạ, Hà Nội.", {"số 5 ngõ 12 Láng Hạ"}), "Nhà tôi ở ***, Hà Nội.");
  // Dates, times, money, procedure codes and short numbers stay.
  EXPECT_EQ(HidePersonalData("Ngày 04/12/2026 lúc 9 giờ nộp 50.000 đồng, thủ tục 1.001193, hồ sơ số 12.", {}),
            "Ngày 04/12/2026 lúc 9 giờ nộp 50.000 đồng, thủ tục 1.001193, hồ sơ số 12.");
}

TEST(Open311Format, XmlUsesTheSpecificationsElementNames) {
  json::value v = json::array{json::object{{"service_code", "PAKN-HC"}, {"metadata", true}, {"lat", 21.0285}, {"account_id", nullptr},
                                           {"values", json::array{json::object{{"key", "1"}, {"name", "<b>&"}}}}}};
  EXPECT_EQ(open311::ToXml(v, "services"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><service_code>PAKN-HC</service_code>"
            "<metadata>true</metadata><lat>21.0285</lat><account_id/><values><value><key>1</key><name>&lt;b&gt;&amp;</name>"
            "</value></values></service></services>");
  EXPECT_EQ(open311::ToXml(json::array{json::object{{"d", std::string("a\x01" "b")}}}, "service_requests"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><d>ab</d></request></service_requests>");
  EXPECT_EQ(json::serialize(open311::Errors(404, "x")), R"([{"code":404,"description":"x"}])");
}

TEST(Open311Format, SuffixesAndForms) {
  EXPECT_EQ(open311::SplitFormat("requests.xml")->first, "requests");
  EXPECT_EQ(open311::SplitFormat("PAKN-HC.json")->second, open311::Format::kJson);
  EXPECT_FALSE(open311::SplitFormat("requests.html"));
  EXPECT_FALSE(open311::SplitFormat(".json"));
  auto form = open311::ParseForm("api_key=k&description=H%E1%BB%93+s%C6%A1&attribute%5Bprocedure_code%5D=1.001193&empty=");
  ASSERT_TRUE(form);
  ASSERT_EQ(form->size(), 4u);
  EXPECT_EQ((*form)[1].second, "Hồ sơ");
  EXPECT_EQ((*form)[2].first, "attribute[procedure_code]");
  EXPECT_FALSE(open311::ParseForm("a=%zz"));
}

TEST(Open311RateLimit, RefusesTheFloodAndSaysHowLongToWait) {
  open311::RateLimiter limiter(3);
  auto t0 = std::chrono::steady_clock::time_point{} + 10h;
  EXPECT_EQ(limiter.Take("a", t0), 0);
  EXPECT_EQ(limiter.Take("a", t0 + 10s), 0);
  EXPECT_EQ(limiter.Take("a", t0 + 20s), 0);
  EXPECT_EQ(limiter.Take("a", t0 + 30s), 3570);  // until the first leaves the hour
  EXPECT_EQ(limiter.Take("b", t0 + 30s), 0);     // another source is not affected
  EXPECT_EQ(limiter.Take("a", t0 + 1h), 0);
  open311::RateLimiter none(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(none.Take("a", t0), 0);
}

}  // namespace
}  // namespace motcua::feedback
