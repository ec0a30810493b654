// eval --task attack: ATT&CK-labelled events (shared/data/labeled). Literal technique ids in an
// event ("T1218.005" in a file name) are masked before analysis, so only behaviour scores. The
// headline figure is record recall@3: a record counts when one of its labelled techniques is
// among the analyzer's three best; the table gives per-technique figures on the same top three.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "eval_tasks.hpp"
#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/scoreboard.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis::eval {
namespace {

// "T1218.005" -> "T####.###": keeps the text shape, removes the giveaway.
std::string mask_technique_ids(std::string s) {
  for (std::size_t i = 0; i + 5 <= s.size(); ++i) {
    if ((s[i] == 'T' || s[i] == 't') && (i == 0 || !is_alnum(s[i - 1])) && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
        is_digit(s[i + 3]) && is_digit(s[i + 4]) && (i + 5 == s.size() || !is_digit(s[i + 5]))) {
      for (std::size_t k = i + 1; k < i + 5; ++k) s[k] = '#';
      if (i + 9 <= s.size() && s[i + 5] == '.' && is_digit(s[i + 6]) && is_digit(s[i + 7]) && is_digit(s[i + 8])) {
        for (std::size_t k = i + 6; k < i + 9; ++k) s[k] = '#';
      }
    }
  }
  return s;
}

}  // namespace

int attack(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt) {
  std::vector<std::string> warnings;
  auto analyzer = Analyzer::create(opt.analyzer, &warnings);
  if (!analyzer) {
    err << "eval: " << analyzer.error().message << "\n";
    return 1;
  }
  for (const auto& w : warnings) err << "rules: " << w << "\n";
  Scoreboard board;
  AnalysisState st;
  std::size_t records = 0, hits = 0, masked = 0, no_prediction = 0, hits_at1 = 0, hits_parent = 0;
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object() || !rec.contains("event") || !rec.contains("techniques")) continue;
    const auto& e = rec["event"];
    std::string input = (e.is_object() && e.size() == 1 && e.contains("raw") && e["raw"].is_string())
                            ? e["raw"].get<std::string>()
                            : e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (rec.value("contains_technique_id_literal", false)) {
      input = mask_technique_ids(std::move(input));
      ++masked;
    }
    // Multi-record text (auditd) is one event here: fold the lines.
    for (char& c : input) {
      if (c == '\n') c = ' ';
    }
    std::set<std::string> gold;
    for (const auto& t : rec["techniques"]) {
      if (auto id = analyzer->catalog().normalize(t.get<std::string>())) gold.insert(*id);
    }
    analyzer->analyze(input, st);
    ++records;
    std::set<std::string> top;
    for (std::size_t k = 0; k < st.techniques.size() && k < 3; ++k) top.insert(st.techniques[k].technique->id);
    if (top.empty()) ++no_prediction;
    bool hit = false, hit_parent = false;
    for (const auto& g : gold) {
      const bool found = top.count(g) > 0;
      hit = hit || found;
      for (const auto& p : top) hit_parent = hit_parent || p.substr(0, 5) == g.substr(0, 5);
      board.add(g, found ? 1 : 0, 0, found ? 0 : 1);
    }
    for (const auto& p : top) {
      if (!gold.count(p)) board.add(p, 0, 1, 0);
    }
    if (!st.techniques.empty() && gold.count(st.techniques[0].technique->id)) ++hits_at1;
    hits += hit;
    hits_parent += hit_parent;
    if (opt.verbose && !hit) {
      err << "miss " << rec.value("id", "") << " gold=";
      for (const auto& g : gold) err << g << " ";
      err << "got=";
      for (const auto& p : top) err << p << " ";
      err << "| " << rec.value("log_source", "") << " | " << rec.value("dataset_title", "").substr(0, 80) << "\n";
    }
  }
  const auto ratio = [records](std::size_t n) { return records ? static_cast<double>(n) / static_cast<double>(records) : 0.0; };
  if (opt.json) {
    nlohmann::json j = board.to_json();
    j["task"] = "attack";
    j["records"] = records;
    j["recall_at_3"] = ratio(hits);
    j["recall_at_1"] = ratio(hits_at1);
    j["recall_at_3_parent_technique"] = ratio(hits_parent);
    j["records_masked"] = masked;
    j["records_without_prediction"] = no_prediction;
    j["rules_loaded"] = analyzer->rules().size();
    out << j.dump(2) << "\n";
  } else {
    board.print(out, "technique (top 3)");
    out << "records " << records << " (technique ids masked in " << masked << ")  rules " << analyzer->rules().size()
        << "\n";
    out << "record recall@3 " << ratio(hits) << "  recall@1 " << ratio(hits_at1)
        << "  recall@3 same parent technique " << ratio(hits_parent) << "  no prediction " << no_prediction << "\n";
  }
  return records ? 0 : 1;
}

}  // namespace triagent::analysis::eval
