// The shipped context templates (context_template.hpp lists them and says why DV is one query).
// config/triagent.yaml carries the same text; keep the two in step.

#include "triagent/pipeline/context_template.hpp"

namespace triagent {

namespace {

ContextTemplate make_template(std::string name, ContextSource source, std::string text, int before, int after,
                              int max_results) {
  ContextTemplate t;
  t.name = std::move(name);
  t.source = source;
  t.text = std::move(text);
  t.window_before_minutes = before;
  t.window_after_minutes = after;
  t.max_results = max_results;
  return t;
}

}  // namespace

std::vector<ContextTemplate> default_context_templates() {
  std::vector<ContextTemplate> out;
  // Everything the host logged around the alert; SDL stores EDR events under endpoint.name.
  out.push_back(make_template("dataset_host_events", ContextSource::dataset_query,
                              "serverHost = {{host}} or endpoint.name = {{host}}", 30, 30, 200));
  // The account wherever it appears (other hosts too: that is how lateral movement shows).
  out.push_back(make_template("dataset_user_events", ContextSource::dataset_powerquery,
                              "{{user_name}} | columns timestamp, serverHost, logfile, message | sort timestamp "
                              "| limit {{max_results}}",
                              30, 30, 200));
  out.push_back(make_template(
      "dv_agent_events", ContextSource::deep_visibility,
      "AgentUUID = {{agent_uuid}} AND EventType In (\"Process Creation\", \"File Creation\", \"File Modification\", "
      "\"File Deletion\", \"File Rename\", \"IP Connect\", \"IP Listen\", \"DNS Resolved\", \"DNS Unresolved\", "
      "\"Registry Key Create\", \"Registry Key Delete\", \"Registry Value Create\", \"Registry Value Modified\", "
      "\"Registry Value Delete\", \"Login\", \"Logout\")",
      30, 30, 500));
  out.push_back(make_template("dv_storyline_events", ContextSource::storyline, "SrcProcStorylineId = {{storyline}}", 60,
                              60, 500));
  out.push_back(make_template("threat_notes", ContextSource::threat_notes, "{{threat_id}}", 0, 0, 50));
  return out;
}

}  // namespace triagent
