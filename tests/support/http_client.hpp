// A deliberately small blocking HTTP/1.1 client over POSIX sockets for integration tests: it
// can send anything, including malformed and slow requests, which a real client refuses to.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace motcua::testing {

/// A parsed response.
struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
};

/// One TCP connection to 127.0.0.1:port.
class Connection {
 public:
  explicit Connection(std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Sends raw bytes; false when the peer has closed.
  bool Send(std::string_view bytes);
  /// Reads one response (headers + Content-Length body, none for a HEAD request); nullopt on
  /// close or timeout.
  std::optional<HttpResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                   bool head_request = false);
  /// Whatever bytes arrive within `timeout` (for servers that speak first, e.g. NATS).
  std::string ReadSome(std::chrono::milliseconds timeout);
  /// True when the server closed the connection within `timeout` (reads to EOF).
  bool ClosedWithin(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string buffer_;
};

/// Builds a request text. `body` empty and no Content-Length header → no body.
std::string RequestText(std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        std::string_view body = {});

/// One request on a fresh connection.
HttpResponse Fetch(std::uint16_t port, std::string_view method, std::string_view target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {},
                   std::string_view body = {});

}  // namespace motcua::testing
