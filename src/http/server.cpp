#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "core/log.hpp"
#include "core/uuid.hpp"
#include "http/problem.hpp"
#include "http/target.hpp"

namespace motcua::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
// Read size for request bodies, and the most an idle keep-alive connection's buffer keeps.
constexpr std::size_t kBodyReadSize = 64 * 1024;
constexpr std::size_t kIdleBufferSize = 4 * 1024;

namespace {

/// One open connection, visible to Stop() so idle ones can be closed.
struct ConnectionState {
  beast::tcp_stream* stream = nullptr;
  bool busy = false;  ///< a request's headers are read and its response is not yet written
};

struct Worker {
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  std::list<ConnectionState*> connections;  ///< touched only on this worker's thread
  std::thread thread;
};

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  const StaticFiles& static_files;

  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::signal_set> signals;
  std::vector<RouteMetrics*> route_metrics;
  RouteMetrics* static_metrics = nullptr;
  RouteMetrics* unmatched_metrics = nullptr;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  std::uint16_t port = 0;
  bool started = false;
  bool handle_signals = false;
  std::mutex join_mu;

  Impl(ServerOptions o, const Router& r, Metrics& m, const StaticFiles& s)
      : options(std::move(o)), router(r), metrics(m), static_files(s) {
    for (const auto& spec : router.Table().Routes()) {
      route_metrics.push_back(&metrics.AddRoute(spec.pattern, std::string(MethodName(spec.method))));
    }
    static_metrics = &metrics.AddRoute("(static)", "GET");
    unmatched_metrics = &metrics.AddRoute("(unmatched)", "*");
  }

  bool IsApiPath(const std::vector<std::string>& segments) const {
    if (segments.empty()) return false;
    for (const auto& p : options.api_prefixes) {
      if (segments.front() == p) return true;
    }
    return false;
  }

  void CloseIdle(Worker* worker) {
    for (ConnectionState* c : worker->connections) {
      if (!c->busy) c->stream->cancel();
    }
  }

  void FinishAll() {
    for (auto& w : workers) {
      net::post(w->ioc, [w = w.get()] {
        w->guard.reset();
        w->ioc.stop();
      });
    }
  }
};

namespace {

/// Minimal request for answering before routing (parse errors, limits).
Request BareRequest(std::string_view accept_language, std::string request_id, std::string path) {
  Request r;
  r.language = NegotiateLanguage(accept_language);
  r.request_id = std::move(request_id);
  r.path = std::move(path);
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(Response res, bool head, bool keep_alive,
                                            const std::string& request_id) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
  // insert, not set: a response may carry a field more than once (Set-Cookie).
  for (auto& [name, value] : res.headers) out.insert(name, value);
  out.set("X-Request-Id", request_id);
  if (!res.Header("X-Content-Type-Options")) out.set("X-Content-Type-Options", "nosniff");
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(res.body.size());
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  return out;
}

net::awaitable<bool> WriteResponse(beast::tcp_stream& stream, const ServerOptions& options,
                                   bhttp::response<bhttp::string_body>& out) {
  stream.expires_after(options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, out, kTuple);
  co_return !ec;
}

void AccessLog(const ServerOptions& options, const Request& req, std::string_view method,
               int status, double seconds, std::size_t bytes) {
  if (!options.access_log) return;
  core::Log(core::LogLevel::kInfo, "request",
            {{"request_id", std::string_view(req.request_id)},
             {"method", method},
             {"path", std::string_view(req.path)},
             {"route", std::string_view(req.route)},
             {"status", static_cast<std::int64_t>(status)},
             {"duration_ms", seconds * 1000.0},
             {"bytes", static_cast<std::int64_t>(bytes)},
             {"remote", std::string_view(req.remote_address)},
             {"client", std::string_view(req.client_address)}});
}

// The body of a `stream_body` route, read from the socket as its handler asks. The header
// parser moves into a buffer_body parser, which writes each read straight into the handler's
// string; the connection's deadline for the whole body (set by the caller) stays in force.
class StreamedBody final : public BodyReader {
 public:
  StreamedBody(beast::tcp_stream& stream, beast::flat_buffer& buffer, bhttp::request_parser<bhttp::string_body>&& header,
               std::size_t limit, std::optional<std::uint64_t> declared)
      : stream_(stream), buffer_(buffer), parser_(std::move(header)), limit_(limit), declared_(declared) {
    parser_.body_limit(limit);
  }
  bool Done() const { return parser_.is_done(); }
  std::optional<std::uint64_t> DeclaredLength() const override { return declared_; }

  net::awaitable<core::Result<std::size_t>> Read(std::string& into, std::size_t max) override {
    if (max == 0) max = 1;
    // No more room than the body has left (when it was declared), and none of it zero-filled.
    if (auto left = parser_.content_length_remaining(); left && *left > 0 && *left < max) max = static_cast<std::size_t>(*left);
    const std::size_t start = into.size();
    into.resize_and_overwrite(start + max, [](char*, std::size_t n) { return n; });
    std::size_t got = 0;
    // A read may consume only framing (a chunk header): keep going until bytes or the end.
    while (got == 0 && !parser_.is_done() && !failed_) {
      auto& body = parser_.get().body();
      body.data = into.data() + start;
      body.size = max;
      auto [ec, n] = co_await bhttp::async_read_some(stream_, buffer_, parser_, kTuple);
      got = max - body.size;
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec == bhttp::error::body_limit) {
        failed_ = true;
        into.resize(start);
        co_return core::Fail(core::ErrorCode::kPayloadTooLarge,
                             "The request body exceeds the limit of " + std::to_string(limit_) + " bytes for this resource.");
      }
      if (ec) {
        failed_ = true;
        into.resize(start);
        co_return core::Fail(core::ErrorCode::kUnavailable, "The request body did not arrive (" + ec.message() + ").");
      }
    }
    into.resize(start + got);
    if (failed_ && got == 0) {
      co_return core::Fail(core::ErrorCode::kUnavailable, "The request body could not be read.");
    }
    co_return got;
  }

 private:
  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  bhttp::request_parser<bhttp::buffer_body> parser_;
  std::size_t limit_;
  std::optional<std::uint64_t> declared_;
  bool failed_ = false;
};

net::awaitable<void> RunSession(Server::Impl* impl, Worker* worker, tcp::socket socket) {
  const ServerOptions& options = impl->options;
  beast::tcp_stream stream(std::move(socket));
  ConnectionState state{&stream, false};
  auto registered = worker->connections.insert(worker->connections.end(), &state);
  std::string remote, peer_ip;
  {
    boost::system::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ip = ep.address().to_string();
      remote = peer_ip + ":" + std::to_string(ep.port());
    }
  }
  beast::flat_buffer buffer;

  for (;;) {
    if (impl->stopping.load()) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    // The route decides the body limit once the headers are in (checked below); Beast's own
    // default would otherwise reject a large Content-Length as a malformed header.
    parser.body_limit(boost::none);
    stream.expires_after(options.header_timeout);
    auto [read_ec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (read_ec) {
      // A closed, idle or too-slow connection just ends; a broken request gets one answer.
      bool malformed = read_ec.category() ==
                           bhttp::make_error_code(bhttp::error::bad_target).category() &&
                       read_ec != bhttp::error::end_of_stream &&
                       read_ec != bhttp::error::partial_message;
      if (malformed) {
        bool too_large = read_ec == bhttp::error::header_limit;
        Request bare = BareRequest("", core::Uuid::NewV7().ToString(), "/");
        Response res = ProblemForStatus(
            bare, too_large ? 431 : 400,
            too_large ? "The request line and headers exceed " +
                            std::to_string(options.header_limit) + " bytes."
                      : "The request could not be parsed as HTTP/1.1 (" + read_ec.message() +
                            ").");
        auto out = ToBeast(std::move(res), false, false, bare.request_id);
        impl->unmatched_metrics->Observe(out.result_int(), 0);
        co_await WriteResponse(stream, options, out);
      }
      break;
    }

    state.busy = true;
    impl->in_flight.fetch_add(1);
    auto started = Clock::now();
    auto& hreq = parser.get();
    const bool client_keep_alive = hreq.keep_alive();  // the parser may move to a body reader
    std::optional<StreamedBody> streamed;

    Request req;
    req.target = std::string(hreq.target());
    req.remote_address = remote;
    req.headers.reserve(16);
    for (const auto& field : hreq) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    {
      std::vector<std::string_view> forwarded;
      if (!options.trusted_proxies.Empty()) {
        for (const auto& [name, value] : req.headers) {
          if (beast::iequals(name, "X-Forwarded-For")) forwarded.push_back(value);
        }
      }
      req.client_address = ClientAddress(options.trusted_proxies, peer_ip, forwarded);
    }
    auto incoming_id = req.Header("X-Request-Id");
    req.request_id = incoming_id && ValidRequestId(*incoming_id) ? std::string(*incoming_id)
                                                                 : core::Uuid::NewV7().ToString();
    req.language = NegotiateLanguage(req.Header("Accept-Language").value_or(""));
    std::string method_name(hreq.method_string());
    auto method = ParseMethod(method_name);
    if (method) req.method = *method;
    bool head = method == Method::kHead;

    std::optional<Response> res;
    std::optional<std::size_t> route;
    RouteMetrics* series = impl->unmatched_metrics;
    bool must_close = false;

    auto target = ParseTarget(req.target);
    if (!target) {
      req.path = "/";
      res = ProblemResponse(req, target.error());
    } else {
      req.path = target->path;
      req.query = std::move(target->query);
      RouteMatch match;
      if (method) {
        match = impl->router.Table().Match(*method, target->segments);
      } else {
        match.allow = impl->router.Table().AllowFor(target->segments);
        match.kind = match.allow.empty() ? RouteMatch::Kind::kNotFound
                                         : RouteMatch::Kind::kMethodNotAllowed;
      }
      switch (match.kind) {
        case RouteMatch::Kind::kFound:
          route = match.route;
          series = impl->route_metrics[match.route];
          req.route = impl->router.Table().Routes()[match.route].pattern;
          req.path_params = std::move(match.params);
          break;
        case RouteMatch::Kind::kMethodNotAllowed:
          res = ProblemForStatus(req, 405,
                                 "The method " + method_name + " is not allowed here; use " +
                                     match.allow + ".");
          res->SetHeader("Allow", match.allow);
          break;
        case RouteMatch::Kind::kNotFound:
          if ((req.method == Method::kGet || req.method == Method::kHead) && method &&
              !impl->IsApiPath(target->segments)) {
            res = impl->static_files.Serve(req, target->segments);
            if (res) {
              series = impl->static_metrics;
              req.route = "(static)";
            }
          }
          if (!res) res = ProblemForStatus(req, 404, "No resource at " + req.path + ".");
          break;
      }
    }

    if (route && !parser.is_done()) {
      const RouteOptions& ro = impl->router.OptionsAt(*route);
      bool bodiless = req.method == Method::kGet || req.method == Method::kHead ||
                      req.method == Method::kDelete;
      std::size_t limit = ro.body_limit.value_or(bodiless ? 0 : options.default_body_limit);
      auto declared = parser.content_length();
      if (declared && *declared > limit) {
        res = ProblemForStatus(req, 413,
                               "The request body of " + std::to_string(*declared) +
                                   " bytes exceeds the limit of " + std::to_string(limit) +
                                   " bytes for this resource.");
        must_close = true;
      } else {
        if (auto expect = req.Header("Expect"); expect && HeaderNameEquals(*expect, "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          stream.expires_after(options.write_timeout);
          co_await net::async_write(stream, net::buffer(kContinue.data(), kContinue.size()),
                                    kTuple);
        }
        parser.body_limit(limit);
        // Beast reads at most the buffer's free capacity (512 bytes when it is empty and never
        // grown), so a 100 KB upload would take 200 reads, each re-arming the timer. A bigger
        // buffer for the body alone; it is shrunk again once the request has been answered.
        buffer.reserve(std::min<std::size_t>(declared.value_or(kBodyReadSize), kBodyReadSize));
        stream.expires_after(options.body_timeout);  // for the whole body, streamed or not
        if (ro.stream_body) {
          streamed.emplace(stream, buffer, std::move(parser), limit,
                           declared ? std::optional<std::uint64_t>(*declared) : std::nullopt);
          req.body_reader = &*streamed;
        }
      }
      if (!streamed && !res) {
        auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (body_ec == bhttp::error::body_limit) {
          res = ProblemForStatus(req, 413,
                                 "The request body exceeds the limit of " +
                                     std::to_string(limit) + " bytes for this resource.");
          must_close = true;
        } else if (body_ec) {
          // Slow or vanished sender: drop the connection, nothing was handled.
          impl->in_flight.fetch_sub(1);
          state.busy = false;
          break;
        }
      }
    } else if (!parser.is_done()) {
      must_close = true;  // an unread body would be parsed as the next request
    }

    if (!res) {
      if (!streamed) req.body = std::move(parser.get().body());
      Request meta;
      meta.path = req.path;
      meta.route = req.route;
      meta.request_id = req.request_id;
      meta.language = req.language;
      meta.remote_address = req.remote_address;
      meta.client_address = req.client_address;
      try {
        res = co_await impl->router.HandlerAt(*route)(std::move(req));
      } catch (const core::DependencyError& e) {
        bool temporary = e.Unavailable();
        core::Log(temporary ? core::LogLevel::kWarn : core::LogLevel::kError,
                  "dependency failed",
                  {{"request_id", std::string_view(meta.request_id)},
                   {"route", std::string_view(meta.route)},
                   {"error", std::string_view(e.what())}});
        res = ProblemForStatus(
            meta, temporary ? 503 : 500,
            temporary ? "A service this request needs is unavailable; try again shortly."
                      : "An internal error occurred. Quote request id " + meta.request_id +
                            " when reporting it.");
        if (temporary) res->SetHeader("Retry-After", "5");
      } catch (const std::exception& e) {
        core::Log(core::LogLevel::kError, "handler failed",
                  {{"request_id", std::string_view(meta.request_id)},
                   {"route", std::string_view(meta.route)},
                   {"error", std::string_view(e.what())}});
        res = ProblemForStatus(meta, 500,
                               "An internal error occurred. Quote request id " +
                                   meta.request_id + " when reporting it.");
      }
      req = std::move(meta);
      // A handler that answered before the end of its body leaves bytes that are not a request.
      if (streamed && !streamed->Done()) must_close = true;
    }

    // API answers may carry personal data: no cache keeps them unless the handler says so.
    if (route && !res->Header("Cache-Control")) res->SetHeader("Cache-Control", "no-store");
    int status = res->status;
    bool keep_alive = client_keep_alive && !must_close && !impl->stopping.load();
    std::size_t body_size = res->body.size();
    auto out = ToBeast(std::move(*res), head, keep_alive, req.request_id);
    // Counted before the response leaves: a client that has its answer sees it in /metrics.
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    series->Observe(status, seconds);
    bool written = co_await WriteResponse(stream, options, out);
    if (!route || !impl->router.OptionsAt(*route).quiet) {
      AccessLog(options, req, method_name, status, seconds, body_size);
    }
    impl->in_flight.fetch_sub(1);
    state.busy = false;
    if (!written || !keep_alive) break;
    if (buffer.capacity() > kIdleBufferSize) buffer.shrink_to_fit();  // keeps pipelined bytes
  }

  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  worker->connections.erase(registered);
  impl->connections.fetch_sub(1);
}

net::awaitable<void> AcceptLoop(Server::Impl* impl) {
  std::size_t next = 0;
  for (;;) {
    Worker& worker = *impl->workers[next++ % impl->workers.size()];
    auto [ec, socket] = co_await impl->acceptor->async_accept(worker.ioc, kTuple);
    if (ec) {
      if (impl->stopping.load() || !impl->acceptor->is_open()) break;
      core::Log(core::LogLevel::kWarn, "accept failed", {{"error", std::string_view(ec.message())}});
      // Out of descriptors and the like: back off instead of spinning.
      net::steady_timer pause(impl->acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (impl->stopping.load()) break;
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    impl->connections.fetch_add(1);
    net::co_spawn(worker.ioc, RunSession(impl, &worker, std::move(socket)),
                  [](std::exception_ptr e) {
                    if (!e) return;
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      core::Log(core::LogLevel::kError, "connection failed",
                                {{"error", std::string_view(ex.what())}});
                    }
                  });
  }
}

net::awaitable<void> DrainWatch(Server::Impl* impl) {
  auto deadline = Clock::now() + impl->options.drain_timeout;
  net::steady_timer timer(co_await net::this_coro::executor);
  // Stop() closed the idle connections; busy ones end themselves after their response, since
  // a session checks `stopping` before reading another request.
  while (impl->connections.load() > 0 && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(kTuple);
  }
  if (impl->connections.load() > 0) {
    core::Log(core::LogLevel::kWarn, "drain timeout; closing remaining connections",
              {{"connections", static_cast<std::int64_t>(impl->connections.load())}});
  }
  impl->FinishAll();
}

}  // namespace

Server::Server(ServerOptions options, const Router& router, Metrics& metrics,
               const StaticFiles& static_files)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, static_files)) {}

Server::~Server() {
  Stop();
  Wait();
}

void Server::Start() {
  std::size_t threads = impl_->options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->guard.emplace(w->ioc.get_executor());
    impl_->workers.push_back(std::move(w));
  }
  auto& first = impl_->workers.front()->ioc;
  auto address = net::ip::make_address(impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor = std::make_unique<tcp::acceptor>(first);
  impl_->acceptor->open(endpoint.protocol());
  impl_->acceptor->set_option(net::socket_base::reuse_address(true));
  impl_->acceptor->bind(endpoint);
  impl_->acceptor->listen(net::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor->local_endpoint().port();
  core::Log(core::LogLevel::kInfo, "listening",
            {{"host", std::string_view(impl_->options.host)},
             {"port", static_cast<std::int64_t>(impl_->port)},
             {"io_threads", static_cast<std::int64_t>(threads)}});
  net::co_spawn(first, AcceptLoop(impl_.get()), net::detached);
  if (impl_->handle_signals) {
    // Registered before any thread runs, so a SIGTERM from now on is always a graceful stop.
    impl_->signals = std::make_unique<net::signal_set>(first, SIGTERM, SIGINT);
    impl_->signals->async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      core::Log(core::LogLevel::kInfo, "shutting down",
                {{"signal", static_cast<std::int64_t>(signal)}});
      Stop();
    });
  }
  for (auto& w : impl_->workers) {
    w->thread = std::thread([w = w.get()] { w->ioc.run(); });
  }
  impl_->started = true;
}

std::uint16_t Server::Port() const { return impl_->port; }

std::size_t Server::InFlight() const { return impl_->in_flight.load(); }

void Server::Stop() {
  if (!impl_->started || impl_->stopping.exchange(true)) return;
  Impl* impl = impl_.get();
  net::post(impl->workers.front()->ioc, [impl] {
    boost::system::error_code ec;
    impl->acceptor->close(ec);
    if (impl->signals) impl->signals->cancel(ec);
    net::co_spawn(impl->workers.front()->ioc, DrainWatch(impl), net::detached);
  });
  for (auto& w : impl->workers) {
    net::post(w->ioc, [impl, w = w.get()] { impl->CloseIdle(w); });
  }
}

void Server::Wait() {
  std::lock_guard lock(impl_->join_mu);
  for (auto& w : impl_->workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Server::RunUntilSignal() {
  impl_->handle_signals = true;
  Start();
  Wait();
}

}  // namespace motcua::http
