// The HTTP/1.1 server: Boost.Beast on Asio coroutines, one io_context per thread (DESIGN.md §5).
// Owns connections, limits, timeouts, request ids, the access log, metrics and graceful
// shutdown; dispatches to the Router and falls back to the static web app.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/client_address.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace motcua::http {

/// Limits and timeouts of the server.
struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;            ///< 0 picks a free port (see Server::Port)
  std::size_t threads = 0;              ///< I/O threads; 0 = hardware concurrency
  std::size_t header_limit = 16 * 1024;        ///< request line + headers, bytes (→ 431)
  std::size_t default_body_limit = 1 << 20;    ///< bytes, for routes that set none (→ 413)
  std::chrono::milliseconds header_timeout{15000};  ///< whole header, incl. keep-alive idle
  std::chrono::milliseconds body_timeout{60000};    ///< whole body
  std::chrono::milliseconds write_timeout{60000};   ///< whole response
  std::chrono::milliseconds drain_timeout{25000};   ///< in-flight requests at shutdown
  bool access_log = true;
  /// Reverse proxies whose X-Forwarded-For is believed (config `trusted_proxies`).
  TrustedProxies trusted_proxies;
  /// First path segments that never fall back to the web app (unknown → 404 problem).
  std::vector<std::string> api_prefixes = {"api", "oauth2", "open311", "r1", ".well-known",
                                           "healthz", "readyz", "metrics"};
};

/// A running server. Start() returns once listening; Stop() begins a graceful shutdown
/// (stop accepting, close idle connections, let in-flight requests finish up to the drain
/// timeout); Wait() blocks until every thread has ended. Stop() is safe from any thread.
class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics,
         const StaticFiles& static_files);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts the I/O threads. Throws std::system_error when the address is taken.
  void Start();
  /// The bound port (useful with port 0).
  std::uint16_t Port() const;
  /// Begins graceful shutdown. Idempotent.
  void Stop();
  /// Blocks until shutdown has completed.
  void Wait();
  /// Starts, waits for SIGTERM or SIGINT, shuts down gracefully, returns.
  void RunUntilSignal();
  /// Requests being handled right now.
  std::size_t InFlight() const;

  /// Opaque state (defined in server.cpp, where the session coroutines use it).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua::http
