#pragma once
// read_json_fast: the value nlohmann::json::parse() builds from a text, found sixteen bytes at a
// time instead of nlohmann's byte-by-byte lexer (about half the instructions of its parse, which
// was a quarter of the pipeline's work per case: Deep Visibility and DataSet answers).
//
// It declines (nullopt) whatever it does not reproduce exactly: a byte order mark, \u surrogate
// escapes, integers past 64 bits and numbers past a double or 63 characters, nesting deeper than
// `max_depth`, anything malformed. parse_untrusted_json() then runs nlohmann's parser, which gives
// the value or the error, so a result never depends on which reader ran.

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace triagent::detail {

std::optional<nlohmann::json> read_json_fast(std::string_view text, int max_depth);

}  // namespace triagent::detail
