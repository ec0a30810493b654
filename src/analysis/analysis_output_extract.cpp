// Finding the JSON object in a model's answer. Models asked for JSON still wrap it in ```json
// fences or open with a sentence; providers with structured output send it bare. Every scan here is
// linear, and only a few candidates are tried, so hostile text costs O(n).
#include <array>

#include "triagent/analysis/analysis_output_validator.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::analysis {
namespace {

constexpr std::size_t kMaxCandidates = 4;

// The balanced {...} starting at text[open] (which is '{'), skipping braces inside strings.
std::optional<std::string_view> balanced_object_at(std::string_view text, std::size_t open) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) return text.substr(open, i - open + 1);
    }
  }
  return std::nullopt;
}

// The text between the first ``` fence (after its info string, e.g. "json") and the next one.
std::optional<std::string_view> fenced_block(std::string_view text) {
  const auto fence = text.find("```");
  if (fence == std::string_view::npos) return std::nullopt;
  auto body_start = text.find('\n', fence + 3);
  if (body_start == std::string_view::npos) return std::nullopt;
  ++body_start;
  const auto close = text.find("```", body_start);
  return text.substr(body_start, close == std::string_view::npos ? std::string_view::npos : close - body_start);
}

bool parses(std::string_view candidate) { return parse_untrusted_json(candidate).has_value(); }

}  // namespace

std::optional<std::string_view> extract_json_object(std::string_view text) {
  std::array<std::string_view, kMaxCandidates> candidates{};
  std::size_t n = 0;
  auto add = [&](std::optional<std::string_view> c) {
    if (!c || n == candidates.size()) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (candidates[i].data() == c->data()) return;  // the same object found two ways
    }
    candidates[n++] = *c;
  };

  const std::string_view trimmed = trim(text);
  if (!trimmed.empty() && trimmed.front() == '{') add(balanced_object_at(trimmed, 0));
  if (auto block = fenced_block(text)) {
    const auto open = block->find('{');
    if (open != std::string_view::npos) add(balanced_object_at(*block, open));
  }
  // Leading prose: try the first few '{' (a brace in the prose may not start the object). Each
  // attempt may scan to the end, so attempts are counted, not only the objects found.
  std::size_t attempts = 0;
  for (std::size_t open = text.find('{'); open != std::string_view::npos && attempts < kMaxCandidates;
       open = text.find('{', open + 1), ++attempts) {
    auto c = balanced_object_at(text, open);
    add(c);
    if (c) open += c->size() - 1;  // the next candidate starts after this object
  }
  if (n == 0) return std::nullopt;
  for (std::size_t i = 0; i < n; ++i) {
    if (parses(candidates[i])) return candidates[i];
  }
  return candidates[0];  // the caller reports why it does not parse
}

}  // namespace triagent::analysis
