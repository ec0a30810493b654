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

std::vector<CompiledPointer> compile(const std::vector<std::string>& pointers) {
  return {pointers.begin(), pointers.end()};
}

}  // namespace

JsonPointerNormalizer::Pointers::Pointers(const FieldMapping& m)
    : external_id(m.external_id),
      title(m.title),
      severity(m.severity),
      time(m.time),
      tenant(m.tenant),
      hosts(compile(m.hosts)),
      users(compile(m.users)),
      ips(compile(m.ips)),
      hashes(compile(m.hashes)),
      processes(compile(m.processes)),
      files(compile(m.files)),
      domains(compile(m.domains)) {}

JsonPointerNormalizer::JsonPointerNormalizer(Style style, FieldMapping mapping)
    : style_(std::move(style)), pointers_(mapping), subset_(mapped_pointers(mapping)) {}

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
  const Pointers& p = pointers_;
  auto id = external_id_at(p.external_id.find(body), p.external_id.text());
  if (!id) return id.error();

  Incident inc;
  inc.source = style_.source;
  inc.kind = style_.kind;
  inc.external_id = std::move(*id);
  if (auto title = text_at(p.title.find(body), kMaxTitleBytes)) {
    inc.title = std::move(*title);
  } else {
    inc.title = truncate_utf8(style_.title_fallback + " " + inc.external_id, kMaxTitleBytes);
  }
  inc.severity = severity_at(p.severity.find(body), style_.scale);
  inc.time_ms = epoch_ms_at(p.time.find(body));
  if (!p.tenant.text().empty()) {
    if (auto tenant = id_at(p.tenant.find(body))) inc.tenant = truncate_utf8(std::move(*tenant), kMaxEntityBytes);
  }

  auto collect = [&](std::vector<std::string>& list, const std::vector<CompiledPointer>& pointers) {
    for (const auto& pointer : pointers) add_values(list, pointer.find(body));
  };
  collect(inc.entities.hosts, p.hosts);
  collect(inc.entities.users, p.users);
  collect(inc.entities.ips, p.ips);
  for (const auto& pointer : p.hashes) add_hashes(inc.entities.hashes, pointer.find(body));
  collect(inc.entities.processes, p.processes);
  collect(inc.entities.files, p.files);
  collect(inc.entities.domains, p.domains);

  inc.raw = std::move(body);
  return inc;
}

}  // namespace triagent::ingress
