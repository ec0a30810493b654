#pragma once
// FieldCatalogue: the field names a hunt query may use (Singularity Data Lake / DataSet fields),
// loaded from config/hunt/fields.yaml. The validator refuses a field outside it (peers' users'
// first complaint is invented fields), and the LLM prompt lists it.
//
//   auto cat = FieldCatalogue::load_file("config/hunt/fields.yaml");
//   if (!cat) fail(cat.error().message);
//   cat->contains("src.process.name");            // true
//   cat->suggest("src.process.nmae");             // "src.process.name"
//
// File format:  fields: [{name: src.process.name, description: "process image name"}, ...]

#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::hunt {

struct FieldInfo {
  std::string name;
  std::string description;
};

class FieldCatalogue {
 public:
  FieldCatalogue() = default;
  explicit FieldCatalogue(std::vector<FieldInfo> fields);

  static Result<FieldCatalogue> load_file(const std::string& path);
  static Result<FieldCatalogue> load_text(std::string_view yaml, const std::string& source_name);

  bool contains(std::string_view name) const;
  // The closest known name (case-insensitive equal, else small edit distance, else same last
  // segment), or "" when nothing is close.
  std::string suggest(std::string_view name) const;
  const std::vector<FieldInfo>& fields() const { return fields_; }

 private:
  std::vector<FieldInfo> fields_;  // sorted by name
};

}  // namespace triagent::hunt
