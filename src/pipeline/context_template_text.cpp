#include "pipeline/context_template_text.hpp"

#include <algorithm>

namespace triagent::context_detail {

namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_known_placeholder(std::string_view name) {
  return std::find(kPlaceholders.begin(), kPlaceholders.end(), name) != kPlaceholders.end();
}

Result<std::vector<TemplatePiece>> parse_template_text(std::string_view text) {
  std::vector<TemplatePiece> pieces;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      pieces.push_back({false, std::string(text.substr(at))});
      break;
    }
    if (open > at) pieces.push_back({false, std::string(text.substr(at, open - at))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Error{ErrorCode::invalid_argument, "\"{{\" at offset " + std::to_string(open) + " has no closing \"}}\""};
    }
    const std::string_view name = trim_spaces(text.substr(open + 2, close - open - 2));
    if (name.empty()) return Error{ErrorCode::invalid_argument, "empty placeholder at offset " + std::to_string(open)};
    if (!is_known_placeholder(name)) {
      // The name is config text, not incident data: safe to repeat, and what the operator must fix.
      return Error{ErrorCode::invalid_argument, "unknown placeholder {{" + std::string(name.substr(0, 64)) + "}}"};
    }
    pieces.push_back({true, std::string(name)});
    at = close + 2;
  }
  return pieces;
}

}  // namespace triagent::context_detail
