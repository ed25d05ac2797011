// RFC 7807 problem responses with a Vietnamese or English title (DESIGN.md §6).
#pragma once

#include <string>

#include "core/error.hpp"
#include "http/message.hpp"

namespace motcua::http {

/// HTTP status for an error code — the one place this mapping lives.
int StatusFor(core::ErrorCode code);

/// `application/problem+json` for an expected failure: `type` (`urn:motcua:problem:<code>`),
/// `title` in the request's language, `status`, `detail` (the error's public message),
/// `instance` (the path), `request_id`, and `errors[]` of field problems when present.
/// A kConflict whose first field is `allowed_actions` (comma-separated action names, from a
/// state machine refusing a step) answers them as the array `allowed_actions` instead.
Response ProblemResponse(const Request& request, const core::Error& error);

/// A problem for a transport-level status (404, 405, 413, 431, 500, 503 …) with a detail text.
Response ProblemForStatus(const Request& request, int status, std::string detail);

}  // namespace motcua::http
