// eval --task logtype: records of shared/data/logs (raw + labels.log_type) and of
// shared/data/labeled (event + log_source) are both accepted.
#include <nlohmann/json.hpp>
#include <string>

#include "eval_tasks.hpp"
#include "triagent/analysis/log_type.hpp"
#include "triagent/analysis/scoreboard.hpp"

namespace triagent::analysis::eval {

int logtype(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt) {
  LogTypeDetector detector;
  ParsedEvent ev;
  Scoreboard board;
  std::size_t total = 0, correct = 0, bad = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object()) {
      ++bad;
      continue;
    }
    std::string input, gold;
    if (rec.contains("raw") && rec.contains("labels") && rec["labels"].contains("log_type")) {
      input = rec["raw"].get<std::string>();
      gold = rec["labels"]["log_type"].get<std::string>();
    } else if (rec.contains("event") && rec.contains("log_source")) {
      const auto& e = rec["event"];
      input = (e.size() == 1 && e.contains("raw") && e["raw"].is_string()) ? e["raw"].get<std::string>() : e.dump();
      gold = rec["log_source"].get<std::string>();
    } else {
      ++bad;
      continue;
    }
    detector.detect(input, ev);
    ++total;
    if (ev.log_type == gold) {
      ++correct;
      board.add(gold, 1, 0, 0);
    } else {
      board.add(gold, 0, 0, 1);
      board.add(ev.log_type, 0, 1, 0);
      if (opt.verbose) err << "miss: gold=" << gold << " got=" << ev.log_type << " : " << input.substr(0, 160) << "\n";
    }
  }
  const double accuracy = total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  if (opt.json) {
    nlohmann::json j = board.to_json();
    j["task"] = "logtype";
    j["records"] = total;
    j["accuracy"] = accuracy;
    j["unreadable_records"] = bad;
    out << j.dump(2) << "\n";
  } else {
    board.print(out, "log type");
    out << "records " << total << "  correct " << correct << "  accuracy " << accuracy;
    if (bad) out << "  (unreadable records skipped: " << bad << ")";
    out << "\n";
  }
  return total ? 0 : 1;
}

}  // namespace triagent::analysis::eval
