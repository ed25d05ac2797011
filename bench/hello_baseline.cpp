// Baseline for scripts/bench: the smallest Beast coroutine server that answers every request
// with a fixed body, on the same threading model as motcua (one io_context per thread, the
// acceptor handing sockets out round-robin). motcua's figures are reported as ratios to it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

net::awaitable<void> Session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kTuple);
    if (ec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"status":"ok"})";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> Accept(tcp::acceptor& acceptor,
                            std::vector<std::unique_ptr<net::io_context>>& contexts) {
  std::size_t next = 0;
  for (;;) {
    auto& ioc = *contexts[next++ % contexts.size()];
    auto [ec, socket] = co_await acceptor.async_accept(ioc, kTuple);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true));
    net::co_spawn(ioc, Session(std::move(socket)), net::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: motcua_bench_baseline PORT [THREADS]\n";
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2]))
                                 : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (std::size_t i = 0; i < threads; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  tcp::acceptor acceptor(*contexts[0], {net::ip::make_address("127.0.0.1"), port});
  net::co_spawn(*contexts[0], Accept(acceptor, contexts), net::detached);
  std::vector<std::thread> pool;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.emplace_back(c->get_executor());
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&c = *contexts[i]] { c.run(); });
  contexts[0]->run();
  for (auto& t : pool) t.join();
}
