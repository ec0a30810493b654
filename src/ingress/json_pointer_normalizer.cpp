#include "ingress/json_pointer_normalizer.hpp"

#include "ingress/entity_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"

namespace triagent::ingress {

namespace {

// Every pointer normalize() follows. An empty tenant pointer is not followed (the root is never
// an id), so it is left out rather than turning the subset reader off.
std::vector<std::string> mapped_pointers(const FieldMapping& m) {
  std::vector<std::string> out{m.external_id, m.title, m.severity, m.time};
  if (!m.tenant.empty()) out.push_back(m.tenant);
  for (const auto* list : {&m.hosts, &m.users, &m.ips, &m.hashes, &m.processes, &m.files, &m.domains}) {
    out.insert(out.end(), list->begin(), list->end());
  }
  return out;
}

}  // namespace

JsonPointerNormalizer::JsonPointerNormalizer(Style style, FieldMapping mapping)
    : style_(std::move(style)), mapping_(std::move(mapping)), subset_(mapped_pointers(mapping_)) {}

Result<Incident> JsonPointerNormalizer::normalize_text(std::string_view body) const {
  auto tree = subset_.read(body);
  if (!tree) return Normalizer::normalize_text(body);
  auto incident = normalize(std::move(*tree));
  if (incident) incident->raw = nullptr;
  return incident;
}

std::unique_ptr<Normalizer> JsonPointerNormalizer::dataset(FieldMapping mapping) {
  return std::make_unique<JsonPointerNormalizer>(
      Style{"dataset", "dataset_alert", "DataSet alert", SeverityScale::dataset}, std::move(mapping));
}

std::unique_ptr<Normalizer> JsonPointerNormalizer::generic(FieldMapping mapping) {
  return std::make_unique<JsonPointerNormalizer>(Style{"generic", "event", "Event", SeverityScale::generic},
                                                 std::move(mapping));
}

Result<Incident> JsonPointerNormalizer::normalize(nlohmann::json body) const {
  if (auto shape = check_body_shape(body); !shape) return shape.error();
  auto id = external_id_at(find_pointer(body, mapping_.external_id), mapping_.external_id);
  if (!id) return id.error();

  Incident inc;
  inc.source = style_.source;
  inc.kind = style_.kind;
  inc.external_id = std::move(*id);
  inc.title = text_at(find_pointer(body, mapping_.title), kMaxTitleBytes)
                  .value_or(truncate_utf8(style_.title_fallback + " " + inc.external_id, kMaxTitleBytes));
  inc.severity = severity_at(find_pointer(body, mapping_.severity), style_.scale);
  inc.time_ms = epoch_ms_at(find_pointer(body, mapping_.time));
  if (auto tenant = id_at(find_pointer(body, mapping_.tenant)); tenant && !mapping_.tenant.empty()) {
    inc.tenant = truncate_utf8(std::move(*tenant), kMaxEntityBytes);
  }

  auto collect = [&](std::vector<std::string>& list, const std::vector<std::string>& pointers) {
    for (const auto& p : pointers) add_values(list, find_pointer(body, p));
  };
  collect(inc.entities.hosts, mapping_.hosts);
  collect(inc.entities.users, mapping_.users);
  collect(inc.entities.ips, mapping_.ips);
  for (const auto& p : mapping_.hashes) add_hashes(inc.entities.hashes, find_pointer(body, p));
  collect(inc.entities.processes, mapping_.processes);
  collect(inc.entities.files, mapping_.files);
  collect(inc.entities.domains, mapping_.domains);

  inc.raw = std::move(body);
  return inc;
}

}  // namespace triagent::ingress
