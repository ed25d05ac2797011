#include "http/router.hpp"

namespace motcua::http {

void Router::Add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  table_.Add(method, pattern);
  handlers_.push_back(std::move(handler));
  options_.push_back(options);
}

}  // namespace motcua::http
