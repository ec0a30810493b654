#include "sim_types.hpp"

namespace triagent::sim {

const char* to_string(ApiFamily family) {
  switch (family) {
    case ApiFamily::dataset: return "dataset";
    case ApiFamily::lrq: return "lrq";
    case ApiFamily::singularity: return "singularity";
    case ApiFamily::graphql: return "graphql";
    case ApiFamily::openai: return "openai";
    case ApiFamily::azure: return "azure";
    case ApiFamily::anthropic: return "anthropic";
    case ApiFamily::control: return "control";
    case ApiFamily::unknown: break;
  }
  return "unknown";
}

std::optional<std::string_view> SimRequest::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> SimRequest::param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

SimResponse SimResponse::json(int status, const nlohmann::json& body) {
  SimResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

SimResponse SimResponse::empty(int status) {
  SimResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

SimResponse& SimResponse::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace triagent::sim
