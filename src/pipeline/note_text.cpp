#include "pipeline/note_text.hpp"

#include <cstdint>

#include "triagent/core/byte_blocks.hpp"

namespace triagent::note_text {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

struct Decoded {
  char32_t cp = kInvalid;  // kInvalid: the byte at the position does not start a valid sequence
  std::size_t len = 1;
};

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
Decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {};
  }
  if (i + len > s.size()) return {};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Characters that change how the rest of a line is displayed without showing themselves: a
// reviewer must see what the note says, so they go.
bool is_invisible_format(char32_t cp) {
  return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

bool is_line_break(char32_t cp) { return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 || cp == 0x85; }

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

// The shared pass: decoded, printable text where every line break is '\n' (keep_breaks) or a
// space, runs of spaces collapsed, each line trimmed, blank-line runs collapsed to one.
std::string sanitize(std::string_view text, bool keep_breaks) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  int pending_breaks = 0;
  for (std::size_t i = 0; i < text.size();) {
    Decoded d = decode(text, i);
    // CR LF is one break.
    if (d.cp == '\r' && i + 1 < text.size() && text[i + 1] == '\n') d.len = 2;
    i += d.len;
    char32_t cp = d.cp == kInvalid ? 0xFFFD : d.cp;
    if (is_invisible_format(cp)) continue;
    if (is_line_break(cp)) {
      if (keep_breaks) {
        pending_space = false;
        if (!out.empty()) ++pending_breaks;
      } else {
        pending_space = !out.empty();
      }
      continue;
    }
    if (is_control(cp) || cp == ' ' || cp == 0xA0 || cp == 0x3000) {
      pending_space = !out.empty() && pending_breaks == 0;
      continue;
    }
    if (pending_breaks > 0) {
      out.append(pending_breaks > 1 ? "\n\n" : "\n");
      pending_breaks = 0;
    } else if (pending_space) {
      out += ' ';
    }
    pending_space = false;
    append_utf8(out, cp);
  }
  return out;
}

std::string bounded(std::string text, std::size_t max_chars) {
  neutralize_markers(text);
  if (count_chars(text) <= max_chars) return text;
  constexpr std::string_view ellipsis = "...";
  if (max_chars <= ellipsis.size()) return std::string(cut_chars(text, max_chars));
  std::string out(cut_chars(text, max_chars - ellipsis.size()));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out + std::string(ellipsis);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

std::size_t count_chars(std::string_view utf8) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size(); ++n) {
    if (utf8.size() - i >= 16 && high_bits16(load16(utf8.data() + i)) == 0) {  // sixteen ASCII characters
      n += 15;
      i += 16;
      continue;
    }
    i += decode(utf8, i).len;
  }
  return n;
}

std::string_view cut_chars(std::string_view utf8, std::size_t max_chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < utf8.size() && n < max_chars; ++n) i += decode(utf8, i).len;
  return utf8.substr(0, i);
}

std::string clean_line(std::string_view text, std::size_t max_chars) {
  return bounded(sanitize(text, false), max_chars);
}

std::string clean_block(std::string_view text, std::size_t max_chars) {
  return bounded(sanitize(text, true), max_chars);
}

std::string clean_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    if (keep) out += c;
    if (out.size() == 64) break;
  }
  return out;
}

void neutralize_markers(std::string& text, std::size_t from) {
  const std::size_t n = kMarkerPrefix.size();
  for (std::size_t i = from; i + n <= text.size(); ++i) {
    if (text[i] != '[') continue;
    bool match = true;
    for (std::size_t k = 1; k < n && match; ++k) match = lower(text[i + k]) == kMarkerPrefix[k];
    if (match) text[i] = '(';
  }
}

}  // namespace triagent::note_text
