#pragma once
// Exception-free reading of untrusted JSON webhook bodies: walking keys and JSON pointers, taking
// strings and ids out with size limits, and bounding nesting before a body is copied.
//
//   const nlohmann::json* name = find_path(body, {"threatInfo", "threatName"});
//   std::optional<std::string> title = text_at(name, kMaxTitleBytes);
//
// nlohmann::json parses and destroys deep documents iteratively, but copying and dump() recurse,
// so a body must pass nesting_within() before anything copies it.

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::ingress {

inline constexpr std::size_t kMaxExternalIdBytes = 256;
inline constexpr std::size_t kMaxTitleBytes = 512;
inline constexpr int kMaxBodyDepth = 64;

// The member `key` of an object, or nullptr (not an object, no such key).
const nlohmann::json* find_key(const nlohmann::json& j, std::string_view key);
const nlohmann::json* find_key(const nlohmann::json* j, std::string_view key);

// Follows object keys one after another; nullptr as soon as one is missing.
const nlohmann::json* find_path(const nlohmann::json& j, std::initializer_list<std::string_view> keys);

// The first of `candidates` that is present and not JSON null; nullptr when none is.
const nlohmann::json* first_present(std::initializer_list<const nlohmann::json*> candidates);

// RFC 6901 pointer ("/a/0/b~1c"); nullptr when it is malformed or names nothing. "" is the root.
const nlohmann::json* find_pointer(const nlohmann::json& j, std::string_view pointer);

// Follows already unescaped pointer tokens (see pointer_tokens); nullptr as soon as one names nothing.
const nlohmann::json* find_tokens(const nlohmann::json& j, const std::vector<std::string>& tokens);

// A pointer decoded once, for a field mapping that reads every body: find() is find_pointer()
// without unescaping the tokens again.
class CompiledPointer {
 public:
  explicit CompiledPointer(std::string pointer);
  const nlohmann::json* find(const nlohmann::json& j) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::optional<std::vector<std::string>> tokens_;  // nullopt: malformed, finds nothing
};

// The unescaped tokens of an RFC 6901 pointer ("/a~1b/0" -> {"a/b", "0"}); nullopt when it is
// malformed. "" (the root) has none.
std::optional<std::vector<std::string>> pointer_tokens(std::string_view pointer);

// A non-empty string value, cut to `max_bytes` on a UTF-8 boundary; nullopt otherwise.
std::optional<std::string> text_at(const nlohmann::json* v, std::size_t max_bytes);

// An id: a non-empty string (uncut) or an integer written in decimal; nullopt otherwise.
std::optional<std::string> id_at(const nlohmann::json* v);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence (a split one would make
// nlohmann::json::dump() throw later).
std::string truncate_utf8(std::string s, std::size_t max_bytes);

// True when no array or object in `j` is nested more than `max_depth` levels deep.
bool nesting_within(const nlohmann::json& j, int max_depth);

}  // namespace triagent::ingress
