#pragma once
// SimContext: what every route works with: the immutable scenario (and the query records built
// from it once), the analyzer the LLM routes use, the mutable state and the fault book.
//
//   SimContext ctx(std::move(*scenario), std::move(*analyzer));
//   ctx.faults.set(initial_rules);
//   Router router = make_router();
//   auto d = router.dispatch(ctx, request);

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults.hpp"
#include "llm_answer.hpp"
#include "response_cache.hpp"
#include "scenario.hpp"
#include "sim_state.hpp"
#include "triagent/analysis/analyzer.hpp"

namespace triagent::sim {

struct SimContext {
  SimContext(Scenario s, analysis::Analyzer a);

  const Scenario scenario;
  const std::vector<nlohmann::json> scenario_records;  // DataSet logs and DV events, by timestamp
  const std::vector<nlohmann::json> dv_event_docs;     // render_dv_event of each scenario DV event, once
  const analysis::Analyzer analyzer;
  SimState state;
  ResponseCache cache;  // guarded by state.mu
  FaultBook faults;
  std::vector<FaultRule> initial_faults;  // what /_sim/reset restores

  // Answers are a pure function of (mode, system, user): computed once per distinct prompt.
  LlmAnswer llm_answer(const std::string& mode, const std::string& system, const std::string& user);

  // The scenario's records and the ingested ones (caller holds state.mu).
  std::vector<const nlohmann::json*> records_between(std::int64_t from_ns, std::int64_t to_ns) const;

 private:
  std::mutex llm_cache_mu_;
  std::map<std::string, LlmAnswer> llm_cache_;
};

}  // namespace triagent::sim
