// The usual shape of an authenticated JSON route: sign the caller in, run the blocking work on
// the worker pool, answer its JSON or the problem.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <functional>

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/offload.hpp"
#include "identity/auth.hpp"

namespace motcua::identity {

/// Blocking work done for a signed-in caller; its JSON is the answer.
using SignedWork = std::function<core::Result<boost::json::value>(const Principal&)>;
/// Blocking work with nothing to answer but success.
using SignedAction = std::function<core::Result<void>(const Principal&)>;

/// 401 for an anonymous caller; otherwise `work` on `workers` and `status` with its JSON, or
/// the problem it failed with. GCC 12 destroys a temporary passed by value into a coroutine
/// twice, so the awaiting frame keeps `request` and `work` alive and they come by reference.
boost::asio::awaitable<http::Response> Signed(Authenticator& auth, http::WorkerPool& workers,
                                              const http::Request& request, int status,
                                              const SignedWork& work);

/// The same for work without an answer body: 204 No Content on success.
boost::asio::awaitable<http::Response> SignedNoContent(Authenticator& auth,
                                                       http::WorkerPool& workers,
                                                       const http::Request& request,
                                                       const SignedAction& work);

}  // namespace motcua::identity
