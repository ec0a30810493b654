#include <gtest/gtest.h>

#include "triagent/core/incident.hpp"
#include "triagent/pipeline/store_incident_runner.hpp"

namespace triagent {
namespace {

LeasedJob job_with(std::string payload) {
  LeasedJob job;
  job.id = 1;
  job.payload = std::move(payload);
  return job;
}

TEST(StoreIncident, RecordsTheIncidentKeyAndSeverity) {
  Incident inc;
  inc.source = "singularity";
  inc.external_id = "1234";
  inc.severity = Severity::critical;
  auto r = store_incident_result(job_with(nlohmann::json(inc).dump()));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  auto j = nlohmann::json::parse(*r);
  EXPECT_EQ(j["incident_key"], "singularity:1234");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["stages"][0]["name"], "normalize");
}

TEST(StoreIncident, RejectsPayloadsThatAreNotIncidents) {
  EXPECT_FALSE(store_incident_result(job_with("not json")).has_value());
  EXPECT_FALSE(store_incident_result(job_with("[1,2]")).has_value());
  EXPECT_FALSE(store_incident_result(job_with(R"({"source":"generic"})")).has_value());
  auto wrong_type = store_incident_result(job_with(R"({"source":1,"external_id":"x"})"));
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace triagent
