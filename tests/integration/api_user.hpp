// A signed-in demo user calling the API over real HTTP (cookie session + CSRF token), for the
// integration tests of the modules.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace motcua::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The body as JSON; null when it is not JSON.
inline boost::json::value Json(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  return ec ? boost::json::value() : v;
}

struct User {
  std::uint16_t port;
  std::string cookie, csrf;
  HttpResponse Call(std::string_view method, std::string_view target, std::string_view body = {}, Headers extra = {}) const {
    Headers h{{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    for (auto& e : extra) h.push_back(e);
    return Fetch(port, method, target, h, body);
  }
  std::string Upload(std::string_view name, std::string_view type, std::string_view bytes) const {
    auto r = Fetch(port, "POST", "/api/v1/attachments?name=" + std::string(name),
                   {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", std::string(type)}}, bytes);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(Json(r).at("id").as_string()) : std::string();
  }
  boost::json::value Act(const std::string& code, const std::string& action, const boost::json::object& body = {},
                         int expect = 200) const {
    auto r = Call("POST", "/api/v1/dossiers/" + code + "/actions/" + action, boost::json::serialize(body));
    EXPECT_EQ(r.status, expect) << action << ": " << r.body;
    return Json(r);
  }
};

/// Signs a demo account in (password Demo@2026).
inline User SignIn(std::uint16_t port, const std::string& login) {
  auto r = Fetch(port, "POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                 R"({"login":")" + login + R"(","password":"Demo@2026"})");
  EXPECT_EQ(r.status, 200) << login << ": " << r.body;
  auto set = r.Header("Set-Cookie").value_or("");
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  std::string csrf = !ec && v.is_object() && v.as_object().contains("csrf_token") ? std::string(v.at("csrf_token").as_string()) : "";
  return {port, set.substr(0, set.find(';')), csrf};
}

/// A complete declaration for 2.913001 (Phiếu lý lịch tư pháp, case 1) in the demo e-form
/// (data/forms/2.913001.json).
inline boost::json::object CriminalRecordForm() {
  namespace json = boost::json;
  json::object person{{"ho_ten", "Nguyễn Văn An"}, {"gioi_tinh", "male"}, {"ngay_sinh", "1985-03-02"},
                      {"noi_sinh", "Hà Nội"}, {"quoc_tich", "Việt Nam"}, {"dan_toc", "Kinh"}, {"so_dinh_danh", "001085012345"},
                      {"noi_thuong_tru", "Số 1 phố Tràng Tiền, Hà Nội"}};
  json::array places{json::object{{"tu_ngay", "1999-03-02"}, {"den_ngay", "2026-11-30"},
                                  {"noi_cu_tru", "Số 1 phố Tràng Tiền, Hà Nội"}}};
  return json::object{{"nguoi_duoc_cap_phieu", person}, {"qua_trinh_cu_tru", places}, {"loai_phieu", 1},
                      {"so_luong_phieu", 1}, {"muc_dich", "Bổ sung hồ sơ xin việc"}, {"hinh_thuc_nhan", "truc_tiep"}};
}

/// A minimal well-formed PDF.
inline std::string Pdf(std::string_view text) {
  return "%PDF-1.4\n1 0 obj<<>>endobj\n% " + std::string(text) + "\ntrailer<<>>\n%%EOF\n";
}

/// A complete online submission of 2.913001 case 1 by `citizen`: the declaration above and
/// its required document, uploaded now as a PDF that says `summary`.
inline boost::json::object CriminalRecordSubmission(const User& citizen, const std::string& summary) {
  namespace json = boost::json;
  json::array docs{json::object{{"code", "GT.2913001.1.01"},
                                {"attachment_ids", json::array{json::string(citizen.Upload("to-khai.pdf", "application/pdf", Pdf(summary)))}}}};
  return json::object{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", CriminalRecordForm()},
                      {"documents", docs}, {"summary", summary}};
}

/// Submits it (with `idempotency_key` when given) and expects 201; the new dossier's code, or ""
/// when it was refused.
inline std::string SubmitCriminalRecord(const User& citizen, const std::string& summary, const std::string& idempotency_key = "") {
  Headers h;
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
  auto r = citizen.Call("POST", "/api/v1/dossiers", boost::json::serialize(CriminalRecordSubmission(citizen, summary)), h);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? std::string(Json(r).at("code").as_string()) : std::string();
}

}  // namespace motcua::testing
