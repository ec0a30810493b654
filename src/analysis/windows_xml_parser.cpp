// The XML rendering of a Windows event (wevtutil, Event Viewer "XML view", Sysmon for Linux).
// Not a general XML parser: leaf elements become fields (<Data Name="X">v</Data> becomes X=v),
// attributes become Element_Attribute (Provider_Name, TimeCreated_SystemTime), as Sigma names them.
#include <string>

#include "text_parsers.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis::parsers {
namespace {

void append_unescaped(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(s[i++]);
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "amp") out.push_back('&');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (ent.size() > 1 && ent[0] == '#') {
      unsigned v = 0;
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      for (char c : ent.substr(hex ? 2 : 1)) {
        if (hex && is_hex(c)) v = v * 16 + static_cast<unsigned>(is_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10);
        else if (!hex && is_digit(c)) v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > 0x10FFFF) break;
      }
      if (v > 0 && v < 0x80) out.push_back(static_cast<char>(v));
      else out.append("?");
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi + 1;
  }
}

std::string_view attribute(std::string_view tag, std::string_view name) {
  std::size_t k = 0;
  while ((k = tag.find(name, k)) != std::string_view::npos) {
    const std::size_t after = k + name.size();
    if ((k == 0 || tag[k - 1] == ' ') && after + 1 < tag.size() && tag[after] == '=' &&
        (tag[after + 1] == '"' || tag[after + 1] == '\'')) {
      const char q = tag[after + 1];
      const auto end = tag.find(q, after + 2);
      if (end == std::string_view::npos) return {};
      return tag.substr(after + 2, end - after - 2);
    }
    k = after;
  }
  return {};
}

}  // namespace

bool windows_xml(std::string_view text, ParsedEvent& ev) {
  const auto start = text.find("<Event");
  if (start == std::string_view::npos || start > 64) return false;
  std::size_t i = start;
  std::string name_buf;
  int fields = 0;
  while (i < text.size() && fields < 4096) {
    const auto lt = text.find('<', i);
    if (lt == std::string_view::npos) break;
    const auto gt = text.find('>', lt);
    if (gt == std::string_view::npos) break;
    std::string_view tag = text.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag.empty() || tag[0] == '/' || tag[0] == '?' || tag[0] == '!') continue;
    const bool self_closing = tag.back() == '/';
    if (self_closing) tag.remove_suffix(1);
    const auto sp = tag.find_first_of(" \t\r\n");
    const std::string_view element = tag.substr(0, sp);
    const std::string_view attrs = sp == std::string_view::npos ? std::string_view{} : tag.substr(sp + 1);
    // Attributes of structural elements (Provider Name, TimeCreated SystemTime, Execution ProcessID).
    if (!attrs.empty() && element != "Data" && element != "Event") {
      std::size_t k = 0;
      while (k < attrs.size()) {
        const auto eq = attrs.find('=', k);
        if (eq == std::string_view::npos || eq + 1 >= attrs.size()) break;
        const char q = attrs[eq + 1];
        if (q != '"' && q != '\'') break;
        const auto end = attrs.find(q, eq + 2);
        if (end == std::string_view::npos) break;
        const std::string_view an = trim(attrs.substr(k, eq - k));
        if (!an.starts_with("xmlns")) {
          name_buf.assign(element);
          name_buf.push_back('_');
          name_buf.append(an);
          append_unescaped(ev.fields.add(name_buf), attrs.substr(eq + 2, end - eq - 2));
          ++fields;
        }
        k = end + 1;
      }
    }
    if (self_closing) continue;
    // A leaf element: text up to the next '<' which must be its own end tag.
    const auto next = text.find('<', i);
    if (next == std::string_view::npos) break;
    if (text.substr(next, 2) != "</") continue;
    const std::string_view value = text.substr(i, next - i);
    std::string_view field = element;
    if (element == "Data") {
      const std::string_view n = attribute(attrs, "Name");
      field = n.empty() ? std::string_view("Data") : n;
    }
    append_unescaped(ev.fields.add(field), value);
    ++fields;
    i = next;
  }
  return fields > 0;
}

}  // namespace triagent::analysis::parsers
