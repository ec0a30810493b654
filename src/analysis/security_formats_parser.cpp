// CEF, LEEF, Linux auditd and generic key=value: the security appliance formats.
#include <string>

#include "line_scanner.hpp"
#include "text_parsers.hpp"

namespace triagent::analysis::parsers {
namespace {

bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '@' || c == '[' || c == ']'; }

// Splits a CEF header: '|' separated, "\|" and "\\" escaped. Returns fields read.
std::size_t split_cef_header(std::string_view s, std::string (&parts)[8], std::size_t& ext_start) {
  std::size_t n = 0;
  std::size_t i = 0;
  parts[0].clear();
  while (i < s.size() && n < 7) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '|' || s[i + 1] == '\\')) {
      parts[n].push_back(s[i + 1]);
      i += 2;
      continue;
    }
    if (c == '|') {
      ++n;
      if (n < 8) parts[n].clear();
      ++i;
      continue;
    }
    parts[n].push_back(c);
    ++i;
  }
  ext_start = i;
  return n;
}

// CEF extension: "k1=v1 k2=v2 with spaces k3=v3"; '=' and '\' are escaped in values.
void split_cef_extension(std::string_view s, FieldList& out) {
  std::size_t i = 0;
  std::string* current = nullptr;
  while (i < s.size()) {
    // Find the next unescaped '=' whose key starts after a space (or at the start).
    std::size_t eq = i;
    while (eq < s.size()) {
      if (s[eq] == '\\') {
        eq += 2;
        continue;
      }
      if (s[eq] == '=') break;
      ++eq;
    }
    if (eq >= s.size()) {
      if (current) {
        for (std::size_t k = i; k < s.size(); ++k) current->push_back(s[k]);
      }
      break;
    }
    std::size_t key_start = eq;
    while (key_start > i && is_key_char(s[key_start - 1])) --key_start;
    const bool at_boundary = key_start == 0 || s[key_start - 1] == ' ';
    if (key_start == eq || !at_boundary) {
      // '=' inside a value (unescaped, as many senders do): keep it in the current value.
      if (current) current->append(s.substr(i, eq + 1 - i));
      i = eq + 1;
      continue;
    }
    if (current) {
      std::size_t end = key_start;
      while (end > i && s[end - 1] == ' ') --end;
      for (std::size_t k = i; k < end; ++k) {
        if (s[k] == '\\' && k + 1 < end) {
          ++k;
          current->push_back(s[k] == 'n' ? '\n' : s[k] == 'r' ? '\r' : s[k]);
        } else {
          current->push_back(s[k]);
        }
      }
    }
    current = &out.add(s.substr(key_start, eq - key_start));
    i = eq + 1;
  }
  if (current) {
    while (!current->empty() && current->back() == ' ') current->pop_back();
  }
}

}  // namespace

int split_key_values(std::string_view text, FieldList& out) {
  int pairs = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && !(is_alpha(text[i]) || text[i] == '_')) ++i;
    const std::size_t key_start = i;
    while (i < n && (is_alnum(text[i]) || text[i] == '_' || text[i] == '.' || text[i] == '-')) ++i;
    if (i >= n || text[i] != '=' || i == key_start) {
      // Not a key: skip the rest of this word.
      while (i < n && !is_space(text[i]) && text[i] != ',' && text[i] != ';') ++i;
      continue;
    }
    if (key_start > 0 && !(is_space(text[key_start - 1]) || text[key_start - 1] == ',' ||
                           text[key_start - 1] == ';' || text[key_start - 1] == '[' || text[key_start - 1] == '(')) {
      ++i;
      continue;
    }
    const std::string_view key = text.substr(key_start, i - key_start);
    ++i;  // '='
    std::string& value = out.add(key);
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      const char q = text[i++];
      while (i < n && text[i] != q) {
        if (text[i] == '\\' && i + 1 < n) ++i;
        value.push_back(text[i++]);
      }
      if (i < n) ++i;
    } else {
      const std::size_t b = i;
      while (i < n && !is_space(text[i]) && text[i] != ',' && text[i] != ';') ++i;
      value.assign(text.substr(b, i - b));
    }
    ++pairs;
  }
  return pairs;
}

bool key_values(std::string_view text, ParsedEvent& ev, int min_pairs) {
  const std::size_t before = ev.fields.size();
  const int pairs = split_key_values(text, ev.fields);
  if (pairs < min_pairs) return false;
  (void)before;
  ev.log_type = "kv";
  return true;
}

bool cef(std::string_view line, ParsedEvent& ev) {
  std::size_t at = 0;
  if (!line.starts_with("CEF:")) {
    at = line.find(" CEF:");
    if (at == std::string_view::npos || at > 256) return false;
    ev.fields.add("syslog_header", line.substr(0, at));
    ++at;
  }
  std::string parts[8];
  std::size_t ext = 0;
  const std::string_view body = line.substr(at + 4);
  if (split_cef_header(body, parts, ext) < 7) return false;
  static constexpr std::string_view kNames[] = {"cef_version", "device_vendor", "device_product", "device_version",
                                                "signature_id", "name", "severity"};
  for (int k = 0; k < 7; ++k) ev.fields.add(kNames[k], parts[k]);
  split_cef_extension(body.substr(ext), ev.fields);
  ev.log_type = "cef";
  ev.product = "cef";
  return true;
}

bool leef(std::string_view line, ParsedEvent& ev) {
  std::size_t at = 0;
  if (!line.starts_with("LEEF:")) {
    at = line.find("LEEF:");
    if (at == std::string_view::npos || at > 256 || line[at - 1] != ' ') return false;
  }
  std::string_view body = line.substr(at + 5);
  // LEEF:Version|Vendor|Product|Version|EventID|[delimiter|]attributes
  std::string_view parts[6];
  std::size_t n = 0;
  std::size_t i = 0;
  while (n < 5 && i <= body.size()) {
    const auto bar = body.find('|', i);
    if (bar == std::string_view::npos) return false;
    parts[n++] = body.substr(i, bar - i);
    i = bar + 1;
  }
  char delim = '\t';
  std::string_view attrs = body.substr(i);
  if (parts[0].starts_with("2")) {
    const auto bar = attrs.find('|');
    if (bar != std::string_view::npos && bar <= 4) {
      const std::string_view d = attrs.substr(0, bar);
      if (d.size() == 1) delim = d[0];
      else if (d == "x09" || d == "0x09" || d == "\\t") delim = '\t';
      else if (d.size() >= 2 && (d[0] == 'x' || d.starts_with("0x"))) {
        int v = 0;
        for (char c : d.substr(d[0] == 'x' ? 1 : 2)) {
          if (!is_hex(c)) break;
          v = v * 16 + (is_digit(c) ? c - '0' : (ascii_lower(c) - 'a' + 10));
        }
        if (v > 0 && v < 128) delim = static_cast<char>(v);
      }
      attrs = attrs.substr(bar + 1);
    }
  }
  static constexpr std::string_view kNames[] = {"leef_version", "device_vendor", "device_product", "device_version",
                                                "event_id"};
  for (int k = 0; k < 5; ++k) ev.fields.add(kNames[k], parts[k]);
  std::size_t k = 0;
  while (k < attrs.size()) {
    auto end = attrs.find(delim, k);
    if (end == std::string_view::npos) end = attrs.size();
    const std::string_view pair = attrs.substr(k, end - k);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && eq > 0) ev.fields.add(pair.substr(0, eq), pair.substr(eq + 1));
    k = end + 1;
  }
  ev.log_type = "leef";
  ev.product = "leef";
  return true;
}

bool auditd(std::string_view line, ParsedEvent& ev) {
  if (!line.starts_with("type=")) return false;
  const auto msg = line.find(" msg=audit(");
  if (msg == std::string_view::npos || msg > 64) return false;
  split_key_values(line, ev.fields);
  ev.log_type = "linux-auditd";
  ev.product = "linux";
  ev.service = "auditd";
  return true;
}

}  // namespace triagent::analysis::parsers
