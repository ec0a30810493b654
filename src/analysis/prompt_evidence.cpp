#include "triagent/analysis/prompt_evidence.hpp"

#include <array>
#include <map>

#include "analysis_output_text.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/clock.hpp"

namespace triagent::analysis {
namespace {

// Tag names the prompt templates use, and names models treat as conversation roles.
constexpr std::array<std::string_view, 14> kReservedTags = {
    "evidence", "evidence_list", "incident", "queries", "degraded_sources", "previous_answer", "validation_errors",
    "system", "user", "assistant", "instructions", "instruction", "tool", "prompt"};

bool is_tag_name_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == ':' || c == '.'; }

// text[lt] is '<': would a model read it as the start of one of our tags?
bool opens_reserved_tag(std::string_view text, std::size_t lt) {
  std::size_t i = lt + 1;
  auto skip_space = [&] {
    while (i < text.size() && is_space(text[i])) ++i;
  };
  skip_space();
  if (i < text.size() && text[i] == '|') return true;  // <|im_start|>, <|endoftext|>
  if (i < text.size() && text[i] == '/') {
    ++i;
    skip_space();
  }
  const std::size_t start = i;
  while (i < text.size() && is_tag_name_char(text[i])) ++i;
  const std::string_view name = text.substr(start, i - start);
  for (auto reserved : kReservedTags) {
    if (iequals(name, reserved)) return true;
  }
  return false;
}

// A value for one of our attributes: everything markup-like escaped, one line.
std::string attribute(std::string_view value) {
  std::string out;
  for (char c : neutralize_untrusted(value.substr(0, 256))) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '"': out.append("&quot;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '\n':
      case '\t': out.push_back(' '); break;
      default: out.push_back(c);
    }
  }
  return out;
}

void line(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out.append(label);
  out.append(": ");
  out.append(neutralize_untrusted(value));
  out.push_back('\n');
}

std::size_t utf8_cut(std::string_view s, std::size_t max) {
  if (max >= s.size()) return s.size();
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return max;
}

}  // namespace

std::string neutralize_untrusted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '<') {
      out.append(opens_reserved_tag(text, i) ? "&lt;" : "<");
      ++i;
    } else if (u < 0x80) {
      const bool control = (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f;
      out.push_back(control ? ' ' : c);
      ++i;
    } else if (const std::size_t n = utf8_sequence_length(text, i)) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      ++i;
    }
  }
  return out;
}

namespace {

std::string render_item(const EvidenceItem& item, std::size_t max_raw_bytes, const EvidenceDefaults* defaults) {
  std::string out = "<evidence id=\"" + attribute(item.id) + "\" source=\"" + to_string(item.source) + "\" time=\"" +
                    (item.time_ms > 0 ? format_rfc3339_ms(item.time_ms) : std::string("unknown")) + "\">\n";
  if (defaults == nullptr || item.host != defaults->host) line(out, "host", item.host);
  if (defaults == nullptr || item.user != defaults->user) line(out, "user", item.user);
  line(out, "summary", item.summary);
  if (!item.rule_ids.empty()) {
    std::string rules;
    for (const auto& r : item.rule_ids) rules += (rules.empty() ? "" : ", ") + r;
    line(out, "rules", rules);
  }
  if (!item.iocs.empty()) {
    std::string iocs;
    for (const auto& i : item.iocs) iocs += (iocs.empty() ? "" : ", ") + i.type + " " + i.value;
    line(out, "iocs", iocs);
  }
  if (!item.fields.empty()) {
    out.append("fields:\n");
    for (const auto& f : item.fields) {
      out.append("  ");
      out.append(neutralize_untrusted(f.name));
      out.append(": ");
      out.append(neutralize_untrusted(f.value));
      out.push_back('\n');
    }
  }
  if (!item.raw.empty()) {
    std::string_view raw = item.raw;
    std::size_t cut = 0;
    if (max_raw_bytes > 0 && raw.size() > max_raw_bytes) {
      cut = raw.size() - utf8_cut(raw, max_raw_bytes);
      raw = raw.substr(0, raw.size() - cut);
    }
    out.append("raw:\n");
    out.append(neutralize_untrusted(raw));
    if (cut) out.append("\n[" + std::to_string(cut) + " more bytes left out]");
    out.push_back('\n');
  }
  out.append("</evidence>");
  return out;
}

// The value most items carry (ties: the first seen); "" when no item has one.
template <typename Field>
std::string most_common(const EvidencePack& pack, Field field) {
  std::map<std::string, int> counts;
  std::string best;
  int best_count = 0;
  for (const auto& item : pack.items) {
    const std::string& v = item.*field;
    if (v.empty()) continue;
    int n = ++counts[v];
    if (n > best_count) best = v, best_count = n;
  }
  return best;
}

}  // namespace

std::string render_evidence_item(const EvidenceItem& item, std::size_t max_raw_bytes) {
  return render_item(item, max_raw_bytes, nullptr);
}

std::string render_evidence_item(const EvidenceItem& item, const EvidenceDefaults& defaults) {
  return render_item(item, 0, &defaults);
}

EvidenceDefaults common_host_and_user(const EvidencePack& pack) {
  return {most_common(pack, &EvidenceItem::host), most_common(pack, &EvidenceItem::user)};
}

}  // namespace triagent::analysis
