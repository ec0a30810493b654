#include "triagent/connectors/llm_token_estimate.hpp"

#include <algorithm>

namespace triagent {

double estimate_llm_tokens(const LlmRequest& request, int max_output_tokens) {
  std::size_t bytes = request.system.size();
  for (const LlmMessage& m : request.messages) bytes += m.content.size();
  if (request.json_schema) {
    bytes += request.json_schema->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
  }
  return static_cast<double>((bytes + 3) / 4) + static_cast<double>(std::max(max_output_tokens, 0));
}

}  // namespace triagent
