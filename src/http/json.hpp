// JSON bodies in and out of handlers (Boost.JSON, the one JSON library of the product).
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "core/error.hpp"
#include "http/message.hpp"

namespace motcua::http {

/// Limits applied to every JSON body before a handler sees it.
struct JsonLimits {
  std::size_t max_depth = 32;
  /// Lets strings hold NUL characters, for a handler that refuses them item by item itself.
  bool allow_nul = false;
};

/// Where the value first holds the NUL character (U+0000) in a string or a member name, as a
/// JSON pointer ("" for the value itself). JSON allows "\u0000", but PostgreSQL's text cannot hold
/// it (a parameter is cut short there: "x\u0000y" would be stored as "x", and "\u0000" as the empty
/// text a required field refuses), and no field of the product has a use for it: input holding one
/// is refused before it is stored, on either engine.
std::optional<std::string> NulPointer(const boost::json::value& value);

/// Parses the request body as JSON. Fails with kUnsupportedMedia when the Content-Type is not
/// JSON, and kInvalidArgument naming the line, column and byte offset of a syntax error, or the
/// field that holds a NUL character.
core::Result<boost::json::value> ParseJsonBody(const Request& request, JsonLimits limits = {});

/// ParseJsonBody, and kInvalidArgument unless the body is a JSON object.
core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits = {});

/// `application/json; charset=utf-8` response with the serialized value.
Response JsonResponse(int status, const boost::json::value& value);

}  // namespace motcua::http
