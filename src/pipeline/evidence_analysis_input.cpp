#include "evidence_analysis_input.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "triagent/core/json_string_writer.hpp"
#include "evidence_text.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent {
namespace {

using analysis::ifind;

constexpr std::size_t kMaxKeys = 160;

class InputBuilder {
 public:
  InputBuilder(const ContextEvent& ev, std::size_t max_value) : ev_(ev), max_value_(max_value) {}

  void put(std::string_view key, std::string_view value) {
    if (value.empty() || out_.size() >= kMaxKeys) return;
    for (const auto& [k, v] : out_) {
      if (k == key) return;  // the first value given for a key wins
    }
    out_.emplace_back(key, std::string(value.substr(0, evidence_text::utf8_floor(value, max_value_))));
  }

  // A value by DV name: the event's fields first, then its raw object.
  std::string get(std::string_view key) const {
    for (const auto& [name, value] : ev_.fields) {
      if (name == key) return value;
    }
    return evidence_text::member_text(ev_.raw, key);
  }

  void fields() {
    for (const auto& [name, value] : ev_.fields) {
      if (name != "rule") put(name, value);
    }
  }

  void dataset_attributes() {
    if (!ev_.raw.is_object()) return;
    auto attrs = ev_.raw.find("attributes");
    if (attrs != ev_.raw.end() && attrs->is_object()) {
      for (auto it = attrs->begin(); it != attrs->end(); ++it) put(it.key(), evidence_text::scalar_text(it.value()));
    }
    put("message", evidence_text::member_text(ev_.raw, "message"));
  }

  void sysmon_view();

  // The object as nlohmann would dump it (keys sorted, as its std::map keeps them), written
  // directly: see triagent/core/json_string_writer.hpp for why.
  std::string text() {
    put("summary", ev_.summary);
    std::sort(out_.begin(), out_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (const auto& [k, v] : out_) {
      if (out.size() > 1) out += ',';
      append_json_string(out, k);
      out += ':';
      append_json_string(out, v);
    }
    out += '}';
    return out;
  }

 private:
  // Sysmon's Image is a full path; rules test it with endswith('\name.exe'), so a bare DV name
  // gets the separator those rules expect.
  std::string image(std::string_view path_key, std::string_view name_key) const {
    std::string path = get(path_key);
    if (!path.empty()) return path;
    std::string name = get(name_key);
    return name.empty() ? name : "\\" + name;
  }

  const ContextEvent& ev_;
  std::size_t max_value_;
  // Keys are literals or names inside ev_ (which outlives the builder); values are often
  // temporaries, so they are owned. At most kMaxKeys, so the linear duplicate check is cheap.
  std::vector<std::pair<std::string_view, std::string>> out_;
};

int sysmon_event_id(std::string_view type) {
  const auto has = [type](std::string_view w) { return ifind(type, w) != std::string_view::npos; };
  if (has("Process Creation")) return 1;
  if (has("File Deletion")) return 23;
  if (has("File Creation") || has("File Modification") || has("File Rename")) return 11;
  if (has("Registry Value")) return 13;
  if (has("Registry Key")) return 12;
  if (has("DNS")) return 22;
  if (has("IP Connect") || has("IP Listen")) return 3;
  if (has("Open Remote Process Handle") || has("Duplicate Process Handle") || has("Duplicate Thread Handle")) return 10;
  if (has("Module Load")) return 7;
  return 0;
}

void InputBuilder::sysmon_view() {
  std::string os = get("agentOs");
  if (os.empty()) os = get("endpointOs");
  if (!os.empty() && !analysis::iequals(os, "windows")) return;
  std::string type = get("eventType");
  if (type.empty()) type = ev_.summary.substr(0, ev_.summary.find(':'));  // DV summaries start with it
  const int id = sysmon_event_id(type);
  if (id == 0) return;
  put("Channel", "Microsoft-Windows-Sysmon/Operational");
  put("EventID", std::to_string(id));
  const std::string img = image("processImagePath", "processName");
  if (id == 10) {
    put("SourceImage", img);
    put("TargetImage", image("tgtProcImagePath", "tgtProcName"));
    put("GrantedAccess", get("tgtProcAccessRights"));
    return;
  }
  put("Image", img);
  put("User", ev_.user);
  switch (id) {
    case 1: {
      put("CommandLine", get("processCmd"));
      put("ParentImage", image("parentProcessImagePath", "parentProcessName"));
      put("ProcessId", get("pid"));
      put("ParentProcessId", get("parentPid"));
      if (std::string sha1 = get("processImageSha1Hash"); !sha1.empty()) put("Hashes", "SHA1=" + sha1);
      break;
    }
    case 11:
    case 23:
      put("TargetFilename", get("fileFullName"));
      break;
    case 12:
    case 13:
      put("TargetObject", get("registryKeyPath"));
      put("Details", get("registryValue"));
      break;
    case 22:
      put("QueryName", get("dnsRequest"));
      put("QueryResults", get("dnsResponse"));
      break;
    case 3:
      put("DestinationIp", get("dstIp"));
      put("DestinationPort", get("dstPort"));
      put("SourceIp", get("srcIp"));
      put("SourcePort", get("srcPort"));
      put("Initiated", analysis::iequals(get("netEventDirection"), "OUTGOING") ? "true" : "");
      break;
    case 7:
      put("ImageLoaded", get("modulePath"));
      break;
    default:
      break;
  }
}

}  // namespace

std::string evidence_analysis_input(const ContextEvent& event, std::size_t max_value_bytes) {
  InputBuilder b(event, max_value_bytes);
  if (event.source == "deep_visibility") b.sysmon_view();
  b.fields();
  if (event.source == "dataset") b.dataset_attributes();
  return b.text();
}

analysis::EvidenceSource evidence_source_of(std::string_view source) {
  if (source == "threat_notes") return analysis::EvidenceSource::threat;
  return analysis::parse_evidence_source(source).value_or(analysis::EvidenceSource::webhook);
}

}  // namespace triagent
