#include "connectors/singularity_http.hpp"

#include "connectors/singularity_json.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::s1 {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxErrorTexts = 3;
constexpr std::size_t kMaxErrorTextBytes = 200;

ErrorCode code_for_status(int status) {
  switch (status) {
    case 400: return ErrorCode::invalid_argument;
    case 401: return ErrorCode::unauthenticated;
    case 403: return ErrorCode::forbidden;
    case 404: return ErrorCode::not_found;
    case 409: return ErrorCode::conflict;
    case 413: return ErrorCode::too_large;
    default: break;
  }
  return status >= 400 && status < 500 && status != 408 && status != 429 ? ErrorCode::invalid_argument
                                                                         : ErrorCode::unavailable;
}

std::string describe_error_entry(const json& entry) {
  std::string title = first_text({member(entry, "title"), member(entry, "message"), member(entry, "errorMessage")});
  std::string detail = text(member(entry, "detail"));
  std::string code = text(member(entry, "code"));
  std::string out = printable(title);
  if (!detail.empty()) out += (out.empty() ? "" : ": ") + printable(detail);
  if (!code.empty()) out += out.empty() ? "code " + printable(code) : " (code " + printable(code) + ")";
  return out;
}

}  // namespace

void add_scope(QueryString& query, const SingularityConfig& config) {
  if (!config.account_ids.empty()) query.add_list("accountIds", config.account_ids);
  if (!config.site_ids.empty()) query.add_list("siteIds", config.site_ids);
}

HttpRequest make_request(const Upstream& upstream, const Secret& token, std::string method, std::string_view path,
                         std::string body) {
  HttpRequest req;
  req.method = std::move(method);
  req.url = upstream.url(path);
  req.headers = {{"Authorization", "ApiToken " + token.reveal()}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  return req;
}

std::string to_body(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, kMaxErrorTextBytes)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (s.size() > kMaxErrorTextBytes) out += "...";
  return out;
}

json pinned_write(json data, const std::string& id) {
  return json{{"data", std::move(data)}, {"filter", {{"ids", json::array({id})}}}};
}

std::string scrub(std::string message, const Secret& token) {
  const std::string& secret = token.reveal();
  if (secret.empty()) return message;
  for (std::size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at)) {
    message.replace(at, secret.size(), "<redacted>");
  }
  return message;
}

std::vector<std::string> error_texts(const json& body) {
  std::vector<std::string> out;
  for (const auto& entry : array_or_empty(member(body, "errors"))) {
    std::string t = entry.is_string() ? printable(entry.get_ref<const std::string&>()) : describe_error_entry(entry);
    if (!t.empty() && out.size() < kMaxErrorTexts) out.push_back(std::move(t));
  }
  return out;
}

Error response_error(const HttpResponse& response, std::string_view what, const Secret& token) {
  // Scrubbed before anything is cut short, so no prefix of an echoed token survives either.
  HttpResponse clean;
  clean.status = response.status;
  clean.body = scrub(response.body, token);
  std::string message;
  if (auto body = parse_untrusted_json(clean.body); body) {
    std::vector<std::string> texts = error_texts(*body);
    if (!texts.empty()) {
      message = std::string(what) + ": HTTP " + std::to_string(response.status) + ": ";
      for (std::size_t i = 0; i < texts.size(); ++i) message += (i ? "; " : "") + texts[i];
    }
  }
  if (message.empty()) message = describe_failure(clean, what);
  Error e{code_for_status(response.status), std::move(message)};
  e.upstream_status = response.status;
  return e;
}

Result<json> read_json_answer(Result<HttpResponse> answer, std::string_view what, const Secret& token) {
  if (!answer) {
    Error e = answer.error();
    e.message = scrub(std::move(e.message), token);
    return e;
  }
  const HttpResponse& response = *answer;
  if (response.status < 200 || response.status > 299) return response_error(response, what, token);
  if (response.body.empty()) return json::object();
  auto body = parse_untrusted_json(scrub(response.body, token));
  if (!body) {
    Error e{ErrorCode::unavailable, std::string(what) + ": answer is not JSON (" + body.error().message + ")"};
    e.upstream_status = response.status;
    return e;
  }
  if (!body->is_object()) {
    Error e{ErrorCode::unavailable, std::string(what) + ": answer is not a JSON object"};
    e.upstream_status = response.status;
    return e;
  }
  if (member(*body, "data") == nullptr) {
    if (std::vector<std::string> texts = error_texts(*body); !texts.empty()) {
      Error e{ErrorCode::unavailable, std::string(what) + ": " + texts.front()};
      e.upstream_status = response.status;
      return e;
    }
  }
  return std::move(body).value();
}

boost::asio::awaitable<Result<json>> call_json(const Upstream& upstream, const Secret& token, std::string method,
                                               std::string path, std::string body, CallOptions options,
                                               std::string what) {
  HttpRequest request = make_request(upstream, token, std::move(method), path, std::move(body));
  Result<HttpResponse> answer = co_await call_upstream(upstream, std::move(request), std::move(options));
  co_return read_json_answer(std::move(answer), what, token);
}

std::optional<std::string> next_cursor(const json& body) {
  const json* cursor = path(body, {"pagination", "nextCursor"});
  if (cursor == nullptr || !cursor->is_string()) return std::nullopt;
  const auto& value = cursor->get_ref<const std::string&>();
  if (value.empty() || value == "null") return std::nullopt;
  return percent_decode(value);
}

Result<std::int64_t> affected_count(const json& body, std::string_view what) {
  std::optional<std::int64_t> affected = integer(path(body, {"data", "affected"}));
  if (!affected || *affected < 0) {
    return Error{ErrorCode::unavailable, std::string(what) + ": answer has no data.affected count"};
  }
  return *affected;
}

boost::asio::awaitable<Result<Pages>> get_all_pages(const Upstream& upstream, const Secret& token, std::string path,
                                                    QueryString query, int max_pages, CallOptions options,
                                                    std::string what) {
  Pages out;
  std::optional<std::string> cursor;
  std::string previous_cursor;
  while (out.pages < max_pages) {
    QueryString page_query = query;
    if (cursor) page_query.add("cursor", *cursor);
    auto body = co_await call_json(upstream, token, "GET", path + page_query.str(), "", options, what);
    if (!body) co_return body.error();
    const json* data = member(*body, "data");
    if (data == nullptr || !data->is_array()) {
      co_return Error{ErrorCode::unavailable, what + ": answer has no data list"};
    }
    if (out.pages == 0) out.total_items = integer(s1::path(*body, {"pagination", "totalItems"}));
    ++out.pages;
    for (const auto& item : *data) out.items.push_back(item);
    cursor = next_cursor(*body);
    // A cursor that does not move would page forever; the data already read is kept.
    if (!cursor || data->empty() || *cursor == previous_cursor) {
      out.truncated = cursor.has_value();
      co_return out;
    }
    previous_cursor = *cursor;
  }
  out.truncated = cursor.has_value();
  co_return out;
}

}  // namespace triagent::s1
