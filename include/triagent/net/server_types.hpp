#pragma once
// The inbound HTTP request and response as handlers see them: plain structs, no Beast, so route
// code and its tests compile without Asio.
//
//   void handle(ServerRequest req, Responder respond) {
//     respond(ServerResponse::json(202, {{"job_id", "42"}}));
//   }

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triagent {

struct ServerRequest {
  std::string method;  // upper case, "POST"
  std::string target;  // as sent: "/v1/jobs?state=dead"
  std::string path;    // "/v1/jobs"
  std::string query;   // "state=dead"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params;  // filled by the router from "{name}" path segments

  // The first header of that (lower-case) name, "" when absent.
  std::string_view header(std::string_view lower_name) const;
  // A query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static ServerResponse json(int status, const nlohmann::json& body);
  // {"error": message}; the message is shown to the caller, so it never holds secrets.
  static ServerResponse error(int status, std::string_view message);
  static ServerResponse text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// Completes a request. Call it exactly once, from any thread.
using Responder = std::function<void(ServerResponse)>;
// Rvalue references: a request passes through several handler layers (server, router, route)
// and is moved once, into the last one, instead of twice per std::function call.
using Handler = std::function<void(ServerRequest&&, Responder&&)>;

}  // namespace triagent
