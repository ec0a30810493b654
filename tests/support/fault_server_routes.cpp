// Request parsing and the per-path scripts of the fault server.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <charconv>
#include <map>
#include <string_view>

#include "support/fault_server_plan.hpp"

namespace triagent::test {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

long long to_number(std::string_view s, long long fallback) {
  long long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() ? v : fallback;
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  std::string wanted = lower(name);
  for (const auto& [k, v] : headers) {
    if (lower(k) == wanted) return v;
  }
  return std::nullopt;
}

namespace fault {

namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::string reason(int code) {
  switch (code) {
    case 200: return "OK";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string head(int code, const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(code) + " " + reason(code) + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  return out + "\r\n";
}

std::string simple(int code, std::string body, bool close = false) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Length", std::to_string(body.size())},
                                                              {"Content-Type", "text/plain"}};
  if (close) headers.emplace_back("Connection", "close");
  return head(code, headers) + body;
}

// Splits "/path?a=1&b=2" (or "http://host:port/path?..." from a proxy client) into path and query.
std::pair<std::string, std::map<std::string, std::string>> split_target(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    std::size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  std::map<std::string, std::string> query;
  std::size_t q = target.find('?');
  std::string path(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      std::size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      std::size_t eq = pair.find('=');
      query[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
  }
  return {path, query};
}

}  // namespace

ParseStatus parse_request(std::string& buffer, RecordedRequest& out) {
  std::size_t end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) return buffer.size() > kMaxHeaderBytes ? ParseStatus::malformed : ParseStatus::incomplete;
  std::string_view text(buffer.data(), end);
  std::size_t eol = text.find("\r\n");
  std::string_view request_line = text.substr(0, eol);
  std::size_t sp1 = request_line.find(' ');
  std::size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return ParseStatus::malformed;
  RecordedRequest r;
  r.method = std::string(request_line.substr(0, sp1));
  r.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::size_t content_length = 0;
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 2);
  while (!rest.empty()) {
    std::size_t next = rest.find("\r\n");
    std::string_view line = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return ParseStatus::malformed;
    std::string name(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (lower(name) == "content-length") content_length = static_cast<std::size_t>(to_number(value, 0));
    if (lower(name) == "transfer-encoding") return ParseStatus::malformed;  // not needed by the tests
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  std::size_t total = end + 4 + content_length;
  if (buffer.size() < total) return ParseStatus::incomplete;
  r.body = buffer.substr(end + 4, content_length);
  buffer.erase(0, total);
  out = std::move(r);
  return ParseStatus::complete;
}

Plan plan_for(const RecordedRequest& request) {
  auto [path, query] = split_target(request.target);
  auto num = [&q = query](const char* key, long long fallback) {
    auto it = q.find(key);
    return it == q.end() ? fallback : to_number(it->second, fallback);
  };
  Plan plan;
  if (request.method == "CONNECT") {
    // A client asking this "proxy" for a TLS tunnel: recorded, then refused.
    plan.steps.push_back({0, simple(403, "no tunnels here", true)});
    plan.ending = Ending::close;
  } else if (path == "/echo") {
    std::string body = request.method + " " + request.target + "\n";
    for (const auto& [k, v] : request.headers) body += lower(k) + ": " + v + "\n";
    body += "\n" + request.body;
    plan.steps.push_back({0, simple(200, body)});
  } else if (path == "/status") {
    int code = static_cast<int>(num("code", 500));
    std::string body = "status " + std::to_string(code);
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Length", std::to_string(body.size())}};
    if (query.count("retry_after")) headers.emplace_back("Retry-After", query["retry_after"]);
    if (query.count("retry_after_ms")) headers.emplace_back("retry-after-ms", query["retry_after_ms"]);
    if (query.count("should_retry")) headers.emplace_back("x-should-retry", query["should_retry"]);
    plan.steps.push_back({0, head(code, headers) + body});
  } else if (path == "/stall") {
    plan.steps.push_back({static_cast<int>(num("ms", 3'600'000)), simple(200, "ok")});
  } else if (path == "/slow") {
    long long bytes = std::clamp(num("bytes", 10), 0LL, 100'000LL);
    int interval = static_cast<int>(num("interval_ms", 100));
    plan.steps.push_back({0, head(200, {{"Content-Length", std::to_string(bytes)}})});
    for (long long i = 0; i < bytes; ++i) plan.steps.push_back({interval, "x"});
  } else if (path == "/bytes") {
    auto n = static_cast<std::size_t>(std::clamp(num("n", 0), 0LL, 256LL * 1024 * 1024));
    if (num("chunked", 0) == 1) {
      plan.steps.push_back({0, head(200, {{"Transfer-Encoding", "chunked"}})});
      constexpr std::size_t kChunk = 64 * 1024;
      for (std::size_t sent = 0; sent < n; sent += kChunk) {
        std::size_t len = std::min(kChunk, n - sent);
        char size_hex[32];
        std::snprintf(size_hex, sizeof size_hex, "%zx\r\n", len);
        plan.steps.push_back({0, size_hex + std::string(len, 'x') + "\r\n"});
      }
      plan.steps.push_back({0, "0\r\n\r\n"});
    } else {
      plan.steps.push_back({0, head(200, {{"Content-Length", std::to_string(n)}}) + std::string(n, 'x')});
    }
  } else if (path == "/big-headers") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Length", "2"}};
    long long n = std::clamp(num("n", 100), 0LL, 10'000LL);
    for (long long i = 0; i < n; ++i) headers.emplace_back("X-Filler-" + std::to_string(i), std::string(100, 'f'));
    plan.steps.push_back({0, head(200, headers) + "ok"});
  } else if (path == "/reset") {
    plan.steps.push_back({0, head(200, {{"Content-Length", "1000"}}) + std::string(10, 'x')});
    plan.ending = Ending::reset;
  } else if (path == "/hangup") {
    plan.ending = Ending::close;
  } else if (path == "/close") {
    plan.steps.push_back({0, simple(200, "ok", true)});
    plan.ending = Ending::close;
  } else {
    plan.steps.push_back({0, simple(200, "ok")});
  }
  return plan;
}

}  // namespace fault
}  // namespace triagent::test
