// Routes with their handlers: what each module registers in `RegisterRoutes(Router&, …)`.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/route_table.hpp"

namespace motcua::http {

/// A request handler: a coroutine taking the request by value (STYLE.md "Coroutines").
/// Bind state with std::bind_front to a named coroutine function; never a capturing lambda.
using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

/// Per-route limits and behaviour.
struct RouteOptions {
  /// Largest accepted body in bytes; nullopt = the server default (0 for GET/HEAD/DELETE).
  std::optional<std::size_t> body_limit;
  /// Leave the route out of the access log (liveness probes, scrapes).
  bool quiet = false;
  /// The handler reads the body itself through `Request::body_reader` (large uploads go to
  /// storage as they arrive instead of into memory first); `body` stays empty.
  bool stream_body = false;
};

/// The routing table plus handlers. Built at start-up on one thread, then read-only.
class Router {
 public:
  /// Registers a route. Throws std::invalid_argument on a bad or duplicate pattern.
  void Add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});

  const RouteTable& Table() const { return table_; }
  const Handler& HandlerAt(std::size_t route) const { return handlers_[route]; }
  const RouteOptions& OptionsAt(std::size_t route) const { return options_[route]; }

 private:
  RouteTable table_;
  std::vector<Handler> handlers_;
  std::vector<RouteOptions> options_;
};

}  // namespace motcua::http
