// The hand-written checks of config/prompts/analysis_output.schema.json, plus the checks no schema
// can express (catalog, allow-list, evidence). Each section reads one top-level property; a claim
// with an error is reported and left out, so one answer yields every error at once for the repair.
#include "triagent/analysis/analysis_output_validator.hpp"

#include <algorithm>

#include "analysis_output_checks.hpp"
#include "analysis_output_grounding.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::analysis {
namespace {

using Json = nlohmann::json;
using Limits = AnalysisOutputLimits;
using IdSet = std::set<std::string, std::less<>>;

const std::vector<std::string_view> kTopLevel = {
    "summary", "severity", "severity_score", "confidence", "verdict", "techniques", "iocs",
    "impacted_assets", "timeline", "root_cause", "recommended_actions", "tags", "evidence_ids"};

std::string at(const std::string& path, std::size_t i) { return path + "/" + std::to_string(i); }

bool is_technique_pattern(std::string_view id) {
  // ^T[0-9]{4}(\.[0-9]{3})?$
  if ((id.size() != 5 && id.size() != 9) || id[0] != 'T' || !all_digits(id.substr(1, 4))) return false;
  return id.size() == 5 || (id[5] == '.' && all_digits(id.substr(6)));
}

// ^[A-Za-z0-9][A-Za-z0-9 ._:/+-]*$ : tags are written to SentinelOne and DataSet as they are.
bool is_tag(std::string_view t) {
  if (t.empty() || !is_alnum(t[0])) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return is_alnum(c) || c == ' ' || c == '.' || c == '_' || c == ':' || c == '/' || c == '+' || c == '-';
  });
}

class Validator {
 public:
  Validator(const EvidencePack& pack, const AttackCatalog& catalog, const ActionPolicy& policy, ValidationResult& r)
      : pack_(pack), catalog_(catalog), policy_(policy), c_(r.errors, r.notes, ValidationResult::kMaxErrors) {
    for (const auto& item : pack.items) known_ids_.insert(item.id);
  }

  bool run(const Json& root, AnalysisOutput& out) {
    if (!c_.object_value(root, "", kTopLevel, kTopLevel)) {
      if (!root.is_object()) return false;
    }
    scalars(root, out);
    if (root.contains("techniques")) techniques(root["techniques"], out.techniques);
    if (root.contains("iocs")) iocs(root["iocs"], out.iocs);
    if (root.contains("impacted_assets")) assets(root["impacted_assets"], out.impacted_assets);
    if (root.contains("timeline")) timeline(root["timeline"], out.timeline);
    if (root.contains("recommended_actions")) actions(root["recommended_actions"], out.recommended_actions);
    if (root.contains("tags")) tags(root["tags"], out.tags);
    if (root.contains("evidence_ids")) {
      c_.evidence_ids(root["evidence_ids"], "/evidence_ids", known_ids_, 0, Limits::evidence_ids, out.evidence_ids);
    }
    return c_.error_count() == 0;
  }

 private:
  void scalars(const Json& root, AnalysisOutput& out) {
    if (root.contains("summary")) c_.string_value(root["summary"], "/summary", 1, Limits::summary_chars, out.summary);
    if (root.contains("root_cause")) {
      c_.string_value(root["root_cause"], "/root_cause", 0, Limits::root_cause_chars, out.root_cause);
    }
    std::string name;
    bool severity_ok = false;
    if (root.contains("severity") && c_.string_value(root["severity"], "/severity", 1, 16, name)) {
      if (auto s = parse_output_severity(name)) {
        out.severity = *s;
        severity_ok = true;
      } else {
        c_.error("/severity", "not one of info, low, medium, high, critical: " + shown(name));
      }
    }
    const bool score_ok =
        root.contains("severity_score") && c_.integer_value(root["severity_score"], "/severity_score", 0, 100, out.severity_score);
    if (severity_ok && score_ok && severity_for_score(out.severity_score) != out.severity) {
      c_.note("/severity", std::string(to_string(out.severity)) + " while severity_score " +
                               std::to_string(out.severity_score) + " means " +
                               to_string(severity_for_score(out.severity_score)));
    }
    if (root.contains("confidence")) c_.number_value(root["confidence"], "/confidence", 0, 1, out.confidence);
    if (root.contains("verdict") && c_.string_value(root["verdict"], "/verdict", 1, 32, name)) {
      if (auto v = parse_verdict(name)) out.verdict = *v;
      else c_.error("/verdict", "not one of true_positive, suspicious, false_positive, undefined: " + shown(name));
    }
  }

  void techniques(const Json& list, std::vector<TechniqueClaim>& out) {
    if (!c_.array_value(list, "/techniques", Limits::techniques)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/techniques", i);
      const Json& t = list[i];
      if (!c_.object_value(t, path, {"id", "name", "evidence_ids"}, {"id", "evidence_ids"})) continue;
      TechniqueClaim claim;
      std::string id;
      const bool id_ok = c_.string_value(t["id"], path + "/id", 1, 32, id);
      std::string ignored_name;
      if (t.contains("name")) c_.string_value(t["name"], path + "/name", 0, Limits::name_chars, ignored_name);
      const bool ids_ok =
          c_.evidence_ids(t["evidence_ids"], path + "/evidence_ids", known_ids_, 1, Limits::claim_evidence_ids, claim.evidence_ids);
      if (!id_ok) continue;
      const auto normalized = catalog_.normalize(id);
      const Technique* technique = normalized ? catalog_.find(*normalized) : nullptr;
      if (!technique) {
        c_.error(path + "/id", (is_technique_pattern(id) ? "unknown technique " : "not an ATT&CK technique id ") + shown(id));
        continue;
      }
      if (technique->id != id) {
        c_.note(path + "/id", (is_technique_pattern(id) ? "retired technique " : "technique ") + shown(id) +
                                  " replaced by " + technique->id);
      }
      if (!ids_ok) continue;
      claim.id = technique->id;
      claim.name = technique->name;  // the catalog's, whatever the model called it
      merge(out, std::move(claim), path);
    }
  }

  void merge(std::vector<TechniqueClaim>& out, TechniqueClaim claim, const std::string& path) {
    auto same = std::find_if(out.begin(), out.end(), [&](const TechniqueClaim& t) { return t.id == claim.id; });
    if (same == out.end()) {
      out.push_back(std::move(claim));
      return;
    }
    c_.note(path + "/id", "duplicate of an earlier technique " + claim.id + ", merged");
    for (auto& id : claim.evidence_ids) {
      if (std::find(same->evidence_ids.begin(), same->evidence_ids.end(), id) == same->evidence_ids.end() &&
          same->evidence_ids.size() < Limits::claim_evidence_ids) {
        same->evidence_ids.push_back(std::move(id));
      }
    }
  }

  void iocs(const Json& list, std::vector<IocClaim>& out) {
    if (!c_.array_value(list, "/iocs", Limits::iocs)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/iocs", i);
      const Json& item = list[i];
      if (!c_.object_value(item, path, {"type", "value", "evidence_ids"}, {"type", "value", "evidence_ids"})) continue;
      IocClaim claim;
      std::string type;
      bool ok = c_.string_value(item["type"], path + "/type", 1, 32, type);
      if (ok) {
        if (auto t = parse_ioc_type(type)) claim.type = *t;
        else {
          c_.error(path + "/type", "unknown IOC type " + shown(type));
          ok = false;
        }
      }
      ok = c_.string_value(item["value"], path + "/value", 1, Limits::ioc_value_chars, claim.value) && ok;
      ok = c_.evidence_ids(item["evidence_ids"], path + "/evidence_ids", known_ids_, 0, Limits::claim_evidence_ids,
                           claim.evidence_ids) && ok;
      if (!ok) continue;
      if (!is_well_formed_ioc(claim.type, claim.value)) {
        c_.note(path, std::string("dropped: ") + shown(claim.value) + " is not a well-formed " + to_string(claim.type));
        continue;
      }
      if (!evidence_text().mentions(claim.value)) {
        c_.note(path, "dropped: " + shown(claim.value) + " appears nowhere in the evidence");
        continue;
      }
      const std::string key = to_lower(claim.value);
      const bool duplicate = std::any_of(out.begin(), out.end(), [&](const IocClaim& o) {
        return o.type == claim.type && to_lower(o.value) == key;
      });
      if (!duplicate) out.push_back(std::move(claim));
    }
  }

  void assets(const Json& list, std::vector<ImpactedAsset>& out) {
    if (!c_.array_value(list, "/impacted_assets", Limits::impacted_assets)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/impacted_assets", i);
      const Json& item = list[i];
      if (!c_.object_value(item, path, {"kind", "name"}, {"kind", "name"})) continue;
      ImpactedAsset asset;
      std::string kind;
      bool ok = c_.string_value(item["kind"], path + "/kind", 1, 32, kind);
      if (ok) {
        if (auto k = parse_asset_kind(kind)) asset.kind = *k;
        else {
          c_.error(path + "/kind", "not one of host, user, account, service: " + shown(kind));
          ok = false;
        }
      }
      ok = c_.string_value(item["name"], path + "/name", 1, Limits::name_chars, asset.name) && ok;
      if (ok) out.push_back(std::move(asset));
    }
  }

  void timeline(const Json& list, std::vector<TimelineEntry>& out) {
    if (!c_.array_value(list, "/timeline", Limits::timeline)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/timeline", i);
      const Json& item = list[i];
      if (!c_.object_value(item, path, {"time", "event", "evidence_ids"}, {"time", "event", "evidence_ids"})) continue;
      TimelineEntry entry;
      bool ok = c_.string_value(item["time"], path + "/time", 1, Limits::time_chars, entry.time);
      ok = c_.string_value(item["event"], path + "/event", 1, Limits::text_chars, entry.event) && ok;
      ok = c_.evidence_ids(item["evidence_ids"], path + "/evidence_ids", known_ids_, 0, Limits::claim_evidence_ids,
                           entry.evidence_ids) && ok;
      if (ok) out.push_back(std::move(entry));
    }
  }

  void actions(const Json& list, std::vector<RecommendedAction>& out) {
    if (!c_.array_value(list, "/recommended_actions", Limits::recommended_actions)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/recommended_actions", i);
      const Json& item = list[i];
      if (!c_.object_value(item, path, {"action", "params", "reason"}, {"action", "reason"})) continue;
      RecommendedAction action;
      bool ok = c_.string_value(item["action"], path + "/action", 1, 64, action.action);
      if (ok && !is_known_action(action.action)) {
        c_.error(path + "/action", "unknown action " + shown(action.action));
        ok = false;
      } else if (ok && !policy_.allows(action.action)) {
        c_.error(path + "/action", "action " + action.action + " is not allowed (allowed: " + allowed_list() + ")");
        ok = false;
      }
      if (item.contains("params")) ok = params(item["params"], path + "/params", action.params) && ok;
      ok = c_.string_value(item["reason"], path + "/reason", 1, Limits::text_chars, action.reason) && ok;
      if (ok) out.push_back(std::move(action));
    }
  }

  // Flat parameters only: governance binds approvals to them, and nested values would hide things.
  bool params(const Json& v, const std::string& path, Json& out) {
    if (!v.is_object()) {
      c_.error(path, std::string("expected object, got ") + v.type_name());
      return false;
    }
    if (v.size() > Limits::action_params) {
      c_.error(path, "more than " + std::to_string(Limits::action_params) + " properties");
      return false;
    }
    bool ok = true;
    for (const auto& [key, value] : v.items()) {
      const std::string p = path + "/" + pointer_segment(key);
      std::string ignored;
      if (value.is_string()) ok = c_.string_value(value, p, 0, Limits::text_chars, ignored) && ok;
      else if (!value.is_number() && !value.is_boolean()) {
        c_.error(p, std::string("expected string, number or boolean, got ") + value.type_name());
        ok = false;
      }
    }
    if (ok) out = v;
    return ok;
  }

  void tags(const Json& list, std::vector<std::string>& out) {
    if (!c_.array_value(list, "/tags", Limits::tags)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = at("/tags", i);
      std::string tag;
      if (!c_.string_value(list[i], path, 1, Limits::tag_chars, tag)) continue;
      if (!is_tag(tag)) {
        c_.error(path, "tag " + shown(tag) + " has characters other than letters, digits and ' ._:/+-'");
      } else if (std::find(out.begin(), out.end(), tag) == out.end()) {
        out.push_back(std::move(tag));
      }
    }
  }

  std::string allowed_list() const {
    std::string s;
    for (const auto& n : policy_.names()) s += (s.empty() ? "" : ", ") + n;
    return s.empty() ? "none" : s;
  }

  // Built on the first IOC: answers without IOCs never pay for scanning the evidence.
  const EvidenceText& evidence_text() {
    if (!text_) text_.emplace(pack_);
    return *text_;
  }

  const EvidencePack& pack_;
  const AttackCatalog& catalog_;
  const ActionPolicy& policy_;
  Checks c_;
  IdSet known_ids_;
  std::optional<EvidenceText> text_;
};

}  // namespace

ValidationResult validate_analysis_output(std::string_view text, const EvidencePack& pack,
                                          const AttackCatalog& catalog, const ActionPolicy& policy) {
  ValidationResult result;
  if (text.size() > ValidationResult::kMaxAnswerBytes) {
    result.errors.push_back("/: answer longer than " + std::to_string(ValidationResult::kMaxAnswerBytes) + " bytes");
    return result;
  }
  const auto object = extract_json_object(text);
  if (!object) {
    result.errors.push_back("/: no JSON object in the answer");
    return result;
  }
  if (object->size() != trim(text).size()) result.notes.push_back("/: JSON object extracted from surrounding text");
  auto parsed = parse_untrusted_json(*object);
  if (!parsed) {
    result.errors.push_back("/: " + parsed.error().message);
    return result;
  }
  AnalysisOutput out;
  if (Validator(pack, catalog, policy, result).run(*parsed, out)) result.output = std::move(out);
  return result;
}

}  // namespace triagent::analysis
