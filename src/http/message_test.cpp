#include "http/message.hpp"

#include <gtest/gtest.h>

#include "http/problem.hpp"

namespace motcua::http {
namespace {

TEST(NegotiateLanguage, PicksHighestQualitySupportedTag) {
  EXPECT_EQ(NegotiateLanguage(""), Language::kVi);
  EXPECT_EQ(NegotiateLanguage("en-US,en;q=0.9"), Language::kEn);
  EXPECT_EQ(NegotiateLanguage("fr-FR, en;q=0.5, vi;q=0.8"), Language::kVi);
  EXPECT_EQ(NegotiateLanguage("de"), Language::kVi);
  EXPECT_EQ(NegotiateLanguage("VI-vn"), Language::kVi);
  EXPECT_EQ(NegotiateLanguage("vi;q=0.1, EN"), Language::kEn);
}

TEST(CheckIdempotencyKey, TakesPrintableAsciiUpTo200Characters) {
  EXPECT_TRUE(CheckIdempotencyKey("").has_value());
  EXPECT_TRUE(CheckIdempotencyKey("bench-1-2-3 ~!").has_value());
  EXPECT_TRUE(CheckIdempotencyKey(std::string(200, 'k')).has_value());
  for (const std::string& bad : {std::string(201, 'k'), std::string("k\xFF"), std::string("k\tx"), std::string("kh\xC3\xB3" "a")}) {
    auto r = CheckIdempotencyKey(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().fields.at(0).field, "Idempotency-Key");
  }
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"X-Request-Id", "abc"}};
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("x-request-id"), "abc");
  EXPECT_FALSE(r.Header("Accept").has_value());
}

TEST(Problem, TitleFollowsLanguageAndCarriesFields) {
  Request r;
  r.path = "/api/v1/x";
  r.request_id = "rid-1";
  r.language = Language::kEn;
  auto res = ProblemResponse(r, core::Error{core::ErrorCode::kInvalidArgument, "bad input",
                                            {{"name", "required"}}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.Header("Content-Type"), "application/problem+json");
  EXPECT_NE(res.body.find("\"title\":\"Bad request\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("urn:motcua:problem:invalid-argument"), std::string::npos);
  EXPECT_NE(res.body.find("\"field\":\"name\""), std::string::npos);
  EXPECT_NE(res.body.find("\"request_id\":\"rid-1\""), std::string::npos);
  r.language = Language::kVi;
  auto vi = ProblemForStatus(r, 404, "");
  EXPECT_NE(vi.body.find("Không tìm thấy"), std::string::npos) << vi.body;
}

TEST(Problem, AStateMachineConflictListsTheActionsPossibleNow) {
  Request r;
  auto res = ProblemResponse(r, core::Error{core::ErrorCode::kConflict, "Không được / Not now",
                                            {{"allowed_actions", "assign,refuse"}}});
  EXPECT_EQ(res.status, 409);
  EXPECT_NE(res.body.find("\"allowed_actions\":[\"assign\",\"refuse\"]"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("\"errors\""), std::string::npos) << "the names are not a field problem";
  auto none = ProblemResponse(r, core::Error{core::ErrorCode::kConflict, "x", {{"allowed_actions", ""}}});
  EXPECT_NE(none.body.find("\"allowed_actions\":[]"), std::string::npos) << none.body;
  auto other = ProblemResponse(r, core::Error{core::ErrorCode::kInvalidArgument, "x", {{"allowed_actions", "a"}}});
  EXPECT_EQ(other.body.find("\"allowed_actions\":["), std::string::npos) << "only a conflict carries them";
}

TEST(Problem, TwoLanguageMessagesAreAnsweredInTheRequestsLanguage) {
  Request r;
  r.language = Language::kEn;
  core::Error e{core::ErrorCode::kInvalidArgument, "Sai mã / Wrong code",
                {{"code", "Bắt buộc / Required"}, {"path", "a / b / c"}, {"pin", "Sai / must be 12 digits"}}};
  auto en = ProblemResponse(r, e);
  EXPECT_NE(en.body.find("\"detail\":\"Wrong code\""), std::string::npos) << en.body;
  EXPECT_NE(en.body.find("\"message\":\"Required\""), std::string::npos) << en.body;
  EXPECT_NE(en.body.find("\"message\":\"a / b / c\""), std::string::npos) << "ambiguous text is left alone";
  EXPECT_NE(en.body.find("\"message\":\"Must be 12 digits\""), std::string::npos) << en.body;
  r.language = Language::kVi;
  auto vi = ProblemResponse(r, e);
  EXPECT_NE(vi.body.find("\"detail\":\"Sai mã\""), std::string::npos) << vi.body;
  EXPECT_NE(vi.body.find("\"message\":\"Bắt buộc\""), std::string::npos) << vi.body;
}

TEST(Problem, EveryErrorCodeMapsToA4xxOr5xx) {
  for (int c = 0; c <= static_cast<int>(core::ErrorCode::kInternal); ++c) {
    int status = StatusFor(static_cast<core::ErrorCode>(c));
    EXPECT_GE(status, 400);
    EXPECT_LT(status, 600);
  }
}

}  // namespace
}  // namespace motcua::http
