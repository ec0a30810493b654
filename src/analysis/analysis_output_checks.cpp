#include "analysis_output_checks.hpp"

#include <algorithm>
#include <cmath>

#include "analysis_output_text.hpp"

namespace triagent::analysis {
namespace {

const char* type_name(const nlohmann::json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  return v.type_name();
}

std::string expected(std::string_view what, const nlohmann::json& v) {
  return std::string("expected ") + std::string(what) + ", got " + type_name(v);
}

}  // namespace

std::string shown(std::string_view s, std::size_t max) {
  const bool plain = !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
           c == ':' || c == '-';
  });
  if (plain) return std::string(s);
  std::string out = "'";
  std::size_t end = std::min(s.size(), max);
  while (end < s.size() && end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  for (char c : s.substr(0, end)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  if (end < s.size()) out.append("...");
  out.push_back('\'');
  return out;
}

std::string pointer_segment(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 64)) {
    if (c == '~') out.append("~0");
    else if (c == '/') out.append("~1");
    else out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  if (key.size() > 64) out.append("...");
  return out;
}

void Checks::error(const std::string& path, std::string_view what) {
  ++count_;
  if (errors_.size() < max_errors_) {
    errors_.push_back((path.empty() ? std::string("/") : path) + ": " + std::string(what));
  } else if (errors_.size() == max_errors_) {
    errors_.push_back("/: more errors not listed");
  }
}

void Checks::note(const std::string& path, std::string_view what) {
  if (notes_.size() < max_errors_) notes_.push_back((path.empty() ? std::string("/") : path) + ": " + std::string(what));
}

bool Checks::object_value(const nlohmann::json& v, const std::string& path,
                          const std::vector<std::string_view>& allowed, const std::vector<std::string_view>& required) {
  if (!v.is_object()) {
    error(path, expected("object", v));
    return false;
  }
  bool ok = true;
  for (const auto& [key, value] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(path + "/" + pointer_segment(key), "unexpected property");
      ok = false;
    }
  }
  for (auto key : required) {
    if (!v.contains(key)) {
      error(path + "/" + std::string(key), "required property missing");
      ok = false;
    }
  }
  return ok;
}

bool Checks::string_value(const nlohmann::json& v, const std::string& path, std::size_t min_chars,
                          std::size_t max_chars, std::string& out) {
  if (!v.is_string()) {
    error(path, expected("string", v));
    return false;
  }
  const auto& s = v.get_ref<const std::string&>();
  const std::size_t n = utf8_length(s);
  if (n < min_chars) {
    error(path, min_chars == 1 ? "must not be empty" : "shorter than " + std::to_string(min_chars) + " characters");
    return false;
  }
  if (n > max_chars) {
    error(path, "longer than " + std::to_string(max_chars) + " characters");
    return false;
  }
  out = s;
  return true;
}

bool Checks::integer_value(const nlohmann::json& v, const std::string& path, std::int64_t min, std::int64_t max,
                           int& out) {
  double d = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    d = u > static_cast<std::uint64_t>(max) ? static_cast<double>(max) + 1 : static_cast<double>(u);
  } else if (v.is_number_integer()) {
    d = static_cast<double>(v.get<std::int64_t>());
  } else if (v.is_number_float()) {
    d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d) {
      error(path, "expected integer, got number");
      return false;
    }
  } else {
    error(path, expected("integer", v));
    return false;
  }
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    error(path, "out of range " + std::to_string(min) + ".." + std::to_string(max));
    return false;
  }
  out = static_cast<int>(d);
  return true;
}

bool Checks::number_value(const nlohmann::json& v, const std::string& path, double min, double max, double& out) {
  if (!v.is_number()) {
    error(path, expected("number", v));
    return false;
  }
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    error(path, "out of range " + nlohmann::json(min).dump() + ".." + nlohmann::json(max).dump());
    return false;
  }
  out = d;
  return true;
}

bool Checks::array_value(const nlohmann::json& v, const std::string& path, std::size_t max_items) {
  if (!v.is_array()) {
    error(path, expected("array", v));
    return false;
  }
  if (v.size() > max_items) {
    error(path, "more than " + std::to_string(max_items) + " items");
    return false;
  }
  return true;
}

bool Checks::evidence_ids(const nlohmann::json& v, const std::string& path,
                          const std::set<std::string, std::less<>>& known, std::size_t min_items,
                          std::size_t max_items, std::vector<std::string>& out) {
  if (!array_value(v, path, max_items)) return false;
  if (v.size() < min_items) {
    error(path, "cites no evidence: at least " + std::to_string(min_items) + " evidence id required");
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string item_path = path + "/" + std::to_string(i);
    if (!v[i].is_string()) {
      error(item_path, expected("string", v[i]));
      ok = false;
      continue;
    }
    const auto& id = v[i].get_ref<const std::string&>();
    if (!known.count(id)) {
      error(item_path, "unknown evidence id " + shown(id));
      ok = false;
    } else if (std::find(out.begin(), out.end(), id) == out.end()) {
      out.push_back(id);
    }
  }
  return ok;
}

}  // namespace triagent::analysis
