#include "router.hpp"

#include <exception>
#include <mutex>

#include "api_errors.hpp"

namespace triagent::sim {

namespace {

// Fills `params` when `path` fits `pattern` segment by segment.
bool match_pattern(const std::string& pattern, const std::string& path, PathParams& params) {
  std::size_t p = 0, s = 0;
  while (p < pattern.size() && s < path.size()) {
    if (pattern[p] == '{') {
      const std::size_t close = pattern.find('}', p);
      const std::string name = pattern.substr(p + 1, close - p - 1);
      std::size_t end = path.find('/', s);
      if (end == std::string::npos) end = path.size();
      if (end == s) return false;
      params[name] = path.substr(s, end - s);
      p = close + 1;
      s = end;
    } else if (pattern[p] == path[s]) {
      ++p;
      ++s;
    } else {
      return false;
    }
  }
  return p == pattern.size() && s == path.size();
}

// Everything an answer of a read route depends on besides state: the request line, the
// credentials and the body.
std::string cache_key(const SimRequest& req) {
  std::string key = req.method + " " + req.target + "\n";
  for (const char* h : {"authorization", "api-key", "x-api-key", "x-dataset-query-forward-tag"}) {
    if (auto v = req.header(h)) key.append(*v).push_back('\n');
    else key.push_back('\n');
  }
  return key + req.body;
}

}  // namespace

SimResponse Router::run_route(const Route& route, SimContext& ctx, const SimRequest& req, const PathParams& params) {
  switch (route.kind) {
    case RouteKind::read: {
      std::lock_guard lock(ctx.state.mu);
      const std::string key = cache_key(req);
      if (auto hit = ctx.cache.find(key, ctx.state.version)) return std::move(*hit);
      SimResponse r = route.fn(ctx, req, params);
      ctx.cache.store(key, ctx.state.version, r);
      return r;
    }
    case RouteKind::write: {
      std::lock_guard lock(ctx.state.mu);
      ++ctx.state.version;
      return route.fn(ctx, req, params);
    }
    case RouteKind::self_locking: {
      SimResponse r = route.fn(ctx, req, params);
      std::lock_guard lock(ctx.state.mu);
      ++ctx.state.version;
      return r;
    }
  }
  return route.fn(ctx, req, params);
}

void Router::add(std::string method, std::string pattern, ApiFamily family, RouteFn fn, RouteKind kind) {
  routes_.push_back(Route{std::move(method), std::move(pattern), family, fn, kind});
}

std::vector<std::string> Router::describe() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

Dispatch Router::dispatch(SimContext& ctx, const SimRequest& req) const {
  Dispatch d;
  const Route* route = nullptr;
  PathParams params;
  bool path_known = false;
  for (const auto& r : routes_) {
    PathParams p;
    if (!match_pattern(r.pattern, req.path, p)) continue;
    path_known = true;
    if (r.method != req.method) continue;
    route = &r;
    params = std::move(p);
    break;
  }
  d.family = route ? route->family : family_for_path(req.path);
  if (d.family != ApiFamily::control) {  // the test's own bookkeeping calls are not counted
    std::lock_guard lock(ctx.state.mu);
    ++ctx.state.total_requests;
    ++ctx.state.request_counts[req.method + " " + (route ? route->pattern : req.path)];
  }
  d.fault = ctx.faults.decide(req.method, req.path);
  switch (d.fault.kind) {
    case FaultKind::status:
      if (!d.fault.body.empty()) {
        d.response.status = d.fault.status;
        d.response.body = d.fault.body;
        if (d.fault.retry_after) d.response.with_header("Retry-After", std::to_string(*d.fault.retry_after));
      } else {
        d.response = api_error(d.family, d.fault.status,
                               d.fault.message.empty() ? "simulated fault (" + std::to_string(d.fault.status) + ")"
                                                       : d.fault.message,
                               d.fault.retry_after);
      }
      return d;
    case FaultKind::error_body_200:
      d.response = error_body_200(d.family, d.fault.message);
      return d;
    case FaultKind::reset:
      return d;
    default:
      break;
  }
  if (!route) {
    d.response = path_known ? api_error(d.family, 405, "method " + req.method + " not allowed on " + req.path)
                            : api_error(d.family, 404, "triagent-sim serves no route " + req.method + " " + req.path);
  } else {
    try {
      d.response = run_route(*route, ctx, req, params);
    } catch (const std::exception& e) {
      d.response = api_error(d.family, 500, std::string("triagent-sim route failed: ") + e.what());
    }
  }
  if (d.fault.kind == FaultKind::malformed_json) d.response.body = corrupt_json(d.response.body);
  return d;
}

Router make_router() {
  Router r;
  add_dataset_routes(r);
  add_singularity_routes(r);
  add_graphql_routes(r);
  add_llm_routes(r);
  add_control_routes(r);
  return r;
}

}  // namespace triagent::sim
