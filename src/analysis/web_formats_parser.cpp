// Web server logs: Apache/nginx access (common, combined, vhost, X-Forwarded-For lists), the
// Apache error log, the nginx error log and Proxifier's bracketed lines.
#include "line_scanner.hpp"
#include "text_parsers.hpp"

namespace triagent::analysis::parsers {
namespace {

// "[dd/Mon/yyyy:hh:mm:ss +zzzz]" at sc; leaves sc after ']'.
bool clf_time(LineScanner& sc) {
  return sc.lit('[') && sc.digits(2) && sc.lit('/') && sc.one_of(kMonths) >= 0 && sc.lit('/') && sc.digits(4) &&
         sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2) && sc.lit(':') && sc.digits(2) && sc.lit(' ') &&
         (sc.lit('+') || sc.lit('-')) && sc.digits(4) && sc.lit(']');
}

// A quoted string; a backslash escapes the byte after it. Unclosed: false, at the line's end. The
// next quote and the next backslash are found by memchr (requests and user agents are long).
bool quoted(LineScanner& sc, std::string_view& out) {
  if (!sc.lit('"')) return false;
  const std::string_view t = sc.text();
  const std::size_t b = sc.pos();
  std::size_t k = b;
  while (true) {
    const std::size_t q = t.find('"', k);
    const std::size_t backslash = t.find('\\', k);
    if (backslash < q) {
      k = backslash + 2;
      if (k < t.size()) continue;
    } else if (q != std::string_view::npos) {
      out = t.substr(b, q - b);
      sc.seek(q + 1);
      return true;
    }
    sc.seek(t.size());
    return false;
  }
}

}  // namespace

bool access_log(std::string_view line, ParsedEvent& ev) {
  // The timestamp anchors the line; what comes before it is "client ident user".
  const auto bracket = line.find(" [");
  if (bracket == std::string_view::npos || bracket > 300) return false;
  LineScanner sc(line, bracket + 1);
  const std::size_t ts_start = sc.pos();
  if (!clf_time(sc)) return false;
  const std::string_view ts = line.substr(ts_start + 1, sc.pos() - ts_start - 2);
  if (!sc.lit(' ')) return false;
  std::string_view request;
  if (!quoted(sc, request)) return false;
  sc.spaces();
  const std::string_view status = sc.token();
  sc.spaces();
  const std::string_view bytes = sc.token();
  if (!all_digits(status)) return false;
  std::string_view prefix = line.substr(0, bracket);
  // prefix = <client...> <ident> <user>
  const auto user_sp = prefix.rfind(' ');
  if (user_sp == std::string_view::npos) return false;
  const std::string_view user = prefix.substr(user_sp + 1);
  prefix = prefix.substr(0, user_sp);
  const auto ident_sp = prefix.rfind(' ');
  if (ident_sp == std::string_view::npos) return false;
  std::string_view client = prefix.substr(0, ident_sp);

  std::string_view referrer, agent;
  sc.spaces();
  const bool combined = quoted(sc, referrer) && sc.lit(' ') && quoted(sc, agent);
  sc.spaces();
  const bool extra = !sc.done();

  ev.fields.add("timestamp", ts);
  const bool forwarded_list = client.find(',') != std::string_view::npos || client.starts_with("\"");
  const auto client_sp = client.rfind(' ');
  bool vhost = false;
  if (forwarded_list) {
    // nginx with $http_x_forwarded_for first: the last address is the peer.
    std::string_view list = client;
    if (client.starts_with("\"")) {
      const auto close = client.find('"', 1);
      list = client.substr(1, close == std::string_view::npos ? client.size() - 1 : close - 1);
      if (close != std::string_view::npos && close + 2 < client.size()) {
        ev.fields.add("forwarded_for", list);
        client = client.substr(close + 2);
      } else {
        client = list;
      }
    }
    if (client.find(',') != std::string_view::npos) {
      ev.fields.add("forwarded_for", client);
      const auto last = client.rfind(' ');
      client = last == std::string_view::npos ? client : client.substr(last + 1);
    }
  } else if (client_sp != std::string_view::npos) {
    ev.fields.add("vhost", client.substr(0, client_sp));
    client = client.substr(client_sp + 1);
    vhost = true;
  }
  ev.fields.add("src_ip", client);
  if (user != "-") ev.fields.add("user", user);
  ev.fields.add("request", request);
  LineScanner rq(request);
  const std::string_view method = rq.token();
  rq.spaces();
  const std::string_view path = rq.token();
  rq.spaces();
  if (!path.empty()) {
    ev.fields.add("method", method);
    ev.fields.add("path", path);
    ev.fields.add("protocol", rq.token());
  }
  ev.fields.add("status", status);
  ev.fields.add("bytes", bytes);
  if (combined) {
    ev.fields.add("referrer", referrer);
    ev.fields.add("user_agent", agent);
  }
  ev.product = "webserver";
  ev.category = "webserver";
  // The kinds differ in their defaults: nginx logs an empty request as "" and puts the
  // X-Forwarded-For list first; Apache logs "-" and has the vhost variant.
  if (forwarded_list || request.empty()) {
    ev.log_type = "nginx-access";
  } else if (!combined || vhost || extra || request == "-") {
    ev.log_type = "apache-access";
  } else {
    ev.log_type = "apache-access-combined";
  }
  return true;
}

bool bracketed(std::string_view line, ParsedEvent& ev) {
  LineScanner sc(line);
  if (!sc.lit('[')) return false;
  // Apache error: "[Sun Dec 04 04:53:05 2005] [notice] msg" / 2.4: "[Wed Oct 11 14:32:52.123 2000] [core:error] ..."
  if (sc.one_of(kWeekdays) >= 0) {
    const auto close = line.find(']');
    if (close == std::string_view::npos || close > 64) return false;
    ev.fields.add("timestamp", line.substr(1, close - 1));
    LineScanner rest(line, close + 1);
    rest.spaces();
    if (rest.lit('[')) {
      const std::string_view level = rest.until(']');
      rest.lit(']');
      const auto colon = level.find(':');
      ev.fields.add("level", colon == std::string_view::npos ? level : level.substr(colon + 1));
      if (colon != std::string_view::npos) ev.fields.add("module", level.substr(0, colon));
    }
    rest.spaces();
    ev.fields.add("message", rest.rest());
    ev.log_type = "apache-error";
    ev.product = "webserver";
    ev.service = "apache";
    return true;
  }
  // Proxifier: "[10.30 16:49:10] chrome.exe - host:port ..."
  sc.seek(1);
  if (sc.digits(2) && sc.lit('.') && sc.digits(2) && sc.lit(' ') && sc.digits(2) && sc.lit(':') && sc.digits(2) &&
      sc.lit(':') && sc.digits(2) && sc.lit(']')) {
    ev.fields.add("timestamp", line.substr(1, sc.pos() - 2));
    sc.spaces();
    const std::string_view program = sc.token();
    sc.spaces();
    if (sc.peek() == '*') {  // "*64": a 64-bit process
      sc.token();
      sc.spaces();
    }
    if (sc.lit("- ")) {
      ev.fields.add("program", program);
      ev.fields.add("message", sc.rest());
      ev.log_type = "proxifier";
      return true;
    }
  }
  return false;
}

}  // namespace triagent::analysis::parsers
