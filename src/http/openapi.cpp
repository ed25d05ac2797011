#include "http/openapi.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace motcua::http {

namespace json = boost::json;

std::string BuildOpenApi(std::span<const core::EmbeddedFile> fragments, std::string_view version) {
  json::object doc;
  json::object paths;
  json::object components;
  for (const auto& f : fragments) {
    boost::system::error_code ec;
    json::value v = json::parse(f.content, ec);
    if (ec || !v.is_object()) {
      throw std::invalid_argument("invalid OpenAPI fragment " + std::string(f.path));
    }
    json::object& frag = v.as_object();
    if (frag.contains("openapi") && doc.empty()) {
      for (auto& [k, val] : frag) {
        if (k != "paths" && k != "components") doc[k] = val;
      }
    }
    if (auto* p = frag.if_contains("paths")) {
      for (auto& [k, val] : p->as_object()) {
        if (paths.contains(k)) {
          throw std::invalid_argument("path " + std::string(k) + " documented twice");
        }
        paths[k] = val;
      }
    }
    if (auto* c = frag.if_contains("components")) {
      for (auto& [section, entries] : c->as_object()) {
        json::value& slot = components[section];
        if (!slot.is_object()) slot.emplace_object();
        for (auto& [name, val] : entries.as_object()) slot.as_object()[name] = val;
      }
    }
  }
  if (doc.empty()) throw std::invalid_argument("no OpenAPI base fragment");
  if (auto* info = doc.if_contains("info"); info && info->is_object()) {
    info->as_object()["version"] = version;
  }
  doc["paths"] = std::move(paths);
  doc["components"] = std::move(components);
  return json::serialize(doc);
}

std::vector<std::string> UndocumentedRoutes(const RouteTable& table, std::string_view document) {
  json::value doc = json::parse(document);
  const json::object* paths = nullptr;
  if (auto* p = doc.as_object().if_contains("paths"); p && p->is_object()) paths = &p->as_object();
  std::vector<std::string> missing;
  for (const auto& route : table.Routes()) {
    std::string method(MethodName(route.method));
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const json::value* item = paths ? paths->if_contains(route.pattern) : nullptr;
    if (item == nullptr || !item->is_object() || !item->as_object().contains(method)) {
      missing.push_back(std::string(MethodName(route.method)) + " " + route.pattern);
    }
  }
  return missing;
}

}  // namespace motcua::http
