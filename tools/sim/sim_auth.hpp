#pragma once
// Credential checks per API, answering in that API's error shape (nullopt = allowed):
//   DataSet      Authorization: Bearer <key> (or the legacy "token" field in the JSON body);
//                read keys (and S1 console tokens) for queries, write keys for addEvents
//   LRQ          Bearer <S1 token or DataSet read key>; the ApiToken prefix is a 500, as on SDL
//   Singularity  Authorization: ApiToken <token>  (GraphQL also accepts Bearer)
//   LLM          OpenAI: Bearer; Azure: api-key (or Bearer); Anthropic: x-api-key + anthropic-version
//
//   if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;

#include <optional>

#include <nlohmann/json.hpp>

#include "sim_context.hpp"
#include "sim_types.hpp"

namespace triagent::sim {

enum class KeyUse { read, write };

std::optional<SimResponse> check_dataset_key(const SimContext& ctx, const SimRequest& req, const nlohmann::json* body,
                                             KeyUse use);
std::optional<SimResponse> check_lrq_auth(const SimContext& ctx, const SimRequest& req);
std::optional<SimResponse> check_s1_token(const SimContext& ctx, const SimRequest& req, ApiFamily family);
std::optional<SimResponse> check_llm_key(const SimContext& ctx, const SimRequest& req, ApiFamily family);

}  // namespace triagent::sim
