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
