// Parsing of the HTTP request-target (RFC 9112 §3.2, origin-form only) into a decoded path,
// its segments and the query parameters. Pure code: no I/O, fuzzed by fuzz/router_fuzz.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace motcua::http {

/// A parsed origin-form request-target.
struct Target {
  std::string path;                                        ///< percent-decoded path
  std::vector<std::string> segments;                       ///< decoded segments, `/a/b` → {a, b}
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded `k=v` pairs, in order
};

/// Parses `/path?query`. Fails with kInvalidArgument when the target is not origin-form, holds
/// control characters or bad percent-escapes, encodes a NUL, decodes to text that is not UTF-8,
/// or has a `.` or `..` segment (so no later code can be walked outside a directory).
core::Result<Target> ParseTarget(std::string_view raw);

/// Percent-decodes `text`; `plus_is_space` for query components. False on a malformed escape,
/// an encoded NUL, or a result that is not UTF-8 (PostgreSQL's text would refuse it).
bool PercentDecode(std::string_view text, bool plus_is_space, std::string& out);

}  // namespace motcua::http
