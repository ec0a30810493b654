#pragma once
// Shared by the approval tests: a store in a fresh temporary directory on a ManualClock, and
// approval requests for the incident's own threat (7001) and agent (42).
//
//   ApprovalFixture f;                       // f.store, f.clock, f.dir
//   auto created = f.store->create(isolate_request("job-1"));
//   f.approve(created->record.id);

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "triagent/core/clock.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/pipeline/approval_store.hpp"

namespace triagent::testing {

inline TargetState proposal_target() {
  TargetState t;
  t.threat_id = "7001";
  t.agent_id = "42";
  t.agent_computer_name = "HOST-1";
  t.analyst_verdict = "undefined";
  t.incident_status = "unresolved";
  t.severity = Severity::high;
  return t;
}

inline ApprovalRequest approval_request(std::string job_id, std::string action, nlohmann::json params,
                                        std::string agent_id = "") {
  ApprovalRequest r;
  r.job_id = std::move(job_id);
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.action = std::move(action);
  r.params = std::move(params);
  r.threat_id = "7001";
  r.agent_id = std::move(agent_id);
  r.reason = "the model's reason";
  r.confidence = 0.91;
  r.evidence_ids = {"ev-1", "ev-2"};
  r.target_state = proposal_target();
  r.ttl_ms = 60 * 60'000;
  return r;
}

inline ApprovalRequest isolate_request(std::string job_id) {
  return approval_request(std::move(job_id), "isolate_endpoint", {{"agent_id", "42"}}, "42");
}

inline ApprovalRequest verdict_request(std::string job_id, std::string verdict = "true_positive") {
  return approval_request(std::move(job_id), "set_verdict", {{"verdict", verdict}});
}

class ApprovalFixture {
 public:
  ApprovalFixture() {
    dir = std::filesystem::temp_directory_path() / ("triagent-approvals-" + random_hex(8));
    std::filesystem::create_directories(dir);
    reopen();
  }
  ~ApprovalFixture() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  void reopen() {
    store.reset();
    auto s = ApprovalStore::open({.path = (dir / "approvals.db").string()}, clock);
    if (!s) throw std::runtime_error(s.error().message);
    store = std::move(*s);
  }

  ApprovalRecord create(const ApprovalRequest& r) {
    auto c = store->create(r);
    if (!c) throw std::runtime_error(c.error().message);
    return c->record;
  }

  Result<ApprovalRecord> approve(const std::string& id, std::string reason = "confirmed on the console") {
    return store->decide(id, {.choice = ApprovalChoice::approve, .actor = "alice", .reason = std::move(reason)});
  }

  std::filesystem::path dir;
  ManualClock clock{1'700'000'000'000};
  std::unique_ptr<ApprovalStore> store;
};

}  // namespace triagent::testing
