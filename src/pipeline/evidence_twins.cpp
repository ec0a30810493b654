#include "evidence_twins.hpp"

#include <initializer_list>

#include "evidence_text.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent {
namespace {

using analysis::ifind;
using analysis::to_lower;

std::string base_name_lower(std::string_view path) {
  const std::size_t slash = path.find_last_of("\\/");
  return to_lower(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

class Reader {
 public:
  Reader(const ContextEvent& ev, const nlohmann::json& object) : ev_(ev), object_(object) {}
  std::string get(std::initializer_list<std::string_view> keys) const {
    for (auto k : keys) {
      for (const auto& [name, value] : ev_.fields) {
        if (name == k && !value.empty()) return value;
      }
      if (std::string v = evidence_text::member_text(object_, k); !v.empty() && v != "-") return v;
    }
    return {};
  }

 private:
  const ContextEvent& ev_;
  const nlohmann::json& object_;
};

bool dv_signature(const ContextEvent& ev, EventSignature& sig) {
  const Reader r(ev, ev.raw);
  std::string type = r.get({"eventType"});
  if (type.empty()) type = ev.summary.substr(0, ev.summary.find(':'));
  const auto has = [&type](std::string_view w) { return ifind(type, w) != std::string_view::npos; };
  sig.channel = "deep_visibility";
  if (has("Process Creation")) {
    std::string name = r.get({"processName"});
    if (name.empty()) name = r.get({"tgtProcName"});
    sig.category = "process_creation";
    sig.subject = base_name_lower(name);
  } else if (has("Open Remote Process Handle") || has("Duplicate Process Handle")) {
    sig.category = "process_access";
    sig.subject =
        base_name_lower(r.get({"processName", "srcProcName"})) + ">" + base_name_lower(r.get({"tgtProcName"}));
  } else if (has("File ")) {
    sig.category = "file";
    sig.subject = to_lower(r.get({"fileFullName", "tgtFilePath"}));
  } else if (has("IP Connect")) {
    sig.category = "network";
    sig.subject = r.get({"dstIp"}) + ":" + r.get({"dstPort"});
  } else if (has("DNS")) {
    sig.category = "dns";
    sig.subject = to_lower(r.get({"dnsRequest"}));
  } else if (has("Registry")) {
    sig.category = "registry";
    sig.subject = to_lower(r.get({"registryKeyPath"}));
  } else if (has("Login")) {
    sig.category = "logon";
    sig.subject = to_lower(r.get({"loginsUserName"}));
  }
  return !sig.category.empty();
}

bool windows_signature(const ContextEvent& ev, EventSignature& sig) {
  static const nlohmann::json kNone;
  const bool object = ev.raw.is_object();
  const auto member = [&](const char* key) -> const nlohmann::json& {
    if (!object) return kNone;
    auto it = ev.raw.find(key);
    return it == ev.raw.end() ? kNone : *it;
  };
  const nlohmann::json& attrs = member("attributes").is_object() ? member("attributes") : ev.raw;
  const Reader r(ev, attrs);
  const long long id = analysis::parse_uint(r.get({"EventID"}));
  std::string channel = r.get({"Channel"});
  if (channel.empty()) channel = evidence_text::member_text(member("session_attributes"), "logfile");
  const bool sysmon = ifind(channel, "sysmon") != std::string_view::npos;
  const bool security = analysis::iequals(channel, "Security");
  sig.channel = "dataset|" + channel;
  if ((sysmon && id == 1) || (security && id == 4688)) {
    sig.category = "process_creation";
    sig.subject = base_name_lower(r.get({"Image", "NewProcessName"}));
  } else if (sysmon && id == 10) {
    sig.category = "process_access";
    sig.subject = base_name_lower(r.get({"SourceImage"})) + ">" + base_name_lower(r.get({"TargetImage"}));
  } else if (sysmon && (id == 11 || id == 23)) {
    sig.category = "file";
    sig.subject = to_lower(r.get({"TargetFilename"}));
  } else if (sysmon && id == 3) {
    sig.category = "network";
    sig.subject = r.get({"DestinationIp"}) + ":" + r.get({"DestinationPort"});
  } else if (sysmon && id == 22) {
    sig.category = "dns";
    sig.subject = to_lower(r.get({"QueryName"}));
  } else if (sysmon && (id == 12 || id == 13 || id == 14)) {
    sig.category = "registry";
    sig.subject = to_lower(r.get({"TargetObject"}));
  } else if (security && id == 4624) {
    sig.category = "logon";
    sig.subject = to_lower(r.get({"TargetUserName"}));
  }
  return !sig.category.empty();
}

}  // namespace

std::string short_host(std::string_view host) {
  const bool address =
      host.find(':') != std::string_view::npos || host.find_first_not_of("0123456789.") == std::string_view::npos;
  return to_lower(address ? host : host.substr(0, host.find('.')));
}

std::optional<EventSignature> event_signature(const ContextEvent& ev) {
  EventSignature sig;
  sig.host = short_host(ev.host);
  if (sig.host.empty()) return std::nullopt;
  bool ok = false;
  if (ev.source == "deep_visibility") {
    ok = dv_signature(ev, sig);
  } else if (ev.source == "dataset") {
    ok = windows_signature(ev, sig);
  }
  if (!ok || sig.subject.empty() || sig.subject == ":" || sig.subject == ">") return std::nullopt;
  return sig;
}

}  // namespace triagent
