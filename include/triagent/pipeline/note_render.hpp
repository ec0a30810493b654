#pragma once
// The case note the Deliver stage posts on a Singularity threat (or UAM alert), and the tags that
// label it. The console shows notes as plain text, so the note is plain text: short titled
// sections, "- " lists and a "|" evidence table, in this order:
//
//   [triagent:job-42] [AI-Generated Draft]          <- marker (+ heading): never cut
//   Incident: singularity threat 2287651234567890101 - <title>
//   Summary: ...                                    <- never dropped (cut only as a last resort)
//   Assessment: severity high (score 72/100), confidence 0.85, suggested verdict: true_positive
//   Degraded: Deep Visibility unavailable (timeout) <- never cut; placed high so nobody misses it
//   ATT&CK techniques / IOCs / Impacted assets / Timeline / Evidence (id | time | host | source |
//   summary) / Process tree / Root cause / Recommended actions / Queries run
//   -- triagent | provider openai | model gpt-4o | template analysis-v3
//
// Over NoteLimits::max_chars, sections lose lines from the end in this order, each ending with
// "... N more ...": evidence, timeline, process tree, queries, IOCs, assets, techniques, actions;
// then the root cause and at last the summary are shortened. apis.md B.4 documents no note length
// limit, so 4000 characters (code points) is our own default, small enough for the console's note
// pane. Every untrusted text is cleaned (controls, invisible format characters, invalid UTF-8) and
// any "[triagent:" it contains is defused, so the note holds exactly one marker: its job's.
//
//   NoteInput in;
//   in.job_id = "job-42"; in.heading = "[AI-Generated Draft]";
//   in.incident = incident; in.output = analysis; in.pack = pack;
//   in.actions_needing_approval = {"isolate_endpoint"};
//   in.provider = "openai"; in.model = "gpt-4o"; in.prompt_template_id = "analysis-v3";
//   Result<std::string> note = render_case_note(in);     // invalid_argument for a bad job id
//   std::vector<std::string> tags = render_tags(analysis);  // {"triagent", "severity:high", ...}

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

struct NoteInput {
  std::string job_id;   // [A-Za-z0-9._:-], 1..64: it becomes the marker "[triagent:<job_id>]"
  std::string heading;  // "[AI-Generated Draft]" in assist mode, else ""
  Incident incident;
  analysis::AnalysisOutput output;  // placeholders already restored
  analysis::EvidencePack pack;
  // The timeline stage's lines, chronological; empty: output.timeline, sorted by time.
  std::vector<std::string> timeline_lines;
  std::string process_tree;  // several lines; "" leaves the section out
  // Merged with pack.queries_run / pack.degraded_sources (duplicates shown once).
  std::vector<std::string> queries_run;
  std::vector<analysis::DegradedSource> degraded_sources;
  // Recommended actions governance holds for a human: shown with "(needs approval)".
  std::vector<std::string> actions_needing_approval;
  std::string provider;
  std::string model;
  std::string prompt_template_id;
};

struct NoteLimits {
  std::size_t max_chars = 4000;           // the whole note, in Unicode code points
  std::size_t max_timeline_lines = 40;    // before length-based shortening
  std::size_t max_evidence_rows = 40;
  std::size_t max_list_items = 25;        // techniques, IOCs, assets, actions, queries, tree lines
  std::size_t max_line_chars = 400;       // one line of untrusted text (a query, an event)

  // "pipeline.delivery.note.max_chars: must be within [1000, 100000]" and the like.
  Result<void> validate() const;
};

// "[triagent:<job_id>]"; invalid_argument when the job id is empty, longer than 64 or holds
// anything but [A-Za-z0-9._:-] (a ']' would let one job's marker contain another's).
Result<std::string> note_marker(std::string_view job_id);

// The note, at most limits.max_chars code points, starting with note_marker(input.job_id).
Result<std::string> render_case_note(const NoteInput& input, const NoteLimits& limits = {});

// Tags for the threat: "triagent", "severity:<s>", "verdict:<v>" (unless undefined), then
// "attack.<technique id>" per technique, then the analysis's own tags; each lower-cased and reduced
// to [a-z0-9:._-] (spaces and '/' become '-'), at most 64 bytes, duplicates and empties dropped, at
// most 20 in all.
std::vector<std::string> render_tags(const analysis::AnalysisOutput& output);

// One tag as render_tags normalizes it; "" when nothing usable remains.
std::string normalize_tag(std::string_view raw);

}  // namespace triagent
