// The official forms as PDF through real HTTP: each of Mẫu 01–06 for a real demo dossier reads
// back with poppler's pdftotext (Vietnamese title, code, key fields) and its QR code decodes
// with zbarimg to the configured public tracking address; the JSON data stays available to the
// web app; who may fetch what; forms that do not apply; the register over a period.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "integration/api_user.hpp"
#include "integration/pdf_read.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kPublicUrl = "https://dichvucong.example.gov.vn";

class Forms : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam(), true, [](config::Config& c) { c.public_url = kPublicUrl; });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }
  std::string SubmitOnline(const User& citizen) { return SubmitCriminalRecord(citizen, "Xin cấp Phiếu lý lịch tư pháp số 1"); }
  // Fetches a form as PDF and checks it is one; answers what it says.
  Read FetchPdf(const User& who, const std::string& code, const std::string& form, Headers headers = {}) {
    auto r = who.Call("GET", "/api/v1/dossiers/" + code + "/forms/" + form, {}, std::move(headers));
    EXPECT_EQ(r.status, 200) << form << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/pdf") << form;
    EXPECT_TRUE(r.body.starts_with("%PDF-")) << form;
    return ReadPdf(r.body);
  }
  std::unique_ptr<TestApp> app_;
};

TEST_P(Forms, EachFormIsAPdfWithTheVietnameseTitleTheCodeAndAQrToTracking) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo"), leader = SignIn(port(), "leader.demo");
  std::string code = SubmitOnline(citizen);
  ASSERT_FALSE(code.empty());
  const std::string tracking = std::string(kPublicUrl) + "/tra-cuu-ho-so?ma=" + code;
  receiver.Act(code, "accept", {{"note", "Hồ sơ đầy đủ"}});
  auto data = Json(receiver.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau-01?format=json"));
  ASSERT_TRUE(data.is_object());
  std::string applicant(data.at("applicant").at("name").as_string()), agency(data.at("agency_name").as_string());
  std::string procedure(data.at("procedure_name").as_string());
  ASSERT_FALSE(applicant.empty());

  // Mẫu 01, for the receiver and for its owner; the default answer is the PDF.
  for (const User* who : {&receiver, &citizen}) {
    Read m01 = FetchPdf(*who, code, "mau-01");
    for (const std::string& want : std::vector<std::string>{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                    "Mã hồ sơ: " + code, applicant, agency + " tiếp nhận hồ sơ của", procedure, "NGƯỜI TIẾP NHẬN HỒ SƠ"}) {
      EXPECT_NE(m01.text.find(want), std::string::npos) << want << "\nin: " << m01.text;
    }
    EXPECT_EQ(m01.qr, tracking);
  }

  leader.Act(code, "extend", {{"reason", "Cần xác minh tại Trung tâm Lý lịch tư pháp quốc gia"}, {"new_due_at", "2099-01-05T16:00:00+07:00"}});
  receiver.Act(code, "request_supplement", {{"reason", "Bản chụp căn cước không rõ"}, {"documents", json::array{"GT.2913001.1.02"}}});
  struct Case {
    std::string form, title, key;
  };
  for (const Case& c : {Case{"mau-02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Bản chụp căn cước không rõ"},
                        Case{"mau02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Mẫu số 02"},
                        Case{"mau-04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "16 giờ 00 phút, ngày 05/01/2099"},
                        Case{"mau-05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Bộ phận tiếp nhận và trả kết quả"},
                        Case{"mau-06", "SỔ THEO DÕI HỒ SƠ", "Đã gia hạn (Mẫu 04)"}}) {
    SCOPED_TRACE(c.form);
    Read r = FetchPdf(receiver, code, c.form, {{"Accept", "application/pdf"}});
    EXPECT_NE(r.text.find(c.title), std::string::npos) << r.text;
    EXPECT_NE(r.text.find(c.key), std::string::npos) << r.text;
    EXPECT_NE(r.text.find(code), std::string::npos) << r.text;
    EXPECT_NE(r.text.find(applicant), std::string::npos) << r.text;
    EXPECT_EQ(r.qr, tracking);
  }

  // A dossier refused at reception has its Mẫu 03.
  std::string refused = SubmitOnline(citizen);
  receiver.Act(refused, "refuse", {{"reason", "Không thuộc thẩm quyền giải quyết của Sở"}});
  Read m03 = FetchPdf(citizen, refused, "mau-03");
  EXPECT_NE(m03.text.find("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"), std::string::npos) << m03.text;
  EXPECT_NE(m03.text.find("Không thuộc thẩm quyền giải quyết của Sở"), std::string::npos) << m03.text;
  EXPECT_EQ(m03.qr, std::string(kPublicUrl) + "/tra-cuu-ho-so?ma=" + refused);

  // The register over a period, as PDF: the day of both dossiers (the code carries it).
  std::string day = "20" + code.substr(code.size() - 11, 2) + "-" + code.substr(code.size() - 9, 2) + "-" + code.substr(code.size() - 7, 2);
  auto reg = receiver.Call("GET", "/api/v1/reports/register.pdf?from=" + day + "&to=" + day);
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_EQ(reg.Header("Content-Type").value_or(""), "application/pdf");
  Read r06 = ReadPdf(reg.body);
  for (const std::string& want : std::vector<std::string>{"SỔ THEO DÕI HỒ SƠ", "Mẫu số 06", code, refused, "Tổng số: 2 hồ sơ."}) {
    EXPECT_NE(r06.text.find(want), std::string::npos) << want << "\nin: " << r06.text;
  }
  EXPECT_EQ(citizen.Call("GET", "/api/v1/reports/register.pdf?from=" + day + "&to=" + day).status, 403);
  EXPECT_EQ(receiver.Call("GET", "/api/v1/reports/register.pdf?from=" + day).status, 400);
}

TEST_P(Forms, TheWebAppStillGetsJsonAndBadRequestsAreRefusedWithReasons) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = SubmitOnline(citizen);
  ASSERT_FALSE(code.empty());
  receiver.Act(code, "accept");
  const std::string path = "/api/v1/dossiers/" + code + "/forms/";

  // JSON for a client that asks for it (the web app's print view).
  auto j = receiver.Call("GET", path + "mau-01", {}, {{"Accept", "application/json"}});
  EXPECT_EQ(j.status, 200);
  EXPECT_EQ(Json(j).at("form"), "mau-01");
  EXPECT_EQ(Json(receiver.Call("GET", path + "mau01?format=json")).at("code"), json::value(code));
  EXPECT_EQ(receiver.Call("GET", path + "mau-01?format=pdf", {}, {{"Accept", "application/json"}}).Header("Content-Type").value_or(""),
            "application/pdf");
  EXPECT_EQ(receiver.Call("GET", path + "mau-01?format=docx").status, 400);

  // A form that does not apply to the dossier's state: 409 with the reason in the caller's
  // language, PDF or not.
  for (const char* format : {"pdf", "json"}) {
    auto r = receiver.Call("GET", path + "mau-03?format=" + format);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/problem+json");
    EXPECT_EQ(Json(r).at("detail"), "Hồ sơ không bị từ chối.") << r.body;
    auto en = receiver.Call("GET", path + "mau-03?format=" + format, {}, {{"Accept-Language", "en"}});
    EXPECT_EQ(Json(en).at("detail"), "The dossier was not refused.") << en.body;
  }
  // No such form.
  auto unknown = receiver.Call("GET", path + "mau-09");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("Content-Type").value_or(""), "application/problem+json");
  // Officers of another agency and other citizens do not see the dossier; anonymous callers sign in.
  EXPECT_EQ(SignIn(port(), "receiver2.demo").Call("GET", path + "mau-01").status, 404);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", path + "mau-01").status, 404);
  auto anonymous = Fetch(port(), "GET", path + "mau-01");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("Content-Type").value_or(""), "application/problem+json");
  // The register line is for officers: refused before the dossier is looked up.
  EXPECT_EQ(citizen.Call("GET", path + "mau-06").status, 403);
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossiers/000.00.02.H99-000101-0001/forms/mau-06").status, 403);
}

INSTANTIATE_TEST_SUITE_P(Engines, Forms, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
