#include "triagent/connectors/llm_types.hpp"

namespace triagent {

const char* to_string(LlmRole role) {
  switch (role) {
    case LlmRole::user: return "user";
    case LlmRole::assistant: return "assistant";
  }
  return "user";
}

}  // namespace triagent
