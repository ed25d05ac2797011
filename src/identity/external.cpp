#include "identity/external.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "identity/rules.hpp"

namespace motcua::identity {

namespace json = boost::json;

namespace {

std::string AsText(const json::value* v) {
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::string NormalizeDate(const std::string& d) {
  if (d.size() == 10 && d[2] == '/' && d[5] == '/') return d.substr(6, 4) + "-" + d.substr(3, 2) + "-" + d.substr(0, 2);
  if (d.size() == 8 && d.find_first_not_of("0123456789") == std::string::npos) {
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  }
  return d;
}

}  // namespace

core::Result<std::vector<ExternalProvider>> LoadProviders(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Fail(core::ErrorCode::kInvalidArgument, "cannot read identity providers file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  if (ec || !v.is_array()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "identity providers file '" + path + "' is not a JSON array");
  }
  std::vector<ExternalProvider> out;
  std::size_t n = 0;
  for (const auto& item : v.as_array()) {
    ++n;
    auto bad = [&](const std::string& why) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "identity providers file '" + path + "' entry " + std::to_string(n) + ": " + why);
    };
    if (!item.is_object()) return bad("not an object");
    const auto& o = item.as_object();
    ExternalProvider p;
    auto text_of = [&](const char* k, std::string& dst) {
      if (const auto* x = o.if_contains(k); x && x->is_string()) dst = std::string(x->as_string());
    };
    text_of("id", p.id);
    text_of("name", p.name);
    text_of("issuer", p.issuer);
    text_of("client_id", p.client_id);
    text_of("client_secret", p.client_secret);
    text_of("scopes", p.scopes);
    if (const auto* c = o.if_contains("create_accounts"); c && c->is_bool()) p.create_accounts = c->as_bool();
    if (const auto* claims = o.if_contains("claims"); claims && claims->is_object()) {
      const auto& m = claims->as_object();
      auto claim = [&](const char* k, std::string& dst) {
        if (const auto* x = m.if_contains(k); x && x->is_string()) dst = std::string(x->as_string());
      };
      claim("personal_id", p.claim_personal_id);
      claim("full_name", p.claim_full_name);
      claim("birth_date", p.claim_birth_date);
      claim("gender", p.claim_gender);
      claim("assurance", p.claim_assurance);
    }
    if (p.id.empty() || p.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      return bad("id must be lower-case letters, digits or '-'");
    }
    if (p.name.empty()) return bad("name is required");
    if (!p.issuer.starts_with("https://") && !p.issuer.starts_with("http://")) return bad("issuer must be an http(s) URL");
    while (p.issuer.ends_with('/')) p.issuer.pop_back();
    if (p.client_id.empty()) return bad("client_id is required");
    for (const auto& q : out) {
      if (q.id == p.id) return bad("duplicate id " + p.id);
    }
    out.push_back(std::move(p));
  }
  return out;
}

core::Result<AssertedCitizen> MapClaims(const ExternalProvider& p, const std::string& claims_json) {
  boost::system::error_code ec;
  json::value v = json::parse(claims_json, ec);
  if (ec || !v.is_object()) return core::Fail(core::ErrorCode::kInvalidArgument, "claims are not a JSON object");
  const auto& o = v.as_object();
  AssertedCitizen c;
  c.subject = AsText(o.if_contains("sub"));
  c.personal_id = AsText(o.if_contains(p.claim_personal_id));
  c.full_name = AsText(o.if_contains(p.claim_full_name));
  c.birth_date = NormalizeDate(AsText(o.if_contains(p.claim_birth_date)));
  std::string g = AsText(o.if_contains(p.claim_gender));
  if (g == "1" || g == "Nam" || g == "male") c.gender = "male";
  else if (g == "0" || g == "2" || g == "Nữ" || g == "female") c.gender = "female";
  std::string level = AsText(o.if_contains(p.claim_assurance));
  if (level.empty()) level = AsText(o.if_contains("IAL"));
  if (level.empty()) level = AsText(o.if_contains("acr"));
  c.assurance_level = level == "2" ? 2 : 1;
  std::vector<core::FieldError> errors;
  if (c.subject.empty()) errors.push_back({"sub", "missing"});
  if (c.full_name.empty()) errors.push_back({p.claim_full_name, "missing"});
  auto birth = ParseDate(c.birth_date);
  if (!birth) {
    errors.push_back({p.claim_birth_date, "missing or not a date"});
  } else if (!c.gender.empty()) {
    for (auto& e : CheckPersonalId(c.personal_id, *birth, c.gender, p.claim_personal_id)) errors.push_back(std::move(e));
  } else {
    errors.push_back({p.claim_gender, "missing"});
  }
  if (!errors.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Nhà cung cấp định danh trả về thông tin không hợp lệ. / The identity provider's claims are not usable.",
                      std::move(errors));
  }
  return c;
}

}  // namespace motcua::identity
