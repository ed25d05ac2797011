// The Open311 GeoReport v2 contract (REFERENCES.md §5) through real HTTP on both engines: every
// field of discovery, services, service definitions, request creation, requests, one request and
// tokens, in JSON and in XML; the error list format; api_keys stored as hashes and revocable;
// status mapped from the PAKN lifecycle; bad input; a flood from one key refused with 429.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "crypto/sha256.hpp"
#include "integration/api_user.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

const std::vector<std::string> kRequestFields = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
    "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
    "lat", "long", "media_url"};

// True when the XML has the element (`<name>…</name>` or `<name/>`).
bool HasElement(const std::string& xml, const std::string& name) {
  return xml.find("<" + name + ">") != std::string::npos || xml.find("<" + name + "/>") != std::string::npos;
}

std::string Url(std::string_view s) {
  std::string out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class Open311 : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam(), true, [](config::Config& c) {
      c.feedback_submissions_per_hour = 8;
      c.deadline_watch_seconds = 0;
      c.notify_poll_ms = 0;
    });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }

  std::string IssueKey(const std::string& name) {
    User admin = SignIn(port(), "sysadmin.demo");
    auto r = admin.Call("POST", "/api/v1/admin/open311/keys", json::serialize(json::object{{"name", name}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(Json(r).at("api_key").as_string()) : "";
  }

  HttpResponse Create(const std::string& format, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + Url(k) + "=" + Url(v);
    return Fetch(port(), "POST", "/open311/v2/requests." + format, {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
  }

  std::vector<std::pair<std::string, std::string>> Full(const std::string& key) {
    return {{"api_key", key}, {"service_code", "LV-G15-LLTP"}, {"lat", "21.0285"}, {"long", "105.8542"},
            {"address_string", "Số 12 đường Trần Hưng Đạo, An Hòa"}, {"description", "Hẹn trả phiếu lý lịch tư pháp ba lần chưa có."},
            {"first_name", "Văn"}, {"last_name", "Dũng"}, {"email", "dung@example.vn"}, {"phone", "0987654321"},
            {"media_url", "https://example.vn/anh.jpg"}, {"device_id", "phone-1"}, {"attribute[procedure_code]", "2.913001"}};
  }

  std::unique_ptr<TestApp> app_;
};

TEST_P(Open311, DiscoveryAndServicesInBothFormats) {
  auto dj = Fetch(port(), "GET", "/open311/v2/discovery.json", {}, "");
  ASSERT_EQ(dj.status, 200);
  EXPECT_EQ(dj.Header("Content-Type").value_or(""), "application/json; charset=utf-8");
  auto d = Json(dj);
  for (const char* f : {"changeset", "contact", "key_service", "endpoints"}) EXPECT_TRUE(d.as_object().contains(f)) << f;
  const auto& ep = d.at("endpoints").at(0).as_object();
  for (const char* f : {"specification", "url", "changeset", "type", "formats"}) EXPECT_TRUE(ep.contains(f)) << f;
  EXPECT_EQ(ep.at("specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(ep.at("formats"), (json::array{"text/xml", "application/json"}));
  auto dx = Fetch(port(), "GET", "/open311/v2/discovery.xml", {}, "");
  ASSERT_EQ(dx.status, 200);
  EXPECT_EQ(dx.Header("Content-Type").value_or(""), "text/xml; charset=utf-8");
  EXPECT_TRUE(dx.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><discovery>")) << dx.body;
  EXPECT_NE(dx.body.find("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>"), std::string::npos);
  EXPECT_NE(dx.body.find("<formats><format>text/xml</format><format>application/json</format></formats>"), std::string::npos);

  auto sj = Fetch(port(), "GET", "/open311/v2/services.json", {}, "");
  ASSERT_EQ(sj.status, 200);
  auto services = Json(sj);
  ASSERT_TRUE(services.is_array());
  bool conduct = false, field = false;
  for (const auto& s : services.as_array()) {
    for (const char* f : {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}) {
      EXPECT_TRUE(s.as_object().contains(f)) << f;
    }
    EXPECT_EQ(s.at("type"), "realtime");
    EXPECT_TRUE(s.at("metadata").is_bool());
    conduct = conduct || s.at("service_code") == "PAKN-HC";
    field = field || s.at("service_code") == "LV-G15-LLTP";
  }
  EXPECT_TRUE(conduct && field);
  auto sx = Fetch(port(), "GET", "/open311/v2/services.xml", {}, "");
  ASSERT_EQ(sx.status, 200);
  EXPECT_NE(sx.body.find("<services><service><service_code>PAKN-HC</service_code>"), std::string::npos) << sx.body.substr(0, 300);
  for (const char* f : {"service_name", "description", "metadata", "type", "keywords", "group"}) EXPECT_TRUE(HasElement(sx.body, f)) << f;
  EXPECT_NE(sx.body.find("<metadata>true</metadata><type>realtime</type>"), std::string::npos);

  auto defj = Fetch(port(), "GET", "/open311/v2/services/LV-G15-LLTP.json", {}, "");
  ASSERT_EQ(defj.status, 200) << defj.body;
  auto def = Json(defj);
  EXPECT_EQ(def.at("service_code"), "LV-G15-LLTP");
  const auto& attr = def.at("attributes").at(0).as_object();
  for (const char* f : {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}) {
    EXPECT_TRUE(attr.contains(f)) << f;
  }
  EXPECT_EQ(attr.at("datatype"), "singlevaluelist");
  EXPECT_EQ(attr.at("values").at(0).at("key"), "2.913001");
  EXPECT_TRUE(attr.at("values").at(0).as_object().contains("name"));
  auto defx = Fetch(port(), "GET", "/open311/v2/services/LV-G15-LLTP.xml", {}, "");
  ASSERT_EQ(defx.status, 200);
  EXPECT_NE(defx.body.find("<service_definition><service_code>LV-G15-LLTP</service_code><attributes><attribute><variable>true</variable>"
                           "<code>procedure_code</code><datatype>singlevaluelist</datatype>"),
            std::string::npos) << defx.body.substr(0, 400);
  EXPECT_NE(defx.body.find("<values><value><key>2.913001</key><name>"), std::string::npos);

  auto unknown = Fetch(port(), "GET", "/open311/v2/services/NOPE.xml", {}, "");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, "<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>404</code><description>service_code not found: NOPE</description></error></errors>");
  auto unknown_json = Fetch(port(), "GET", "/open311/v2/services/NOPE.json", {}, "");
  EXPECT_EQ(unknown_json.body, R"([{"code":404,"description":"service_code not found: NOPE"}])");
  EXPECT_EQ(Fetch(port(), "GET", "/open311/v2/services/PAKN-HC.html", {}, "").status, 404);
}

TEST_P(Open311, CreateReadTrackAndCloseARequest) {
  std::string key = IssueKey("Ứng dụng phản ánh An Hòa");
  // Only the hash of the key is kept.
  {
    auto c = app_->app().db->Acquire();
    auto r = c->Execute(db::Query{"test_key_hash", "SELECT key_hash FROM open311_keys"});
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.Text(0, 0), crypto::Sha256::Hex(key));
  }
  auto created = Create("json", Full(key));
  ASSERT_EQ(created.status, 201) << created.body;
  auto cj = Json(created);
  ASSERT_TRUE(cj.is_array());
  const auto& first = cj.at(0).as_object();
  for (const char* f : {"service_request_id", "token", "service_notice", "account_id"}) EXPECT_TRUE(first.contains(f)) << f;
  EXPECT_TRUE(first.at("account_id").is_null());
  std::string id(first.at("service_request_id").as_string()), token(first.at("token").as_string());

  auto createdx = Create("xml", Full(key));
  ASSERT_EQ(createdx.status, 201) << createdx.body;
  EXPECT_TRUE(createdx.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><service_request_id>PAKN-"));
  for (const char* f : {"token", "service_notice", "account_id"}) EXPECT_TRUE(HasElement(createdx.body, f)) << f;
  EXPECT_NE(createdx.body.find("<account_id/>"), std::string::npos);

  auto one = Fetch(port(), "GET", "/open311/v2/requests/" + id + ".json", {}, "");
  ASSERT_EQ(one.status, 200) << one.body;
  auto rq = Json(one).at(0).as_object();
  for (const auto& f : kRequestFields) EXPECT_TRUE(rq.contains(f)) << f;
  EXPECT_EQ(rq.size(), kRequestFields.size());
  EXPECT_EQ(rq.at("service_request_id"), json::value(id));
  EXPECT_EQ(rq.at("status"), "open");
  EXPECT_EQ(rq.at("service_code"), "LV-G15-LLTP");
  EXPECT_EQ(rq.at("service_name"), "Lý lịch tư pháp");
  EXPECT_EQ(rq.at("agency_responsible"), "Sở Tư pháp tỉnh An Hòa");
  EXPECT_EQ(rq.at("address"), "Số 12 đường Trần Hưng Đạo, An Hòa");
  EXPECT_EQ(rq.at("description"), "");  // not public before publication
  EXPECT_DOUBLE_EQ(rq.at("lat").as_double(), 21.0285);
  EXPECT_DOUBLE_EQ(rq.at("long").as_double(), 105.8542);
  EXPECT_EQ(rq.at("media_url"), "https://example.vn/anh.jpg");
  std::string requested(rq.at("requested_datetime").as_string()), expected(rq.at("expected_datetime").as_string());
  EXPECT_TRUE(requested.ends_with("+07:00")) << requested;  // ISO 8601 with its offset
  EXPECT_GT(expected, requested);  // the 5-working-day classification deadline
  auto onex = Fetch(port(), "GET", "/open311/v2/requests/" + id + ".xml", {}, "");
  ASSERT_EQ(onex.status, 200);
  for (const auto& f : kRequestFields) EXPECT_TRUE(HasElement(onex.body, f)) << f;
  EXPECT_NE(onex.body.find("<lat>21.0285</lat><long>105.8542</long>"), std::string::npos) << onex.body;
  EXPECT_NE(onex.body.find("<status>open</status>"), std::string::npos);

  auto tok = Fetch(port(), "GET", "/open311/v2/tokens/" + token + ".json", {}, "");
  ASSERT_EQ(tok.status, 200);
  EXPECT_EQ(Json(tok), (json::array{json::object{{"service_request_id", id}, {"token", token}}}));
  auto tokx = Fetch(port(), "GET", "/open311/v2/tokens/" + token + ".xml", {}, "");
  EXPECT_NE(tokx.body.find("<service_requests><request><service_request_id>" + id + "</service_request_id><token>" + token + "</token>"), std::string::npos);
  EXPECT_EQ(Fetch(port(), "GET", "/open311/v2/tokens/nothing.json", {}, "").status, 404);
  EXPECT_EQ(Fetch(port(), "GET", "/open311/v2/requests/PAKN-000000-0000.xml", {}, "").status, 404);

  // The officers' lifecycle decides status and status_notes.
  User receiver = SignIn(port(), "receiver.demo");
  for (auto [action, body] : std::vector<std::pair<std::string, std::string>>{
           {"register", "{}"}, {"classify", R"({"classification":"regulation_within"})"}, {"answer", R"({"answer":"Sở đã trả phiếu."})"}}) {
    auto r = receiver.Call("POST", "/api/v1/feedback/" + id + "/actions/" + action, body);
    ASSERT_EQ(r.status, 200) << action << ": " << r.body;
  }
  auto closed = Json(Fetch(port(), "GET", "/open311/v2/requests/" + id + ".json", {}, "")).at(0);
  EXPECT_EQ(closed.at("status"), "closed");
  EXPECT_NE(std::string(closed.at("status_notes").as_string()).find("Đã trả lời"), std::string::npos) << closed;
  EXPECT_TRUE(closed.at("expected_datetime").is_null());

  // Lists: filters, the 90-day window, page/page_size.
  auto list = [&](const std::string& q) { return Fetch(port(), "GET", "/open311/v2/requests.json" + q, {}, ""); };
  EXPECT_EQ(Json(list("")).as_array().size(), 2u);
  EXPECT_EQ(Json(list("?status=closed")).as_array().size(), 1u);
  EXPECT_EQ(Json(list("?status=open")).as_array().size(), 1u);
  EXPECT_EQ(Json(list("?service_code=PAKN-HC")).as_array().size(), 0u);
  EXPECT_EQ(Json(list("?service_code=LV-G15-LLTP&page_size=1")).as_array().size(), 1u);
  EXPECT_EQ(Json(list("?page_size=1&page=2")).as_array().size(), 1u);
  EXPECT_EQ(Json(list("?page_size=1&page=3")).as_array().size(), 0u);
  EXPECT_EQ(Json(list("?service_request_id=" + id)).at(0).at("service_request_id"), json::value(id));
  EXPECT_EQ(Json(list("?start_date=2020-01-01T00:00:00%2B07:00&end_date=2020-02-01T00:00:00Z")).as_array().size(), 0u);
  auto bad_code = list("?service_code=NOPE");
  EXPECT_EQ(bad_code.status, 400);
  EXPECT_EQ(Json(bad_code).at(0).at("code"), 400);
  EXPECT_EQ(list("?start_date=yesterday").status, 400);
  EXPECT_EQ(list("?status=pending").status, 400);
  EXPECT_EQ(list("?page=0").status, 400);
  auto xml_list = Fetch(port(), "GET", "/open311/v2/requests.xml?status=closed", {}, "");
  EXPECT_NE(xml_list.body.find("<service_requests><request><service_request_id>" + id), std::string::npos);
}

TEST_P(Open311, BadInputIsRefusedInTheSpecificationsErrorFormat) {
  std::string key = IssueKey("Integrator");
  auto with = [&](std::vector<std::pair<std::string, std::string>> fields, const std::string& name, const std::string& value) {
    bool found = false;
    for (auto& [k, v] : fields) {
      if (k == name) {
        v = value;
        found = true;
      }
    }
    if (!found) fields.emplace_back(name, value);
    return fields;
  };
  auto without = [&](std::vector<std::pair<std::string, std::string>> fields, std::initializer_list<std::string> names) {
    std::erase_if(fields, [&](const auto& kv) { return std::find(names.begin(), names.end(), kv.first) != names.end(); });
    return fields;
  };
  auto description_of = [](const HttpResponse& r) { return std::string(Json(r).at(0).at("description").as_string()); };

  auto no_key = Create("json", without(Full(key), {"api_key"}));
  EXPECT_EQ(no_key.status, 403);
  EXPECT_EQ(no_key.body, R"([{"code":403,"description":"api_key is missing or not valid"}])");
  EXPECT_EQ(Create("xml", with(Full(key), "api_key", "o311_wrong")).status, 403);
  auto unknown = Create("json", with(Full(key), "service_code", "NOPE"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(description_of(unknown).starts_with("service_code:")) << unknown.body;
  auto lat = Create("json", with(Full(key), "lat", "91.5"));
  EXPECT_EQ(lat.status, 400);
  EXPECT_TRUE(description_of(lat).starts_with("lat:")) << lat.body;
  EXPECT_EQ(Create("json", with(Full(key), "long", "abc")).status, 400);
  EXPECT_EQ(Create("json", with(Full(key), "lat", "nan")).status, 400);
  auto nowhere = Create("json", without(Full(key), {"lat", "long", "address_string"}));
  EXPECT_EQ(nowhere.status, 400);
  EXPECT_EQ(description_of(nowhere), "a location is required: lat and long, address_string or address_id");
  auto empty = Create("json", with(Full(key), "description", " "));
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(description_of(empty).starts_with("description:")) << empty.body;
  auto huge = Create("xml", with(Full(key), "description", std::string(1 << 20, 'x')));
  EXPECT_EQ(huge.status, 400);
  EXPECT_NE(huge.body.find("<errors><error><code>400</code><description>description:"), std::string::npos) << huge.body.substr(0, 300);
  auto json_body = Fetch(port(), "POST", "/open311/v2/requests.json", {{"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(json_body.status, 400);
  EXPECT_EQ(Json(json_body).at(0).at("description"), "the body must be application/x-www-form-urlencoded");
  {
    auto c = app_->app().db->Acquire();
    EXPECT_EQ(c->Execute(db::Query{"test_count_feedback", "SELECT COUNT(*) FROM feedback"}).Int(0, 0), 0);  // nothing half-written
  }

  // Script in the text is stored as text and comes back escaped in XML.
  auto script = Create("json", with(Full(key), "description", "<script>alert('x')</script> & co"));
  ASSERT_EQ(script.status, 201) << script.body;
  std::string id(Json(script).at(0).at("service_request_id").as_string());
  User receiver = SignIn(port(), "receiver.demo"), admin = SignIn(port(), "sysadmin.demo");
  for (auto [action, body] : std::vector<std::pair<std::string, std::string>>{
           {"register", "{}"}, {"classify", R"({"classification":"regulation_within"})"}, {"answer", R"({"answer":"<b>ok</b>"})"}}) {
    ASSERT_EQ(receiver.Call("POST", "/api/v1/feedback/" + id + "/actions/" + action, body).status, 200);
  }
  ASSERT_EQ(admin.Call("POST", "/api/v1/feedback/" + id + "/actions/publish", "{}").status, 200);
  auto x = Fetch(port(), "GET", "/open311/v2/requests/" + id + ".xml", {}, "");
  EXPECT_NE(x.body.find("<description>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; co</description>"), std::string::npos) << x.body;
  EXPECT_EQ(x.body.find("<script>"), std::string::npos);
  EXPECT_EQ(Json(Fetch(port(), "GET", "/open311/v2/requests/" + id + ".json", {}, "")).at(0).at("description"), "<script>alert('x')</script> & co");

  // A revoked key stops working.
  auto keys = Json(admin.Call("GET", "/api/v1/admin/open311/keys"));
  std::string key_id(keys.at("items").at(0).at("id").as_string());
  EXPECT_EQ(keys.at("items").at(0).as_object().contains("api_key"), false);
  EXPECT_EQ(SignIn(port(), "admin.demo").Call("DELETE", "/api/v1/admin/open311/keys/" + key_id).status, 403);
  EXPECT_EQ(admin.Call("DELETE", "/api/v1/admin/open311/keys/" + key_id).status, 204);
  EXPECT_EQ(Create("json", Full(key)).status, 403);
}

TEST_P(Open311, AFloodFromOneKeyIsRefusedWithRetryAfter) {
  std::string key = IssueKey("Flood"), other = IssueKey("Other");
  for (int i = 0; i < 8; ++i) ASSERT_EQ(Create("json", Full(key)).status, 201) << i;
  auto refused = Create("xml", Full(key));
  EXPECT_EQ(refused.status, 429);
  int wait = std::stoi(refused.Header("Retry-After").value_or("0"));
  EXPECT_GT(wait, 3000);  // the first of the hour's requests leaves the window in about an hour
  EXPECT_LE(wait, 3600);
  EXPECT_NE(refused.body.find("<errors><error><code>429</code>"), std::string::npos) << refused.body;
  EXPECT_EQ(Create("json", Full(other)).status, 201);  // another source is served
  // The web form is limited per address in the same way.
  json::object body{{"category", "PAKN-HC"}, {"title", "t"}, {"content", "c"}, {"full_name", "A"}, {"email", "a@example.vn"}};
  int last = 0;
  for (int i = 0; i < 9; ++i) last = Fetch(port(), "POST", "/api/v1/feedback", {{"Content-Type", "application/json"}}, json::serialize(body)).status;
  EXPECT_EQ(last, 429);
}

INSTANTIATE_TEST_SUITE_P(Engines, Open311, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
