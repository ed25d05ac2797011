#include "http/route_table.hpp"

#include <array>
#include <stdexcept>

namespace motcua::http {

namespace {

constexpr std::array<std::string_view, 7> kMethodNames = {"GET",   "HEAD",   "POST",   "PUT",
                                                          "PATCH", "DELETE", "OPTIONS"};

}  // namespace

std::string_view MethodName(Method method) {
  return kMethodNames[static_cast<std::size_t>(method)];
}

std::optional<Method> ParseMethod(std::string_view token) {
  for (std::size_t i = 0; i < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == token) return static_cast<Method>(i);
  }
  return std::nullopt;
}

std::size_t RouteTable::Add(Method method, std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Compiled c;
  std::string_view rest = pattern.substr(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) throw std::invalid_argument("empty segment in " + std::string(pattern));
    bool param = seg.front() == '{';
    if (param && (seg.size() < 3 || seg.back() != '}')) {
      throw std::invalid_argument("bad parameter in " + std::string(pattern));
    }
    c.parts.emplace_back(param ? seg.substr(1, seg.size() - 2) : seg);
    c.is_param.push_back(param);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == method && compiled_[i].parts.size() == c.parts.size() &&
        compiled_[i].is_param == c.is_param) {
      bool same = true;
      for (std::size_t k = 0; k < c.parts.size() && same; ++k) {
        same = c.is_param[k] || c.parts[k] == compiled_[i].parts[k];
      }
      if (same) throw std::invalid_argument("duplicate route " + std::string(pattern));
    }
  }
  routes_.push_back({method, std::string(pattern)});
  compiled_.push_back(std::move(c));
  return routes_.size() - 1;
}

bool RouteTable::PathMatches(const Compiled& c, const std::vector<std::string>& segments) const {
  if (c.parts.size() != segments.size()) return false;
  for (std::size_t k = 0; k < c.parts.size(); ++k) {
    if (c.is_param[k] ? segments[k].empty() : c.parts[k] != segments[k]) return false;
  }
  return true;
}

std::string RouteTable::AllowFor(const std::vector<std::string>& segments) const {
  std::vector<bool> allowed(kMethodNames.size(), false);
  for (std::size_t i = 0; i < compiled_.size(); ++i) {
    if (!PathMatches(compiled_[i], segments)) continue;
    allowed[static_cast<std::size_t>(routes_[i].method)] = true;
    if (routes_[i].method == Method::kGet) allowed[static_cast<std::size_t>(Method::kHead)] = true;
  }
  std::string allow;
  for (std::size_t m = 0; m < allowed.size(); ++m) {
    if (!allowed[m]) continue;
    if (!allow.empty()) allow += ", ";
    allow += kMethodNames[m];
  }
  return allow;
}

RouteMatch RouteTable::Match(Method method, const std::vector<std::string>& segments) const {
  RouteMatch result;
  std::optional<std::size_t> best;
  bool any_path_match = false;
  for (std::size_t i = 0; i < compiled_.size(); ++i) {
    const Compiled& c = compiled_[i];
    if (!PathMatches(c, segments)) continue;
    any_path_match = true;
    Method m = routes_[i].method;
    if (m != method && !(method == Method::kHead && m == Method::kGet)) continue;
    if (!best) {
      best = i;
      continue;
    }
    const Compiled& b = compiled_[*best];
    Method bm = routes_[*best].method;
    // An explicit HEAD route beats the GET fallback; otherwise, at the first position where the
    // two differ, a literal segment beats a parameter.
    if ((m == method && bm != method) || (m == bm && c.is_param < b.is_param)) best = i;
  }
  if (best) {
    result.kind = RouteMatch::Kind::kFound;
    result.route = *best;
    const Compiled& c = compiled_[*best];
    for (std::size_t k = 0; k < c.parts.size(); ++k) {
      if (c.is_param[k]) result.params.emplace_back(c.parts[k], segments[k]);
    }
  } else if (any_path_match) {
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    result.allow = AllowFor(segments);
  }
  return result;
}

}  // namespace motcua::http
