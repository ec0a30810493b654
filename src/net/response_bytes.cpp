#include "net/response_bytes.hpp"

#include <boost/beast/http/status.hpp>
#include <string_view>

namespace triagent {

namespace {

void append_header_text(std::string& out, std::string_view text) {
  for (char c : text) out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  append_header_text(out, name);
  out += ": ";
  append_header_text(out, value);
  out += "\r\n";
}

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The message's framing is the server's: a handler cannot set these.
bool is_framing_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Connection") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Server");
}

}  // namespace

std::string render_response(const ServerResponse& response, unsigned version, bool keep_alive) {
  const bool with_body = status_has_body(response.status);
  std::string out;
  out.reserve(160 + response.body.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  const int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  out += std::to_string(status);
  out += ' ';
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: triagent\r\n";
  // A Content-Type among the handler's headers replaces the response's own, as beast's set() did.
  std::string_view content_type = response.content_type;
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "Content-Type")) content_type = value;
  }
  append_header(out, "Content-Type", content_type);
  for (const auto& [name, value] : response.headers) {
    if (!iequals(name, "Content-Type") && !is_framing_header(name)) append_header(out, name, value);
  }
  // HTTP/1.1 keeps a connection open unless told otherwise; 1.0 closes it unless told otherwise.
  if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) out += "Connection: close\r\n";
  if (with_body) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n\r\n";
    out += response.body;
  } else {
    out += "\r\n";
  }
  return out;
}

}  // namespace triagent
