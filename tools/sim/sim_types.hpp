#pragma once
// The request and response values the simulator's routes work on: plain structs, no Beast types,
// so route code stays independent of the HTTP server that carries it.
//
//   SimResponse answer(const SimRequest& req) {
//     if (auto key = req.header("authorization")) ...;
//     return SimResponse::json(200, nlohmann::json{{"status", "success"}});
//   }

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace triagent::sim {

// Which API a route belongs to: decides the shape of error bodies (401s, faults, 404s).
enum class ApiFamily { dataset, lrq, singularity, graphql, openai, azure, anthropic, control, unknown };

const char* to_string(ApiFamily family);

struct SimRequest {
  std::string method;
  std::string target;                          // as received, with the query string
  std::string path;                            // percent-decoded path, no query
  std::map<std::string, std::string> query;    // percent-decoded; a repeated name keeps the last
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;                            // gunzipped when Content-Encoding: gzip

  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> param(std::string_view name) const;
};

struct SimResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";

  static SimResponse json(int status, const nlohmann::json& body);
  static SimResponse empty(int status);
  SimResponse& with_header(std::string name, std::string value);
};

// Values taken from the path by a route pattern's {name} segments.
using PathParams = std::map<std::string, std::string>;

}  // namespace triagent::sim
