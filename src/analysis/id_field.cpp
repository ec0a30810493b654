#include "triagent/analysis/id_field.hpp"

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

bool name_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }

}  // namespace

bool names_an_id(std::string_view field_name) {
  const auto dot = field_name.rfind('.');
  const std::string_view leaf = dot == std::string_view::npos ? field_name : field_name.substr(dot + 1);
  if (leaf.size() < 2) return false;
  if (iequals(leaf, "id") || iequals(leaf, "uid") || iends_with(leaf, "uuid") || iends_with(leaf, "guid")) return true;
  if (iends_with(leaf, "_id") || iends_with(leaf, "-id")) return true;
  // Camel case: "agentId", "AgentID"; lower-case endings ("valid", "fluid") are words, not ids.
  const std::string_view tail = leaf.substr(leaf.size() - 2);
  return leaf.size() > 2 && is_alpha(leaf[leaf.size() - 3]) && (tail == "Id" || tail == "ID");
}

bool value_follows_id_name(std::string_view text, std::size_t value_begin) {
  // Back over the separator: quotes, blanks and exactly one ':' or '='.
  std::size_t k = value_begin;
  int separators = 0;
  while (k > 0 && value_begin - k < 8) {
    const char c = text[k - 1];
    if (c == ':' || c == '=') {
      ++separators;
    } else if (!(c == ' ' || c == '\t' || c == '"' || c == '\'')) {
      break;
    }
    --k;
  }
  if (separators != 1) return false;
  std::size_t b = k;
  while (b > 0 && k - b < 64 && name_char(text[b - 1])) --b;
  return b < k && names_an_id(text.substr(b, k - b));
}

}  // namespace triagent::analysis
