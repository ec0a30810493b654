// The webhook sources that have a normalizer, and the default mappings of the templated ones.

#include "ingress/json_pointer_normalizer.hpp"
#include "ingress/singularity_normalizer.hpp"
#include "ingress/vigilance_normalizer.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent {

Result<Incident> Normalizer::normalize_text(std::string_view body) const {
  auto parsed = parse_untrusted_json(body);
  if (!parsed) return parsed.error();
  auto incident = normalize(std::move(*parsed));
  if (incident) incident->raw = nullptr;
  return incident;
}

const std::vector<std::string>& known_webhook_sources() {
  static const std::vector<std::string> sources{"dataset", "singularity", "vigilance", "generic"};
  return sources;
}

FieldMapping default_field_mapping(const std::string& source) {
  FieldMapping m;
  if (source == "dataset") {
    // The body of docs/dataset-webhook-template.md.
    m.external_id = "/alertId";
    m.title = "/title";
    m.severity = "/severity";
    m.time = "/triggeredAt";
    m.tenant = "/accountId";
    m.hosts = {"/serverHost"};
  }
  return m;
}

std::unique_ptr<Normalizer> make_normalizer(const std::string& source, const WebhookSourceConfig& config) {
  if (source == "dataset") {
    return ingress::JsonPointerNormalizer::dataset(config.mapping.value_or(default_field_mapping(source)));
  }
  if (source == "generic") {
    return ingress::JsonPointerNormalizer::generic(config.mapping.value_or(default_field_mapping(source)));
  }
  if (source == "singularity") return std::make_unique<ingress::SingularityNormalizer>();
  if (source == "vigilance") return std::make_unique<ingress::VigilanceNormalizer>();
  return nullptr;
}

}  // namespace triagent
