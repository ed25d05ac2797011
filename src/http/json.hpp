// JSON bodies in and out of handlers (Boost.JSON, the one JSON library of the product).
#pragma once

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "http/message.hpp"

namespace motcua::http {

/// Limits applied to every JSON body before a handler sees it.
struct JsonLimits {
  std::size_t max_depth = 32;
};

/// Parses the request body as JSON. Fails with kUnsupportedMedia when the Content-Type is not
/// JSON, and kInvalidArgument naming the line, column and byte offset of a syntax error.
core::Result<boost::json::value> ParseJsonBody(const Request& request, JsonLimits limits = {});

/// ParseJsonBody, and kInvalidArgument unless the body is a JSON object.
core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits = {});

/// `application/json; charset=utf-8` response with the serialized value.
Response JsonResponse(int status, const boost::json::value& value);

}  // namespace motcua::http
