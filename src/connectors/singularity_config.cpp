#include "triagent/connectors/singularity_config.hpp"

#include "connectors/singularity_url.hpp"

namespace triagent {

namespace {

Error bad(const std::string& key, const std::string& rule) {
  return make_error(ErrorCode::invalid_argument, "connectors.singularity." + key + ": " + rule);
}

// scheme://host[:port] only: the connectors add /web/api/v2.1 themselves.
Result<void> check_base_url(const std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return bad("base_url", "must start with https:// (or http:// for a local simulator)");
  }
  if (rest.empty()) return bad("base_url", "has no host");
  for (char c : rest) {
    if (c == '/' || c == '?' || c == '#' || c == '@' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return bad("base_url", "must be scheme://host[:port] with no path (the API path /web/api/v2.1 is added)");
    }
  }
  return {};
}

Result<void> check_token(const Secret& token) {
  if (token.empty()) return bad("api_token", "must be set");
  for (char c : token.reveal()) {
    // It goes into a header line: no spaces, controls or non-ASCII bytes.
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return bad("api_token", "must be printable ASCII without spaces");
    }
  }
  return {};
}

Result<void> check_scope(const std::vector<std::string>& ids, const std::string& key) {
  if (auto ok = s1::check_ids(ids, "connectors.singularity." + key); !ok) return ok;
  return {};
}

Result<void> check_deep_visibility(const DeepVisibilityConfig& dv) {
  if (dv.poll_interval_ms < 1 || dv.poll_interval_ms > 60'000) {
    return bad("deep_visibility.poll_interval_ms", "must be within [1, 60000]");
  }
  if (dv.max_polls < 1 || dv.max_polls > 10'000) return bad("deep_visibility.max_polls", "must be within [1, 10000]");
  if (dv.page_limit < 1 || dv.page_limit > 1000) return bad("deep_visibility.page_limit", "must be within [1, 1000]");
  if (dv.max_events < 1 || dv.max_events > 20'000) {
    return bad("deep_visibility.max_events", "must be within [1, 20000] (init-query's limit)");
  }
  if (!(dv.status_requests_per_second > 0) || dv.status_requests_per_second > 1000) {
    return bad("deep_visibility.status_requests_per_second", "must be within (0, 1000]");
  }
  return {};
}

}  // namespace

Result<void> validate(const SingularityConfig& c) {
  if (auto ok = check_base_url(c.base_url); !ok) return ok;
  if (auto ok = check_token(c.api_token); !ok) return ok;
  if (auto ok = check_scope(c.account_ids, "account_ids"); !ok) return ok;
  if (auto ok = check_scope(c.site_ids, "site_ids"); !ok) return ok;
  if (c.page_size < 1 || c.page_size > 1000) return bad("page_size", "must be within [1, 1000]");
  if (c.max_pages < 1 || c.max_pages > 1000) return bad("max_pages", "must be within [1, 1000]");
  return check_deep_visibility(c.deep_visibility);
}

}  // namespace triagent
