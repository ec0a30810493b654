#include "triagent/privacy/vault.hpp"

#include <algorithm>

namespace triagent::privacy {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "<TAG_12>" at text[i]: returns its length, or 0.
std::size_t placeholder_length(std::string_view text, std::size_t i) {
  if (text[i] != '<') return 0;
  std::size_t k = i + 1;
  while (k < text.size() && ((text[k] >= 'A' && text[k] <= 'Z') || text[k] == '_' || (text[k] >= '0' && text[k] <= '9'))) {
    ++k;
    if (k - i > 64) return 0;
  }
  if (k >= text.size() || text[k] != '>' || k == i + 1) return 0;
  return k - i + 1;
}

}  // namespace

const std::string& Vault::placeholder(std::string_view tag, std::string_view value) {
  auto it = by_value_.find(value);
  if (it != by_value_.end()) return it->second;
  auto counter = counters_.find(tag);
  if (counter == counters_.end()) counter = counters_.emplace(std::string(tag), 0).first;
  const std::size_t n = ++counter->second;
  // Built with append: GCC 12 -O3 misreports -Wrestrict on chained operator+ of strings.
  std::string ph;
  ph.reserve(tag.size() + 24);
  ph.push_back('<');
  ph.append(tag);
  ph.push_back('_');
  ph.append(std::to_string(n));
  ph.push_back('>');
  by_placeholder_.emplace(ph, std::string(value));
  const std::string& stored = by_value_.emplace(std::string(value), std::move(ph)).first->second;
  index_name(std::string(value), stored);
  return stored;
}

void Vault::index_name(const std::string& value, const std::string& placeholder) {
  if (!(placeholder.starts_with("<USER_") || placeholder.starts_with("<HOST_")) || value.size() < 3) return;
  std::string key = value;
  for (char& c : key) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  const std::uint64_t h = name_hash(key);
  name_lengths_ |= std::uint64_t{1} << std::min<std::size_t>(key.size(), 63);
  name_bloom_[(h >> 6) & 63] |= std::uint64_t{1} << (h & 63);
  name_bloom_[(h >> 18) & 63] |= std::uint64_t{1} << ((h >> 12) & 63);
  const std::size_t end_bit = name_ends_bit(key);
  name_ends_[end_bit >> 6] |= std::uint64_t{1} << (end_bit & 63);
  names_.emplace(std::move(key), placeholder);
}

std::uint64_t Vault::name_hash(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    h *= 1099511628211ull;
  }
  return h;
}

bool Vault::bloom_holds(std::string_view name) const {
  const std::uint64_t h = name_hash(name);
  return ((name_bloom_[(h >> 6) & 63] >> (h & 63)) & 1) && ((name_bloom_[(h >> 18) & 63] >> ((h >> 12) & 63)) & 1);
}

const std::string* Vault::name_placeholder(std::string_view lowered_name) const {
  if (!may_hold_name(lowered_name)) return nullptr;
  auto it = names_.find(lowered_name);
  return it == names_.end() ? nullptr : &it->second;
}

std::optional<std::string_view> Vault::value_of(std::string_view placeholder) const {
  auto it = by_placeholder_.find(std::string(placeholder));
  if (it == by_placeholder_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> Vault::placeholder_of(std::string_view value) const {
  auto it = by_value_.find(value);
  if (it == by_value_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string Vault::restore(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lt = text.find('<', i);
    if (lt == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, lt - i));
    const std::size_t len = placeholder_length(text, lt);
    if (len) {
      auto it = by_placeholder_.find(std::string(text.substr(lt, len)));
      if (it != by_placeholder_.end()) {
        out.append(it->second);
        i = lt + len;
        continue;
      }
    }
    out.push_back('<');
    i = lt + 1;
  }
  return out;
}

void Vault::restore(nlohmann::json& value) const {
  if (value.is_string()) {
    value = restore(value.get_ref<const std::string&>());
  } else if (value.is_array() || value.is_object()) {
    for (auto& v : value) restore(v);
  }
}

std::vector<std::string> Vault::raw_values() const {
  std::vector<std::string> out;
  out.reserve(by_value_.size());
  for (const auto& [value, ph] : by_value_) out.push_back(value);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> Vault::find_leak(std::string_view text) const {
  for (const auto& [value, ph] : by_value_) {
    if (value.empty()) continue;
    std::size_t pos = 0;
    while ((pos = text.find(value, pos)) != std::string_view::npos) {
      const bool left = pos == 0 || !is_word_char(text[pos - 1]) || !is_word_char(value.front());
      const std::size_t end = pos + value.size();
      const bool right = end >= text.size() || !is_word_char(text[end]) || !is_word_char(value.back());
      if (left && right) return value;
      ++pos;
    }
  }
  return std::nullopt;
}

nlohmann::json Vault::to_json() const {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [ph, value] : by_placeholder_) entries[ph] = value;
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [tag, n] : counters_) counters[tag] = n;
  return {{"entries", entries}, {"counters", counters}};
}

Vault Vault::from_json(const nlohmann::json& j) {
  Vault v;
  if (!j.is_object()) return v;
  if (j.contains("entries") && j["entries"].is_object()) {
    for (auto& [ph, value] : j["entries"].items()) {
      if (!value.is_string()) continue;
      v.by_placeholder_[ph] = value.get<std::string>();
      v.by_value_[value.get<std::string>()] = ph;
      v.index_name(value.get<std::string>(), ph);
    }
  }
  if (j.contains("counters") && j["counters"].is_object()) {
    for (auto& [tag, n] : j["counters"].items()) {
      if (n.is_number_unsigned()) v.counters_[tag] = n.get<std::size_t>();
    }
  }
  return v;
}

}  // namespace triagent::privacy
