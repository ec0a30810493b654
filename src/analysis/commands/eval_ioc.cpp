// eval --task ioc: the ioc-finder `extract` records (per-type sets, exhaustive or constraint-only)
// and the ioc-fanger `fang` records (exact fang output, and the indicator each sample line holds).
// Types the extractor does not produce (ssdeep, ASN, MAC, bitcoin, ...) are counted, not scored.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "eval_tasks.hpp"
#include "triagent/analysis/fang.hpp"
#include "triagent/analysis/ioc_extractor.hpp"
#include "triagent/analysis/scoreboard.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis::eval {
namespace {

using ValueSet = std::set<std::string>;

const std::vector<std::string>* our_list(const Indicators& ind, const std::string& finder_type) {
  static const std::map<std::string, std::vector<std::string> Indicators::*> kMap = {
      {"urls", &Indicators::urls},           {"urls_complete", &Indicators::urls},
      {"domains", &Indicators::domains},     {"ipv4s", &Indicators::ipv4},
      {"ipv6s", &Indicators::ipv6},          {"email_addresses", &Indicators::emails},
      {"email_addresses_complete", &Indicators::emails},
      {"md5s", &Indicators::md5},            {"sha1s", &Indicators::sha1},
      {"sha256s", &Indicators::sha256},      {"file_paths", &Indicators::file_paths},
      {"registry_key_paths", &Indicators::registry_keys},
      {"cves", &Indicators::cves},          {"xmpp_addresses", &Indicators::xmpp},
      // the fang sample lines' own type names
      {"domain", &Indicators::domains},      {"ipv4", &Indicators::ipv4},
      {"md5", &Indicators::md5},             {"url", &Indicators::urls},
  };
  auto it = kMap.find(finder_type);
  return it == kMap.end() ? nullptr : &(ind.*(it->second));
}

std::string canonical_type(const std::string& t) {
  if (t == "urls_complete" || t == "url") return "urls";
  if (t == "email_addresses_complete") return "email_addresses";
  if (t == "domain") return "domains";
  if (t == "ipv4") return "ipv4s";
  if (t == "md5") return "md5s";
  return t;
}

ValueSet normalise(const std::vector<std::string>& values) {
  ValueSet out;
  for (const auto& v : values) out.insert(to_lower(v));
  return out;
}

ValueSet json_values(const nlohmann::json& j) {
  ValueSet out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.insert(to_lower(v.get<std::string>()));
  }
  return out;
}

void score_sets(Scoreboard& board, const std::string& type, const ValueSet& gold, const ValueSet& got, bool check_fp,
                bool check_fn, std::ostream* miss, const std::string& text) {
  std::size_t tp = 0, fp = 0, fn = 0;
  for (const auto& g : gold) {
    if (got.count(g)) ++tp;
    else if (check_fn) {
      ++fn;
      if (miss) *miss << "FN " << type << " '" << g << "' in: " << text.substr(0, 160) << "\n";
    }
  }
  if (check_fp) {
    for (const auto& v : got) {
      if (!gold.count(v)) {
        ++fp;
        if (miss) *miss << "FP " << type << " '" << v << "' in: " << text.substr(0, 160) << "\n";
      }
    }
  }
  board.add(type, tp, fp, fn);
}

}  // namespace

int ioc(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt) {
  Scoreboard board;
  std::map<std::string, std::size_t> unsupported;
  std::size_t fang_total = 0, fang_exact = 0, records = 0, skipped = 0;
  std::ostream* miss = opt.verbose ? &err : nullptr;
  std::string line;
  static const std::vector<std::string> kScored = {"urls", "domains", "ipv4s", "ipv6s", "email_addresses",
                                                   "md5s", "sha1s", "sha256s", "file_paths", "registry_key_paths",
                                                   "cves", "xmpp_addresses"};
  while (std::getline(in, line)) {
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object() || !rec.contains("task")) continue;
    const std::string task = rec["task"].get<std::string>();
    const std::string text = rec.value("text", "");
    ++records;
    if (task == "fang") {
      ++fang_total;
      const std::string got = fang(text);
      if (got == rec.value("expected_fanged", "")) {
        ++fang_exact;
      } else if (miss) {
        *miss << "FANG '" << text.substr(0, 100) << "' -> '" << got.substr(0, 100) << "' want '"
              << rec.value("expected_fanged", "").substr(0, 100) << "'\n";
      }
      if (rec.contains("expected_iocs") && rec["expected_iocs"].is_object()) {
        Indicators found;
        IocExtractor().scan(text, found);
        for (auto& [type, values] : rec["expected_iocs"].items()) {
          const auto* ours = our_list(found, type);
          if (!ours) continue;
          score_sets(board, canonical_type(type), json_values(values), normalise(*ours), true, true, miss, text);
        }
      }
      continue;
    }
    if (task != "extract") {
      ++skipped;  // extract-corpus keeps values defanged by design: a different convention
      continue;
    }
    IocScanOptions options;
    if (rec.contains("args") && rec["args"].is_object()) {
      const auto& a = rec["args"];
      if (a.contains("parse_domain_from_url") && a["parse_domain_from_url"] == false) options.domains_from_urls = false;
      if (a.contains("parse_domain_from_email_address") && a["parse_domain_from_email_address"] == false) {
        options.domains_from_urls = false;
      }
    }
    Indicators found;
    IocExtractor(options).scan(text, found);
    const bool exhaustive = rec.value("expected_is_exhaustive", false);
    const nlohmann::json expected = rec.contains("expected") && rec["expected"].is_object() ? rec["expected"]
                                                                                            : nlohmann::json::object();
    std::set<std::string> seen;
    for (auto& [type, values] : expected.items()) {
      const auto* ours = our_list(found, type);
      if (!ours) {
        ++unsupported[type];
        continue;
      }
      const std::string ct = canonical_type(type);
      if (!seen.insert(ct).second) continue;  // urls and urls_complete: score once
      score_sets(board, ct, json_values(values), normalise(*ours), true, true, miss, text);
    }
    if (exhaustive) {
      // Every scored type not listed must be empty.
      for (const auto& t : kScored) {
        if (seen.count(t)) continue;
        const auto* ours = our_list(found, t);
        if (t == "domains" && !options.domains_from_urls) continue;
        score_sets(board, t, {}, normalise(*ours), true, false, miss, text);
      }
    }
    for (const char* key : {"expected_includes", "expected_excludes"}) {
      if (!rec.contains(key) || !rec[key].is_object()) continue;
      const bool includes = std::string(key) == "expected_includes";
      for (auto& [type, values] : rec[key].items()) {
        const auto* ours = our_list(found, type);
        if (!ours) {
          ++unsupported[type];
          continue;
        }
        const ValueSet got = normalise(*ours);
        const ValueSet want = json_values(values);
        if (includes) {
          score_sets(board, canonical_type(type), want, got, false, true, miss, text);
        } else {
          std::size_t fp = 0;
          for (const auto& v : want) fp += got.count(v);
          board.add(canonical_type(type), 0, fp, 0);
        }
      }
    }
  }
  const ClassCounts m = board.micro();
  if (opt.json) {
    nlohmann::json j = board.to_json();
    j["task"] = "ioc";
    j["records"] = records;
    j["fang_exact"] = fang_total ? static_cast<double>(fang_exact) / static_cast<double>(fang_total) : 0.0;
    j["unsupported_types"] = unsupported;
    out << j.dump(2) << "\n";
  } else {
    board.print(out, "ioc type");
    out << "records " << records << "  ioc F1 (micro) " << m.f1() << "\n";
    out << "fang exact match " << fang_exact << "/" << fang_total << " = "
        << (fang_total ? static_cast<double>(fang_exact) / static_cast<double>(fang_total) : 0.0) << "\n";
    if (!unsupported.empty()) {
      out << "not scored (types the extractor does not produce):";
      for (const auto& [t, c] : unsupported) out << " " << t << "=" << c;
      out << "\n";
    }
    if (skipped) out << "records skipped (extract-corpus: keeps defanged values by design): " << skipped << "\n";
  }
  return records ? 0 : 1;
}

}  // namespace triagent::analysis::eval
