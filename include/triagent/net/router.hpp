#pragma once
// Router: maps method + path pattern to a handler. Patterns are literal segments and "{name}"
// segments, which land in ServerRequest::params. An unknown path answers 404, a known path with
// another method 405 with an Allow header.
//
//   Router r;
//   r.add("GET", "/v1/jobs/{id}", get_job);
//   r.dispatch(std::move(request), std::move(respond));

#include <string>
#include <vector>

#include "triagent/net/server_types.hpp"

namespace triagent {

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  void dispatch(ServerRequest request, Responder respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace triagent
