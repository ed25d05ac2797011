#include "identity/signed.hpp"

#include <boost/json/serialize.hpp>

#include "http/json.hpp"
#include "http/problem.hpp"

namespace motcua::identity {

boost::asio::awaitable<http::Response> Signed(Authenticator& auth, http::WorkerPool& workers,
                                              const http::Request& request, int status,
                                              const SignedWork& work) {
  // Who is asking and the work in one trip to the worker pool.
  auto out = co_await http::Offload(workers, [&]() -> core::Result<boost::json::value> {
    auto who = RequireSignedInHere(auth, request);
    if (!who) return std::unexpected(who.error());
    return work(*who);
  });
  if (!out) co_return http::ProblemResponse(request, out.error());
  co_return http::JsonResponse(status, *out);
}

boost::asio::awaitable<http::Response> SignedNoContent(Authenticator& auth,
                                                       http::WorkerPool& workers,
                                                       const http::Request& request,
                                                       const SignedAction& work) {
  auto out = co_await http::Offload(workers, [&]() -> core::Result<void> {
    auto who = RequireSignedInHere(auth, request);
    if (!who) return std::unexpected(who.error());
    return work(*who);
  });
  if (!out) co_return http::ProblemResponse(request, out.error());
  co_return http::Response{204, {}, {}};
}

}  // namespace motcua::identity
