#pragma once
// Input lines in batches, for the filter commands (classify, redact) whose work runs faster over
// many lines at once. A batch is handed on when full, or as soon as no more input is waiting
// (in_avail() <= 0): a line piped in interactively is answered before the next one comes.

#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::analysis {

// Calls fn(std::span<const std::string_view>) for each batch of at most max_lines lines, in order.
template <class Fn>
void for_each_line_batch(std::istream& in, std::size_t max_lines, Fn&& fn) {
  std::vector<std::string> lines(max_lines > 0 ? max_lines : 1);
  std::vector<std::string_view> views;
  std::size_t n = 0;
  auto hand_on = [&] {
    views.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n));
    fn(std::span<const std::string_view>(views));
    n = 0;
  };
  while (std::getline(in, lines[n])) {
    ++n;
    if (n == lines.size() || in.rdbuf()->in_avail() <= 0) hand_on();
  }
  if (n > 0) hand_on();
}

}  // namespace triagent::analysis
