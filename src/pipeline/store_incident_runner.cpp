#include "triagent/pipeline/store_incident_runner.hpp"

#include <nlohmann/json.hpp>

#include "triagent/core/incident.hpp"

namespace triagent {

Result<std::string> store_incident_result(const LeasedJob& job) {
  auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return make_error(ErrorCode::invalid_argument, "job payload is not a JSON object");
  }
  Incident incident;
  try {
    incident = payload.get<Incident>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::invalid_argument, std::string("job payload is not an incident: ") + e.what());
  }
  if (incident.source.empty() || incident.external_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "job payload has no source or external id");
  }
  nlohmann::json result{
      {"stages", nlohmann::json::array({{{"name", "normalize"}, {"status", "ok"}}})},
      {"incident_key", incident.dedupe_key()},
      {"severity", to_string(incident.severity)},
  };
  return result.dump();
}

boost::asio::awaitable<JobOutcome> StoreIncidentRunner::run(LeasedJob job) {
  auto result = store_incident_result(job);
  if (!result) co_return JobOutcome::fail(result.error().message);
  co_return JobOutcome::done(std::move(*result));
}

}  // namespace triagent
