// The OpenAPI 3.1 document served at /api/openapi.json, merged from each module's
// `openapi.json` fragment (paths and components), and the check that keeps it true.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/embedded.hpp"
#include "http/route_table.hpp"

namespace motcua::http {

/// Merges fragments into one document: the first fragment that has `openapi` is the base;
/// `paths` and `components.*` of every fragment are added. Throws std::invalid_argument on
/// invalid JSON or a path defined twice.
std::string BuildOpenApi(std::span<const core::EmbeddedFile> fragments, std::string_view version);

/// Routes of `table` that the document does not describe, as `METHOD /pattern` (HEAD is
/// covered by GET). Empty means every route is documented.
std::vector<std::string> UndocumentedRoutes(const RouteTable& table, std::string_view document);

}  // namespace motcua::http
