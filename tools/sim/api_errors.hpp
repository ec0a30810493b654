#pragma once
// Error answers in each API's own shape, used by the routes (401s, 400s, 404s) and by the fault
// injector (status faults, 200-with-an-error-envelope faults, malformed bodies):
//   DataSet      {"status":"error/client/badParam","message":"..."}
//   Singularity  {"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]}
//   GraphQL      200 {"data":null,"errors":[{"message":"...","path":[...],"extensions":{...}}]}
//   OpenAI/Azure {"error":{"message":"...","type":"...","param":null,"code":"..."}}
//   Anthropic    {"type":"error","error":{"type":"rate_limit_error","message":"..."},"request_id":"..."}
//
//   return api_error(ApiFamily::singularity, 401, "Authentication Failed");
//   return api_error(ApiFamily::dataset, 429, "slow down", 2);   // adds Retry-After: 2

#include <optional>
#include <string>

#include "sim_types.hpp"

namespace triagent::sim {

SimResponse api_error(ApiFamily family, int status, const std::string& message, std::optional<int> retry_after = {});
// A 200 whose body is the API's error envelope (the client must look inside, not at the status).
SimResponse error_body_200(ApiFamily family, const std::string& message);
// The first half of `body` followed by an HTML error page: never valid JSON.
std::string corrupt_json(const std::string& body);

// The family a path belongs to, for answers to paths no route serves.
ApiFamily family_for_path(const std::string& path);

}  // namespace triagent::sim
