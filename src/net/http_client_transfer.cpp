#include "http_client_transfer.hpp"

#include <algorithm>
#include <string_view>

namespace triagent::curl_detail {

namespace {

// RFC 9110 token characters: what a method or header name may contain.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t.response.body.size() + n > t.body_cap) {
    t.over_cap = true;
    return 0;  // anything but n aborts the transfer with CURLE_WRITE_ERROR
  }
  t.response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t n = size * count;
  t.header_bytes += n;
  if (t.header_bytes > t.header_cap) {
    t.over_cap = true;
    return 0;
  }
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new status line: an interim 1xx or a proxy's CONNECT answer came before; keep only the last.
    t.response.headers.clear();
    return n;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!t.response.headers.empty()) {  // obsolete line folding: continues the previous value
      std::string& value = t.response.headers.back().second;
      value += ' ';
      value += trim(line);
    }
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // the blank line that ends the headers
  t.response.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  return n;
}

Error invalid(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

Result<void> add_headers(Transfer& t) {
  const HttpRequest& r = t.request;
  bool has_expect = false;
  for (const auto& [name, value] : r.headers) {
    if (!is_token(name)) return invalid("header name is not a token");
    if (has_control_chars(value)) return invalid("header " + name + " holds a control character");
    if (r.trace && iequals(name, "traceparent")) continue;  // ours, with this attempt's span, wins
    if (iequals(name, "expect")) has_expect = true;
    // libcurl sends "Name;" as a header with an empty value; "Name:" would remove the header.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  }
  // Waiting for "100 Continue" costs a round trip (or a 1 s stall with servers that ignore it).
  if (!has_expect) t.header_list = curl_slist_append(t.header_list, "Expect:");
  if (r.trace) {
    TraceContext span = r.trace->child();
    t.response.span_id = span.span_id;
    t.header_list = curl_slist_append(t.header_list, ("traceparent: " + span.to_header()).c_str());
  }
  return {};
}

void set_method(Transfer& t) {
  const HttpRequest& r = t.request;
  CURL* e = t.easy;
  if (r.method == "GET" && r.body.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    return;
  }
  bool sends_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  if (sends_body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }
  if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
}

HttpTiming read_timing(CURL* e) {
  HttpTiming timing;
  curl_off_t v = 0;
  if (curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &v) == CURLE_OK) timing.total_us = v;
  if (curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &v) == CURLE_OK) timing.name_lookup_us = v;
  if (curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &v) == CURLE_OK) timing.connect_us = v;
  if (curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &v) == CURLE_OK) timing.tls_us = v;
  if (curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &v) == CURLE_OK) timing.first_byte_us = v;
  long connects = 0;
  if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) timing.reused_connection = connects == 0;
  return timing;
}

HttpErrorKind kind_of(CURLcode code, bool over_cap) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return HttpErrorKind::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return HttpErrorKind::resolve;
    case CURLE_COULDNT_CONNECT:
    case CURLE_PROXY: return HttpErrorKind::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED: return HttpErrorKind::tls;
    case CURLE_FILESIZE_EXCEEDED: return HttpErrorKind::too_large;
    case CURLE_WRITE_ERROR: return over_cap ? HttpErrorKind::too_large : HttpErrorKind::transport;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT: return HttpErrorKind::invalid_request;
    default: return HttpErrorKind::transport;
  }
}

}  // namespace

Result<void> configure(Transfer& t, const HttpClientConfig& config, std::chrono::milliseconds remaining) {
  const HttpRequest& r = t.request;
  if (!is_token(r.method) || r.method.size() > 32) return invalid("method is not a token");
  if (r.url.empty() || has_control_chars(r.url) || r.url.find(' ') != std::string::npos) {
    return invalid("url is empty or holds a space or control character");
  }
  if (auto ok = add_headers(t); !ok) return ok;

  CURL* e = t.easy;
  t.body_cap = r.max_response_bytes ? r.max_response_bytes : config.max_response_bytes;
  t.header_cap = config.max_response_header_bytes;
  curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_text);
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(config.connect_timeout_ms, remaining.count())));
  // On a multiplexing connection, wait for it rather than opening a second one.
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, config.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, config.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, config.verify_tls ? 2L : 0L);
  if (!config.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, config.ca_file.c_str());
  if (!config.ca_path.empty()) curl_easy_setopt(e, CURLOPT_CAPATH, config.ca_path.c_str());
  if (config.proxy) curl_easy_setopt(e, CURLOPT_PROXY, config.proxy->c_str());
  if (config.no_proxy) curl_easy_setopt(e, CURLOPT_NOPROXY, config.no_proxy->c_str());
  if (!config.user_agent.empty()) curl_easy_setopt(e, CURLOPT_USERAGENT, config.user_agent.c_str());
  if (config.accept_compressed) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  // A Content-Length over the cap fails before any body byte is read.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.body_cap));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  set_method(t);
  return {};
}

HttpResult finish(Transfer& t, CURLcode code) {
  HttpTiming timing = read_timing(t.easy);
  if (code != CURLE_OK) {
    std::string message = t.error_text[0] ? std::string(t.error_text) : std::string(curl_easy_strerror(code));
    HttpErrorKind kind = kind_of(code, t.over_cap);
    // A proxy that refused the CONNECT tunnel: libcurl reports a receive error, but no connection
    // to the upstream was ever made.
    long connect_code = 0;
    if (curl_easy_getinfo(t.easy, CURLINFO_HTTP_CONNECTCODE, &connect_code) == CURLE_OK && connect_code != 0 &&
        (connect_code < 200 || connect_code > 299)) {
      kind = HttpErrorKind::connect;
    }
    if (kind == HttpErrorKind::too_large) message = "response over the size cap (" + message + ")";
    HttpError error{kind, std::move(message), timing, t.response.span_id};
    return error;
  }
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  long version = 0;
  curl_easy_getinfo(t.easy, CURLINFO_HTTP_VERSION, &version);
  t.response.status = static_cast<int>(status);
  switch (version) {
    case CURL_HTTP_VERSION_1_0: t.response.http_version = 10; break;
    case CURL_HTTP_VERSION_1_1: t.response.http_version = 11; break;
    case CURL_HTTP_VERSION_2_0: t.response.http_version = 20; break;
    case CURL_HTTP_VERSION_3: t.response.http_version = 30; break;
    default: t.response.http_version = 0; break;
  }
  t.response.timing = timing;
  return std::move(t.response);
}

HttpResult fail(Transfer& t, HttpErrorKind kind, std::string message) {
  HttpTiming timing = t.easy ? read_timing(t.easy) : HttpTiming{};
  return HttpError{kind, std::move(message), timing, t.response.span_id};
}

}  // namespace triagent::curl_detail
