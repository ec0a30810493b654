#include "analysis_output_grounding.hpp"

#include <string>

#include "triagent/analysis/fang.hpp"
#include "triagent/analysis/ioc_extractor.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

bool all_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!is_hex(c)) return false;
  }
  return true;
}

bool is_cve(std::string_view s) {
  if (s.size() < 13 || !istarts_with(s, "cve-")) return false;
  for (std::size_t i = 4; i < 8; ++i) {
    if (!is_digit(s[i])) return false;
  }
  return s[8] == '-' && all_digits(s.substr(9));
}

bool single_line(std::string_view s) {
  return !s.empty() && s.find_first_of("\r\n") == std::string_view::npos;
}

void append_all(std::set<std::string, std::less<>>& out, const std::vector<std::string>& list) {
  for (const auto& v : list) out.insert(to_lower(v));
}

std::string replace_all(std::string_view s, char from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == from) out.append(to);
    else out.push_back(c);
  }
  return out;
}

}  // namespace

bool is_redaction_placeholder(std::string_view v) {
  // "<" TAG "_" digits ">", TAG in [A-Z0-9_], as the privacy vault writes them.
  if (v.size() < 5 || v.front() != '<' || v.back() != '>') return false;
  const std::string_view inner = v.substr(1, v.size() - 2);
  const auto underscore = inner.rfind('_');
  if (underscore == std::string_view::npos || underscore == 0 || !all_digits(inner.substr(underscore + 1))) return false;
  for (char c : inner.substr(0, underscore)) {
    if (!((c >= 'A' && c <= 'Z') || is_digit(c) || c == '_')) return false;
  }
  return true;
}

bool is_well_formed_ioc(IocType type, std::string_view v) {
  if (is_redaction_placeholder(v)) return true;
  switch (type) {
    case IocType::ipv4: return parse_ipv4(v);
    case IocType::ipv6: return parse_ipv6(v);
    case IocType::md5: return all_hex(v, 32);
    case IocType::sha1: return all_hex(v, 40);
    case IocType::sha256: return all_hex(v, 64);
    case IocType::cve: return is_cve(v);
    case IocType::domain: return single_line(v) && v.find('.') != std::string_view::npos && v.find(' ') == std::string_view::npos;
    case IocType::email: return single_line(v) && v.find('@') != std::string_view::npos;
    case IocType::url:
    case IocType::file_path:
    case IocType::registry_key: return single_line(v);
  }
  return false;
}

EvidenceText::EvidenceText(const EvidencePack& pack) {
  for (const EvidenceItem& item : pack.items) {
    add_text(item.summary);
    add_text(item.raw);
    add_text(item.host);
    add_text(item.user);
    for (const auto& f : item.fields) add_text(f.value);
    for (const auto& ioc : item.iocs) add_text(ioc.value);
  }
}

void EvidenceText::add_text(std::string_view text) {
  if (text.empty()) return;
  haystack_.append(to_lower(text));
  haystack_.push_back('\n');
  Indicators found;
  IocExtractor().scan(text, found);
  for (const auto* list : {&found.ipv4, &found.ipv6, &found.domains, &found.urls, &found.emails, &found.md5,
                           &found.sha1, &found.sha256, &found.cves, &found.file_paths, &found.registry_keys}) {
    append_all(extracted_, *list);
  }
}

bool EvidenceText::contains(const std::string& lowered) const {
  return !lowered.empty() && (haystack_.find(lowered) != std::string::npos || extracted_.count(lowered) > 0);
}

bool EvidenceText::mentions(std::string_view value) const {
  const std::string lowered = to_lower(trim(value));
  if (contains(lowered)) return true;
  // Raw JSON events hold "C:\\Windows\\x.exe" and "http:\/\/host": the cited value unescaped.
  if (lowered.find('\\') != std::string::npos && contains(replace_all(lowered, '\\', "\\\\"))) return true;
  if (lowered.find('/') != std::string::npos && contains(replace_all(lowered, '/', "\\/"))) return true;
  // The model may have defanged what the evidence holds in clear.
  return might_be_defanged(lowered) && contains(to_lower(fang(lowered)));
}

}  // namespace triagent::analysis
