#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace motcua::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

template <typename Stream>
core::Result<ClientResponse> Exchange(Stream& stream, const ClientRequest& r, const std::string& host,
                                      const std::string& target) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, "motcua");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT") {
    req.body() = r.body;
    req.prepare_payload();
  }
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(r.body_limit);
  bhttp::read(stream, buffer, parser);
  auto& res = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
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
    if (!tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(r.timeout);
      stream.connect(endpoints);
      stream.expires_after(r.timeout);
      return Exchange(stream, r, host_header, target);
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      return core::Fail(core::ErrorCode::kUnavailable, "TLS: cannot set the server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    beast::get_lowest_layer(stream).expires_after(r.timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(asio::ssl::stream_base::client);
    return Exchange(stream, r, host_header, target);
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kUnavailable, std::string("request to ") + host + " failed: " + e.what());
  }
}

}  // namespace motcua::http
