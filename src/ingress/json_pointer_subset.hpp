#pragma once
// JsonPointerSubset: reads a webhook body once, checking all of it, but builds only the parts a
// set of JSON pointers can reach. A user-templated source (dataset, generic) reads a few fields of
// a body that is then stored as received; building nlohmann's whole tree for that was the largest
// single cost of taking a webhook in (callgrind: 11.8k of about 94k instructions per webhook).
//
// What it promises: when read() returns a tree, its root is an object and, for each pointer p it
// was built with, find_pointer(tree, p) equals find_pointer(full, p), where `full` is what
// parse_untrusted_json(body) returns. Every value a pointer reaches is parsed by nlohmann itself
// from its own text, and a repeated key keeps its last value, as in nlohmann's tree.
//
// It declines (nullopt) whatever it does not vouch for, and the caller then parses the body in
// full, which also words the error: a root that is not an object, malformed JSON, nesting deeper
// than kMaxSubsetDepth, invalid UTF-8, a \u escape of a surrogate, a number with an exponent or
// over 300 digits (nlohmann refuses some of those), an escaped key in an object on a pointer's path.
//
//   JsonPointerSubset subset({"/id", "/title", "/alert/host"});
//   std::optional<nlohmann::json> tree = subset.read(body);   // nullopt: parse it in full

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::ingress {

// Below the depth limits of parse_untrusted_json and check_body_shape (64), so that nothing this
// reader accepts is refused by the full parse for its depth.
inline constexpr int kMaxSubsetDepth = 32;

class JsonPointerSubset {
 public:
  // RFC 6901 pointers. A malformed one reaches nothing in any tree and is left out; the root
  // pointer "" (or more than 64 pointers) turns the reader off: read() always declines.
  explicit JsonPointerSubset(const std::vector<std::string>& pointers);

  std::optional<nlohmann::json> read(std::string_view body) const;

 private:
  std::vector<std::vector<std::string>> paths_;  // each pointer's unescaped tokens
  bool enabled_ = true;
};

}  // namespace triagent::ingress
