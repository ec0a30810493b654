#pragma once
// UTF-8 helpers for text that goes into an AnalysisOutput or a prompt: JSON Schema counts lengths
// in code points, and nlohmann's dump() throws on invalid UTF-8, so evidence text is cleaned and
// cut before it is placed in a document.
//
//   std::string event = clean_utf8(item.summary, AnalysisOutputLimits::text_chars);

#include <cstddef>
#include <string>
#include <string_view>

#include "triagent/core/utf8.hpp"  // utf8_sequence_length

namespace triagent::analysis {

// Code points in `s` (each invalid byte counts as one).
std::size_t utf8_length(std::string_view s);

// `s` with invalid bytes replaced by U+FFFD and control characters (other than tab and newline)
// by spaces, cut to at most `max_chars` code points.
std::string clean_utf8(std::string_view s, std::size_t max_chars);

}  // namespace triagent::analysis
