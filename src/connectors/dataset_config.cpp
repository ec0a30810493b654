#include "triagent/connectors/dataset_config.hpp"

#include <string_view>

namespace triagent {

namespace {

Error bad(const std::string& key, const std::string& rule) {
  return make_error(ErrorCode::invalid_argument, "connectors.dataset." + key + ": " + rule);
}

bool is_header_safe(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// scheme://host[:port]: the connector adds the API paths itself.
Result<void> check_base_url(const std::string& url, const std::string& key) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return bad(key, "must start with https:// (or http:// for a local simulator)");
  }
  if (rest.empty()) return bad(key, "has no host");
  for (char c : rest) {
    if (c == '/' || c == '?' || c == '#' || c == '@' || !is_header_safe(std::string_view(&c, 1))) {
      return bad(key, "must be scheme://host[:port] with no path");
    }
  }
  return {};
}

// Keys travel in a header line: printable ASCII without spaces. The value itself is never echoed.
Result<void> check_key(const Secret& key, const std::string& name) {
  if (!is_header_safe(key.reveal())) return bad(name, "must be printable ASCII without spaces");
  return {};
}

Result<void> check_path(const std::string& path, const std::string& key) {
  if (path.empty() || path.front() != '/' || path.back() == '/') return bad(key, "must start with '/' and not end with '/'");
  for (char c : path) {
    if (c == '?' || c == '#' || !is_header_safe(std::string_view(&c, 1))) return bad(key, "must be a plain URL path");
  }
  return {};
}

Result<void> check_account_selector(const DataSetConfig& c) {
  for (const std::string& id : c.account_ids) {
    if (id.empty() || !is_header_safe(id)) return bad("account_ids", "entries must be non-empty ids without spaces");
  }
  // The LRQ API answers 400 to accountIds together with tenant:true (A.8).
  if (!c.account_ids.empty() && c.tenant.value_or(false)) return bad("tenant", "must not be true when account_ids is set");
  return {};
}

Result<void> check_add_events(const DataSetAddEventsConfig& a) {
  if (a.max_batch_bytes < 1024 || a.max_batch_bytes > kDataSetAddEventsHardMaxBytes) {
    return bad("add_events.max_batch_bytes", "must be within [1024, " + std::to_string(kDataSetAddEventsHardMaxBytes) + "]");
  }
  if (a.server_host.empty()) return bad("add_events.server_host", "must be set");
  if (a.logfile.empty()) return bad("add_events.logfile", "must be set");
  if (a.parser.empty()) return bad("add_events.parser", "must be set");
  if (a.request_timeout_ms < 1'000 || a.request_timeout_ms > 600'000) {
    return bad("add_events.request_timeout_ms", "must be within [1000, 600000]");
  }
  return {};
}

Result<void> check_lrq(const DataSetLrqConfig& l) {
  if (!l.base_url.empty()) {
    if (auto ok = check_base_url(l.base_url, "lrq.base_url"); !ok) return ok;
  }
  if (auto ok = check_path(l.base_path, "lrq.base_path"); !ok) return ok;
  if (auto ok = check_key(l.token, "lrq.token"); !ok) return ok;
  // Queries expire ~30 s after the last poll (A.8).
  if (l.poll_interval_ms < 100 || l.poll_interval_ms > 10'000) return bad("lrq.poll_interval_ms", "must be within [100, 10000]");
  if (l.max_polls < 1 || l.max_polls > 10'000) return bad("lrq.max_polls", "must be within [1, 10000]");
  return {};
}

}  // namespace

Result<void> validate(const DataSetConfig& c) {
  if (auto ok = check_base_url(c.base_url, "base_url"); !ok) return ok;
  if (c.read_key.empty() && c.write_key.empty()) return bad("read_key", "read_key or write_key must be set");
  if (auto ok = check_key(c.read_key, "read_key"); !ok) return ok;
  if (auto ok = check_key(c.write_key, "write_key"); !ok) return ok;
  if (!c.scope.empty() && !is_header_safe(c.scope)) return bad("scope", "must be <accountId> or <accountId>:<siteId>");
  if (auto ok = check_account_selector(c); !ok) return ok;
  if (c.priority != "low" && c.priority != "high") return bad("priority", "must be low or high");
  if (c.query_timeout_ms < 1'000 || c.query_timeout_ms > 600'000) return bad("query_timeout_ms", "must be within [1000, 600000]");
  if (c.max_rows < 1 || c.max_rows > 5'000) return bad("max_rows", "must be within [1, 5000]");
  if (c.server_error_retry_ms < 1 || c.server_error_retry_ms > 3'600'000) {
    return bad("server_error_retry_ms", "must be within [1, 3600000]");
  }
  if (auto ok = check_add_events(c.add_events); !ok) return ok;
  return check_lrq(c.lrq);
}

std::string lrq_base_url(const DataSetConfig& config) {
  return config.lrq.base_url.empty() ? config.base_url : config.lrq.base_url;
}

}  // namespace triagent
