#pragma once
// Router: maps "METHOD /path/{param}" to a route function, counts every request per route,
// applies the fault book's decision (status and 200-error faults answer without running the
// route; malformed bodies are made from the route's real answer), serves repeated reads from the
// response cache, and turns exceptions escaping a route into a 500 in the API's shape.
//
//   Router r;
//   r.add("GET", "/web/api/v2.1/threats/{id}/notes", ApiFamily::singularity, list_threat_notes);
//   Dispatch d = r.dispatch(ctx, request);   // d.response, d.fault (latency, reset, ...)

#include <string>
#include <vector>

#include "faults.hpp"
#include "sim_context.hpp"
#include "sim_types.hpp"

namespace triagent::sim {

using RouteFn = SimResponse (*)(SimContext& ctx, const SimRequest& req, const PathParams& params);

// How a route touches SimState, which decides locking and caching.
enum class RouteKind {
  read,          // only reads state (under the lock): its answer is cached per state version
  write,         // may change state (under the lock)
  self_locking,  // locks state itself for the short parts that touch it (LLM: the analyzer runs unlocked)
};

struct Dispatch {
  SimResponse response;
  FaultDecision fault;
  ApiFamily family = ApiFamily::unknown;
};

class Router {
 public:
  void add(std::string method, std::string pattern, ApiFamily family, RouteFn fn, RouteKind kind = RouteKind::write);
  Dispatch dispatch(SimContext& ctx, const SimRequest& req) const;
  std::vector<std::string> describe() const;  // "METHOD pattern" per route

 private:
  struct Route {
    std::string method, pattern;
    ApiFamily family;
    RouteFn fn;
    RouteKind kind;
  };
  static SimResponse run_route(const Route& route, SimContext& ctx, const SimRequest& req, const PathParams& params);
  std::vector<Route> routes_;
};

// Every route of the simulator.
Router make_router();

// Registration per API family (routes_*.cpp).
void add_dataset_routes(Router& r);
void add_singularity_routes(Router& r);
void add_graphql_routes(Router& r);
void add_llm_routes(Router& r);
void add_control_routes(Router& r);

}  // namespace triagent::sim
