// render_tags / normalize_tag (declared in note_render.hpp): the threat's labels, in a character
// set that survives the tags note ("[triagent:tags: a, b]") and the console's search.
#include <algorithm>

#include "triagent/pipeline/note_render.hpp"

namespace triagent {

std::string normalize_tag(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c == ' ' || c == '/' || c == '\t') c = '-';
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '_' || c == '-';
    if (!keep) continue;
    if (c == '-' && !out.empty() && out.back() == '-') continue;
    out += c;
  }
  auto is_edge = [](char c) { return c == '-' || c == '.' || c == ':' || c == '_'; };
  std::size_t begin = 0;
  while (begin < out.size() && is_edge(out[begin])) ++begin;
  out.erase(0, begin);
  if (out.size() > 64) out.resize(64);
  while (!out.empty() && is_edge(out.back())) out.pop_back();
  return out;
}

std::vector<std::string> render_tags(const analysis::AnalysisOutput& output) {
  constexpr std::size_t kMaxTags = 20;
  std::vector<std::string> tags;
  auto add = [&](std::string_view raw) {
    std::string tag = normalize_tag(raw);
    if (tag.empty() || tags.size() == kMaxTags) return;
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  };
  add("triagent");
  add(std::string("severity:") + to_string(output.severity == Severity::unknown ? Severity::info : output.severity));
  if (output.verdict != analysis::Verdict::undefined) add(std::string("verdict:") + analysis::to_string(output.verdict));
  for (const auto& t : output.techniques) add("attack." + t.id);
  for (const auto& tag : output.tags) add(tag);
  return tags;
}

}  // namespace triagent
