// Field catalogue loading and lookup (see field_catalogue.hpp).
#include "triagent/hunt/field_catalogue.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace triagent::hunt {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Levenshtein distance, stopping early once it exceeds `cap` (names are short).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view last_segment(std::string_view s) {
  const auto dot = s.rfind('.');
  return dot == std::string_view::npos ? s : s.substr(dot + 1);
}

}  // namespace

FieldCatalogue::FieldCatalogue(std::vector<FieldInfo> fields) : fields_(std::move(fields)) {
  std::sort(fields_.begin(), fields_.end(), [](const FieldInfo& a, const FieldInfo& b) { return a.name < b.name; });
  fields_.erase(std::unique(fields_.begin(), fields_.end(),
                            [](const FieldInfo& a, const FieldInfo& b) { return a.name == b.name; }),
                fields_.end());
}

Result<FieldCatalogue> FieldCatalogue::load_text(std::string_view yaml, const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    YAML::Node list = root["fields"];
    if (!list || !list.IsSequence()) return Error(ErrorCode::invalid_argument, source_name + ": expected a 'fields' list");
    std::vector<FieldInfo> fields;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      FieldInfo f;
      if (item.IsScalar()) {
        f.name = item.as<std::string>();
      } else if (item.IsMap() && item["name"] && item["name"].IsScalar()) {
        f.name = item["name"].as<std::string>();
        if (item["description"] && item["description"].IsScalar()) f.description = item["description"].as<std::string>();
      } else {
        return Error(ErrorCode::invalid_argument, source_name + ": fields[" + std::to_string(i) + "]: expected {name, description}");
      }
      if (f.name.empty() || f.name.size() > 200) {
        return Error(ErrorCode::invalid_argument, source_name + ": fields[" + std::to_string(i) + "].name: empty or too long");
      }
      fields.push_back(std::move(f));
    }
    if (fields.empty()) return Error(ErrorCode::invalid_argument, source_name + ": the field list is empty");
    return FieldCatalogue(std::move(fields));
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_argument, source_name + ": " + e.what());
  }
}

Result<FieldCatalogue> FieldCatalogue::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::not_found, path + ": cannot open the field catalogue");
  std::stringstream buf;
  buf << in.rdbuf();
  return load_text(buf.str(), path);
}

bool FieldCatalogue::contains(std::string_view name) const {
  auto it = std::lower_bound(fields_.begin(), fields_.end(), name,
                             [](const FieldInfo& f, std::string_view n) { return f.name < n; });
  return it != fields_.end() && it->name == name;
}

std::string FieldCatalogue::suggest(std::string_view name) const {
  const std::string lname = lower(name);
  std::string best;
  std::size_t best_distance = 3 + lname.size() / 8;  // a few edits, more for longer names
  for (const auto& f : fields_) {
    const std::string lf = lower(f.name);
    if (lf == lname) return f.name;
    const std::size_t d = edit_distance(lname, lf, best_distance);
    if (d < best_distance) {
      best_distance = d;
      best = f.name;
    }
  }
  if (!best.empty()) return best;
  // Same last segment; prefer a name that also shares the first one ("src.proc.name" -> src.process.name).
  const std::string first = lname.substr(0, lname.find('.'));
  std::string fallback;
  for (const auto& f : fields_) {
    if (lower(last_segment(f.name)) != lower(last_segment(name))) continue;
    if (lower(f.name).rfind(first + ".", 0) == 0) return f.name;
    if (fallback.empty()) fallback = f.name;
  }
  return fallback;
}

}  // namespace triagent::hunt
