#include "api_errors.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

std::string dataset_status(int status) {
  if (status == 401 || status == 403) return "error/client/noPermission";
  if (status == 404) return "error/client/notFound";
  if (status == 413) return "error/client/requestTooLarge";
  if (status == 429 || status == 503) return "error/server/backoff";
  if (status >= 500) return "error/server";
  return "error/client/badParam";
}

std::pair<int, const char*> s1_code(int status) {
  switch (status) {
    case 400: return {4000010, "Validation Error"};
    case 401: return {4010010, "Authentication Failed"};
    case 403: return {4030010, "Insufficient Permissions"};
    case 404: return {4040010, "Resource not found"};
    case 405: return {4050010, "Method Not Allowed"};
    case 409: return {4090010, "Conflict"};
    case 429: return {4290010, "Too Many Requests"};
    case 503: return {5030010, "Service Unavailable"};
    default: return {status >= 500 ? 5000010 : status * 10000 + 10, status >= 500 ? "Server Error" : "Request Error"};
  }
}

std::pair<const char*, const char*> openai_type(int status) {
  if (status == 401) return {"invalid_request_error", "invalid_api_key"};
  if (status == 403) return {"permission_error", "forbidden"};
  if (status == 404) return {"invalid_request_error", "model_not_found"};
  if (status == 429) return {"requests", "rate_limit_exceeded"};
  if (status >= 500) return {"server_error", "server_error"};
  return {"invalid_request_error", "invalid_request"};
}

const char* anthropic_type(int status) {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

json error_json(ApiFamily family, int status, const std::string& message) {
  switch (family) {
    case ApiFamily::dataset: return {{"status", dataset_status(status)}, {"message", message}};
    case ApiFamily::lrq:
    case ApiFamily::singularity:
    case ApiFamily::graphql: {
      auto [code, title] = s1_code(status);
      return {{"errors", json::array({{{"code", code}, {"detail", message.empty() ? json(nullptr) : json(message)}, {"title", title}}})}};
    }
    case ApiFamily::openai: {
      auto [type, code] = openai_type(status);
      return {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
    }
    case ApiFamily::azure:
      return {{"error", {{"code", std::to_string(status)}, {"message", message}}}};
    case ApiFamily::anthropic:
      return {{"type", "error"}, {"error", {{"type", anthropic_type(status)}, {"message", message}}}, {"request_id", "req_sim_error"}};
    case ApiFamily::control:
    case ApiFamily::unknown: break;
  }
  return {{"error", message}};
}

}  // namespace

SimResponse api_error(ApiFamily family, int status, const std::string& message, std::optional<int> retry_after) {
  SimResponse r = SimResponse::json(status, error_json(family, status, message));
  if (retry_after) r.with_header("Retry-After", std::to_string(*retry_after));
  return r;
}

SimResponse error_body_200(ApiFamily family, const std::string& message) {
  const std::string text = message.empty() ? "simulated upstream failure" : message;
  switch (family) {
    case ApiFamily::dataset:
      return SimResponse::json(200, {{"status", "error/server/backoff"}, {"message", text}});
    case ApiFamily::lrq:
      return SimResponse::json(200, {{"id", nullptr},
                                     {"stepsCompleted", 0},
                                     {"stepsTotal", 1},
                                     {"data", nullptr},
                                     {"error", {{"message", text}, {"status", "error/server"}}}});
    case ApiFamily::singularity:
      return SimResponse::json(200, {{"data", nullptr},
                                     {"errors", json::array({{{"code", 5000010}, {"detail", text}, {"title", "Server Error"}}})}});
    case ApiFamily::graphql:
      return SimResponse::json(
          200, {{"data", nullptr},
                {"errors", json::array({{{"message", text},
                                         {"locations", json::array({{{"line", 1}, {"column", 3}}})},
                                         {"path", json::array({"alert"})},
                                         {"extensions", {{"code", "INTERNAL_SERVER_ERROR"}}}}})}});
    default:
      return SimResponse::json(200, error_json(family, 500, text));
  }
}

std::string corrupt_json(const std::string& body) {
  return body.substr(0, body.size() / 2) + "<html><body><h1>502 Bad Gateway</h1></body></html>";
}

ApiFamily family_for_path(const std::string& path) {
  if (path.starts_with("/api/") || path == "/addEvents") return ApiFamily::dataset;
  if (path.starts_with("/sdl/")) return ApiFamily::lrq;
  if (path.starts_with("/web/api/v2.1/unifiedalerts/")) return ApiFamily::graphql;
  if (path.starts_with("/web/api/")) return ApiFamily::singularity;
  if (path.starts_with("/v1/messages")) return ApiFamily::anthropic;
  if (path.starts_with("/v1/")) return ApiFamily::openai;
  if (path.starts_with("/openai/")) return ApiFamily::azure;
  if (path.starts_with("/_sim")) return ApiFamily::control;
  return ApiFamily::unknown;
}

}  // namespace triagent::sim
