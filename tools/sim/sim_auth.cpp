#include "sim_auth.hpp"

#include <algorithm>

#include "api_errors.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

bool listed(const std::vector<std::string>& keys, std::string_view key) {
  return !key.empty() && std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The credential after `scheme ` in Authorization, or nullopt when another scheme (or none) is used.
std::optional<std::string_view> credential(const SimRequest& req, std::string_view scheme) {
  auto h = req.header("authorization");
  if (!h) return std::nullopt;
  std::string_view v = trim_view(*h);
  if (v.size() <= scheme.size() || !starts_with_icase(v, scheme) || v[scheme.size()] != ' ') return std::nullopt;
  return trim_view(v.substr(scheme.size() + 1));
}

}  // namespace

std::optional<SimResponse> check_dataset_key(const SimContext& ctx, const SimRequest& req, const nlohmann::json* body,
                                             KeyUse use) {
  std::string key;
  if (auto bearer = credential(req, "Bearer")) {
    key = std::string(*bearer);
  } else if (body && body->is_object() && body->contains("token") && (*body)["token"].is_string()) {
    key = (*body)["token"].get<std::string>();
  }
  const auto& s = ctx.scenario;
  if (key.empty()) return api_error(ApiFamily::dataset, 401, "Missing API key: send Authorization: Bearer <key>");
  const bool read_ok = listed(s.dataset_read_keys, key) || listed(s.s1_api_tokens, key);
  const bool write_ok = listed(s.dataset_write_keys, key);
  if (use == KeyUse::read ? read_ok : write_ok) return std::nullopt;
  if (read_ok || write_ok || listed(s.s1_api_tokens, key)) {
    return api_error(ApiFamily::dataset, 403,
                     use == KeyUse::read ? "This API key does not grant Read Logs access"
                                         : "This API key does not grant Write Logs access");
  }
  return api_error(ApiFamily::dataset, 401, "Couldn't decode API token: invalid key");
}

std::optional<SimResponse> check_lrq_auth(const SimContext& ctx, const SimRequest& req) {
  if (credential(req, "ApiToken")) return api_error(ApiFamily::lrq, 500, "Header must start with Bearer");
  auto bearer = credential(req, "Bearer");
  if (bearer && (listed(ctx.scenario.s1_api_tokens, *bearer) || listed(ctx.scenario.dataset_read_keys, *bearer))) {
    return std::nullopt;
  }
  return api_error(ApiFamily::lrq, 401, "");
}

std::optional<SimResponse> check_s1_token(const SimContext& ctx, const SimRequest& req, ApiFamily family) {
  auto token = credential(req, "ApiToken");
  if (!token && family == ApiFamily::graphql) token = credential(req, "Bearer");
  if (token && listed(ctx.scenario.s1_api_tokens, *token)) return std::nullopt;
  return api_error(family, 401, "");
}

std::optional<SimResponse> check_llm_key(const SimContext& ctx, const SimRequest& req, ApiFamily family) {
  const auto& keys = ctx.scenario.llm_api_keys;
  switch (family) {
    case ApiFamily::openai: {
      auto bearer = credential(req, "Bearer");
      if (bearer && listed(keys, *bearer)) return std::nullopt;
      return api_error(family, 401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.");
    }
    case ApiFamily::azure: {
      auto api_key = req.header("api-key");
      auto bearer = credential(req, "Bearer");
      if ((api_key && listed(keys, trim_view(*api_key))) || (bearer && listed(keys, *bearer))) return std::nullopt;
      return api_error(family, 401,
                       "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
                       "valid key for an active subscription and use a correct regional API endpoint for your resource.");
    }
    case ApiFamily::anthropic: {
      auto key = req.header("x-api-key");
      if (!key || !listed(keys, trim_view(*key))) return api_error(family, 401, "invalid x-api-key");
      if (!req.header("anthropic-version")) return api_error(family, 400, "anthropic-version: header is required");
      return std::nullopt;
    }
    default: return api_error(family, 401, "unauthorized");
  }
}

}  // namespace triagent::sim
