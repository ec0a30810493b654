#include "analysis_output_text.hpp"

#include <algorithm>

namespace triagent::analysis {

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string clean_utf8(std::string_view s, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(s.size(), 4 * max_chars));
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size() && chars < max_chars; ++chars) {
    const unsigned char u = static_cast<unsigned char>(s[i]);
    if (u < 0x80) {
      out.push_back((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f ? ' ' : s[i]);
      ++i;
    } else if (const std::size_t n = utf8_sequence_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

}  // namespace triagent::analysis
