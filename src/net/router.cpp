#include "triagent/net/router.hpp"

namespace triagent {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), split_path(pattern), std::move(handler)});
}

void Router::dispatch(ServerRequest request, Responder respond) const {
  std::vector<std::string> segments = split_path(request.path);
  std::string allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& pat = route.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        params[pat.substr(1, pat.size() - 2)] = segments[i];
      } else {
        match = pat == segments[i];
      }
    }
    if (!match) continue;
    if (route.method != request.method && !(request.method == "HEAD" && route.method == "GET")) {
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
      continue;
    }
    request.params = std::move(params);
    route.handler(std::move(request), std::move(respond));
    return;
  }
  if (!allowed.empty()) {
    auto r = ServerResponse::error(405, "method not allowed");
    r.headers.emplace_back("Allow", allowed);
    respond(std::move(r));
    return;
  }
  respond(ServerResponse::error(404, "no such endpoint: " + request.path.substr(0, 200)));
}

}  // namespace triagent
