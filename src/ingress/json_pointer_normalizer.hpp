#pragma once
// The normalizer of user-templated sources (dataset, generic): every field is read through the JSON
// pointers of a FieldMapping, so an operator can point it at any body shape from triagent.yaml.
//
//   auto n = JsonPointerNormalizer::dataset(default_field_mapping("dataset"));
//   Result<Incident> inc = n->normalize(body);

#include <memory>
#include <string>
#include <vector>

#include "ingress/field_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/json_pointer_subset.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent::ingress {

class JsonPointerNormalizer final : public Normalizer {
 public:
  // How a source differs beyond its mapping.
  struct Style {
    std::string source;          // "dataset"
    std::string kind;            // Incident::kind, "dataset_alert"
    std::string title_fallback;  // title when the body has none: "<title_fallback> <external id>"
    SeverityScale scale = SeverityScale::generic;
  };

  JsonPointerNormalizer(Style style, FieldMapping mapping);

  static std::unique_ptr<Normalizer> dataset(FieldMapping mapping);
  static std::unique_ptr<Normalizer> generic(FieldMapping mapping);

  const std::string& source() const override { return style_.source; }
  Result<Incident> normalize(nlohmann::json body) const override;
  // Builds only what the mapping's pointers reach (JsonPointerSubset), falling back to the full
  // parse for a body the subset reader declines.
  Result<Incident> normalize_text(std::string_view body) const override;

 private:
  // The mapping's pointers, decoded once rather than on every body.
  struct Pointers {
    explicit Pointers(const FieldMapping& m);
    CompiledPointer external_id, title, severity, time, tenant;
    std::vector<CompiledPointer> hosts, users, ips, hashes, processes, files, domains;
  };

  Style style_;
  Pointers pointers_;
  JsonPointerSubset subset_;
};

}  // namespace triagent::ingress
