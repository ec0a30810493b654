#include "sim_context.hpp"

#include <algorithm>

#include "scenario_render.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

std::vector<nlohmann::json> build_records(const Scenario& s) {
  std::vector<nlohmann::json> out;
  for (const auto& e : s.log_events) out.push_back(log_record(e));
  for (std::size_t i = 0; i < s.dv_events.size(); ++i) out.push_back(dv_record(s, s.dv_events[i], i));
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["timestamp"].get<std::int64_t>() < b["timestamp"].get<std::int64_t>();
  });
  return out;
}

std::vector<nlohmann::json> render_dv_events(const Scenario& s) {
  std::vector<nlohmann::json> out;
  out.reserve(s.dv_events.size());
  for (std::size_t i = 0; i < s.dv_events.size(); ++i) out.push_back(render_dv_event(s, s.dv_events[i], i));
  return out;
}

}  // namespace

SimContext::SimContext(Scenario s, analysis::Analyzer a)
    : scenario(std::move(s)), scenario_records(build_records(scenario)),
      dv_event_docs(render_dv_events(scenario)),
      analyzer(std::move(a)) {
  state.reset(scenario);
}

std::vector<const nlohmann::json*> SimContext::records_between(std::int64_t from_ns, std::int64_t to_ns) const {
  // Both sources are ordered by timestamp: find each range and merge, scenario records first among
  // equal timestamps.
  auto ts_of = [](const nlohmann::json& r) { return r["timestamp"].get<std::int64_t>(); };
  auto before = [&](const nlohmann::json& r, std::int64_t ts) { return ts_of(r) < ts; };
  auto first = std::lower_bound(scenario_records.begin(), scenario_records.end(), from_ns, before);
  auto last = std::lower_bound(first, scenario_records.end(), to_ns, before);
  auto ing = state.ingested_by_time.lower_bound(from_ns);
  auto ing_end = state.ingested_by_time.lower_bound(to_ns);
  std::vector<const nlohmann::json*> out;
  while (first != last || ing != ing_end) {
    if (ing == ing_end || (first != last && ts_of(*first) <= ing->first)) {
      out.push_back(&*first++);
    } else {
      out.push_back((ing++)->second);
    }
  }
  return out;
}

LlmAnswer SimContext::llm_answer(const std::string& mode, const std::string& system, const std::string& user) {
  const std::string key = mode + "/" + hex64(fnv1a64(system)) + std::to_string(system.size()) + "/" + hex64(fnv1a64(user)) +
                          std::to_string(user.size());
  {
    std::lock_guard lock(llm_cache_mu_);
    if (auto it = llm_cache_.find(key); it != llm_cache_.end()) return it->second;
  }
  LlmAnswer answer = make_llm_answer(analyzer, system, user, mode);  // the analyzer runs unlocked
  std::lock_guard lock(llm_cache_mu_);
  if (llm_cache_.size() >= 256) llm_cache_.clear();
  llm_cache_.emplace(key, answer);
  return answer;
}

}  // namespace triagent::sim
