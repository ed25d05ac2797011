// motcua's own request and response types: what handlers see instead of Beast's messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "http/route_table.hpp"

namespace motcua::http {

/// The language a response is written in, from `Accept-Language` (Vietnamese by default).
enum class Language { kVi, kEn };

/// Case-insensitive ASCII comparison of header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

/// Checks an `Idempotency-Key` value (empty when the header is absent): at most 200 printable
/// ASCII characters, as an HTTP structured-field string is; anything else is kInvalidArgument.
core::Result<void> CheckIdempotencyKey(std::string_view key);

/// Picks vi or en from an `Accept-Language` value by the first supported tag with the highest q.
Language NegotiateLanguage(std::string_view accept_language);

/// The body of a request to a route registered with `stream_body`, read from the socket as the
/// handler asks for it. Valid while the handler runs; used from the handler's coroutine only.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  /// Appends the next bytes of the body to `into`, at most `max`, and says how many (at least
  /// one unless the body has ended: 0 means the end). Fails with kPayloadTooLarge past the
  /// route's limit and kUnavailable when the sender stops or is too slow; the connection is
  /// then closed.
  virtual boost::asio::awaitable<core::Result<std::size_t>> Read(std::string& into, std::size_t max) = 0;
  /// Bytes the client declared in Content-Length (nullopt when chunked).
  virtual std::optional<std::uint64_t> DeclaredLength() const = 0;
};

/// An HTTP request after parsing and routing. Handlers take it by value.
struct Request {
  Method method = Method::kGet;
  std::string target;  ///< raw request-target as received
  std::string path;    ///< decoded path
  std::string route;   ///< matched pattern (`/api/v1/dossiers/{code}`), for logs and metrics
  std::vector<std::pair<std::string, std::string>> path_params;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  ///< as received
  std::string body;        ///< the whole body, except for `stream_body` routes
  BodyReader* body_reader = nullptr;  ///< `stream_body` routes only
  std::string request_id;
  std::string remote_address;  ///< the connection's peer, `ip:port`
  /// The client's IP address without a port: the peer, or from X-Forwarded-For when the peer is
  /// a trusted proxy (http/client_address.hpp). Rate limits, throttles and audit records use it.
  std::string client_address;
  Language language = Language::kVi;

  /// First header with this name (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  /// A `{name}` path parameter; empty when the route has none of that name.
  std::string_view PathParam(std::string_view name) const;
  /// First query parameter with this name.
  std::optional<std::string_view> Query(std::string_view name) const;
};

/// An HTTP response built by a handler.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// Replaces (or adds) a header.
  Response& SetHeader(std::string_view name, std::string value);
  std::optional<std::string_view> Header(std::string_view name) const;

  /// A response with a body and its content type.
  static Response Text(int status, std::string body, std::string content_type);
};

}  // namespace motcua::http
