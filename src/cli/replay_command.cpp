#include "cli/replay_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/replay_input.hpp"
#include "core/private_files.hpp"
#include "daemon/pipeline_assembly.hpp"
#include "triagent/config/loader.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/ids.hpp"

namespace triagent::cli {

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitDataError = 65;
constexpr int kExitNoInput = 66;
constexpr int kExitUnavailable = 69;
constexpr int kExitConfig = 78;
constexpr int kMaxConcurrency = 256;

constexpr const char* kUsage =
    "usage: triagent replay --config FILE [--mode shadow|assist|auto] [--data-dir DIR] [--concurrency N] "
    "INPUT.jsonl\n";

struct ReplayRow {
  const ReplayEntry* entry = nullptr;
  std::string outcome;      // done, retry, fail, invalid
  std::string detail;       // produced_by or the error
  bool degraded = false;
  long tokens_in = 0;
  long tokens_out = 0;
  double seconds = 0;
};

void fill_from_result(ReplayRow& row, const std::string& result_text) {
  auto result = nlohmann::json::parse(result_text, nullptr, false);
  if (!result.is_object()) return;
  row.detail = result.value("produced_by", "");
  if (result.value("fallback", false)) row.detail += " (fallback)";
  row.degraded = result.value("degraded", false);
  for (const auto& a : result.value("llm_attempts", nlohmann::json::array())) {
    row.tokens_in += a.value("input_tokens", 0L);
    row.tokens_out += a.value("output_tokens", 0L);
  }
}

struct ReplayRun {
  JobRunner* runner = nullptr;
  std::vector<ReplayRow>* rows = nullptr;
  std::size_t next = 0;
  std::int64_t job_id_base = 0;
  int lanes_left = 0;
  boost::asio::io_context* ioc = nullptr;  // stopped by the last lane: the HTTP client keeps it busy
};

// One of N lanes: takes the next entry until none is left. A free function with its state passed
// by pointer, so no coroutine frame outlives a lambda closure.
boost::asio::awaitable<void> replay_lane(ReplayRun* run) {
  while (run->next < run->rows->size()) {
    ReplayRow& row = (*run->rows)[run->next];
    const std::int64_t id = run->job_id_base + static_cast<std::int64_t>(run->next);
    ++run->next;
    if (!row.entry->error.empty()) continue;
    LeasedJob job;
    job.id = id;
    job.kind = "enrich";
    job.payload = row.entry->payload;
    job.traceparent = TraceContext::generate().to_header();
    job.lease_owner = "replay";
    job.attempts = 1;
    job.max_attempts = 1;
    const auto start = std::chrono::steady_clock::now();
    JobOutcome outcome = co_await run->runner->run(std::move(job));
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    switch (outcome.kind) {
      case JobOutcome::Kind::done:
        row.outcome = "done";
        fill_from_result(row, outcome.result_json);
        break;
      case JobOutcome::Kind::retry: row.outcome = "retry"; row.detail = outcome.error; break;
      case JobOutcome::Kind::fail: row.outcome = "fail"; row.detail = outcome.error; break;
    }
  }
  if (--run->lanes_left == 0) run->ioc->stop();
}

std::string cell(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  text.resize(width, ' ');
  return text;
}

void print_table(const std::vector<ReplayRow>& rows, double elapsed, std::ostream& out) {
  out << cell("line", 6) << cell("source", 12) << cell("external id", 24) << cell("outcome", 9) << cell("tokens", 13)
      << cell("time", 8) << "detail\n";
  std::map<std::string, int> outcomes;
  long in = 0, tokens_out = 0;
  int degraded = 0;
  for (const auto& row : rows) {
    const ReplayEntry& e = *row.entry;
    outcomes[row.outcome]++;
    in += row.tokens_in;
    tokens_out += row.tokens_out;
    if (row.degraded) ++degraded;
    char time[32];
    std::snprintf(time, sizeof time, "%.2fs", row.seconds);
    std::string detail = row.degraded ? row.detail + ", degraded" : row.detail;
    out << cell(std::to_string(e.line), 6) << cell(e.source, 12) << cell(e.external_id, 24) << cell(row.outcome, 9)
        << cell(std::to_string(row.tokens_in) + "/" + std::to_string(row.tokens_out), 13) << cell(time, 8) << detail
        << "\n";
  }
  out << "\n" << rows.size() << " webhooks:";
  for (const auto& [name, n] : outcomes) out << " " << name << " " << n;
  char total[96];
  std::snprintf(total, sizeof total, "; degraded %d; tokens in %ld, out %ld; %.2f s\n", degraded, in, tokens_out,
                elapsed);
  out << total;
}

}  // namespace

int replay_command(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err) {
  Arguments args;
  if (auto e = parse_arguments(raw, {"--config", "--mode", "--data-dir", "--concurrency"}, {}, args);
      e || args.operands.size() != 1 || !args.option("--config")) {
    err << "triagent replay: " << (e ? *e : "needs --config FILE and one INPUT.jsonl") << "\n" << kUsage;
    return kExitUsage;
  }
  const std::string mode = args.option("--mode").value_or("shadow");
  if (mode != "shadow" && mode != "assist" && mode != "auto") {
    err << "triagent replay: --mode must be shadow, assist or auto\n" << kUsage;
    return kExitUsage;
  }
  int concurrency = 4;
  if (auto c = args.option("--concurrency")) {
    concurrency = std::atoi(c->c_str());
    if (concurrency < 1 || concurrency > kMaxConcurrency) {
      err << "triagent replay: --concurrency must be 1.." << kMaxConcurrency << "\n";
      return kExitUsage;
    }
  }
  auto loaded = load_config_file(*args.option("--config"));
  if (!loaded) {
    err << "triagent: configuration error: " << loaded.error().message << "\n";
    return kExitConfig;
  }
  Config cfg = std::move(*loaded);
  cfg.mode = mode;
  cfg.data_dir = args.option("--data-dir").value_or(cfg.data_dir + "/replay");
  make_created_files_private();  // the replay's queue and results hold the replayed alerts
  std::error_code fs_error;
  std::filesystem::create_directories(cfg.data_dir, fs_error);
  if (fs_error) {
    err << "triagent replay: cannot create " << cfg.data_dir << ": " << fs_error.message() << "\n";
    return kExitUnavailable;
  }

  const std::string input_path = args.operands.front();
  std::ifstream file;
  std::istream* input = &std::cin;
  if (input_path != "-") {
    file.open(input_path);
    if (!file) {
      err << "triagent replay: cannot read " << input_path << "\n";
      return kExitNoInput;
    }
    input = &file;
  }
  const auto entries = read_replay_input(*input, cfg, static_cast<std::size_t>(cfg.server.max_body_bytes) + 64);
  std::vector<ReplayRow> rows(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    rows[i].entry = &entries[i];
    if (!entries[i].error.empty()) {
      rows[i].outcome = "invalid";
      rows[i].detail = entries[i].error;
    }
  }

  boost::asio::io_context ioc;
  auto pipeline = PipelineAssembly::build(cfg, ioc);
  if (!pipeline) {
    err << "triagent replay: cannot build the pipeline: " << pipeline.error().message << "\n";
    return kExitConfig;
  }
  err << "triagent replay: " << entries.size() << " webhooks, mode " << mode << ", concurrency " << concurrency
      << ", data " << cfg.data_dir << "\n";
  // Job ids from the clock: a replay never reuses a delivery-ledger key of an earlier replay.
  ReplayRun run{&(*pipeline)->runner(), &rows, 0, SystemClock::instance().now_ms() * 1000, concurrency, &ioc};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < concurrency; ++i) boost::asio::co_spawn(ioc, replay_lane(&run), boost::asio::detached);
  ioc.run();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (*pipeline)->close();

  print_table(rows, elapsed, out);
  bool invalid = false, unfinished = false;
  for (const auto& row : rows) {
    if (row.outcome == "invalid") invalid = true;
    else if (row.outcome != "done") unfinished = true;
  }
  if (unfinished) return kExitUnavailable;
  return invalid ? kExitDataError : 0;
}

}  // namespace triagent::cli
