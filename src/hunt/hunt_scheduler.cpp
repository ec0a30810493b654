// Scheduled hunts (see hunt_scheduler.hpp).
#include "triagent/hunt/hunt_scheduler.hpp"

#include "triagent/hunt/power_query_validator.hpp"
#include "triagent/observability/log.hpp"

namespace triagent::hunt {

namespace {

std::string cell_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }

}  // namespace

Result<HuntScheduler> HuntScheduler::create(std::vector<HuntSchedule> schedules, const HuntPolicy& policy,
                                            const FieldCatalogue& catalogue, DataSetClient* dataset, JobQueue* queue,
                                            const Clock& clock) {
  std::vector<Entry> entries;
  for (auto& s : schedules) {
    auto v = validate_power_query(s.query, policy, catalogue);
    if (!v.ok) return Error(ErrorCode::invalid_argument, "hunt.schedules[" + s.name + "].query: " + v.error_text());
    entries.push_back(Entry{std::move(s), v.text, -1});
  }
  return HuntScheduler(std::move(entries), dataset, queue, clock);
}

Incident HuntScheduler::make_incident(const HuntSchedule& schedule, const std::string& query, std::int64_t window_start_s,
                                      std::int64_t window_end_s, const DataSetTable& table) {
  Incident inc;
  inc.source = "hunt";
  inc.kind = "scheduled_hunt";
  inc.external_id = schedule.name + ":" + std::to_string(window_start_s);
  inc.title = "Scheduled hunt '" + schedule.name + "': " + std::to_string(table.rows.size()) + " rows (threshold " +
              std::to_string(schedule.threshold) + ")";
  inc.severity = parse_severity(schedule.severity).value_or(Severity::medium);
  inc.time_ms = window_end_s * 1000;
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : table.columns) columns.push_back(c.name);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t r = 0; r < table.rows.size() && r < 50; ++r) rows.push_back(table.rows[r]);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::string& name = table.columns[c].name;
    std::vector<std::string>* list = nullptr;
    if (name == "endpoint.name" || name == "serverHost" || name == "Hostname") list = &inc.entities.hosts;
    else if (name.find("ip.address") != std::string::npos || name == "IpAddress" || name == "DestinationIp") list = &inc.entities.ips;
    else if (name == "event.login.userName" || name == "src.process.user" || name == "TargetUserName") list = &inc.entities.users;
    else if (name == "src.process.name" || name == "src.process.cmdline") list = &inc.entities.processes;
    else if (name == "tgt.file.path") list = &inc.entities.files;
    if (!list) continue;
    for (std::size_t r = 0; r < table.rows.size() && list->size() < 20; ++r) {
      if (c < table.rows[r].size()) Entities::add(*list, cell_text(table.rows[r][c]));
    }
  }
  inc.raw = {{"schedule", schedule.name},      {"query", query},
             {"window", {{"start", window_start_s}, {"end", window_end_s}}},
             {"threshold", schedule.threshold}, {"matching_events", table.matching_events},
             {"columns", columns},              {"rows", rows}};
  return inc;
}

boost::asio::awaitable<std::vector<ScheduledHuntRun>> HuntScheduler::tick() {
  std::vector<ScheduledHuntRun> runs;
  const std::int64_t now_s = clock_->now_seconds();
  for (auto& e : entries_) {
    const std::int64_t interval = e.schedule.interval_seconds;
    const std::int64_t window_end = now_s / interval * interval;  // the last whole interval
    const std::int64_t window_start = window_end - interval;
    if (window_start <= e.last_window_start_s) continue;  // not due
    e.last_window_start_s = window_start;
    ScheduledHuntRun run{e.schedule.name, window_start, 0, false, ""};
    if (!dataset_) {
      run.error = "no DataSet connector";
      runs.push_back(run);
      continue;
    }
    DataSetPowerQuery q{e.query, DataSetTimeRange{std::to_string(window_start), std::to_string(window_end)}};
    auto table = co_await dataset_->power_query(std::move(q));
    if (!table) {
      run.error = table.error().message;
      e.last_window_start_s = window_start - interval;  // try this window again at the next tick
      runs.push_back(run);
      continue;
    }
    run.rows = static_cast<std::int64_t>(table->rows.size());
    if (run.rows > e.schedule.threshold && queue_) {
      Incident inc = make_incident(e.schedule, e.query, window_start, window_end, *table);
      NewJob job;
      job.kind = "enrich";
      job.dedupe_key = "hunt:" + e.schedule.name + ":" + std::to_string(window_start);
      job.payload = nlohmann::json(inc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      const std::string name = e.schedule.name;
      queue_->enqueue(std::move(job), [name](Result<EnqueueOutcome> r) {
        if (!r) log::warn("hunt", "scheduled hunt incident not queued", {}, {{"schedule", name}, {"error", r.error().message}});
      });
      run.enqueued = true;
    }
    runs.push_back(run);
  }
  co_return runs;
}

}  // namespace triagent::hunt
