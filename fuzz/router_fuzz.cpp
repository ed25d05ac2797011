// libFuzzer target: request-target parsing and route matching, the first code every request
// reaches. Invariants: no crash or sanitizer report; a parsed path never holds a '.' or '..'
// segment; every decoded segment and query text is UTF-8 without NUL (what the database holds);
// a match's parameters come from the path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.hpp"
#include "http/route_table.hpp"
#include "http/target.hpp"

namespace {

const motcua::http::RouteTable& Table() {
  static const motcua::http::RouteTable table = [] {
    using motcua::http::Method;
    motcua::http::RouteTable t;
    t.Add(Method::kGet, "/healthz");
    t.Add(Method::kGet, "/api/v1/procedures");
    t.Add(Method::kGet, "/api/v1/procedures/{code}");
    t.Add(Method::kGet, "/api/v1/procedures/export");
    t.Add(Method::kPost, "/api/v1/dossiers");
    t.Add(Method::kGet, "/api/v1/dossiers/{code}");
    t.Add(Method::kPost, "/api/v1/dossiers/{code}/actions/{action}");
    t.Add(Method::kGet, "/r1/{instance}/{class}/{member}/{subsystem}/{service}");
    return t;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto method = static_cast<motcua::http::Method>(data[0] % 7);
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  auto target = motcua::http::ParseTarget(raw);
  if (!target) return 0;
  auto text = [](std::string_view t) { return motcua::core::IsUtf8(t) && t.find('\0') == std::string_view::npos; };
  for (const auto& seg : target->segments) {
    if (seg == "." || seg == ".." || !text(seg)) std::abort();
  }
  for (const auto& [key, value] : target->query) {
    if (!text(key) || !text(value)) std::abort();
  }
  auto match = Table().Match(method, target->segments);
  for (const auto& [name, value] : match.params) {
    if (value.empty()) std::abort();
  }
  (void)Table().AllowFor(target->segments);
  return 0;
}
