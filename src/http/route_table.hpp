// Route matching by method and path pattern (`/api/v1/dossiers/{code}/actions/{action}`).
// Pure code with no I/O; the server (server.cpp) and the fuzzer use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace motcua::http {

/// Request methods the router distinguishes.
enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

/// Upper-case token of a method (`GET`).
std::string_view MethodName(Method method);
/// Parses an upper-case method token; nullopt for methods motcua does not serve.
std::optional<Method> ParseMethod(std::string_view token);

/// A registered route.
struct RouteSpec {
  Method method;
  std::string pattern;  ///< literal segments and `{name}` parameters
};

/// Outcome of matching a request against the table.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
  std::size_t route = 0;                                    ///< index, when kFound
  std::vector<std::pair<std::string, std::string>> params;  ///< `{name}` → value
  std::string allow;  ///< `Allow` header value, when kMethodNotAllowed
};

/// An ordered set of routes. Not thread-safe to modify; matching is const and thread-safe.
class RouteTable {
 public:
  /// Adds a route; returns its index. Throws std::invalid_argument on a malformed pattern or a
  /// duplicate (method, pattern) — both are programming errors found at start-up.
  std::size_t Add(Method method, std::string_view pattern);

  /// Matches decoded path segments. Literal segments win over parameters at the same position;
  /// a GET route also answers HEAD.
  RouteMatch Match(Method method, const std::vector<std::string>& segments) const;

  /// The `Allow` header value for a path (methods of every route matching it), or empty when
  /// no route has this path.
  std::string AllowFor(const std::vector<std::string>& segments) const;

  const std::vector<RouteSpec>& Routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> parts;  ///< literal text, or the parameter name when is_param
    std::vector<bool> is_param;
  };
  bool PathMatches(const Compiled& c, const std::vector<std::string>& segments) const;
  std::vector<RouteSpec> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace motcua::http
