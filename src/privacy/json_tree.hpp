#pragma once
// JsonTree: one JSON object line held as a small reusable tree that the redactor walks and writes
// back byte for byte as nlohmann::json::dump() would (members sorted by key, compact, numbers in
// nlohmann's canonical form), without nlohmann's map node and string per value: the DOM round
// trip was a third of redact_line's cost. parse() declines (returns false) what it does not
// reproduce exactly (duplicate or escaped keys, \u surrogates, invalid UTF-8, non-finite or long
// numbers, deep nesting, anything malformed); the caller then takes the nlohmann path, so the
// output never depends on which path ran.
//
//   JsonTree tree;
//   if (tree.parse(R"({"b":1.50,"a":"x"})")) {
//     tree.for_each_string([](std::string_view key, std::string& value) { value += "!"; });
//     std::string out;
//     tree.write(out);  // {"a":"x!","b":1.5}
//   }

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::privacy {

class JsonTree {
 public:
  // Reads `text` (an object, surrounding JSON whitespace allowed). The tree refers to `text`,
  // which must outlive it.
  bool parse(std::string_view text);

  // fn(key, value) for every string leaf in nlohmann's iteration order; `key` is the name of the
  // member holding the leaf (array elements take their array's). The value may be changed.
  template <class Fn>
  void for_each_string(Fn&& fn) {
    if (used_ > 0) visit(0, {}, fn);
  }

  // Appends the tree as nlohmann::json::dump(-1, ' ', false, error_handler_t::replace) would.
  void write(std::string& out) const;

 private:
  enum class Kind : std::uint8_t { object, array, string, scalar };
  struct Node {
    Kind kind = Kind::scalar;
    std::uint32_t first = 0;  // containers: their children are children_[first, first + count)
    std::uint32_t count = 0;
    std::string_view key;     // member name when the parent is an object (points into the input)
    std::string text;         // string: the decoded value; scalar: its output form
  };

  template <class Fn>
  void visit(std::uint32_t index, std::string_view key, Fn& fn) {
    Node& node = nodes_[index];
    if (node.kind == Kind::string) {
      fn(key, node.text);
      return;
    }
    const bool object = node.kind == Kind::object;
    for (std::uint32_t k = 0; k < node.count; ++k) {
      const std::uint32_t child = children_[node.first + k];
      visit(child, object ? nodes_[child].key : key, fn);
    }
  }

  std::uint32_t new_node(Kind kind);
  bool value(int depth, std::uint32_t& index);
  bool container(int depth, bool object, std::uint32_t& index);
  bool string(std::string& out);
  bool number(std::string& out);
  bool literal(std::string_view word, std::string& out);
  void skip_space();
  void write_node(std::uint32_t index, std::string& out) const;

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<Node> nodes_;  // kept across lines with their string capacity; used_ are live
  std::size_t used_ = 0;
  std::vector<std::uint32_t> children_;
  std::vector<std::uint32_t> pending_;  // children of the containers being read
};

}  // namespace triagent::privacy
