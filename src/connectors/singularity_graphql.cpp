#include "connectors/singularity_graphql.hpp"

#include <algorithm>
#include <cctype>

#include "connectors/singularity_http.hpp"
#include "connectors/singularity_json.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::s1 {

using nlohmann::json;

namespace {

bool mentions(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

ErrorCode code_for(std::string_view extension_code, std::string_view message) {
  if (extension_code == "UNAUTHENTICATED") return ErrorCode::unauthenticated;
  if (extension_code == "FORBIDDEN" || extension_code == "UNAUTHORIZED") return ErrorCode::forbidden;
  if (extension_code == "NOT_FOUND") return ErrorCode::not_found;
  if (extension_code == "BAD_USER_INPUT" || extension_code.starts_with("GRAPHQL_")) return ErrorCode::invalid_argument;
  if (mentions(message, "permission")) return ErrorCode::forbidden;
  return ErrorCode::unavailable;
}

Error with_status(Error e, int status) {
  e.upstream_status = status;
  return e;
}

// Whether an entry of `list` has this `id`.
bool lists_id(const json* list, std::string_view id) {
  for (const auto& entry : array_or_empty(list)) {
    if (text(member(entry, "id")) == id) return true;
  }
  return false;
}

std::string failure_message(const json* failures, std::string_view id) {
  for (const auto& entry : array_or_empty(failures)) {
    if (text(member(entry, "id")) == id) return printable(text(member(entry, "errorMessage")));
  }
  return {};
}

}  // namespace

std::optional<Error> graphql_error(const json& body, std::string_view what, const Secret& token) {
  const json* errors = member(body, "errors");
  if (errors == nullptr || !errors->is_array() || errors->empty()) return std::nullopt;
  std::vector<std::string> texts = error_texts(body);
  std::string message = std::string(what) + ": GraphQL error: ";
  if (texts.empty()) {
    message += "unspecified";
  } else {
    for (std::size_t i = 0; i < texts.size(); ++i) message += (i ? "; " : "") + texts[i];
  }
  std::string extension_code = text(path(errors->front(), {"extensions", "code"}));
  ErrorCode code = code_for(extension_code, texts.empty() ? std::string_view() : std::string_view(texts.front()));
  return Error{code, scrub(std::move(message), token)};  // in case the caller did not scrub the body
}

boost::asio::awaitable<Result<json>> call_graphql(const Upstream& upstream, const Secret& token, std::string query,
                                                  json variables, CallOptions options, std::string what) {
  json request{{"query", std::move(query)}, {"variables", std::move(variables)}};
  HttpRequest http = make_request(upstream, token, "POST", api_path(kGraphqlEndpoint), to_body(request));
  Result<HttpResponse> answer = co_await call_upstream(upstream, std::move(http), std::move(options));
  if (!answer) {
    Error e = answer.error();
    e.message = scrub(std::move(e.message), token);
    co_return e;
  }
  const HttpResponse& response = *answer;
  if (response.status < 200 || response.status > 299) co_return response_error(response, what, token);
  // Scrubbed first: error texts below are cut short, which could leave part of an echoed token.
  auto body = parse_untrusted_json(scrub(response.body, token));
  if (!body || !body->is_object()) {
    co_return with_status(Error{ErrorCode::unavailable, what + ": answer is not a JSON object"}, response.status);
  }
  if (auto e = graphql_error(*body, what, token)) co_return with_status(std::move(*e), response.status);
  const json* data = member(*body, "data");
  if (data == nullptr || !data->is_object()) {
    co_return with_status(Error{ErrorCode::unavailable, what + ": answer has no data"}, response.status);
  }
  co_return *data;
}

Result<void> trigger_outcome(const json& data, std::string_view action_id, std::string_view alert_id,
                             std::string_view what) {
  const std::string prefix(what);
  const json* result = member(data, "alertTriggerActions");
  if (result == nullptr || !result->is_object()) {
    return Error{ErrorCode::unavailable, prefix + ": answer has no alertTriggerActions result"};
  }
  if (std::vector<std::string> texts = error_texts(*result); !texts.empty()) {
    return Error{code_for("", texts.front()), prefix + ": " + texts.front()};
  }
  const json* actions = member(*result, "actions");
  const json* action = nullptr;
  for (const auto& a : array_or_empty(actions)) {
    if (text(member(a, "actionId")) == action_id) action = &a;
  }
  if (action == nullptr) {
    // An unknown action id comes back as an empty list, silently (apis.md B.7).
    return Error{ErrorCode::invalid_argument, prefix + ": action " + std::string(action_id) + " was not run"};
  }
  if (lists_id(member(*action, "failure"), alert_id)) {
    std::string why = failure_message(member(*action, "failure"), alert_id);
    if (why.empty()) why = "no reason given";
    return Error{code_for("", why), prefix + ": refused: " + why};
  }
  if (lists_id(member(*action, "skip"), alert_id))
    return Error{ErrorCode::conflict, prefix + ": skipped by the server"};
  if (!lists_id(member(*action, "success"), alert_id)) {
    return Error{ErrorCode::unavailable, prefix + ": the alert is not listed as updated"};
  }
  return {};
}

}  // namespace triagent::s1
