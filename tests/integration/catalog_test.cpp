// The catalog through real HTTP on both engines: Vietnamese search (folding, typos, filters,
// facets, ranking) with the same answers on SQLite and PostgreSQL, detail and the national
// record, FAQ, bundles, and administration — imports that are all or nothing (also when the
// server fails part-way), scope, lifecycle, export.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <functional>
#include <map>
#include <set>
#include <thread>

#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

json::value Json(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  return ec ? json::value() : v;
}

std::string Encode(std::string_view s) {
  std::string out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') out.push_back(static_cast<char>(c));
    else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

struct Officer {
  std::uint16_t port;
  std::string cookie, csrf;
  HttpResponse Call(std::string_view method, std::string_view target, std::string_view body = {}) {
    Headers h{{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return Fetch(port, method, target, h, body);
  }
  HttpResponse CallWith(std::string_view method, std::string_view target, std::string_view body,
                        Headers extra) {
    Headers h{{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}};
    h.insert(h.end(), extra.begin(), extra.end());
    return Fetch(port, method, target, h, body);
  }
};

Officer SignIn(std::uint16_t port, const std::string& login) {
  auto r = Fetch(port, "POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                 R"({"login":")" + login + R"(","password":"Demo@2026"})");
  EXPECT_EQ(r.status, 200) << r.body;
  auto set = r.Header("Set-Cookie").value_or("");
  return {port, set.substr(0, set.find(';')), std::string(json::parse(r.body).at("csrf_token").as_string())};
}

std::vector<std::string> Codes(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& item : v.at("items").as_array()) out.emplace_back(item.at("code").as_string());
  return out;
}

json::object Record(std::string code, std::string name, std::string implementing = "000.00.02.H99") {
  return json::object{{"MATTHC", code},
                      {"TENTTHC", name},
                      {"MACOQUANCONGBO", "000.00.00.G15"},
                      {"CAPTHUCHIEN", json::array{"Cấp Tỉnh"}},
                      {"LINHVUCTHUCHIEN", json::array{json::object{{"MALINHVUC", "G15-HT"}, {"TENLINHVUC", "Hộ tịch"}}}},
                      {"CACHTHUCTHUCHIEN", json::array{json::object{
                           {"KENH", 2}, {"THOIGIAN", json::array{json::object{{"THOIGIANGIAIQUYET", 3}, {"DONVITINH", "Ngày làm việc"},
                                                                             {"PHILEPHI", json::array{}}}}}}}},
                      {"COQUANTHUCHIEN", json::array{json::object{{"MADONVI", implementing}, {"TENDONVI", "Sở"}}}},
                      {"TRANGTHAI", "published"},
                      {"TRUONGMOTCUA_KHONGBIET", "giữ nguyên khi xuất"}};
}

class Catalog : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam(), false);
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() { return app_->port(); }
  json::value Search(const std::string& query) { return Json(Fetch(port(), "GET", "/api/v1/procedures?" + query)); }
  std::unique_ptr<TestApp> app_;
};

TEST_P(Catalog, VietnameseSearchIgnoresDiacriticsCaseAndATypo) {
  for (const char* q : {"dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "đăng ky khai sinh", "dang ky khai sinhh"}) {
    auto r = Search("q=" + Encode(q));
    ASSERT_FALSE(r.at("items").as_array().empty()) << q;
    EXPECT_EQ(r.at("items").at(0).at("code"), "1.001193") << q;
    EXPECT_EQ(r.at("items").at(0).at("name_html"), "<mark>Đăng</mark> <mark>ký</mark> <mark>khai</mark> <mark>sinh</mark>") << q;
  }
  // Name matches before matches in keywords and descriptions.
  auto r = Search("q=" + Encode("khai sinh"));
  auto codes = Codes(r);
  ASSERT_GE(codes.size(), 2u);
  EXPECT_EQ(codes.front(), "1.001193");
  EXPECT_NE(std::string(r.at("items").at(0).at("name").as_string()).find("khai sinh"), std::string::npos);
}

TEST_P(Catalog, FiltersFacetsAndPages) {
  auto all = Search("limit=100");
  std::size_t total = all.at("total").as_int64();
  EXPECT_GE(total, 90u);
  auto ht = Search("field=G15-HT&limit=100");
  std::size_t in_field = ht.at("total").as_int64();
  EXPECT_GT(in_field, 10u);
  EXPECT_LT(in_field, total);
  bool counted = false;
  for (const auto& f : ht.at("facets").at("field").as_array()) {
    if (f.at("value") == "G15-HT") {
      EXPECT_EQ(f.at("count").as_int64(), static_cast<std::int64_t>(in_field));
      EXPECT_EQ(f.at("label"), "Hộ tịch");
      counted = true;
    }
  }
  EXPECT_TRUE(counted);
  std::size_t by_level = 0;
  for (const auto& f : ht.at("facets").at("level").as_array()) by_level += f.at("count").as_int64();
  EXPECT_GE(by_level, in_field);
  auto online = Search("field=G15-HT&channel=2&service_class=full_online&limit=100");
  EXPECT_LE(online.at("total").as_int64(), static_cast<std::int64_t>(in_field));
  // Cursor pages cover the list once.
  std::set<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    auto p = Search("limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& c : Codes(p)) EXPECT_TRUE(seen.insert(c).second) << c;
    if (p.at("next_cursor").is_null()) break;
    cursor = std::string(p.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen.size(), total);
}

TEST_P(Catalog, BadQueriesAreRefusedClearly) {
  for (const std::string& q : {"q=" + std::string(501, 'a'), std::string("q=%21%21%21%3F"), std::string("limit=0"),
                               std::string("limit=1000"), std::string("channel=9"), std::string("level=planet"),
                               std::string("service_class=x"), std::string("cursor=-1")}) {
    auto r = Fetch(port(), "GET", "/api/v1/procedures?" + q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << q;
  }
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/procedures/9.999999").status, 404);
}

TEST_P(Catalog, DetailAndTheNationalRecord) {
  auto d = Json(Fetch(port(), "GET", "/api/v1/procedures/1.001193"));
  EXPECT_EQ(d.at("name"), "Đăng ký khai sinh");
  EXPECT_FALSE(d.at("cases").as_array().empty());
  EXPECT_FALSE(d.at("cases").at(0).at("documents").as_array().empty());
  EXPECT_FALSE(d.at("channels").as_array().empty());
  EXPECT_FALSE(d.at("legal_bases").as_array().empty());
  auto record = Json(Fetch(port(), "GET", "/api/v1/procedures/1.001193/laythutuc"));
  EXPECT_EQ(record.at("MATTHC"), "1.001193");
  EXPECT_TRUE(record.as_object().contains("THANHPHANHOSO"));
  auto fields = Json(Fetch(port(), "GET", "/api/v1/fields"));
  EXPECT_GE(fields.at("items").as_array().size(), 15u);
}

TEST_P(Catalog, FaqAndBundles) {
  auto faq = Json(Fetch(port(), "GET", "/api/v1/faq?q=" + Encode("khai sinh")));
  ASSERT_FALSE(faq.at("items").as_array().empty());
  for (const auto& item : faq.at("items").as_array()) EXPECT_NE(item.at("id"), "faq-045") << "unpublished";
  auto all = Json(Fetch(port(), "GET", "/api/v1/faq?limit=100"));
  for (const auto& item : all.at("items").as_array()) EXPECT_NE(item.at("id"), "faq-045");
  auto birth = Json(Fetch(port(), "GET", "/api/v1/bundles/khai-sinh"));
  ASSERT_TRUE(birth.is_object());
  EXPECT_GE(birth.at("procedures").as_array().size(), 2u);
  std::set<std::string> names;
  for (const auto& doc : birth.at("documents").as_array()) {
    EXPECT_TRUE(names.insert(std::string(doc.at("name").as_string())).second) << "each paper is asked for once";
  }
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/bundles/khong-co").status, 404);
}

TEST_P(Catalog, FaqEntriesAreManagedByTheAgencyAndPublishedWhenReady) {
  Officer admin = SignIn(port(), "admin.demo");  // Sở Tư pháp: judicial records are its procedures
  json::object entry{{"question", "Phiếu lý lịch tư pháp có thời hạn bao lâu?"},
                     {"answer", "Luật không quy định thời hạn; cơ quan yêu cầu thường chỉ nhận phiếu cấp trong 6 tháng."},
                     {"procedure_code", "2.913001"},
                     {"published", false}};
  auto created = admin.Call("POST", "/api/v1/admin/faq", json::serialize(entry));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id(Json(created).at("id").as_string());
  auto search = [&] { return Json(Fetch(port(), "GET", "/api/v1/faq?q=" + Encode("ly lich tu phap thoi han"))); };
  json::value before = search();  // kept alive: iterating a temporary's member would dangle
  for (const auto& item : before.at("items").as_array()) EXPECT_NE(item.at("id"), json::value(id)) << "not yet published";
  entry["published"] = true;
  ASSERT_EQ(admin.Call("PUT", "/api/v1/admin/faq/" + id, json::serialize(entry)).status, 200);
  auto found = search();
  ASSERT_FALSE(found.at("items").as_array().empty());
  EXPECT_EQ(found.at("items").at(0).at("id"), json::value(id));

  // Bad input, another agency's procedure, a whole field, deleting.
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/faq", R"({"question":"","answer":"x","procedure_code":"2.913001"})").status, 400);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/faq", R"({"question":"q","answer":"a","procedure_code":"9.999999"})").status, 400);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/faq", R"({"question":"q","answer":"a"})").status, 400);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/faq", R"({"question":"q","answer":"a","procedure_code":"2.001610"})").status, 403);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/faq", R"({"question":"q","answer":"a","field_code":"G15-HT"})").status, 403);
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/faq/khong-co", json::serialize(entry)).status, 404);
  EXPECT_EQ(admin.Call("DELETE", "/api/v1/admin/faq/" + id).status, 403);
  Officer sys = SignIn(port(), "sysadmin.demo");
  EXPECT_EQ(sys.Call("DELETE", "/api/v1/admin/faq/" + id).status, 204);
  json::value after = search();
  for (const auto& item : after.at("items").as_array()) EXPECT_NE(item.at("id"), json::value(id));
}

TEST_P(Catalog, ImportIsAllOrNothingWithAReportPerRecord) {
  Officer sys = SignIn(port(), "sysadmin.demo");
  json::array file{Record("1.990001", "Cấp giấy xác nhận thử nghiệm"), Record("1.990002", "Hai")};
  auto& bad = file[1].as_object();
  bad["CACHTHUCTHUCHIEN"].as_array()[0].as_object()["THOIGIAN"].as_array()[0].as_object()["DONVITINH"] = "tuần";
  bad["MUCDO"] = 9;
  auto refused = sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(file));
  EXPECT_EQ(refused.status, 422) << refused.body;
  auto report = Json(refused);
  std::set<std::string> pointers;
  for (const auto& e : report.at("records").as_array()) {
    EXPECT_EQ(e.at("index").as_int64(), 1);
    EXPECT_EQ(e.at("code"), "1.990002");
    pointers.insert(std::string(e.at("pointer").as_string()));
  }
  EXPECT_TRUE(pointers.contains("/CACHTHUCTHUCHIEN/0/THOIGIAN/0/DONVITINH"));
  EXPECT_TRUE(pointers.contains("/MUCDO"));
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/procedures/1.990001").status, 404) << "nothing of the file was written";

  // Not JSON, not an array, duplicates.
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", "{not json").status, 400);
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", R"({"x":1})").status, 422);
  json::array twice{Record("1.990003", "Một"), Record("1.990003", "Một lần nữa")};
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(twice)).status, 422);

  // A good file: searchable at once, exported as it came (unknown keys kept).
  json::array good{Record("1.990001", "Cấp giấy xác nhận thử nghiệm")};
  auto ok = sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(good));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("created"), 1);
  EXPECT_EQ(Codes(Search("q=" + Encode("giay xac nhan thu nghiem"))).front(), "1.990001");
  auto exported = Json(sys.Call("GET", "/api/v1/admin/procedures/export"));
  bool found = false;
  for (const auto& r : exported.as_array()) {
    if (r.at("MATTHC") == "1.990001") {
      EXPECT_EQ(r.as_object(), good[0].as_object()) << "lossless round trip";
      found = true;
    }
  }
  EXPECT_TRUE(found);
  auto csv = sys.Call("GET", "/api/v1/admin/procedures/export?format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("1.990001,Cấp giấy xác nhận thử nghiệm,published"), std::string::npos);
}

TEST_P(Catalog, VersionsAreKeptWithAReadableDiffAndThePublicationDeadline) {
  Officer sys = SignIn(port(), "sysadmin.demo");
  json::object first = Record("1.990031", "Cấp giấy phép thử nghiệm");
  first["SOQUYETDINHCONGBO"] = "12/QĐ-UBND";
  first["NGAYQUYETDINHCONGBO"] = "2026-01-02";  // a Friday: 5 working days later is 2026-01-09
  first["MACOQUANCONGBO"] = "000.00.00.H99";
  ASSERT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(json::array{first})).status, 200);
  first["TRANGTHAI"] = "draft";
  json::object second = first;
  second["TENTTHC"] = "Cấp lại giấy phép thử nghiệm";
  second["CACHTHUCTHUCHIEN"].as_array()[0].as_object()["THOIGIAN"].as_array()[0].as_object()["THOIGIANGIAIQUYET"] = 5;
  second["YEUCAU"] = "Có giấy phép cũ";
  ASSERT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(json::array{second})).status, 200);
  auto draft_list = Json(sys.Call("GET", "/api/v1/admin/procedures?status=draft"));
  ASSERT_EQ(draft_list.at("items").as_array().size(), 1u);
  EXPECT_EQ(draft_list.at("items").at(0).at("deadline_missed"), true) << "a draft still waiting after its deadline";
  ASSERT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.990031/actions/publish").status, 200);
  auto diff = Json(sys.Call("GET", "/api/v1/admin/procedures/1.990031/versions/1/diff/2"));
  std::map<std::string, std::string> kinds;
  for (const auto& c : diff.at("changes").as_array()) kinds[std::string(c.at("pointer").as_string())] = c.at("kind").as_string();
  EXPECT_EQ(kinds["/TENTTHC"], "changed");
  EXPECT_EQ(kinds["/CACHTHUCTHUCHIEN/0/THOIGIAN/0/THOIGIANGIAIQUYET"], "changed");
  EXPECT_EQ(kinds["/YEUCAU"], "added");
  EXPECT_EQ(kinds["/TRANGTHAI"], "changed");
  EXPECT_EQ(kinds.size(), 4u);
  EXPECT_EQ(sys.Call("GET", "/api/v1/admin/procedures/1.990031/versions/1/diff/9").status, 404);
  EXPECT_EQ(sys.Call("GET", "/api/v1/admin/procedures/1.990031/versions/x/diff/2").status, 400);
  auto list = Json(sys.Call("GET", "/api/v1/admin/procedures"));
  for (const auto& item : list.at("items").as_array()) {
    if (item.at("code") != "1.990031") continue;
    EXPECT_EQ(item.at("publication_deadline"), "2026-01-09");
    EXPECT_EQ(item.at("deadline_missed"), true) << "published today, long after the deadline";
    EXPECT_EQ(item.at("latest_version"), 2);
  }
  for (const auto& item : list.at("items").as_array()) {
    if (item.at("code") == "1.001193") {
      EXPECT_EQ(item.at("deadline_missed"), false) << "imported published: not judged here";
    }
  }
}

TEST_P(Catalog, AgencyAdminsImportAndPublishOnlyTheirAgencysProcedures) {
  Officer admin = SignIn(port(), "admin.demo");  // Sở Tư pháp 000.00.02.H99
  json::array mine{Record("1.990011", "Thủ tục của Sở Tư pháp")};
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/procedures/import", json::serialize(mine)).status, 200);
  json::array theirs{Record("1.990012", "Thủ tục của Sở Kế hoạch", "000.00.03.H99")};
  auto refused = admin.Call("POST", "/api/v1/admin/procedures/import", json::serialize(theirs));
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(Json(refused).at("records").at(0).at("pointer"), "/MACOQUANCONGBO");
  Officer receiver = SignIn(port(), "receiver.demo");
  EXPECT_EQ(receiver.Call("POST", "/api/v1/admin/procedures/1.990011/actions/suspend").status, 403);
  // Business registration is the Department of Planning and Investment's, not Justice's.
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/procedures/2.001610/actions/suspend").status, 404);
}

TEST_P(Catalog, LifecycleSuspendPublishRepeal) {
  Officer sys = SignIn(port(), "sysadmin.demo");
  ASSERT_EQ(Fetch(port(), "GET", "/api/v1/procedures/1.000656").status, 200);
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/publish").status, 409) << "already published";
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/suspend").status, 200);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/procedures/1.000656").status, 404);
  auto found = Codes(Search("q=" + Encode("khai tử")));
  EXPECT_EQ(std::count(found.begin(), found.end(), "1.000656"), 0) << "a suspended procedure is not found";
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/publish").status, 200);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/procedures/1.000656").status, 200);
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/repeal").status, 200);
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/publish").status, 409) << "repealed is final";
  auto versions = Json(sys.Call("GET", "/api/v1/admin/procedures/1.000656/versions"));
  std::vector<std::string> actions;
  for (const auto& e : versions.at("events").as_array()) actions.emplace_back(e.at("action").as_string());
  EXPECT_EQ(actions.front(), "repealed");
  EXPECT_GE(actions.size(), 4u);
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.000656/actions/vanish").status, 404);
}

TEST_P(Catalog, AnotherNodeSeesChangesAndAFailedImportLeavesNothing) {
  Officer sys = SignIn(port(), "sysadmin.demo");
  auto other = app_->StartAnotherNode();
  std::uint16_t other_port = other->server->Port();
  ASSERT_EQ(Fetch(other_port, "GET", "/api/v1/procedures/1.001193").status, 200);
  ASSERT_EQ(sys.Call("POST", "/api/v1/admin/procedures/1.001193/actions/suspend").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the other node looks once a second
  EXPECT_EQ(Fetch(other_port, "GET", "/api/v1/procedures/1.001193").status, 404);

  // The server fails after writing the second of three records: none of them remains.
  app_->app().catalog->after_import_record_for_test = [](std::size_t i) {
    if (i == 1) throw std::runtime_error("injected failure");
  };
  json::array file{Record("1.990021", "Một"), Record("1.990022", "Hai"), Record("1.990023", "Ba")};
  auto r = sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(file));
  EXPECT_EQ(r.status, 500);
  app_->app().catalog->after_import_record_for_test = nullptr;
  auto list = Json(sys.Call("GET", "/api/v1/admin/procedures"));
  for (const auto& item : list.at("items").as_array()) {
    EXPECT_NE(std::string(item.at("code").as_string()).rfind("1.99002", 0), 0u) << item.at("code");
  }
  EXPECT_EQ(sys.Call("POST", "/api/v1/admin/procedures/import", json::serialize(file)).status, 200) << "a retry works";
}

std::set<std::string> Pointers(const HttpResponse& r) {
  std::set<std::string> out;
  auto v = Json(r);
  if (!v.is_object() || !v.as_object().contains("errors")) return out;
  for (const auto& e : v.at("errors").as_array())
    out.insert(std::string(e.at("field").as_string()));
  return out;
}

TEST_P(Catalog, TheEditorSavesDraftsPreviewsAndRefusesStaleOrBadSaves) {
  Officer admin = SignIn(port(), "admin.demo");  // Sở Tư pháp 000.00.02.H99
  const std::string path = "/api/v1/admin/procedures/1.990041";
  json::object record = Record("1.990041", "Xác nhận thử nghiệm trình soạn thảo");
  record["CACHTHUCTHUCHIEN"]
      .as_array()[0]
      .as_object()["THOIGIAN"]
      .as_array()[0]
      .as_object()["PHILEPHI"] = json::array{json::object{
      {"MAPHILEPHI", "LP1"}, {"SOTIEN", 50000}, {"LOAIPHILEPHI", "LEPHI"}, {"MOTA", "Lệ phí"}}};

  // Preview: the public page's shape, nothing written.
  auto preview = admin.Call("POST", "/api/v1/admin/procedures/preview", json::serialize(record));
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto shown = Json(preview);
  EXPECT_EQ(shown.at("name"), "Xác nhận thử nghiệm trình soạn thảo");
  EXPECT_EQ(shown.at("channels").at(0).at("options").at(0).at("fee_total"), 50000);
  EXPECT_EQ(shown.at("status"), "published")
      << "the preview shows the page as it will be published";
  EXPECT_EQ(admin.Call("GET", path + "/record").status, 404);

  // Bad input: per-field errors, nothing written.
  auto bad = [&](const std::function<void(json::object&)>& change, const std::string& pointer,
                 const std::string& target) {
    json::object r = record;
    change(r);
    auto res = admin.Call("PUT", target, json::serialize(r));
    EXPECT_EQ(res.status, 422) << pointer << ": " << res.body.substr(0, 300);
    EXPECT_TRUE(Pointers(res).contains(pointer)) << pointer << ": " << res.body.substr(0, 300);
    if (target == path) {  // the preview checks the record alone (no address to compare with)
      auto pre = admin.Call("POST", "/api/v1/admin/procedures/preview", json::serialize(r));
      EXPECT_EQ(pre.status, 422) << pointer;
      EXPECT_TRUE(Pointers(pre).contains(pointer)) << pointer;
    }
  };
  auto fee = [](json::object& r) -> json::object& {
    return r["CACHTHUCTHUCHIEN"]
        .as_array()[0]
        .as_object()["THOIGIAN"]
        .as_array()[0]
        .as_object()["PHILEPHI"]
        .as_array()[0]
        .as_object();
  };
  auto time = [](json::object& r) -> json::object& {
    return r["CACHTHUCTHUCHIEN"].as_array()[0].as_object()["THOIGIAN"].as_array()[0].as_object();
  };
  const std::string fee_at = "/CACHTHUCTHUCHIEN/0/THOIGIAN/0/PHILEPHI/0/SOTIEN";
  bad([&](json::object& r) { fee(r)["SOTIEN"] = -1000; }, fee_at, path);
  bad([&](json::object& r) { fee(r)["SOTIEN"] = 10.5; }, fee_at, path);
  bad([&](json::object& r) { time(r)["DONVITINH"] = "tuần"; },
      "/CACHTHUCTHUCHIEN/0/THOIGIAN/0/DONVITINH", path);
  bad([](json::object& r) { r["TENTTHC"] = "  "; }, "/TENTTHC", path);
  bad([](json::object& r) { r["TENTTHC"] = std::string(100 * 1024, 'a'); }, "/TENTTHC", path);
  bad([](json::object&) {}, "/MATTHC", "/api/v1/admin/procedures/1.990049");
  auto theirs = admin.Call("PUT", "/api/v1/admin/procedures/1.990042",
                           json::serialize(Record("1.990042", "Của Sở Kế hoạch", "000.00.03.H99")));
  EXPECT_EQ(theirs.status, 422);
  EXPECT_TRUE(Pointers(theirs).contains("/MACOQUANCONGBO"));
  EXPECT_EQ(admin.Call("PUT", path, "{not json").status, 400);
  EXPECT_EQ(admin.Call("PUT", path, "[1]").status, 422);
  EXPECT_EQ(admin.Call("GET", path + "/record").status, 404) << "nothing was written";
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/procedures/1.990049/record").status, 404);
  // Another agency's existing procedure: as if it did not exist.
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/procedures/2.001610/record").status, 404);
  auto other = admin.CallWith("PUT", "/api/v1/admin/procedures/2.001610",
                              json::serialize(Record("2.001610", "Chiếm", "000.00.02.H99")),
                              {{"If-Match", "\"1\""}});
  EXPECT_EQ(other.status, 404) << other.body;
  Officer receiver = SignIn(port(), "receiver.demo");
  EXPECT_EQ(receiver.Call("PUT", path, json::serialize(record)).status, 403);
  EXPECT_EQ(
      receiver.Call("POST", "/api/v1/admin/procedures/preview", json::serialize(record)).status,
      403);

  // Create as a draft: not public until published.
  auto created = admin.Call("PUT", path, json::serialize(record));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created).at("version"), 1);
  EXPECT_EQ(Json(created).at("status"), "draft");
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/procedures/1.990041").status, 404);
  auto again = admin.Call("PUT", path, json::serialize(record));
  EXPECT_EQ(again.status, 409) << "creating over an existing procedure";
  EXPECT_EQ(Json(again).at("current_version"), 1);
  auto loaded = admin.Call("GET", path + "/record");
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  EXPECT_EQ(loaded.Header("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(Json(loaded).at("status"), "draft");
  EXPECT_FALSE(Json(loaded).at("record").as_object().contains("TRANGTHAI"))
      << "the lifecycle is the procedure's";
  EXPECT_EQ(Json(loaded).at("record").at("TRUONGMOTCUA_KHONGBIET"), "giữ nguyên khi xuất");
  ASSERT_EQ(admin.Call("POST", path + "/actions/publish").status, 200);
  auto page = Fetch(port(), "GET", "/api/v1/procedures/1.990041");
  ASSERT_EQ(page.status, 200);
  auto pre = Json(preview).as_object();
  EXPECT_EQ(Json(page).as_object(), pre) << "the preview is the public page";

  // Edit the published procedure: a new draft version; the public page keeps version 1 until
  // published.
  json::object edited = Json(loaded).at("record").as_object();
  edited["TENTTHC"] = "Xác nhận thử nghiệm trình soạn thảo (sửa)";
  fee(edited)["SOTIEN"] = 70000;
  auto saved = admin.CallWith("PUT", path, json::serialize(edited), {{"If-Match", "\"1\""}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(Json(saved).at("version"), 2);
  EXPECT_EQ(Json(saved).at("status"), "published");
  EXPECT_EQ(Json(Fetch(port(), "GET", "/api/v1/procedures/1.990041")).at("name"),
            "Xác nhận thử nghiệm trình soạn thảo");
  // A stale save: someone else's version 2 is there.
  auto stale = admin.CallWith("PUT", path, json::serialize(edited), {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Json(stale).at("current_version"), 2);
  EXPECT_EQ(admin.CallWith("PUT", path, json::serialize(edited), {{"If-Match", "abc"}}).status,
            400);
  auto diff = Json(admin.Call("GET", path + "/versions/1/diff/2"));
  std::map<std::string, std::string> kinds;
  for (const auto& c : diff.at("changes").as_array())
    kinds[std::string(c.at("pointer").as_string())] = c.at("kind").as_string();
  EXPECT_EQ(kinds["/TENTTHC"], "changed");
  EXPECT_EQ(kinds[fee_at], "changed");
  EXPECT_EQ(kinds.size(), 2u);
  ASSERT_EQ(admin.Call("POST", path + "/actions/publish").status, 200);
  EXPECT_EQ(Json(Fetch(port(), "GET", "/api/v1/procedures/1.990041")).at("name"),
            "Xác nhận thử nghiệm trình soạn thảo (sửa)");
  auto versions = Json(admin.Call("GET", path + "/versions"));
  EXPECT_EQ(versions.at("versions").as_array().size(), 2u);
}

TEST(CatalogEngines, SqliteAndPostgresAnswerAlike) {
  TestApp sqlite("sqlite", false);
  TestApp postgres("postgres", false);
  if (!postgres.available()) GTEST_SKIP() << "PostgreSQL not available";
  for (const std::string& q : std::vector<std::string>{"q=dang+ky", "q=" + Encode("giấy phép"), "q=" + Encode("thuong tru"), "q=chung+thuc&limit=50",
                              "field=G15-HT&limit=100", "q=doanh+nghiep&channel=2", "q=" + Encode("đất đai") + "&level=district"}) {
    auto a = Fetch(sqlite.port(), "GET", "/api/v1/procedures?" + q);
    auto b = Fetch(postgres.port(), "GET", "/api/v1/procedures?" + q);
    ASSERT_EQ(a.status, 200) << q;
    EXPECT_EQ(a.body, b.body) << q;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Catalog, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
