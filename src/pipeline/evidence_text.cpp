#include "evidence_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "triagent/core/clock.hpp"
#include "triagent/core/utf8.hpp"

namespace triagent::evidence_text {

std::size_t utf8_floor(std::string_view s, std::size_t max) {
  if (max >= s.size()) return s.size();
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return max;
}

std::string one_line(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes) + 3);
  bool cut = false;
  for (std::size_t i = 0; i < s.size();) {
    // Printable ASCII other than the space is copied as it is, a run at a time (most of any log).
    std::size_t run = i;
    while (run < s.size() && static_cast<unsigned char>(s[run]) - 0x21u < 0x5Eu) ++run;
    if (run > i) {
      const std::size_t room = max_bytes > out.size() ? max_bytes - out.size() : 0;
      out.append(s.substr(i, std::min(run - i, room)));
      if (run - i > room) {
        cut = true;
        break;
      }
      i = run;
      continue;
    }
    const unsigned char u = static_cast<unsigned char>(s[i]);
    std::string_view piece;
    std::size_t step = 1;
    if (u < 0x20 || u == 0x7f) {
      piece = " ";
    } else if (const std::size_t n = utf8_sequence_length(s, i)) {
      piece = s.substr(i, n);
      step = n;
    } else {
      piece = "\xEF\xBF\xBD";  // U+FFFD
    }
    i += step;
    if (piece == " " && (out.empty() || out.back() == ' ')) continue;
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out.append(piece);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (cut) out.append("...");
  return out;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return std::to_string(static_cast<std::int64_t>(d));
    }
    return v.dump();
  }
  return {};
}

std::string member_text(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it == object.end() ? std::string() : scalar_text(*it);
}

std::int64_t time_ms_from(const nlohmann::json& v) {
  double n = 0;
  if (v.is_number()) {
    n = v.get<double>();
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty()) return 0;
    const bool numeric = s.find_first_not_of("0123456789.") == std::string::npos;
    if (!numeric) {
      const std::int64_t ms = parse_rfc3339_ms(s);
      return ms > 0 ? ms : 0;
    }
    n = std::strtod(s.c_str(), nullptr);
  } else {
    return 0;
  }
  if (!std::isfinite(n) || n <= 0) return 0;
  // By magnitude: seconds, milliseconds, microseconds, nanoseconds (each range is past year 5000 in
  // the unit before it, so no present-day time is ambiguous).
  if (n < 1e11) return static_cast<std::int64_t>(n * 1000);
  if (n < 1e14) return static_cast<std::int64_t>(n);
  if (n < 1e17) return static_cast<std::int64_t>(n / 1000);
  if (n < 9.2e18) return static_cast<std::int64_t>(n / 1e6);
  return 0;
}

}  // namespace triagent::evidence_text
