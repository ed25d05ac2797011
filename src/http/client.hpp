// A small blocking HTTP/1.1 client for calls to other systems (external identity providers,
// later the payment platform and the national portal). Blocking: call it from a worker thread
// through Offload, never from an I/O thread. https verifies the peer against the system CA
// store (and the request's own CA file, for a private CA) and the host name.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace motcua::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  ///< http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::size_t body_limit = 1 << 20;  ///< larger responses fail
  std::string ca_file;  ///< https: CA certificates (PEM) trusted besides the system store
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// Sends the request and reads the whole response. Fails with kUnavailable when the host cannot
/// be reached, times out, or TLS fails, and kInvalidArgument for a malformed URL.
core::Result<ClientResponse> FetchBlocking(const ClientRequest& request);

}  // namespace motcua::http
