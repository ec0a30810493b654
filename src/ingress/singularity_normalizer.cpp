#include "ingress/singularity_normalizer.hpp"

#include "ingress/entity_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"
#include "ingress/singularity_objects.hpp"

namespace triagent::ingress {

namespace {

// The object inside the API envelopes: data[0], data.alert, data, alert; else the body itself.
Result<const nlohmann::json*> unwrap_envelope(const nlohmann::json& body) {
  if (const nlohmann::json* data = find_key(body, "data")) {
    if (data->is_array()) {
      if (data->empty()) return make_error(ErrorCode::invalid_argument, "data is an empty list");
      if (!data->front().is_object()) {
        return make_error(ErrorCode::invalid_argument, "data[0] must be a JSON object");
      }
      return &data->front();
    }
    if (data->is_object()) {
      const nlohmann::json* alert = find_key(*data, "alert");
      return alert != nullptr && alert->is_object() ? alert : data;
    }
  }
  const nlohmann::json* alert = find_key(body, "alert");
  if (alert != nullptr && alert->is_object()) return alert;
  return &body;
}

bool all_digits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// An id-only notification: which id it carries, and whether that is a threat or an alert.
struct SparseId {
  const nlohmann::json* id = nullptr;
  const char* where = "";
  const char* kind = "";
};

Result<SparseId> find_sparse_id(const nlohmann::json& obj) {
  for (const char* key : {"threatId", "threat_id"}) {
    if (const nlohmann::json* v = find_key(obj, key)) return SparseId{v, key, "threat"};
  }
  for (const char* key : {"alertId", "alert_id"}) {
    if (const nlohmann::json* v = find_key(obj, key)) return SparseId{v, key, "alert"};
  }
  const nlohmann::json* id = find_key(obj, "id");
  if (id == nullptr) {
    return make_error(ErrorCode::invalid_argument,
                      "no threat or alert id found (expected a threat or alert object, threatId, alertId, id "
                      "or data.id)");
  }
  if (const nlohmann::json* type = find_key(obj, "type")) {
    if (*type == "threat") return SparseId{id, "id", "threat"};
    if (*type == "alert") return SparseId{id, "id", "alert"};
    return make_error(ErrorCode::invalid_argument, "type must be \"threat\" or \"alert\"");
  }
  // Without a type: Management API threat ids are int64 strings, Unified Alerts ids are UUID-like
  // (Hyperautomation's data.id is one of those).
  auto text = id_at(id);
  return SparseId{id, "id", text && all_digits(*text) ? "threat" : "alert"};
}

Result<void> read_sparse(const nlohmann::json& obj, Incident& out) {
  auto sparse = find_sparse_id(obj);
  if (!sparse) return sparse.error();
  auto id = external_id_at(sparse->id, sparse->where);
  if (!id) return id.error();

  out.kind = sparse->kind;
  out.external_id = std::move(*id);
  const bool threat = out.kind == "threat";
  out.title = text_at(first_present({find_key(obj, "title"), find_key(obj, "name"), find_key(obj, "threatName")}),
                      kMaxTitleBytes)
                  .value_or((threat ? "SentinelOne threat " : "SentinelOne alert ") + out.external_id);
  out.tenant = scope_tenant(find_key(obj, "accountId"), find_key(obj, "siteId"));
  add_value(threat ? out.entities.threat_ids : out.entities.alert_ids, out.external_id);
  add_values(out.entities.storylines, first_present({find_key(obj, "storyline"), find_key(obj, "storylineId")}));
  return {};
}

}  // namespace

Result<Incident> SingularityNormalizer::normalize(nlohmann::json body) const {
  if (auto shape = check_body_shape(body); !shape) return shape.error();
  auto object = unwrap_envelope(body);
  if (!object) return object.error();

  Incident inc;
  inc.source = source_;
  SingularityShape shape = singularity_shape(**object);
  auto read = shape == SingularityShape::unknown ? read_sparse(**object, inc)
                                                 : read_singularity_object(**object, shape, inc);
  if (!read) return read.error();
  inc.raw = std::move(body);
  return inc;
}

}  // namespace triagent::ingress
