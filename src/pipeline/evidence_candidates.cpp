#include "evidence_candidates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "evidence_analysis_input.hpp"
#include "evidence_text.hpp"
#include "evidence_twins.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/untrusted_hash.hpp"

namespace triagent {
namespace {

using analysis::to_lower;
using evidence_text::one_line;

constexpr std::size_t kMaxFieldsPerItem = 40;
constexpr std::size_t kMaxIocValueBytes = 400;
constexpr std::size_t kMaxRuleLabelBytes = 160;
// Counting distinct IOCs beyond the cap needs their keys; past this many the count saturates.
constexpr std::size_t kMaxOverflowKeys = 1 << 16;

// Events alike in shape ("EventID 4625 (Security): An account failed to log on.") share a kind
// whatever their numbers, so rarity can tell the 50th failed logon from the one DNS lookup.
std::string kind_of(const std::string& source, const std::string& summary) {
  std::string k = source + "|";
  bool in_digits = false;
  for (char c : summary.substr(0, 96)) {
    const bool d = analysis::is_digit(c);
    if (!d) {
      k.push_back(c);
    } else if (!in_digits) {
      k.push_back('#');
    }
    in_digits = d;
  }
  return k;
}

// "C:\Windows\SYSTEM32\ntdll.dll+9d4c4": a frame of a Sysmon CallTrace, not a file anyone wrote.
bool is_call_trace_frame(std::string_view path) {
  const std::size_t plus = path.rfind('+');
  if (plus == std::string_view::npos || plus + 1 == path.size()) return false;
  for (char ch : path.substr(plus + 1)) {
    if (!analysis::is_hex(ch)) return false;
  }
  return true;
}

// A directory, or a file where the OS and installed programs keep their own binaries.
bool is_usual_path(std::string_view path) {
  if (path.empty() || path.back() == '\\' || path.back() == '/') return true;
  const std::size_t slash = path.find_last_of("\\/");
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (last.find('.') == std::string_view::npos) return true;
  for (std::string_view dir :
       {"c:\\windows\\system32\\", "c:\\windows\\syswow64\\", "c:\\windows\\winsxs\\", "c:\\program files\\",
        "c:\\program files (x86)\\", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/lib/", "/lib/"}) {
    if (analysis::istarts_with(path, dir)) return true;
  }
  return false;
}

class CandidateCollector {
 public:
  CandidateCollector(const Incident& incident, const analysis::Analyzer& analyzer, const EvidencePackerConfig& config)
      : analyzer_(analyzer), config_(config) {
    const auto& e = incident.entities;
    for (const auto* list : {&e.hashes, &e.ips, &e.domains, &e.storylines, &e.files}) {
      for (const auto& v : *list) {
        if (!v.empty()) entities_.insert(to_lower(v));
      }
    }
  }

  void add(const ContextEvent& ev, std::size_t index) {
    EvidenceCandidate c;
    c.event = index;
    c.source = evidence_source_of(ev.source);
    c.threat_object = ev.source == "threat";
    c.time_ms = ev.time_ms > 0 ? ev.time_ms : 0;
    c.host = one_line(ev.host, 128);
    c.user = one_line(ev.user, 128);
    c.summary = one_line(ev.summary, config_.max_summary_bytes);
    if (c.summary.empty()) c.summary = ev.source.empty() ? std::string("event") : one_line(ev.source, 32) + " event";
    std::vector<std::string> source_rules;
    for (const auto& [name, value] : ev.fields) {
      if (name == "rule") {
        if (source_rules.size() < config_.max_rules_per_item) {
          source_rules.push_back(one_line(value, kMaxRuleLabelBytes));
        }
        continue;
      }
      if (c.fields.size() >= kMaxFieldsPerItem) continue;
      std::string v = one_line(value, config_.max_field_value_bytes);
      if (!v.empty()) c.fields.emplace_back(one_line(name, 64), std::move(v));
    }
    if (is_duplicate(ev, c)) return;
    analyze(ev, c, source_rules);
    c.kind = kind_of(ev.source, c.summary);
    const std::size_t twin = merged_into_twin(ev, c);
    remember_keys(twin == kNone ? out_.list.size() : twin);
    if (twin == kNone) out_.list.push_back(std::move(c));
  }

  EvidenceCandidates finish() { return std::move(out_); }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // Same source, time, host, summary and fields, or the same source and event id: the same event
  // returned twice (overlapping queries, a retried page).
  bool is_duplicate(const ContextEvent& ev, const EvidenceCandidate& c) {
    content_key_.clear();  // appended piece by piece: no temporaries for a key built per event
    content_key_.append(ev.source).append(1, '\n').append(std::to_string(c.time_ms)).append(1, '\n');
    content_key_.append(c.host).append(1, '\n').append(c.summary);
    for (const auto& [name, value] : c.fields) content_key_.append(1, '\n').append(name).append(1, '=').append(value);
    id_key_ = evidence_text::member_text(ev.raw, "id");
    if (!id_key_.empty()) id_key_ = ev.source + "\nid:" + id_key_;
    auto it = seen_.find(content_key_);
    if (it == seen_.end() && !id_key_.empty()) it = seen_.find(id_key_);
    if (it == seen_.end()) return false;
    ++out_.list[it->second].repeats;
    ++out_.duplicates;
    return true;
  }

  void remember_keys(std::size_t index) {
    seen_.emplace(std::move(content_key_), index);
    if (!id_key_.empty()) seen_.emplace(std::move(id_key_), index);
  }

  // A twin (the same happening from another sensor) joins the first one seen: its indicators,
  // rules and fields are added there, and it counts as a duplicate.
  std::size_t merged_into_twin(const ContextEvent& ev, EvidenceCandidate& c) {
    auto sig = event_signature(ev);
    if (!sig) return kNone;
    auto& slots = twins_[sig->host + "\n" + sig->category + "\n" + sig->subject];
    for (auto& [index, channels] : slots) {
      EvidenceCandidate& first = out_.list[index];
      const std::int64_t dt = first.time_ms > c.time_ms ? first.time_ms - c.time_ms : c.time_ms - first.time_ms;
      if (dt > kTwinWindowMs || std::find(channels.begin(), channels.end(), sig->channel) != channels.end()) continue;
      channels.push_back(sig->channel);
      for (std::size_t k : c.iocs) {
        if (std::find(first.iocs.begin(), first.iocs.end(), k) == first.iocs.end()) first.iocs.push_back(k);
      }
      for (std::size_t k : c.rule_hits) {
        if (std::find(first.rule_hits.begin(), first.rule_hits.end(), k) == first.rule_hits.end()) {
          first.rule_hits.push_back(k);
        }
      }
      for (auto& r : c.rules) {
        if (first.rules.size() < config_.max_rules_per_item) add_rule(first, std::move(r));
      }
      for (auto& f : c.fields) {
        const bool known =
            std::any_of(first.fields.begin(), first.fields.end(), [&f](const auto& g) { return g.second == f.second; });
        if (!known && first.fields.size() < kMaxFieldsPerItem) first.fields.push_back(std::move(f));
      }
      if (first.user.empty()) first.user = c.user;
      first.severity_score = std::max(first.severity_score, c.severity_score);
      first.names_incident_entity = first.names_incident_entity || c.names_incident_entity;
      std::string also = sig->channel.substr(sig->channel.find('|') + 1);
      if (analysis::ifind(also, "sysmon") != std::string_view::npos) also = "Sysmon";
      if (std::find(first.also_in.begin(), first.also_in.end(), also) == first.also_in.end()) {
        first.also_in.push_back(also);
      }
      ++out_.duplicates;
      return index;
    }
    if (slots.size() < 8) slots.push_back({out_.list.size(), {sig->channel}});
    return kNone;
  }

  void analyze(const ContextEvent& ev, EvidenceCandidate& c, const std::vector<std::string>& source_rules) {
    const std::string input = evidence_analysis_input(ev, config_.max_field_value_bytes * 16);
    analyzer_.analyze(input, state_);
    c.severity_score = state_.severity_score;
    // The source's own detections first: they are what the console showed the analyst.
    for (const auto& r : source_rules) add_rule(c, r);
    for (const analysis::SigmaRule* r : state_.matched_rules) {
      if (c.rules.size() >= config_.max_rules_per_item) break;
      add_rule(c, rule_label_with_techniques(*r));
    }
    for (const auto& label : c.rules) add_rule_hit(c, label);
    const analysis::Indicators& ind = state_.indicators;
    add_iocs(c, "sha256", ind.sha256);
    add_iocs(c, "sha1", ind.sha1);
    add_iocs(c, "md5", ind.md5);
    add_iocs(c, "url", ind.urls);
    add_iocs(c, "domain", ind.domains);
    add_iocs(c, "ipv4", ind.ipv4);
    add_iocs(c, "ipv6", ind.ipv6);
    add_iocs(c, "email", ind.emails);
    add_iocs(c, "cve", ind.cves);
    add_iocs(c, "registry_key", ind.registry_keys);
    if (config_.file_path_iocs != EvidencePackerConfig::FilePathIocs::none) add_iocs(c, "file_path", ind.file_paths);
    for (const auto& [name, value] : c.fields) {
      if (name == "storyline" && entities_.count(to_lower(value))) c.names_incident_entity = true;
    }
  }

  // "Title [T1059.001, T1027]": the model (and the built-in analyst) see the mapping the rule makes.
  static std::string rule_label_with_techniques(const analysis::SigmaRule& r) {
    std::string ids;
    for (const auto& t : r.techniques) ids += (ids.empty() ? "" : ", ") + t;
    const std::string suffix = ids.empty() ? "" : " [" + ids + "]";
    return one_line(r.title, kMaxRuleLabelBytes > suffix.size() ? kMaxRuleLabelBytes - suffix.size() : 0) + suffix;
  }

  static void add_rule(EvidenceCandidate& c, std::string label) {
    if (!label.empty() && std::find(c.rules.begin(), c.rules.end(), label) == c.rules.end()) {
      c.rules.push_back(std::move(label));
    }
  }

  void add_rule_hit(EvidenceCandidate& c, const std::string& label) {
    std::string key = label + "\n" + short_host(c.host);
    auto it = rule_index_.find(key);
    if (it == rule_index_.end()) {
      if (out_.catalog.rule_hits.size() >= config_.max_rule_hits) {
        if (overflow_.size() < kMaxOverflowKeys && overflow_.insert("r" + key).second) {
          ++out_.catalog.rule_hits_over_cap;
        }
        return;
      }
      it = rule_index_.emplace(key, out_.catalog.rule_hits.size()).first;
      out_.catalog.rule_hits.push_back(std::move(key));
    }
    c.rule_hits.push_back(it->second);
  }

  void add_iocs(EvidenceCandidate& c, const char* type, const std::vector<std::string>& values) {
    const bool lower = std::string_view(type) != "url" && std::string_view(type) != "file_path" &&
                       std::string_view(type) != "registry_key";
    for (const auto& raw : values) {
      std::string value = one_line(raw, kMaxIocValueBytes);
      if (value.empty()) continue;
      if (std::string_view(type) == "file_path" &&
          (is_call_trace_frame(value) ||
           (config_.file_path_iocs == EvidencePackerConfig::FilePathIocs::unusual && is_usual_path(value)))) {
        continue;
      }
      if (lower) analysis::to_lower_in_place(value);
      std::string key = std::string(type) + "\n";
      key.append(value);
      if (!lower) analysis::to_lower_in_place(key);
      if (entities_.count(std::string_view(key).substr(key.find('\n') + 1))) c.names_incident_entity = true;
      auto it = ioc_index_.find(key);
      if (it == ioc_index_.end()) {
        if (out_.catalog.iocs.size() >= config_.max_iocs) {
          if (overflow_.size() < kMaxOverflowKeys && overflow_.insert("i" + key).second) ++out_.catalog.iocs_over_cap;
          continue;
        }
        it = ioc_index_.emplace(std::move(key), out_.catalog.iocs.size()).first;
        out_.catalog.iocs.push_back({type, std::move(value)});
      }
      if (std::find(c.iocs.begin(), c.iocs.end(), it->second) == c.iocs.end()) c.iocs.push_back(it->second);
    }
  }

  const analysis::Analyzer& analyzer_;
  const EvidencePackerConfig& config_;
  analysis::AnalysisState state_;
  EvidenceCandidates out_;
  // Every key below comes from event content, which an attacker may write: UntrustedHash.
  UntrustedStringSet entities_;
  UntrustedStringMap<std::size_t> seen_;  // dedupe keys -> candidate
  std::string content_key_, id_key_;      // of the event being added
  UntrustedStringMap<std::size_t> ioc_index_;
  UntrustedStringMap<std::size_t> rule_index_;
  UntrustedStringSet overflow_;
  // twin key -> (candidate index, channels merged into it)
  UntrustedStringMap<std::vector<std::pair<std::size_t, std::vector<std::string>>>> twins_;
};

}  // namespace

EvidenceCandidates collect_candidates(const Incident& incident, std::vector<ContextEvent>& events,
                                      const analysis::Analyzer& analyzer, const EvidencePackerConfig& config) {
  std::size_t over_cap = 0;
  if (events.size() > config.max_events) {
    const std::int64_t t0 = incident.time_ms;
    const auto distance = [t0](const ContextEvent& e) {
      if (t0 <= 0 || e.time_ms <= 0) return std::numeric_limits<std::int64_t>::max();
      return e.time_ms > t0 ? e.time_ms - t0 : t0 - e.time_ms;
    };
    std::stable_sort(events.begin(), events.end(), [&](const ContextEvent& a, const ContextEvent& b) {
      const bool at = a.source == "threat", bt = b.source == "threat";
      if (at != bt) return at;
      return distance(a) < distance(b);
    });
    over_cap = events.size() - config.max_events;
  }
  CandidateCollector collector(incident, analyzer, config);
  const std::size_t n = std::min(events.size(), config.max_events);
  for (std::size_t i = 0; i < n; ++i) collector.add(events[i], i);
  EvidenceCandidates out = collector.finish();
  out.over_cap = over_cap;
  return out;
}

void rank_candidates(EvidenceCandidates& candidates, const Incident& incident, const EvidenceRankWeights& w) {
  UntrustedStringMap<std::size_t> kinds;
  for (const auto& c : candidates.list) ++kinds[c.kind];
  for (auto& c : candidates.list) {
    double r = w.rule_hit * static_cast<double>(std::min<std::size_t>(c.rules.size(), 3));
    r += w.ioc * static_cast<double>(std::min<std::size_t>(c.iocs.size(), 8));
    r += w.rarity / static_cast<double>(kinds[c.kind]);
    r += w.severity * std::clamp(c.severity_score, 0, 100) / 100.0;
    if (c.names_incident_entity) r += w.incident_entity;
    if (c.threat_object) r += w.threat_source;
    if (incident.time_ms > 0 && c.time_ms > 0 && w.time_scale_ms > 0) {
      const double dt = std::fabs(static_cast<double>(c.time_ms - incident.time_ms));
      r += w.closeness / (1.0 + dt / static_cast<double>(w.time_scale_ms));
    }
    c.rank = r;
  }
}

}  // namespace triagent
