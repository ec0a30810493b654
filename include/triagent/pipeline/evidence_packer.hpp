#pragma once
// Stage 4 of the enrichment pipeline: pack the gathered context into evidence the analysts can
// read within a token budget. Normalize each event (a one-line summary and a compact key=value
// text of its interesting fields), collapse duplicates (and twins: one happening seen by DV and by
// Sysmon), run the built-in Analyzer on each (rule hits, IOCs, severity), rank, then fill the
// budget by rank. IOCs are the Analyzer's hashes, IPs, domains, URLs, e-mails, CVEs, registry keys
// and file paths (see file_path_iocs); a rule hit is a rule (Sigma title, or the source's own
// detection) on a host. Every IOC and every rule hit found
// is kept: the item that first shows one is always in the pack (its raw text is cut when the
// must-keep items alone overflow the budget; the values stay in its iocs / rule_ids, which the
// prompt renders). Ids ev-1.. follow time order. Also builds the timeline and the process tree.
//
//   auto analyzer = analysis::Analyzer::create({});
//   PackedEvidence out = pack_evidence(incident, std::move(events), *analyzer, EvidencePackerConfig{},
//                                      degraded, queries_run);
//   RenderedPrompt p = prompt.render(out.pack, policy);       // out.stats.tokens: its evidence part
//   note += render_process_tree_text(out.tree) + render_timeline_text(out.timeline);
//
// Token sizes are estimate_tokens() (prompt_template.hpp) of render_evidence_item() of each item,
// joined as the prompt joins them, so stats.tokens is what the evidence costs in the prompt.
// Hostile input stays bounded: at most max_events are read, max_iocs / max_rule_hits are tracked
// (beyond them the guarantee above no longer holds and the stats say how many were left out).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/context_event.hpp"
#include "triagent/pipeline/evidence_process_tree.hpp"
#include "triagent/pipeline/evidence_timeline.hpp"

namespace triagent {

// How much each signal adds to an event's rank.
struct EvidenceRankWeights {
  double rule_hit = 40;         // per distinct rule that fired on it, up to 3
  double ioc = 5;               // per IOC it holds, up to 8
  double rarity = 25;           // times 1 / (events of its kind): the 50th identical event ranks low
  double closeness = 20;        // times 1 / (1 + |t - incident time| / time_scale_ms)
  double severity = 20;         // times the Analyzer's 0-100 score / 100
  double incident_entity = 15;  // it names one of the incident's own hashes, IPs, domains, storylines
  double threat_source = 30;    // it is the threat object itself
  std::int64_t time_scale_ms = 15 * 60 * 1000;
};

struct EvidencePackerConfig {
  std::size_t token_budget = 2400;           // evidence only (the prompt's other parts come on top)
  std::size_t max_items = 60;                // items added for rank; must-keep items come on top
  std::size_t max_raw_bytes_per_item = 600;  // the key=value text of one item
  std::size_t max_field_value_bytes = 240;   // one value in that text
  std::size_t max_summary_bytes = 200;
  std::size_t max_events = 20000;   // read at most this many (the threat first, then nearest in time)
  std::size_t max_iocs = 300;       // distinct IOCs carried
  std::size_t max_rule_hits = 100;  // distinct (rule, host) hits carried
  std::size_t max_rules_per_item = 6;
  // Which file paths count as IOCs (registry keys always do): every one, only unusual ones (not
  // directories, not under System32, SysWOW64, WinSxS or Program Files: the OS's own binaries
  // named in every process event are not indicators), or none.
  enum class FilePathIocs { all, unusual, none };
  FilePathIocs file_path_iocs = FilePathIocs::unusual;
  EvidenceRankWeights weights;
  ProcessTreeLimits process_tree;

  // invalid_argument naming the key ("pipeline.evidence.token_budget: must be at least 200").
  Result<void> validate() const;
};

struct PackStats {
  std::size_t events_in = 0;        // events given
  std::size_t duplicates = 0;       // collapsed into an earlier identical event or twin
  std::size_t kept = 0;             // items in the pack
  std::size_t dropped = 0;          // distinct events not in the pack (events_in = duplicates + kept + dropped)
  std::size_t iocs_total = 0;       // distinct IOCs found in the events
  std::size_t iocs_kept = 0;        // of those, shown in the pack's items' iocs
  std::size_t rule_hits_total = 0;  // distinct (rule, host) hits
  std::size_t rule_hits_kept = 0;
  std::size_t tokens = 0;           // estimate_tokens of the rendered evidence
  std::size_t must_keep = 0;        // items kept for an IOC or a rule hit
  std::size_t items_shrunk = 0;     // items whose raw text was cut to fit
  std::size_t events_over_cap = 0;  // beyond max_events, not read
  bool over_budget = false;         // the must-keep items alone exceed token_budget
};

struct PackedEvidence {
  analysis::EvidencePack pack;
  Timeline timeline;
  ProcessTree tree;
  PackStats stats;
};

PackedEvidence pack_evidence(const Incident& incident, std::vector<ContextEvent> events,
                             const analysis::Analyzer& analyzer, const EvidencePackerConfig& config,
                             std::vector<analysis::DegradedSource> degraded = {},
                             std::vector<std::string> queries_run = {});

}  // namespace triagent
