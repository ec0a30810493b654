#include "evidence_selection.hpp"

#include <algorithm>

#include "evidence_text.hpp"
#include "triagent/analysis/prompt_evidence.hpp"
#include "triagent/analysis/prompt_template.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent {

using analysis::EvidenceItem;

namespace {

// Raw-text caps tried, in turn, on must-keep items when they alone overflow the budget, and the
// smaller cap an optional item may take to fit.
constexpr std::size_t kShrinkCaps[] = {240, 120, 0};
constexpr std::size_t kSmallRawCap = 120;
// A value cut to fit keeps at least this much of its head.
constexpr std::size_t kMinValueBytes = 40;
// Below this much room no item fits (the tags and the time alone take about 90 bytes).
constexpr std::size_t kMinItemBytes = 100;

// Does the item already show `value` (in its summary, host, user or iocs)? Then its field would
// only repeat it.
bool already_shown(const EvidenceItem& item, const std::string& value) {
  if (value.size() >= 3 && item.summary.find(value) != std::string::npos) return true;
  if (value == item.host || value == item.user) return true;
  return std::any_of(item.iocs.begin(), item.iocs.end(),
                     [&value](const analysis::EvidenceIoc& i) { return analysis::iequals(i.value, value); });
}

// "name=value" lines of what the item does not already show, while they fit in `max_bytes`,
// then how many were left out.
std::string key_value_text(const EvidenceItem& item, const std::vector<std::pair<std::string, std::string>>& fields,
                           std::size_t max_bytes, bool& cut) {
  std::vector<const std::pair<std::string, std::string>*> shown;
  for (const auto& f : fields) {
    if (!already_shown(item, f.second)) shown.push_back(&f);
  }
  std::string out;
  cut = false;
  if (max_bytes == 0) {
    cut = !shown.empty();
    return out;
  }
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const auto& [name, value] = *shown[i];
    const std::size_t head = (out.empty() ? 0 : 1) + name.size() + 1;
    if (out.size() + head + value.size() > max_bytes) {
      cut = true;
      // A long value (a command line) is worth its first part rather than nothing.
      if (out.size() + head + kMinValueBytes + 3 <= max_bytes) {
        if (!out.empty()) out.push_back('\n');
        const std::size_t room = max_bytes - out.size() - name.size() - 1 - 3;
        out += name + "=" + value.substr(0, evidence_text::utf8_floor(value, room)) + "...";
        ++i;
      }
      if (i < shown.size()) {
        out += (out.empty() ? "(" : "\n(") + std::to_string(shown.size() - i) + " more fields left out)";
      }
      break;
    }
    if (!out.empty()) out.push_back('\n');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

// A rule hit's label: the catalog keys it as "label\nhost".
std::string rule_label(const std::string& rule_hit) { return rule_hit.substr(0, rule_hit.find('\n')); }

}  // namespace

EvidenceSelection::EvidenceSelection(const EvidenceCandidates& c, const EvidencePackerConfig& config)
    : c_(c), config_(config), budget_bytes_(config.token_budget * 4) {
  // Sized with the widest id the pack can hold, so the final ids never make an item larger.
  placeholder_id_ = "ev-" + std::string(std::to_string(c.list.size() + 1).size(), '9');
  order_.resize(c.list.size());
  for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
    if (c.list[a].rank != c.list[b].rank) return c.list[a].rank > c.list[b].rank;
    return c.list[a].time_ms < c.list[b].time_ms;
  });
  assigned_.resize(c.list.size());
  assigned_rules_.resize(c.list.size());
}

// Every IOC and rule hit goes to the highest-ranked event that holds it, and that event is kept.
void EvidenceSelection::choose_must_keep() {
  std::vector<bool> ioc_done(c_.catalog.iocs.size()), rule_done(c_.catalog.rule_hits.size());
  for (std::size_t i : order_) {
    const EvidenceCandidate& cand = c_.list[i];
    bool needed = false;
    for (std::size_t k : cand.iocs) {
      if (!ioc_done[k]) {
        ioc_done[k] = true;
        assigned_[i].push_back(k);
        needed = true;
      }
    }
    for (std::size_t k : cand.rule_hits) {
      if (!rule_done[k]) {
        rule_done[k] = true;
        assigned_rules_[i].push_back(k);
        needed = true;
      }
    }
    if (needed) add(i, config_.max_raw_bytes_per_item);
  }
  must_keep_ = chosen_.size();
}

// Cuts the raw text of must-keep items, lowest rank first, one cap at a time, until they fit.
void EvidenceSelection::shrink_to_budget() {
  for (std::size_t cap : kShrinkCaps) {
    for (std::size_t k = chosen_.size(); k-- > 0 && total_bytes() > budget_bytes_;) {
      if (chosen_[k].raw_cap > cap) resize(k, cap);
    }
    if (total_bytes() <= budget_bytes_) return;
  }
}

// Then the rest by rank, each at its full raw text or a short one, while the budget lasts.
void EvidenceSelection::fill_by_rank() {
  std::vector<bool> taken(c_.list.size());
  for (const auto& ch : chosen_) taken[ch.candidate] = true;
  std::size_t added = 0;
  for (std::size_t i : order_) {
    if (added >= config_.max_items || total_bytes() + kMinItemBytes > budget_bytes_) break;
    if (taken[i]) continue;
    for (std::size_t cap : {config_.max_raw_bytes_per_item, std::min(kSmallRawCap, config_.max_raw_bytes_per_item)}) {
      Chosen trial = make(i, cap);
      if (total_bytes() + 1 + trial.bytes <= budget_bytes_) {
        bytes_sum_ += trial.bytes;
        chosen_.push_back(std::move(trial));
        ++added;
        break;
      }
    }
  }
}

// The pack's items in time order (unknown times last), with their ids.
std::vector<EvidenceItem> EvidenceSelection::items(PackStats& stats) {
  std::stable_sort(chosen_.begin(), chosen_.end(), [&](const Chosen& a, const Chosen& b) {
    const auto& x = c_.list[a.candidate];
    const auto& y = c_.list[b.candidate];
    if ((x.time_ms > 0) != (y.time_ms > 0)) return x.time_ms > 0;
    if (x.time_ms != y.time_ms) return x.time_ms < y.time_ms;
    return x.rank > y.rank;
  });
  std::vector<EvidenceItem> out;
  out.reserve(chosen_.size());
  std::string rendered;  // as PromptTemplate::render joins them
  std::vector<bool> rule_hit_shown(c_.catalog.rule_hits.size());
  for (auto& ch : chosen_) {
    ch.item.id = "ev-" + std::to_string(out.size() + 1);
    if (!rendered.empty()) rendered.push_back('\n');
    rendered += analysis::render_evidence_item(ch.item);
    stats.items_shrunk += ch.shrunk;
    stats.iocs_kept += ch.item.iocs.size();  // each IOC is assigned to one item only
    for (std::size_t k : c_.list[ch.candidate].rule_hits) rule_hit_shown[k] = true;
    out.push_back(std::move(ch.item));
  }
  stats.tokens = analysis::estimate_tokens(rendered);
  stats.rule_hits_kept = static_cast<std::size_t>(std::count(rule_hit_shown.begin(), rule_hit_shown.end(), true));
  stats.must_keep = must_keep_;
  stats.over_budget = rendered.size() > budget_bytes_;
  return out;
}

// candidate index -> evidence id, for the process tree.
std::vector<std::string> EvidenceSelection::ids_by_candidate(const std::vector<EvidenceItem>& items) const {
  std::vector<std::string> ids(c_.list.size());
  for (std::size_t k = 0; k < chosen_.size(); ++k) ids[chosen_[k].candidate] = items[k].id;
  return ids;
}

EvidenceSelection::Chosen EvidenceSelection::make(std::size_t i, std::size_t raw_cap) const {
  const EvidenceCandidate& cand = c_.list[i];
  Chosen ch;
  ch.candidate = i;
  ch.raw_cap = raw_cap;
  EvidenceItem& item = ch.item;
  item.id = placeholder_id_;
  item.source = cand.source;
  item.time_ms = cand.time_ms;
  item.host = cand.host;
  item.user = cand.user;
  item.summary = cand.summary;
  if (cand.repeats) item.summary += " (seen " + std::to_string(cand.repeats + 1) + " times)";
  if (!cand.also_in.empty()) {
    item.summary += " (also in";
    for (const auto& a : cand.also_in) item.summary += " " + a;
    item.summary += ")";
  }
  // A must-keep item shows the rule hits it is the first to show, so a rule that fired on ten
  // events of a host is named once; an item added for its rank shows all of its own.
  const bool must = !assigned_[i].empty() || !assigned_rules_[i].empty();
  for (std::size_t k : must ? assigned_rules_[i] : cand.rule_hits) {
    std::string label = rule_label(c_.catalog.rule_hits[k]);
    if (item.rule_ids.size() < config_.max_rules_per_item &&
        std::find(item.rule_ids.begin(), item.rule_ids.end(), label) == item.rule_ids.end()) {
      item.rule_ids.push_back(std::move(label));
    }
  }
  for (std::size_t k : assigned_[i]) item.iocs.push_back(c_.catalog.iocs[k]);
  bool cut = false;
  item.raw = key_value_text(item, cand.fields, raw_cap, cut);
  ch.shrunk = cut && raw_cap < config_.max_raw_bytes_per_item;
  ch.bytes = analysis::render_evidence_item(item).size();
  return ch;
}

void EvidenceSelection::add(std::size_t i, std::size_t raw_cap) {
  chosen_.push_back(make(i, raw_cap));
  bytes_sum_ += chosen_.back().bytes;
}

void EvidenceSelection::resize(std::size_t k, std::size_t raw_cap) {
  bytes_sum_ -= chosen_[k].bytes;
  chosen_[k] = make(chosen_[k].candidate, raw_cap);
  bytes_sum_ += chosen_[k].bytes;
}

}  // namespace triagent
