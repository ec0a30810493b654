// HuntService: translate (LLM with one repair, else templates), validate, run read-only, interpret.
#include "triagent/hunt/hunt_service.hpp"

#include "triagent/core/ids.hpp"
#include "triagent/hunt/hunt_prompt.hpp"
#include "triagent/hunt/question_slots.hpp"
#include "triagent/observability/log.hpp"

namespace triagent::hunt {

namespace asio = boost::asio;

struct HuntService::Translation {
  ValidatedQuery validation;
  std::string rationale;
  std::string source;
  std::string template_id;
  bool repaired = false;
  LlmRequest conversation;   // llm: the turns so far, for a repair after a DataSet error
  std::string last_answer;   // llm: the raw text of the answer that validated
  std::vector<std::string> notes;
};

DataSetConfig read_only_dataset_config(DataSetConfig config) {
  config.write_key = Secret();
  return config;
}

nlohmann::json HuntAnswer::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : results.columns) columns.push_back(c.name);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results.rows) rows.push_back(r);
  nlohmann::json follow = nlohmann::json::array();
  for (const auto& f : follow_ups) follow.push_back({{"title", f.title}, {"query", f.query}});
  nlohmann::json j{{"query", query},
                   {"rationale", rationale},
                   {"source", source},
                   {"validation", validation.to_json()},
                   {"results", {{"columns", columns}, {"rows", rows}, {"matching_events", results.matching_events},
                                {"omitted_events", results.omitted_events}}},
                   {"interpretation", interpretation},
                   {"follow_ups", follow},
                   {"repaired", repaired},
                   {"ran", ran},
                   {"window", {{"from", window_start}, {"to", window_end}}},
                   {"notes", notes},
                   {"trace_id", trace_id}};
  if (!template_id.empty()) j["template_id"] = template_id;
  return j;
}

HuntService::HuntService(HuntConfig config, FieldCatalogue catalogue, HuntTemplates templates, std::string system_prompt,
                         HuntServices services)
    : config_(std::move(config)),
      policy_(config_.policy()),
      catalogue_(std::move(catalogue)),
      templates_(std::move(templates)),
      system_prompt_(std::move(system_prompt)),
      services_(services) {
  if (!services_.clock) services_.clock = &SystemClock::instance();
}

void HuntService::audit(const std::string& trace_id, const char* kind, nlohmann::json data) {
  if (!services_.audit) return;
  std::string k = kind;
  services_.audit->append("", trace_id, k, std::move(data), [k](Result<audit::AuditRecordRef> r) {
    if (!r) log::warn("hunt", "audit record not written", {}, {{"kind", k}, {"error", r.error().message}});
  });
}

Result<HuntService::Translation> HuntService::translate_with_templates(const HuntRequest& request) {
  auto m = templates_.match(request.question);
  if (!m) return Error(ErrorCode::invalid_argument, "no hunt template matches the question");
  Translation t;
  t.validation = validate_power_query(m->query, policy_, catalogue_);
  t.source = "template";
  t.template_id = m->template_id;
  t.rationale = "Template '" + m->template_id + "': " + m->title + ".";
  if (!t.validation.ok) {
    return Error(ErrorCode::internal, "template '" + m->template_id + "' produced an invalid query: " + t.validation.error_text());
  }
  return t;
}

asio::awaitable<Result<HuntService::Translation>> HuntService::translate_with_llm(const HuntRequest& request,
                                                                                   const HuntWindow& window) {
  Translation t;
  t.source = "llm";
  t.conversation = hunt_request(system_prompt_, request.question, window, config_.max_output_tokens);
  for (int attempt = 0; attempt < 2; ++attempt) {
    LlmRequest req = t.conversation;
    auto response = co_await services_.llm->complete(std::move(req));
    if (!response) co_return Error(response.error().code, "llm: " + response.error().message);
    auto parsed = parse_hunt_answer(response->text);
    std::string problem;
    if (parsed) {
      audit(request.trace_id, "hunt_translated", {{"source", "llm"}, {"provider", response->provider},
                                                  {"model", response->model}, {"query", parsed->query},
                                                  {"rationale", parsed->rationale}, {"attempt", attempt}});
      t.validation = validate_power_query(parsed->query, policy_, catalogue_);
      audit(request.trace_id, "hunt_validated", t.validation.to_json());
      if (t.validation.ok) {
        t.rationale = parsed->rationale;
        t.last_answer = response->text;
        co_return t;
      }
      problem = t.validation.error_text();
    } else {
      problem = parsed.error().message;
    }
    if (attempt == 0) {
      audit(request.trace_id, "hunt_repaired", {{"reason", "validation"}, {"problem", problem}});
      add_repair_turn(t.conversation, response->text, problem);
      t.repaired = true;
    } else {
      co_return Error(ErrorCode::invalid_argument, "llm query still invalid after one repair: " + problem);
    }
  }
  co_return Error(ErrorCode::internal, "unreachable");
}

asio::awaitable<Result<HuntAnswer>> HuntService::hunt(HuntRequest request) {
  if (request.trace_id.empty()) request.trace_id = TraceContext::generate().trace_id;
  if (request.question.find_first_not_of(" \t\r\n") == std::string::npos) {
    co_return Error(ErrorCode::invalid_argument, "question: must not be empty");
  }
  if (static_cast<std::int64_t>(request.question.size()) > config_.max_question_chars) {
    co_return Error(ErrorCode::invalid_argument,
                    "question: longer than " + std::to_string(config_.max_question_chars) + " characters");
  }
  if (request.from.empty()) request.from = extract_slots(request.question).since;
  auto window = resolve_hunt_window(request.from, request.to, services_.clock->now_ms(), policy_.max_window_hours);
  if (!window) co_return window.error();

  HuntAnswer answer;
  answer.trace_id = request.trace_id;
  answer.window_start = window->start;
  answer.window_end = window->end;
  std::optional<Translation> tr;
  if (services_.llm && !request.templates_only) {
    auto llm = co_await translate_with_llm(request, *window);
    if (llm) tr = std::move(*llm);
    else answer.notes.push_back("LLM translation failed, used the template library: " + llm.error().message);
  }
  if (!tr) {
    auto tpl = translate_with_templates(request);
    if (!tpl) {
      std::string why = tpl.error().message;
      if (!answer.notes.empty()) why = answer.notes.front() + "; " + why;
      audit(request.trace_id, "hunt_translated", {{"source", "none"}, {"error", why}});
      co_return Error(ErrorCode::invalid_argument, "could not translate the question: " + why);
    }
    audit(request.trace_id, "hunt_translated", {{"source", "template"}, {"template", tpl->template_id},
                                                {"query", tpl->validation.text}});
    audit(request.trace_id, "hunt_validated", tpl->validation.to_json());
    tr = std::move(*tpl);
  }

  if (!request.dry_run) {
    if (!services_.dataset) co_return Error(ErrorCode::unavailable, "no DataSet connector (connectors.dataset.read_key)");
    for (int attempt = 0;; ++attempt) {
      DataSetPowerQuery q{tr->validation.text, DataSetTimeRange{window->start, window->end}};
      auto table = co_await services_.dataset->power_query(std::move(q));
      audit(request.trace_id, "hunt_run", {{"query", tr->validation.text}, {"from", window->start}, {"to", window->end},
                                           {"ok", table.has_value()},
                                           {"rows", table ? static_cast<std::int64_t>(table->rows.size()) : 0},
                                           {"error", table ? "" : table.error().message}});
      if (table) {
        answer.results = std::move(*table);
        answer.ran = true;
        break;
      }
      // Only a query DataSet refused as malformed is worth a repair; the rest is not the query's fault.
      const bool query_fault = table.error().code == ErrorCode::invalid_argument;
      if (!query_fault || tr->source != "llm" || attempt > 0 || !services_.llm) co_return table.error();
      add_repair_turn(tr->conversation, tr->last_answer, "DataSet answered: " + table.error().message);
      audit(request.trace_id, "hunt_repaired", {{"reason", "dataset"}, {"problem", table.error().message}});
      LlmRequest req = tr->conversation;
      auto response = co_await services_.llm->complete(std::move(req));
      if (!response) co_return table.error();
      auto parsed = parse_hunt_answer(response->text);
      if (!parsed) co_return table.error();
      auto v = validate_power_query(parsed->query, policy_, catalogue_);
      audit(request.trace_id, "hunt_validated", v.to_json());
      if (!v.ok) co_return table.error();
      tr->validation = std::move(v);
      tr->rationale = parsed->rationale;
      tr->last_answer = response->text;
      tr->repaired = true;
    }
    answer.interpretation = interpret_results(answer.results);
    answer.follow_ups = follow_ups(answer.results, templates_, policy_, catalogue_, tr->template_id);
  }
  answer.query = tr->validation.text;
  answer.rationale = tr->rationale;
  answer.source = tr->source;
  answer.template_id = tr->template_id;
  answer.repaired = tr->repaired;
  answer.validation = std::move(tr->validation);
  co_return answer;
}

}  // namespace triagent::hunt
