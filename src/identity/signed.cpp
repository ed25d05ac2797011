#include "identity/signed.hpp"

#include <boost/json/serialize.hpp>

#include "http/json.hpp"
#include "http/problem.hpp"

namespace motcua::identity {

boost::asio::awaitable<http::Response> Signed(Authenticator& auth, http::WorkerPool& workers,
                                              const http::Request& request, int status,
                                              const SignedWork& work) {
  auto who = co_await RequireSignedIn(auth, request);
  if (!who) co_return http::ProblemResponse(request, who.error());
  auto out = co_await http::Offload(workers, [&]() { return work(*who); });
  if (!out) co_return http::ProblemResponse(request, out.error());
  co_return http::JsonResponse(status, *out);
}

boost::asio::awaitable<http::Response> SignedNoContent(Authenticator& auth,
                                                       http::WorkerPool& workers,
                                                       const http::Request& request,
                                                       const SignedAction& work) {
  auto who = co_await RequireSignedIn(auth, request);
  if (!who) co_return http::ProblemResponse(request, who.error());
  auto out = co_await http::Offload(workers, [&]() { return work(*who); });
  if (!out) co_return http::ProblemResponse(request, out.error());
  co_return http::Response{204, {}, {}};
}

}  // namespace motcua::identity
