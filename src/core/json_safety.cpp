#include "triagent/core/json_safety.hpp"

#include <string>

#include "core/json_fast_reader.hpp"

namespace triagent {

int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> parse_untrusted_json(std::string_view text, int max_depth) {
  if (auto value = detail::read_json_fast(text, max_depth)) return std::move(*value);
  // Declined: nlohmann's parser gives the value or the error (after the nesting is known to be
  // safe for its recursion).
  if (json_nesting_depth(text, max_depth) > max_depth) {
    return make_error(ErrorCode::invalid_argument, "JSON nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(ErrorCode::invalid_argument, "malformed JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond a double ("1e999"): nlohmann throws this one from the parser too.
    return make_error(ErrorCode::invalid_argument, "malformed JSON: a number is out of range");
  }
}

}  // namespace triagent
