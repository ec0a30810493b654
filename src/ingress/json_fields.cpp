#include "ingress/json_fields.hpp"

#include <cstdint>
#include <vector>

namespace triagent::ingress {

const nlohmann::json* find_key(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(std::string(key));
  return it == j.end() ? nullptr : &*it;
}

const nlohmann::json* find_key(const nlohmann::json* j, std::string_view key) {
  return j == nullptr ? nullptr : find_key(*j, key);
}

const nlohmann::json* find_path(const nlohmann::json& j, std::initializer_list<std::string_view> keys) {
  const nlohmann::json* cur = &j;
  for (std::string_view key : keys) {
    cur = find_key(*cur, key);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

const nlohmann::json* first_present(std::initializer_list<const nlohmann::json*> candidates) {
  for (const nlohmann::json* c : candidates) {
    if (c != nullptr && !c->is_null()) return c;
  }
  return nullptr;
}

namespace {

// Undoes RFC 6901 escaping (~0 is '~', ~1 is '/'); nullopt for any other '~' sequence.
std::optional<std::string> unescape_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '~') {
      out.push_back(token[i]);
      continue;
    }
    if (i + 1 >= token.size()) return std::nullopt;
    char next = token[++i];
    if (next == '0') {
      out.push_back('~');
    } else if (next == '1') {
      out.push_back('/');
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// An array index per RFC 6901: digits, no leading zero; nullopt otherwise (including "-").
std::optional<std::size_t> array_index(std::string_view token) {
  if (token.empty() || token.size() > 9) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  std::size_t v = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

}  // namespace

const nlohmann::json* find_pointer(const nlohmann::json& j, std::string_view pointer) {
  auto tokens = pointer_tokens(pointer);
  return tokens ? find_tokens(j, *tokens) : nullptr;
}

const nlohmann::json* find_tokens(const nlohmann::json& j, const std::vector<std::string>& tokens) {
  const nlohmann::json* cur = &j;
  for (const auto& token : tokens) {
    if (cur->is_object()) {
      cur = find_key(*cur, token);
    } else if (cur->is_array()) {
      auto index = array_index(token);
      if (!index || *index >= cur->size()) return nullptr;
      cur = &(*cur)[*index];
    } else {
      return nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

CompiledPointer::CompiledPointer(std::string pointer) : text_(std::move(pointer)), tokens_(pointer_tokens(text_)) {}

const nlohmann::json* CompiledPointer::find(const nlohmann::json& j) const {
  return tokens_ ? find_tokens(j, *tokens_) : nullptr;
}

std::optional<std::vector<std::string>> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') return std::nullopt;
  std::size_t pos = 1;
  while (true) {
    std::size_t end = pointer.find('/', pos);
    auto token = unescape_token(pointer.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (!token) return std::nullopt;
    tokens.push_back(std::move(*token));
    if (end == std::string_view::npos) return tokens;
    pos = end + 1;
  }
}

std::string truncate_utf8(std::string s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a sequence's lead byte.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

std::optional<std::string> text_at(const nlohmann::json* v, std::size_t max_bytes) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty()) return std::nullopt;
  return truncate_utf8(s.substr(0, max_bytes + 4), max_bytes);
}

std::optional<std::string> id_at(const nlohmann::json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    return s;
  }
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  return std::nullopt;
}

bool nesting_within(const nlohmann::json& j, int max_depth) {
  if (!j.is_structured()) return true;
  if (max_depth < 1) return false;
  std::vector<std::pair<const nlohmann::json*, int>> pending{{&j, 1}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    for (const auto& child : *node) {
      if (!child.is_structured()) continue;
      if (depth + 1 > max_depth) return false;
      pending.emplace_back(&child, depth + 1);
    }
  }
  return true;
}

}  // namespace triagent::ingress
