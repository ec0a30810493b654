// The approval queue: idempotent creation, decisions, fail-closed expiry, the tamper check, list
// filters, the execution claim, and the flow's audit records.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <set>

#include "pipeline_approval_test_support.hpp"
#include "triagent/audit/audit_log.hpp"
#include "triagent/pipeline/approval_flow.hpp"

namespace triagent {
namespace {

using testing::ApprovalFixture;
using testing::isolate_request;
using testing::verdict_request;

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(ApprovalStore, CreatesAPendingApprovalBoundToItsActionHash) {
  ApprovalFixture f;
  auto c = f.store->create(isolate_request("job-1"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->created);
  const ApprovalRecord& r = c->record;
  EXPECT_EQ(r.id.size(), 32u);
  EXPECT_TRUE(is_lower_hex(r.id));
  EXPECT_EQ(r.status, ApprovalStatus::pending);
  EXPECT_EQ(r.action, "isolate_endpoint");
  EXPECT_EQ(r.params, nlohmann::json({{"agent_id", "42"}}));
  EXPECT_EQ(r.agent_id, "42");
  EXPECT_EQ(r.threat_id, "7001");
  EXPECT_EQ(r.action_hash, approval_action_hash("isolate_endpoint", {{"agent_id", "42"}}, "7001", "42"));
  EXPECT_EQ(r.action_hash.size(), 64u);
  EXPECT_TRUE(r.hash_matches());
  EXPECT_DOUBLE_EQ(r.confidence, 0.91);
  EXPECT_EQ(r.evidence_ids, (std::vector<std::string>{"ev-1", "ev-2"}));
  EXPECT_EQ(r.target_state.agent_computer_name, "HOST-1");
  EXPECT_EQ(r.created_at_ms, f.clock.now_ms());
  EXPECT_EQ(r.expires_at_ms, f.clock.now_ms() + 60 * 60'000);
}

TEST(ApprovalStore, ARetriedJobGetsItsExistingApprovalBack) {
  ApprovalFixture f;
  auto first = f.store->create(isolate_request("job-1"));
  ASSERT_TRUE(first);
  f.clock.advance(std::chrono::minutes(5));
  auto again = f.store->create(isolate_request("job-1"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->record.id, first->record.id);
  EXPECT_EQ(again->record.created_at_ms, first->record.created_at_ms);

  EXPECT_NE(f.create(isolate_request("job-2")).id, first->record.id);                  // another job
  EXPECT_NE(f.create(verdict_request("job-1")).id, first->record.id);                  // another action
  EXPECT_NE(f.create(verdict_request("job-1", "suspicious")).id, f.create(verdict_request("job-1")).id);  // params
  auto all = f.store->list(std::nullopt, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 4u);
}

TEST(ApprovalStore, RejectsMalformedRequests) {
  ApprovalFixture f;
  auto r = isolate_request("");
  EXPECT_EQ(f.store->create(r).error().code, ErrorCode::invalid_argument);
  r = isolate_request("job-1");
  r.action = "wipe_disk";
  EXPECT_EQ(f.store->create(r).error().code, ErrorCode::invalid_argument);
  r = isolate_request("job-1");
  r.ttl_ms = 0;
  EXPECT_EQ(f.store->create(r).error().code, ErrorCode::invalid_argument);
}

TEST(ApprovalStore, CreateAllRecordsAJobsApprovalsTogetherOrNone) {
  ApprovalFixture f;
  auto both = f.store->create_all({isolate_request("job-1"), verdict_request("job-1")});
  ASSERT_TRUE(both) << both.error().message;
  ASSERT_EQ(both->size(), 2u);
  EXPECT_TRUE((*both)[0].created);
  EXPECT_TRUE((*both)[1].created);
  EXPECT_EQ((*both)[0].record.action, "isolate_endpoint");  // request order
  EXPECT_NE((*both)[0].record.id, (*both)[1].record.id);

  // A retry gets the same rows back; a batch with one bad request records nothing at all.
  auto again = f.store->create_all({isolate_request("job-1"), verdict_request("job-1")});
  ASSERT_TRUE(again);
  EXPECT_FALSE((*again)[0].created);
  EXPECT_EQ((*again)[1].record.id, (*both)[1].record.id);
  auto bad = isolate_request("job-2");
  bad.ttl_ms = 0;
  EXPECT_EQ(f.store->create_all({verdict_request("job-2"), bad}).error().code, ErrorCode::invalid_argument);
  auto all = f.store->list(std::nullopt, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  ASSERT_TRUE(f.store->create_all({}));
}

TEST(ApprovalStore, ApprovingRecordsWhoWhyAndWhenOnce) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  f.clock.advance(std::chrono::seconds(30));
  auto d = f.store->decide(id, {.choice = ApprovalChoice::approve, .actor = "  alice ", .reason = " confirmed  "});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->status, ApprovalStatus::approved);
  EXPECT_EQ(d->decided_by, "alice");
  EXPECT_EQ(d->decision_reason, "confirmed");
  EXPECT_EQ(d->decided_at_ms, f.clock.now_ms());

  auto twice = f.approve(id);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_NE(twice.error().message.find("already approved"), std::string::npos);
  auto reject_after = f.store->decide(id, {.choice = ApprovalChoice::reject, .actor = "bob", .reason = "no"});
  EXPECT_EQ(reject_after.error().code, ErrorCode::conflict);
  EXPECT_EQ(f.store->get(id)->decided_by, "alice");
}

TEST(ApprovalStore, RejectingNeedsAReasonAndAnActor) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  for (std::string bad : {std::string(), std::string("   "), std::string(1001, 'x'), std::string("line\x07")}) {
    auto d = f.store->decide(id, {.choice = ApprovalChoice::reject, .actor = "bob", .reason = bad});
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, ErrorCode::invalid_argument) << bad;
  }
  EXPECT_EQ(f.store->decide(id, {.choice = ApprovalChoice::reject, .actor = "", .reason = "r"}).error().code,
            ErrorCode::invalid_argument);
  auto ok = f.store->decide(id, {.choice = ApprovalChoice::reject, .actor = "bob", .reason = "benign\nadmin tool"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, ApprovalStatus::rejected);
  EXPECT_EQ(ok->decision_reason, "benign\nadmin tool");
}

TEST(ApprovalStore, UnknownIdsAreNotFound) {
  ApprovalFixture f;
  EXPECT_EQ(f.store->get("00000000000000000000000000000000").error().code, ErrorCode::not_found);
  EXPECT_EQ(f.approve("nope").error().code, ErrorCode::not_found);
}

TEST(ApprovalStore, AnApprovalExpiresClosed) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  f.clock.advance(std::chrono::minutes(60));  // expires_at is exclusive: now == expires_at is expired
  EXPECT_EQ(f.store->get(id)->status, ApprovalStatus::expired);
  EXPECT_TRUE(f.store->list(ApprovalStatus::pending, 10)->empty());
  EXPECT_EQ(f.store->list(ApprovalStatus::expired, 10)->size(), 1u);

  auto late = f.approve(id);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
  EXPECT_NE(late.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(f.store->begin_execution(id).error().code, ErrorCode::conflict);
  f.clock.set_ms(1'700'000'000'000);  // even a clock stepping back does not revive it: it is written down
  EXPECT_EQ(f.store->get(id)->status, ApprovalStatus::expired);
}

TEST(ApprovalStore, ExpireDueClosesOnlyWhatIsDueAndReturnsIt) {
  ApprovalFixture f;
  auto old_id = f.create(isolate_request("job-1")).id;
  f.clock.advance(std::chrono::minutes(30));
  auto young_id = f.create(isolate_request("job-2")).id;
  auto decided_id = f.create(verdict_request("job-3")).id;
  ASSERT_TRUE(f.approve(decided_id));
  f.clock.advance(std::chrono::minutes(31));
  auto expired = f.store->expire_due();
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->at(0).id, old_id);
  EXPECT_EQ(expired->at(0).status, ApprovalStatus::expired);
  EXPECT_TRUE(f.store->expire_due()->empty());
  EXPECT_EQ(f.store->get(young_id)->status, ApprovalStatus::pending);
  EXPECT_EQ(f.store->get(decided_id)->status, ApprovalStatus::approved);
}

TEST(ApprovalStore, AnApproverShownAnotherActionIsRefused) {
  ApprovalFixture f;
  auto r = f.create(isolate_request("job-1"));
  ApprovalDecisionInput d{.choice = ApprovalChoice::approve, .actor = "alice", .reason = "ok",
                          .expected_hash = std::string(64, '0')};
  auto refused = f.store->decide(r.id, d);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("hash mismatch"), std::string::npos);
  d.expected_hash = r.action_hash;
  EXPECT_TRUE(f.store->decide(r.id, d));
}

// Someone with write access to the database swaps the approved agent: the hash no longer matches,
// the approval fails and never runs.
TEST(ApprovalStore, ATamperedRowFailsItsIntegrityCheck) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  auto approved_id = f.create(verdict_request("job-2")).id;
  ASSERT_TRUE(f.approve(approved_id));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((f.dir / "approvals.db").string().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE approvals SET params_json = '{\"agent_id\":\"99\"}', agent_id = '99' "
                           "WHERE action = 'isolate_endpoint';"
                           "UPDATE approvals SET params_json = '{\"verdict\":\"false_positive\"}' "
                           "WHERE action = 'set_verdict';",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto d = f.approve(id);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::conflict);
  EXPECT_NE(d.error().message.find("integrity"), std::string::npos);
  EXPECT_EQ(f.store->get(id)->status, ApprovalStatus::failed);

  auto claim = f.store->begin_execution(approved_id);  // tampered after approval: caught at the claim
  ASSERT_FALSE(claim);
  EXPECT_NE(claim.error().message.find("integrity"), std::string::npos);
  EXPECT_EQ(f.store->get(approved_id)->status, ApprovalStatus::failed);
}

TEST(ApprovalStore, ListFiltersByStatusNewestFirstWithALimit) {
  ApprovalFixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(f.create(isolate_request("job-" + std::to_string(i))).id);
    f.clock.advance(std::chrono::seconds(1));
  }
  ASSERT_TRUE(f.approve(ids[0]));
  ASSERT_TRUE(f.store->decide(ids[1], {.choice = ApprovalChoice::reject, .actor = "bob", .reason = "benign"}));
  auto pending = f.store->list(ApprovalStatus::pending, 100);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ(pending->at(0).id, ids[4]);
  EXPECT_EQ(pending->at(2).id, ids[2]);
  EXPECT_EQ(f.store->list(ApprovalStatus::approved, 100)->at(0).id, ids[0]);
  EXPECT_EQ(f.store->list(ApprovalStatus::rejected, 100)->at(0).id, ids[1]);
  EXPECT_EQ(f.store->list(std::nullopt, 2)->size(), 2u);
  EXPECT_EQ(f.store->list(std::nullopt, 0).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(f.store->list(std::nullopt, 1001).error().code, ErrorCode::invalid_argument);
}

TEST(ApprovalStore, AnApprovalIsClaimedForExecutionOnce) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  EXPECT_EQ(f.store->begin_execution(id).error().code, ErrorCode::conflict);  // still pending
  ASSERT_TRUE(f.approve(id));
  auto claim = f.store->begin_execution(id);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_EQ(claim->status, ApprovalStatus::executing);
  EXPECT_EQ(f.store->begin_execution(id).error().code, ErrorCode::conflict);
  f.clock.advance(std::chrono::seconds(2));
  auto done = f.store->mark_executed(id, true, "affected 1");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, ApprovalStatus::executed);
  EXPECT_EQ(done->result, "affected 1");
  EXPECT_EQ(done->executed_at_ms, f.clock.now_ms());
  EXPECT_EQ(f.store->mark_executed(id, false, "again").error().code, ErrorCode::conflict);
}

TEST(ApprovalStore, DecisionsSurviveReopening) {
  ApprovalFixture f;
  auto id = f.create(isolate_request("job-1")).id;
  ASSERT_TRUE(f.approve(id));
  f.reopen();
  auto r = f.store->get(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ApprovalStatus::approved);
  EXPECT_TRUE(r->hash_matches());
  EXPECT_FALSE(f.store->create(isolate_request("job-1"))->created);
}

TEST(ApprovalRecordJson, ShowsTimesAndDecisionOnceSet) {
  ApprovalFixture f;
  auto r = f.create(isolate_request("job-1"));
  auto j = to_json(r);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["created_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(j["expires_at"], "2023-11-14T23:13:20.000Z");
  EXPECT_FALSE(j.contains("decided_by"));
  EXPECT_FALSE(j.contains("result"));
  auto d = f.approve(r.id);
  auto jd = to_json(*d);
  EXPECT_EQ(jd["decided_by"], "alice");
  EXPECT_EQ(jd["target_state"]["agent_id"], "42");
}

// --- the flow: governance -> approvals -> audit ---

std::vector<nlohmann::json> audit_lines(const std::filesystem::path& dir) {
  std::vector<nlohmann::json> out;
  std::ifstream in(audit::audit_file_path(dir.string()));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(ApprovalFlow, HeldActionsBecomeApprovalsOnceWithTheirAuditRecords) {
  ApprovalFixture f;
  auto log = audit::AuditLog::open({.dir = (f.dir / "audit").string()}, f.clock);
  ASSERT_TRUE(log) << log.error().message;

  analysis::AnalysisOutput out;
  out.confidence = 0.95;
  out.evidence_ids = {"ev-9"};
  out.recommended_actions = {{"isolate_endpoint", nlohmann::json::object(), "beaconing"},
                             {"add_tag", {{"tag", "c2"}}, "label"},
                             {"isolate_endpoint", {{"agent_id", "77"}}, "injected"}};
  GovernanceConfig cfg;
  cfg.mode = GovernanceMode::automatic;
  TargetState target = testing::proposal_target();
  GovernanceDecision d = decide(out, target, cfg);
  ApprovalContext ctx{.job_id = "job-5", .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736", .confidence = 0.95,
                      .evidence_ids = out.evidence_ids, .ttl_ms = cfg.approval_ttl_minutes * 60'000LL};
  audit_governance(log->get(), ctx.job_id, ctx.trace_id, d);
  auto held = request_approvals(d, target, ctx, *f.store, log->get());
  ASSERT_TRUE(held) << held.error().message;
  ASSERT_EQ(held->size(), 1u);  // add_tag runs (low risk, 0.95), the foreign isolation is suppressed
  EXPECT_EQ(held->at(0).action, "isolate_endpoint");
  EXPECT_EQ(held->at(0).agent_id, "42");
  EXPECT_EQ(held->at(0).evidence_ids, std::vector<std::string>{"ev-9"});
  auto again = request_approvals(d, target, ctx, *f.store, log->get());  // the job retried
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at(0).id, held->at(0).id);

  auto decided = f.approve(held->at(0).id);
  ASSERT_TRUE(decided);
  audit_approval_decided(log->get(), *decided);
  (*log)->close();

  std::vector<std::string> kinds;
  for (const auto& line : audit_lines(f.dir / "audit")) kinds.push_back(line["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"action_proposed", "action_proposed", "action_proposed",
                                             "approval_requested", "approval_decided"}));
  auto lines = audit_lines(f.dir / "audit");
  EXPECT_EQ(lines[2]["data"]["disposition"], "suppressed");
  EXPECT_EQ(lines[3]["job_id"], "job-5");
  EXPECT_EQ(lines[3]["data"]["approval_id"], held->at(0).id);
  EXPECT_EQ(lines[4]["data"]["decided_by"], "alice");
  EXPECT_EQ(lines[4]["data"]["status"], "approved");
}

TEST(ApprovalFlow, ShadowModeCreatesNoApprovals) {
  ApprovalFixture f;
  analysis::AnalysisOutput out;
  out.confidence = 1;
  out.recommended_actions = {{"isolate_endpoint", nlohmann::json::object(), "r"}};
  GovernanceDecision d = decide(out, testing::proposal_target(), GovernanceConfig{});
  auto held = request_approvals(d, testing::proposal_target(), {.job_id = "job-1"}, *f.store, nullptr);
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty());
  EXPECT_TRUE(f.store->list(std::nullopt, 10)->empty());
}

}  // namespace
}  // namespace triagent
