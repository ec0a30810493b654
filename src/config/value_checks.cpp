#include "config/value_checks.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace triagent::config_detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_ip_literal(int family, const std::string& host) {
  unsigned char buf[16];
  return inet_pton(family, host.c_str(), buf) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> listen_address_problem(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return "expected [IPv6]:port, the ']' is missing";
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') return "expected host:port, the port is missing";
    port = text.substr(close + 2);
    if (!is_ip_literal(AF_INET6, std::string(host))) return "expected host:port, the IPv6 address is not valid";
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return "expected host:port, the port is missing";
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return "an IPv6 address must be in brackets, as in [::1]:8080";
    if (host.empty()) return "expected host:port, the host is missing (0.0.0.0 listens on every interface)";
    const bool looks_numeric = host.find_first_not_of("0123456789.") == std::string_view::npos;
    if (looks_numeric) {
      if (!is_ip_literal(AF_INET, std::string(host))) return "expected host:port, the IPv4 address is not valid";
    } else if (!is_host_name(host)) {
      return "expected host:port, the host is neither an IP address nor a valid host name";
    }
  }
  const auto port_number = port.size() <= 5 ? parse_unsigned(port) : std::nullopt;
  if (!port_number || *port_number > 65535) return "expected host:port, the port must be a number from 0 to 65535";
  return std::nullopt;
}

bool is_json_pointer(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() != '/') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '~') continue;
    if (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1')) return false;
  }
  return true;
}

std::string quoted_for_message(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += "'";
  return out;
}

}  // namespace triagent::config_detail
