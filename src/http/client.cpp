#include "http/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <type_traits>

namespace motcua::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

using Outcome = core::Result<ClientResponse>;

// The whole exchange as one coroutine on a private io_context: every operation is asynchronous,
// so the tcp_stream's expiry bounds connect, TLS handshake, write and read together — a server
// that accepts the connection and never answers costs `timeout`, not a blocked thread forever.
template <typename Stream>
asio::awaitable<void> Exchange(Stream* stream, const ClientRequest* r, std::string host, std::string target,
                               asio::ip::tcp::resolver::results_type endpoints, bool tls, Outcome* out) {
  try {
    auto& tcp = beast::get_lowest_layer(*stream);
    tcp.expires_after(r->timeout);
    co_await tcp.async_connect(endpoints, asio::use_awaitable);
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      if (tls) co_await stream->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    }
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r->method), target, 11};
    req.set(bhttp::field::host, host);
    req.set(bhttp::field::user_agent, "motcua");
    for (const auto& [k, v] : r->headers) req.set(k, v);
    if (!r->body.empty() || r->method == "POST" || r->method == "PUT") {
      req.body() = r->body;
      req.prepare_payload();
    }
    co_await bhttp::async_write(*stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(r->body_limit);
    co_await bhttp::async_read(*stream, buffer, parser, asio::use_awaitable);
    auto& res = parser.get();
    ClientResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& f : res) response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    response.body = std::move(res.body());
    *out = std::move(response);
  } catch (const std::exception& e) {
    *out = core::Fail(core::ErrorCode::kUnavailable, std::string("request to ") + host + " failed: " + e.what());
  }
}

}  // namespace

core::Result<ClientResponse> FetchBlocking(const ClientRequest& r) {
  auto parsed = boost::urls::parse_uri(r.url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "not an http(s) URL: " + r.url);
  }
  bool tls = parsed->scheme() == "https";
  std::string host = parsed->host();
  std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target = std::string(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  std::string host_header = parsed->has_port() ? host + ":" + port : host;
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port);
    Outcome out = core::Fail(core::ErrorCode::kUnavailable, "request to " + host + " did not finish");
    if (!tls) {
      beast::tcp_stream stream(io);
      asio::co_spawn(io, Exchange(&stream, &r, host_header, target, endpoints, false, &out), asio::detached);
      io.run();
      return out;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    if (!r.ca_file.empty()) ctx.load_verify_file(r.ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      return core::Fail(core::ErrorCode::kUnavailable, "TLS: cannot set the server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    asio::co_spawn(io, Exchange(&stream, &r, host_header, target, endpoints, true, &out), asio::detached);
    io.run();
    return out;
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kUnavailable, std::string("request to ") + host + " failed: " + e.what());
  }
}

}  // namespace motcua::http
