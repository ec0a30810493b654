// RFC 3164 and RFC 5424 syslog, and the per-program kinds the rules and the labels distinguish.
#include <array>

#include "line_scanner.hpp"
#include "text_parsers.hpp"

namespace triagent::analysis::parsers {
namespace {

bool is_auth_program(std::string_view p) {
  static constexpr std::array<std::string_view, 16> kAuth = {
      "sudo", "su", "login", "passwd", "useradd", "userdel", "usermod", "groupadd", "groupdel",
      "chpasswd", "chage", "gpasswd", "pkexec", "systemd-logind", "polkitd", "unix_chkpwd"};
  for (auto a : kAuth) {
    if (p == a) return true;
  }
  return false;
}

bool is_macos_program(std::string_view host, std::string_view p) {
  static constexpr std::array<std::string_view, 24> kMac = {
      "blued", "sharingd", "airportd", "locationd", "mDNSResponder", "symptomsd", "powerd", "apsd",
      "cloudd", "nsurlsessiond", "corecaptured", "WindowServer", "loginwindow", "hidd",
      "UserEventAgent", "mdworker", "secd", "trustd", "tccd", "syspolicyd", "routined", "cfprefsd",
      "coreaudiod", "launchd"};
  if (p.starts_with("com.apple.")) return true;
  if (p.find(' ') != std::string_view::npos) return true;  // "Microsoft Word", "Google Chrome Helper"
  for (auto m : kMac) {
    if (p == m) return true;
  }
  if (ifind(host, "macbook") != std::string_view::npos || ifind(host, "imac") != std::string_view::npos) return true;
  // Linux daemons are lower case by convention; a capitalised app name is a macOS GUI app.
  if (!p.empty() && p[0] >= 'A' && p[0] <= 'Z' && p != "CRON" && p != "NetworkManager" && p != "ModemManager") {
    return true;
  }
  return false;
}

// "prog[pid]: message" or "prog: message"; returns false when there is no tag.
bool split_tag(std::string_view rest, std::string_view& program, std::string_view& pid, std::string_view& msg) {
  const std::size_t limit = rest.size() < 160 ? rest.size() : 160;
  std::size_t colon = std::string_view::npos;
  for (std::size_t k = 0; k < limit; ++k) {
    if (rest[k] == ':' && (k + 1 == rest.size() || rest[k + 1] == ' ')) {
      colon = k;
      break;
    }
  }
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view tag = rest.substr(0, colon);
  msg = colon + 2 <= rest.size() ? rest.substr(colon + 2) : std::string_view{};
  pid = {};
  if (tag.back() == ']') {
    const auto open = tag.rfind('[');
    if (open != std::string_view::npos) {
      pid = tag.substr(open + 1, tag.size() - open - 2);
      tag = tag.substr(0, open);
    }
  }
  program = tag;
  return !program.empty();
}

void set_syslog_kind(ParsedEvent& ev, std::string_view host, std::string_view program, std::string_view pid,
                     std::string_view msg, std::string_view fallback) {
  ev.product = "linux";
  if (program == "sshd") {
    ev.log_type = "openssh-sshd-syslog";
    ev.service = "sshd";
  } else if (is_auth_program(program)) {
    ev.log_type = "linux-auth-syslog";
    ev.service = "auth";
  } else if (program == "sysmon" || msg.starts_with("<Event>") || msg.starts_with("<Event ")) {
    windows_xml(msg, ev);
    ev.log_type = "linux-sysmon-via-syslog";
    ev.product = "linux";
    ev.service = "sysmon";
  } else if ((program == "kernel" && pid == "0") || is_macos_program(host, program)) {
    ev.log_type = "macos-syslog";
    ev.product = "macos";
  } else {
    ev.log_type = std::string(fallback);
  }
}

// After the timestamp: "host tag: message".
void parse_host_and_tag(LineScanner& sc, ParsedEvent& ev, std::string_view fallback) {
  sc.spaces();
  const std::string_view host = sc.token();
  sc.spaces();
  const std::string_view rest = sc.rest();
  ev.fields.add("host", host);
  std::string_view program, pid, msg;
  if (split_tag(rest, program, pid, msg)) {
    ev.fields.add("program", program);
    if (!pid.empty()) ev.fields.add("pid", pid);
    ev.fields.add("message", msg);
  } else {
    ev.fields.add("message", rest);
  }
  set_syslog_kind(ev, host, program, pid, msg, fallback);
}

// "Mmm dd hh:mm:ss" (day may be space padded), optionally with a year after it.
bool bsd_timestamp(LineScanner& sc) {
  if (sc.one_of(kMonths) < 0) return false;
  if (sc.spaces() == 0) return false;
  if (!sc.digits_range(1, 2)) return false;
  if (sc.spaces() == 0) return false;
  if (!(sc.digits(2) && sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2))) return false;
  if (sc.peek() == '.') {  // fractional seconds
    sc.lit('.');
    sc.digits_range(1, 9);
  }
  return sc.peek() == ' ';
}

// "2023-01-02T03:04:05[.fff](Z|+hh:mm)"
bool iso_timestamp(LineScanner& sc) {
  if (!(sc.digits(4) && sc.lit('-') && sc.digits(2) && sc.lit('-') && sc.digits(2) && sc.lit('T') && sc.digits(2) &&
        sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2))) {
    return false;
  }
  if (sc.lit('.')) sc.digits_range(1, 9);
  if (sc.lit('Z')) return true;
  if (sc.lit('+') || sc.lit('-')) return sc.digits(2) && sc.lit(':') && sc.digits(2);
  return true;
}

bool rfc5424(LineScanner& sc, ParsedEvent& ev) {
  // VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
  if (!sc.lit("1 ")) return false;
  const std::string_view ts = sc.token();
  if (sc.spaces() != 1) return false;
  const std::string_view host = sc.token();
  if (sc.spaces() != 1) return false;
  const std::string_view app = sc.token();
  if (sc.spaces() != 1) return false;
  const std::string_view procid = sc.token();
  if (sc.spaces() != 1) return false;
  const std::string_view msgid = sc.token();
  if (sc.spaces() != 1) return false;
  ev.fields.add("timestamp", ts);
  ev.fields.add("host", host);
  ev.fields.add("program", app);
  if (procid != "-") ev.fields.add("pid", procid);
  if (msgid != "-") ev.fields.add("msgid", msgid);
  std::string_view rest = sc.rest();
  if (rest.starts_with("-")) {
    rest.remove_prefix(1);
  } else if (rest.starts_with("[")) {
    // Structured data: one or more [id k="v" ...] blocks; quoted values may hold escaped ']'.
    std::size_t k = 0;
    while (k < rest.size() && rest[k] == '[') {
      bool quoted = false;
      ++k;
      const std::size_t start = k;
      while (k < rest.size()) {
        if (rest[k] == '\\' && k + 1 < rest.size()) {
          k += 2;
          continue;
        }
        if (rest[k] == '"') quoted = !quoted;
        if (rest[k] == ']' && !quoted) break;
        ++k;
      }
      const std::string_view block = rest.substr(start, k - start);
      const auto sp = block.find(' ');
      if (sp != std::string_view::npos) split_key_values(block.substr(sp + 1), ev.fields);
      if (k < rest.size()) ++k;
    }
    rest.remove_prefix(k);
  }
  if (rest.starts_with(" ")) rest.remove_prefix(1);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // BOM
  ev.fields.add("message", rest);
  set_syslog_kind(ev, host, app, procid, rest, "syslog-rfc5424");
  return true;
}

}  // namespace

bool syslog(std::string_view line, ParsedEvent& ev) {
  LineScanner sc(line);
  bool has_pri = false;
  if (sc.lit('<')) {
    const std::size_t n = sc.digits_range(1, 3);
    if (!n || !sc.lit('>')) return false;
    ev.fields.add("priority", line.substr(1, n));
    has_pri = true;
    if (sc.peek() == '1' && sc.peek(1) == ' ') return rfc5424(sc, ev);
  }
  const std::size_t start = sc.pos();
  if (bsd_timestamp(sc)) {
    ev.fields.add("timestamp", line.substr(start, sc.pos() - start));
    // Some daemons write the year after the time ("Mar  1 10:00:00 2024 host ...").
    parse_host_and_tag(sc, ev, has_pri ? "syslog-rfc3164" : "linux-syslog");
    return true;
  }
  sc.seek(start);
  if (iso_timestamp(sc) && sc.peek() == ' ') {
    ev.fields.add("timestamp", line.substr(start, sc.pos() - start));
    parse_host_and_tag(sc, ev, has_pri ? "syslog-rfc3164" : "linux-syslog");
    return ev.fields.find("program") != nullptr;
  }
  return false;
}

}  // namespace triagent::analysis::parsers
