#include "ingress/vigilance_normalizer.hpp"

#include <algorithm>

#include "ingress/entity_values.hpp"
#include "ingress/field_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"
#include "ingress/singularity_objects.hpp"

namespace triagent::ingress {

namespace {

// A case may embed whole threats; reading more than this many adds little and costs a lot.
constexpr std::size_t kMaxEmbeddedObjects = 32;

// A member of the case: inside "case" when the body has one, else at the top level.
class CaseFields {
 public:
  explicit CaseFields(const nlohmann::json& body) : body_(body) {
    const nlohmann::json* c = find_key(body, "case");
    case_ = c != nullptr && c->is_object() ? c : nullptr;
  }

  const nlohmann::json* get(std::string_view key) const {
    return first_present({find_key(case_, key), find_key(body_, key)});
  }

  const nlohmann::json* first(std::initializer_list<std::string_view> keys) const {
    for (std::string_view key : keys) {
      if (const nlohmann::json* v = get(key)) return v;
    }
    return nullptr;
  }

 private:
  const nlohmann::json& body_;
  const nlohmann::json* case_ = nullptr;
};

// Priorities read P1 (most urgent) .. P5; names fall back to the severity scale.
Severity priority_at(const nlohmann::json* v) {
  static constexpr Severity by_rank[] = {Severity::critical, Severity::high, Severity::medium, Severity::low,
                                         Severity::info};
  if (v == nullptr) return Severity::unknown;
  if (v->is_number_integer() || v->is_number_unsigned()) {
    double rank = v->get<double>();
    return rank >= 1 && rank <= 5 ? by_rank[static_cast<int>(rank) - 1] : Severity::unknown;
  }
  if (!v->is_string()) return Severity::unknown;
  const auto& s = v->get_ref<const std::string&>();
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == 'P' || digits[0] == 'p')) digits.remove_prefix(1);
  if (digits.size() == 1 && digits[0] >= '1' && digits[0] <= '5') return by_rank[digits[0] - '1'];
  return severity_at(v, SeverityScale::generic);
}

// Adds ids given as one value, an array of values, or an array of objects with an "id".
void add_ids(std::vector<std::string>& list, const nlohmann::json* v) {
  if (v == nullptr) return;
  if (!v->is_array()) {
    add_values(list, v);
    return;
  }
  std::size_t seen = 0;
  for (const auto& item : *v) {
    if (++seen > kMaxArrayElements) break;
    add_values(list, item.is_object() ? find_key(item, "id") : &item);
  }
}

// Folds the SentinelOne objects a case embeds into the incident. Under "threats"/"threat" only
// full threats count, under "alerts"/"alert" only alerts: a {"id","name"} threat summary must not
// be mistaken for a Unified Alerts alert.
void read_embedded_objects(const CaseFields& fields, Incident& inc) {
  struct Embedded {
    const nlohmann::json* object;
    bool threat;
  };
  std::vector<Embedded> objects;
  auto collect = [&](std::string_view key, bool threat) {
    const nlohmann::json* v = fields.get(key);
    if (v == nullptr) return;
    if (v->is_object()) {
      if (objects.size() < kMaxEmbeddedObjects) objects.push_back({v, threat});
      return;
    }
    if (!v->is_array()) return;
    for (const auto& item : *v) {
      if (objects.size() >= kMaxEmbeddedObjects) return;
      if (item.is_object()) objects.push_back({&item, threat});
    }
  };
  collect("threats", true);
  collect("threat", true);
  collect("alerts", false);
  collect("alert", false);

  // The case's own severity wins; without one, the worst embedded object's.
  const bool case_has_severity = inc.severity != Severity::unknown;
  for (const Embedded& e : objects) {
    SingularityShape shape = singularity_shape(*e.object);
    if (shape == SingularityShape::unknown || (shape == SingularityShape::threat) != e.threat) continue;
    Incident embedded;
    if (!read_singularity_object(*e.object, shape, embedded)) continue;
    merge_entities(inc.entities, embedded.entities);
    if (!case_has_severity) inc.severity = std::max(inc.severity, embedded.severity);
    if (inc.time_ms == 0) inc.time_ms = embedded.time_ms;
  }
}

Result<std::string> find_case_id(const nlohmann::json& body) {
  struct Place {
    const nlohmann::json* value;
    const char* where;
  };
  for (Place p : {Place{find_key(body, "caseId"), "caseId"}, Place{find_path(body, {"case", "id"}), "case.id"},
                  Place{find_key(body, "id"), "id"}}) {
    if (p.value != nullptr && !p.value->is_null()) return external_id_at(p.value, p.where);
  }
  return make_error(ErrorCode::invalid_argument, "no case id at caseId, case.id or id");
}

}  // namespace

Result<Incident> VigilanceNormalizer::normalize(nlohmann::json body) const {
  if (auto shape = check_body_shape(body); !shape) return shape.error();
  CaseFields fields(body);

  auto id = find_case_id(body);
  if (!id) return id.error();

  Incident inc;
  inc.source = source_;
  inc.kind = "case";
  inc.external_id = std::move(*id);
  inc.title = text_at(fields.first({"title", "name", "description"}), kMaxTitleBytes)
                  .value_or("Vigilance case " + inc.external_id);
  inc.severity = severity_at(fields.get("severity"), SeverityScale::generic);
  if (inc.severity == Severity::unknown) inc.severity = priority_at(fields.get("priority"));
  inc.time_ms = epoch_ms_at(fields.first({"createdAt", "created_at", "time", "timestamp"}));
  if (auto tenant = text_at(fields.get("tenant"), kMaxEntityBytes)) {
    inc.tenant = std::move(*tenant);
  } else {
    inc.tenant = scope_tenant(fields.get("accountId"), fields.get("siteId"));
  }

  for (std::string_view key : {"threatIds", "threat_ids", "threatId", "threat_id", "threats"}) {
    add_ids(inc.entities.threat_ids, fields.get(key));
  }
  for (std::string_view key : {"alertIds", "alert_ids", "alertId", "alert_id", "alerts"}) {
    add_ids(inc.entities.alert_ids, fields.get(key));
  }
  read_embedded_objects(fields, inc);
  inc.raw = std::move(body);
  return inc;
}

}  // namespace triagent::ingress
