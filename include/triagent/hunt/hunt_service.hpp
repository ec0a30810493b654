#pragma once
// HuntService: question -> validated PowerQuery -> read-only run -> interpretation, all audited.
//
// With an LLM: the model gets the field catalogue, the allowed commands and template examples and
// answers {query, rationale}; the validator checks it; on failure the errors go back once for a
// repair; the query runs through DataSet (read key only); a client error from DataSet also goes
// back once. Without an LLM, or when the LLM fails or its query cannot be repaired, the template
// library answers (source "template"). Audit kinds: hunt_translated, hunt_validated, hunt_repaired,
// hunt_run (job id "", the request's trace id).
//
//   HuntService hunts(cfg, std::move(catalogue), std::move(templates), system_prompt,
//                     {.llm = chain, .dataset = dataset_reader, .audit = audit_log, .clock = &clock});
//   Result<HuntAnswer> a = co_await hunts.hunt({.question = "failed logins in the last hour"});
//   if (a) respond(a->to_json());
//
// Read-only: the DataSet client must be built from a DataSetConfig holding only the read key
// (read_only_dataset_config() clears the write key); the validator refuses every command that
// is not on the allow-list, and writing commands always.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/audit/audit_log.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_config.hpp"
#include "triagent/hunt/hunt_interpret.hpp"
#include "triagent/hunt/hunt_templates.hpp"
#include "triagent/hunt/hunt_window.hpp"
#include "triagent/hunt/power_query_validator.hpp"

namespace triagent::hunt {

struct HuntRequest {
  std::string question;
  std::string from;      // "" = 24h, or the question's own "last N hours"
  std::string to;        // "" = now
  std::string trace_id;  // for the audit records; "" = a new one
  bool dry_run = false;  // translate and validate only
  bool templates_only = false;  // skip the LLM even when one is configured
};

struct HuntAnswer {
  std::string query;       // the canonical validated text (what ran)
  std::string rationale;
  std::string source;      // "llm" | "template"
  std::string template_id; // source == template
  ValidatedQuery validation;
  bool repaired = false;
  bool ran = false;
  DataSetTable results;
  std::string interpretation;
  std::vector<FollowUp> follow_ups;
  std::string window_start, window_end;
  std::vector<std::string> notes;  // e.g. why the LLM was not used
  std::string trace_id;

  // {query, rationale, source, validation, results{columns, rows}, interpretation, follow_ups, repaired, ...}
  nlohmann::json to_json() const;
};

struct HuntServices {
  LlmProvider* llm = nullptr;         // null: templates only
  DataSetClient* dataset = nullptr;   // null: dry runs only
  audit::AuditLog* audit = nullptr;   // null: not audited
  const Clock* clock = nullptr;       // null: SystemClock
};

// A copy of `config` that can only read: the write key (addEvents) is cleared.
DataSetConfig read_only_dataset_config(DataSetConfig config);

class HuntService {
 public:
  HuntService(HuntConfig config, FieldCatalogue catalogue, HuntTemplates templates, std::string system_prompt,
              HuntServices services);

  // invalid_argument: bad question / window, or no valid query could be produced (the message
  // says why); unavailable: no DataSet connector; DataSet's own errors otherwise.
  boost::asio::awaitable<Result<HuntAnswer>> hunt(HuntRequest request);

  const HuntPolicy& policy() const { return policy_; }
  const FieldCatalogue& catalogue() const { return catalogue_; }
  const HuntTemplates& templates() const { return templates_; }

 private:
  struct Translation;
  boost::asio::awaitable<Result<Translation>> translate_with_llm(const HuntRequest& request, const HuntWindow& window);
  Result<Translation> translate_with_templates(const HuntRequest& request);
  void audit(const std::string& trace_id, const char* kind, nlohmann::json data);

  HuntConfig config_;
  HuntPolicy policy_;
  FieldCatalogue catalogue_;
  HuntTemplates templates_;
  std::string system_prompt_;
  HuntServices services_;
};

}  // namespace triagent::hunt
