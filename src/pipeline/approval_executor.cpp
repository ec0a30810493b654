#include "triagent/pipeline/approval_executor.hpp"

#include <optional>

#include "pipeline/approval_preconditions.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/pipeline/approval_flow.hpp"

namespace triagent {

namespace {

ActionOutcome failed(std::string detail) { return {false, std::move(detail)}; }

std::optional<AnalystVerdict> analyst_verdict_named(const std::string& name) {
  for (auto v : {AnalystVerdict::true_positive, AnalystVerdict::suspicious, AnalystVerdict::false_positive,
                 AnalystVerdict::undefined}) {
    if (name == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<IncidentStatus> incident_status_named(const std::string& name) {
  for (auto s : {IncidentStatus::unresolved, IncidentStatus::in_progress, IncidentStatus::resolved}) {
    if (name == to_string(s)) return s;
  }
  return std::nullopt;
}

// Each upstream call carries the job's trace, so the action shows up under the same trace id.
CallOptions call_options(const ApprovalRecord& a) {
  CallOptions options;
  if (auto t = TraceContext::parse("00-" + a.trace_id + "-" + random_hex(8) + "-01")) options.trace = *t;
  return options;
}

// The marker makes the note write idempotent across executor retries.
std::string approval_marker(const ApprovalRecord& a) { return "[triagent:approval:" + a.id + "]"; }

ActionOutcome from_affected(const Result<std::int64_t>& r, std::string what) {
  if (!r) return failed(what + " failed: " + r.error().message);
  if (*r < 1) return failed(what + " changed nothing (affected " + std::to_string(*r) + ")");
  return {true, what + ": affected " + std::to_string(*r)};
}

ActionOutcome from_note(const Result<NoteWrite>& r, std::string what) {
  if (!r) return failed(what + " failed: " + r.error().message);
  return {true, what + (r->posted ? ": posted" : ": already present")};
}

boost::asio::awaitable<ActionOutcome> run_threat_action(const ApprovalRecord& a, SingularityThreats& threats) {
  CallOptions options = call_options(a);
  if (a.action == "set_verdict") {
    auto verdict = analyst_verdict_named(a.params.value("verdict", ""));
    if (!verdict) co_return failed("no valid verdict in the approval");
    co_return from_affected(co_await threats.set_analyst_verdict(a.threat_id, *verdict, options), "set verdict");
  }
  if (a.action == "set_incident_status") {
    auto status = incident_status_named(a.params.value("status", ""));
    if (!status) co_return failed("no valid status in the approval");
    co_return from_affected(co_await threats.set_incident_status(a.threat_id, *status, options), "set status");
  }
  if (a.action == "add_tag") {
    std::vector<std::string> tags{a.params.value("tag", "")};
    co_return from_note(co_await threats.add_tags(a.threat_id, std::move(tags), options), "tag");
  }
  const std::string marker = approval_marker(a);
  std::string text;
  if (a.action == "add_note") {
    text = marker + " " + std::string(kDraftHeading) + " " + a.params.value("text", a.reason) +
           " (approved by " + a.decided_by + ")";
  } else {  // escalate_severity
    text = marker + " Severity escalated to " + a.params.value("severity", "") + ": AI recommendation approved by " +
           a.decided_by + ".";
  }
  co_return from_note(co_await threats.add_note_once(a.threat_id, marker, text, options), a.action);
}

}  // namespace

TargetState target_state_of(const Threat& threat, VerdictSource verdict_set_by) {
  TargetState s;
  s.threat_id = threat.id;
  s.agent_id = threat.agent_id;
  s.agent_computer_name = threat.agent_computer_name;
  s.analyst_verdict = threat.analyst_verdict;
  s.verdict_set_by = verdict_set_by;
  s.incident_status = threat.incident_status;
  return s;
}

boost::asio::awaitable<ActionOutcome> run_approved_action(ApprovalRecord a, ApprovalConnectors connectors) {
  const bool on_threat = a.action == "set_verdict" || a.action == "set_incident_status" || a.action == "add_note" ||
                         a.action == "add_tag" || a.action == "escalate_severity";
  if (a.action != "isolate_endpoint" && !on_threat) co_return failed("no executor for " + a.action + " yet");
  if (on_threat && a.threat_id.empty()) co_return failed("the approval names no threat");
  if (!a.threat_id.empty() && connectors.threats == nullptr) co_return failed("no Singularity threats connector");

  // Re-read the target first: what was true when the model proposed this may no longer be.
  std::optional<Threat> threat;
  if (!a.threat_id.empty()) {
    auto t = co_await connectors.threats->get_threat(a.threat_id, call_options(a));
    if (!t) co_return failed("refused: could not re-read threat " + a.threat_id + ": " + t.error().message);
    threat = std::move(*t);
  }
  std::optional<Agent> agent;
  if (a.action == "isolate_endpoint") {
    if (connectors.agents == nullptr) co_return failed("no Singularity agents connector");
    auto g = co_await connectors.agents->get_agent(a.agent_id, call_options(a));
    if (!g) co_return failed("refused: could not re-read agent " + a.agent_id + ": " + g.error().message);
    agent = std::move(*g);
  }
  if (auto why = approval_detail::refusal_reason(a, threat ? &*threat : nullptr, agent ? &*agent : nullptr);
      !why.empty()) {
    co_return failed("refused: " + why);
  }

  if (a.action == "isolate_endpoint") {
    co_return from_affected(co_await connectors.agents->disconnect_from_network(a.agent_id, call_options(a)),
                            "disconnect agent " + a.agent_id);
  }
  co_return co_await run_threat_action(a, *connectors.threats);
}

boost::asio::awaitable<Result<ApprovalRecord>> execute_approved(ApprovalRecord approval, ApprovalExecution env) {
  if (env.store == nullptr) co_return make_error(ErrorCode::internal, "execute_approved: no approval store");
  std::optional<Result<ApprovalRecord>> claimed;
  auto claim = [&claimed, &env, &approval] { claimed.emplace(env.store->begin_execution(approval.id)); };
  if (env.run_blocking) {
    co_await env.run_blocking(claim);
  } else {
    claim();
  }
  if (!*claimed) co_return claimed->error();

  // The claimed row, not the caller's copy, is what runs: it is the one whose hash was checked.
  ActionOutcome outcome = co_await run_approved_action(claimed->value(), env.connectors);

  std::optional<Result<ApprovalRecord>> finished;
  auto finish = [&finished, &env, &approval, &outcome] {
    finished.emplace(env.store->mark_executed(approval.id, outcome.executed, outcome.detail));
  };
  if (env.run_blocking) {
    co_await env.run_blocking(finish);
  } else {
    finish();
  }
  if (*finished) audit_action_executed(env.audit, finished->value());
  co_return std::move(*finished);
}

}  // namespace triagent
